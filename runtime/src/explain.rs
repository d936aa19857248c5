//! Explanations: why a decision came out as it did, rule by rule.

use serde_json::{Map, Value as Json};

use crate::engine::{Answer, Engine, EvalError, Verdict};
use crate::value::{format_date, Value};

/// Why one rule did or did not apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    Matched,
    NotInForce,
    /// The text of the first condition that was false.
    FailedCondition(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub answer: Answer,
    /// Every rule of the decision, in order.
    pub rules: Vec<(u32, RuleStatus)>,
    /// For the deciding rule: what made its membership conditions true on the day.
    pub causes: Vec<Cause>,
}

/// What made a condition true on the day: `t.arrival_port in transit_ports` holds for
/// `hengqin` because an amendment from 2025-11-05, citing nia_2025_11 item 4, added it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// The condition as written.
    pub condition: String,
    /// The member the request names (`anqing (in yangtze_river_delta)` when the set holds an
    /// ancestor of it).
    pub member: String,
    /// The set's member that holds it: the entry itself, or its ancestor of the set's type.
    pub holder: String,
    /// The set it is a member of.
    pub set: String,
    /// The first day of its membership that lasts to the as-of day; `None`: since the set
    /// began without a date.
    pub since: Option<i64>,
    /// The citation of the set or amendment that made it a member.
    pub citation: Option<crate::artifact::Citation>,
}

/// A rule's period in words: `always`, `from 2025-11-05`, `from A until B`.
fn period(from: Option<i64>, until: Option<i64>) -> String {
    match (from, until) {
        (None, None) => "always".into(),
        (Some(f), None) => format!("from {}", format_date(f)),
        (None, Some(u)) => format!("until {}", format_date(u)),
        (Some(f), Some(u)) => format!("from {} until {}", format_date(f), format_date(u)),
    }
}

impl Engine {
    pub fn explain(&self, decision: u32, inputs: &[Value]) -> Result<Explanation, EvalError> {
        let answer = self.decide(decision, inputs)?;
        let Some(d) = self.decision(decision) else {
            return Err(EvalError::UnknownDecision(decision.to_string()));
        };
        let day = answer.day;
        let keys: Vec<_> = d.columns.iter().map(|c| self.key(c, inputs)).collect();
        // One line per rule: a rule compiled into versions (one per value it reads) is shown
        // by the version that matched, else the one in force that came closest.
        let mut rules: Vec<(u32, RuleStatus)> = Vec::new();
        let mut best_progress: Vec<usize> = Vec::new();
        for (i, rule) in d.rules.iter().enumerate() {
            let in_force = rule.from.is_none_or(|f| f <= day) && rule.until.is_none_or(|u| day < u);
            let holds = |cond: &crate::artifact::Condition| {
                cond.dnf.iter().any(|conj| {
                    conj.iter().all(|a| {
                        match (
                            d.columns.get(a.column as usize),
                            keys.get(a.column as usize),
                        ) {
                            (Some(col), Some(key)) => {
                                self.accepts(col, &a.test, a.absent, *key, day)
                            }
                            _ => false,
                        }
                    })
                })
            };
            // (status, how far it got: 0 not in force, 1 + conditions passed, MAX matched)
            let (status, progress) = if !in_force {
                (RuleStatus::NotInForce, 0)
            } else {
                match rule.conditions.iter().position(|c| !holds(c)) {
                    Some(k) => {
                        let c = &rule.conditions[k];
                        let text = match (&c.selects, c.dnf.as_slice()) {
                            (Some(read), _) => format!("`{read}` has no value for this request"),
                            // A condition of several parts (a named condition): which failed.
                            (None, [parts]) if parts.len() > 1 => {
                                let failed: Vec<String> = parts
                                    .iter()
                                    .filter(|a| {
                                        match (
                                            d.columns.get(a.column as usize),
                                            keys.get(a.column as usize),
                                        ) {
                                            (Some(col), Some(key)) => {
                                                !self.accepts(col, &a.test, a.absent, *key, day)
                                            }
                                            _ => true,
                                        }
                                    })
                                    .map(|a| {
                                        let col = d
                                            .columns
                                            .get(a.column as usize)
                                            .map(crate::engine::column_text)
                                            .unwrap_or_default();
                                        format!("{col} {}", crate::table::cell(self, d, a, day))
                                    })
                                    .collect();
                                format!("{} (the part that fails: {})", c.text, failed.join("; "))
                            }
                            (None, _) => c.text.clone(),
                        };
                        // A failed key test says only that this version is not the one.
                        let progress = if c.selects.is_some() { 1 } else { 2 + k };
                        (RuleStatus::FailedCondition(text), progress)
                    }
                    None => (RuleStatus::Matched, usize::MAX),
                }
            };
            let same_rule = i > 0 && d.rules[i - 1].name == rule.name;
            match (same_rule, rules.last_mut(), best_progress.last_mut()) {
                (true, Some(last), Some(best)) => {
                    if progress > *best {
                        *last = (i as u32, status);
                        *best = progress;
                    }
                }
                _ => {
                    rules.push((i as u32, status));
                    best_progress.push(progress);
                }
            }
        }
        let causes = match answer.verdict {
            Verdict::Rule(r) => self.causes(decision, r, &keys, day, false),
            _ => Vec::new(),
        };
        Ok(Explanation {
            answer,
            rules,
            causes,
        })
    }

    /// For each membership test of rule `r` that holds on `day`, the amendment that made the
    /// request's entry a member: the first of the set's versions, back from the day, that all
    /// hold it. Members since an undated beginning are left out (nothing changed for them)
    /// unless `undated` asks for them.
    pub(crate) fn causes(
        &self,
        decision: u32,
        r: u32,
        keys: &[crate::engine::Key],
        day: i64,
        undated: bool,
    ) -> Vec<Cause> {
        use crate::artifact::{Column, Domain, Test};
        let Some(d) = self.decision(decision) else {
            return Vec::new();
        };
        let Some(rule) = d.rules.get(r as usize) else {
            return Vec::new();
        };
        let artifact = self.artifact();
        let mut out = Vec::new();
        for cond in rule.conditions.iter().filter(|c| c.selects.is_none()) {
            for conj in &cond.dnf {
                for a in conj {
                    let (Some(col), Some(key)) = (
                        d.columns.get(a.column as usize),
                        keys.get(a.column as usize),
                    ) else {
                        continue;
                    };
                    let (
                        Test::Member { set, negate: false },
                        Column::Category {
                            path,
                            domain: Domain::Entity(ty),
                        },
                        crate::engine::Key::Category(member),
                    ) = (&a.test, col, *key)
                    else {
                        continue;
                    };
                    let Some(timeline) = artifact.sets.get(*set as usize) else {
                        continue;
                    };
                    let upto = timeline
                        .slices
                        .iter()
                        .rposition(|sl| sl.from.is_none_or(|f| f <= day));
                    let Some(upto) = upto else { continue };
                    // The set's member that holds the request's entry: the entry itself, or
                    // the ancestor of the set's type (a city's province in a set of provinces).
                    let crate::artifact::Domain::Entity(st) = timeline.domain else {
                        continue;
                    };
                    let holder = if st == *ty {
                        Some(member).filter(|m| timeline.slices[upto].members.contains(m))
                    } else {
                        self.chain(*ty, member)
                            .iter()
                            .find(|&&(at, ae)| {
                                at == st && timeline.slices[upto].members.contains(&ae)
                            })
                            .map(|&(_, ae)| ae)
                    };
                    let Some(holder) = holder else { continue };
                    let mut first = None;
                    for i in (0..=upto).rev() {
                        if timeline.slices[i].members.contains(&holder) {
                            first = Some(i);
                        } else {
                            break;
                        }
                    }
                    let Some(slice) = first.map(|i| &timeline.slices[i]) else {
                        continue;
                    };
                    if slice.from.is_none() && !undated {
                        continue;
                    }
                    let entity_name = |t: u32, e: u32| {
                        artifact
                            .catalogue
                            .entity_types
                            .get(t as usize)
                            .and_then(|t| t.entities.get(e as usize))
                            .map_or(String::new(), |e| e.name.clone())
                    };
                    let name = if st == *ty {
                        entity_name(*ty, member)
                    } else {
                        format!(
                            "{} (in {})",
                            entity_name(*ty, member),
                            entity_name(st, holder)
                        )
                    };
                    let holder = entity_name(st, holder);
                    let cause = Cause {
                        condition: format!("{} in {}", path.text, timeline.name),
                        member: name,
                        holder,
                        set: timeline.name.clone(),
                        since: slice.from,
                        citation: slice.citation.clone(),
                    };
                    if !out.contains(&cause) {
                        out.push(cause);
                    }
                }
            }
        }
        out
    }

    pub fn explanation_json(&self, e: &Explanation) -> Json {
        let mut out = match self.answer_json(&e.answer) {
            Json::Object(o) => o,
            _ => Map::new(),
        };
        let Some(d) = self.decision(e.answer.decision) else {
            return Json::Object(out);
        };
        let rules: Vec<Json> = e
            .rules
            .iter()
            .map(|(r, status)| {
                let mut o = Map::new();
                let rule = d.rules.get(*r as usize);
                o.insert(
                    "rule".into(),
                    Json::String(rule.map_or(String::new(), |r| r.name.clone())),
                );
                let (s, why) = match status {
                    RuleStatus::Matched => ("matched", Json::Null),
                    RuleStatus::NotInForce => {
                        let period = rule.map_or(String::new(), |r| {
                            format!(
                                "in force {} to {}{}",
                                r.from.map_or("always".into(), format_date),
                                r.until.map_or("open".into(), format_date),
                                ended_by_text(r)
                            )
                        });
                        (
                            "not_in_force",
                            Json::String(format!("{period}, not on {}", format_date(e.answer.day))),
                        )
                    }
                    RuleStatus::FailedCondition(c) => ("condition_failed", Json::String(c.clone())),
                };
                o.insert("status".into(), Json::String(s.into()));
                o.insert("reason".into(), why);
                if matches!(status, RuleStatus::Matched) && !e.causes.is_empty() {
                    o.insert(
                        "because".into(),
                        Json::Array(e.causes.iter().map(cause_json).collect()),
                    );
                }
                if let Some(rule) = rule.filter(|r| !r.bindings.is_empty()) {
                    o.insert(
                        "reads".into(),
                        Json::Array(rule.bindings.iter().map(binding_json).collect()),
                    );
                }
                Json::Object(o)
            })
            .collect();
        out.insert("rules".into(), Json::Array(rules));
        Json::Object(out)
    }

    /// A readable explanation for people.
    pub fn explanation_text(&self, e: &Explanation) -> String {
        let Some(d) = self.decision(e.answer.decision) else {
            return String::new();
        };
        let mut out = format!("{} as of {}: ", d.name, format_date(e.answer.day));
        let name = |r: &u32| {
            d.rules
                .get(*r as usize)
                .map_or(String::new(), |r| r.name.clone())
        };
        match &e.answer.verdict {
            Verdict::Rule(r) => {
                out.push_str(&format!("decided by rule `{}`\n", name(r)));
                if let Some(rule) = d.rules.get(*r as usize) {
                    out.push_str(&format!("  outcome: {}\n", self.outcome_json(d, Some(*r))));
                    if let Some(c) = &rule.citation {
                        let item = c.item.map_or(String::new(), |i| format!(", item {i}"));
                        out.push_str(&format!("  cites: {} ({}){item}\n", c.source, c.title));
                    }
                    out.push_str(&format!(
                        "  at: {}:{}:{}\n",
                        rule.location.file, rule.location.line, rule.location.column
                    ));
                    out.push_str(&format!("  in force: {}\n", period(rule.from, rule.until)));
                    for c in &e.causes {
                        out.push_str(&format!("  because: {}\n", cause_text(c)));
                    }
                    for b in &rule.bindings {
                        out.push_str(&format!("  reads: {}\n", binding_text(b)));
                        for x in &b.differs {
                            out.push_str(&format!("    {}\n", disagreement_text(x)));
                        }
                    }
                }
            }
            Verdict::Otherwise => out.push_str(&format!(
                "no rule applies; otherwise {}\n",
                self.outcome_json(d, None)
            )),
            Verdict::NoMatch => {
                out.push_str("no rule applies and the decision has no `otherwise`\n")
            }
            Verdict::Collect(rs) => {
                let names: Vec<String> = rs.iter().map(|r| format!("`{}`", name(r))).collect();
                out.push_str(&format!("collected {}\n", names.join(", ")));
            }
            Verdict::Conflict(rs) => {
                let names: Vec<String> = rs.iter().map(|r| format!("`{}`", name(r))).collect();
                out.push_str(&format!(
                    "conflict: {} all match a `unique` decision\n",
                    names.join(", ")
                ));
            }
        }
        for (r, status) in &e.rules {
            let line = match status {
                RuleStatus::Matched => "matched".to_string(),
                RuleStatus::NotInForce => match d.rules.get(*r as usize) {
                    Some(rule) if rule.written.1.is_some_and(|u| u <= e.answer.day) => format!(
                        "not in force on that day: ended on {}{}",
                        rule.written.1.map_or(String::new(), format_date),
                        ended_by_text(rule)
                    ),
                    _ => "not in force on that day".to_string(),
                },
                RuleStatus::FailedCondition(c) => format!("failed: {c}"),
            };
            out.push_str(&format!("  - {}: {line}\n", name(r)));
        }
        out
    }
}

/// `t.arrival_port in transit_ports: hengqin since 2025-11-05 (nia_2025_11 item 4)`
pub fn cause_text(c: &Cause) -> String {
    let mut out = format!("{}: {}", c.condition, c.member);
    if let Some(f) = c.since {
        out.push_str(&format!(" since {}", format_date(f)));
    }
    if let Some(cite) = &c.citation {
        out.push_str(&format!(" ({})", citation_text(cite)));
    }
    out
}

/// `nia_2025_11 item 4`, or the source alone.
pub fn citation_text(c: &crate::artifact::Citation) -> String {
    match c.item {
        Some(i) => format!("{} item {i}", c.source),
        None => c.source.clone(),
    }
}

/// `but nia_2025_11 item 4 (an aggregator's text) says 144h: "144-hour visa-free transit"`
pub fn disagreement_text(d: &crate::artifact::Disagreement) -> String {
    let mut out = format!("but {}", citation_text(&d.citation));
    if let Some(k) = d.kind {
        out.push_str(&format!(" ({})", k.describe()));
    }
    out.push_str(&format!(" says {}", d.says));
    if let Some(q) = &d.quote {
        out.push_str(&format!(": {q:?}"));
    }
    out
}

pub fn disagreement_json(d: &crate::artifact::Disagreement) -> Json {
    let mut m = Map::new();
    m.insert("source".into(), Json::String(d.citation.source.clone()));
    m.insert(
        "item".into(),
        d.citation.item.map_or(Json::Null, Json::from),
    );
    m.insert(
        "kind".into(),
        d.kind
            .map_or(Json::Null, |k| Json::String(k.as_str().into())),
    );
    m.insert("says".into(), Json::String(d.says.clone()));
    m.insert(
        "quote".into(),
        d.quote.clone().map_or(Json::Null, Json::String),
    );
    Json::Object(m)
}

pub fn cause_json(c: &Cause) -> Json {
    let mut m = Map::new();
    m.insert("condition".into(), Json::String(c.condition.clone()));
    m.insert("member".into(), Json::String(c.member.clone()));
    m.insert("set".into(), Json::String(c.set.clone()));
    m.insert(
        "since".into(),
        c.since.map_or(Json::Null, |d| Json::String(format_date(d))),
    );
    m.insert(
        "citation".into(),
        c.citation.as_ref().map_or(Json::Null, |c| {
            let mut m = Map::new();
            m.insert("source".into(), Json::String(c.source.clone()));
            m.insert("item".into(), c.item.map_or(Json::Null, Json::from));
            Json::Object(m)
        }),
    );
    Json::Object(m)
}

/// `transit_stay_limit = 240h (from 2024-12-17, nia_2024_12 item 1)`
pub fn binding_text(b: &crate::artifact::Binding) -> String {
    let mut origin = Vec::new();
    if b.read.contains('[') {
        match &b.keys {
            Some(keys) if keys.len() <= 3 => origin.push(format!("entry of {}", keys.join(", "))),
            Some(keys) => origin.push(format!("entry of {} keys", keys.len())),
            None => origin.push("otherwise".to_string()),
        }
    }
    if let Some(f) = b.from {
        origin.push(format!("from {}", format_date(f)));
    }
    if let Some(u) = b.until {
        origin.push(format!("until {}", format_date(u)));
    }
    if let Some(c) = &b.citation {
        origin.push(match c.item {
            Some(i) => format!("{} item {i}", c.source),
            None => c.source.clone(),
        });
    }
    if origin.is_empty() {
        format!("{} = {}", b.read, b.value)
    } else {
        format!("{} = {} ({})", b.read, b.value, origin.join(", "))
    }
}

pub fn binding_json(b: &crate::artifact::Binding) -> Json {
    let mut o = Map::new();
    o.insert("read".into(), Json::String(b.read.clone()));
    o.insert("value".into(), Json::String(b.value.clone()));
    o.insert(
        "keys".into(),
        b.keys.as_ref().map_or(Json::Null, |k| {
            Json::Array(k.iter().map(|x| Json::String(x.clone())).collect())
        }),
    );
    o.insert(
        "from".into(),
        b.from.map_or(Json::Null, |d| Json::String(format_date(d))),
    );
    o.insert(
        "until".into(),
        b.until.map_or(Json::Null, |d| Json::String(format_date(d))),
    );
    o.insert(
        "citation".into(),
        b.citation.as_ref().map_or(Json::Null, |c| {
            let mut m = Map::new();
            m.insert("source".into(), Json::String(c.source.clone()));
            m.insert("item".into(), c.item.map_or(Json::Null, Json::from));
            Json::Object(m)
        }),
    );
    if !b.differs.is_empty() {
        o.insert(
            "differs".into(),
            Json::Array(b.differs.iter().map(disagreement_json).collect()),
        );
    }
    Json::Object(o)
}

/// `` by nia_2024_12_17 item 1`` for a rule ended by a later announcement (`until .. by`),
/// else nothing.
pub fn ended_by_text(rule: &crate::artifact::RuleInfo) -> String {
    match &rule.ended_by {
        Some(c) => match c.item {
            Some(i) => format!(" by {} item {i}", c.source),
            None => format!(" by {}", c.source),
        },
        None => String::new(),
    }
}
