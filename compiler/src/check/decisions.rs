//! Checks of decisions, their rules and their named conditions.

use edict_grammar::{HitPolicy, ItemKind, RuleDecl};

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::types::Ty;

impl Checker<'_> {
    pub(crate) fn decision_scope(&self, decision: &str) -> Option<(Scope, Ty, HitPolicy)> {
        let Some(DeclKind::Decision {
            params,
            output,
            hit,
        }) = self.index.kind(decision)
        else {
            return None;
        };
        let params = params
            .iter()
            .map(|(n, t)| (n.clone(), self.ty_of(t)))
            .collect();
        Some((
            Scope {
                params,
                decision: Some(decision.to_string()),
                dated: true,
            },
            self.ty_of(output),
            *hit,
        ))
    }

    pub(crate) fn decision(&mut self, d: &edict_grammar::DecisionDecl) {
        let mut params = Vec::new();
        for (i, p) in d.params.iter().enumerate() {
            let t = self.resolve_type(&p.ty);
            if d.params[..i].iter().any(|q| q.name.name == p.name.name) {
                let diag = self
                    .diag(
                        Code::E0102,
                        p.name.span,
                        format!("input `{}` is declared twice", p.name.name),
                    )
                    .label("declared again here");
                self.emit(diag);
            }
            params.push((p.name.name.clone(), t));
        }
        let output = self.resolve_type(&d.output);
        if !matches!(output, Ty::Record(_) | Ty::Error) {
            let diag = self
                .diag(
                    Code::E0208,
                    d.output.span,
                    format!(
                        "a decision's outcome must be a record, not {}",
                        output.describe()
                    ),
                )
                .label("not a record type")
                .help("declare the outcome with `record Name { field: Type, ... }`");
            self.emit(diag);
        }
        let mut facts: Vec<String> = params
            .iter()
            .map(|(n, t)| format!("input {n}: {t}"))
            .collect();
        facts.push(format!("outcome: {output}"));
        let hit = d.hit.map(|h| h.0).unwrap_or_default();
        facts.push(format!("hit: {}", hit.as_str()));
        let scope = Scope {
            params,
            decision: Some(d.name.name.clone()),
            dated: false,
        };
        match &d.as_of {
            Some(e) => {
                let t = self.infer(e, &scope, None);
                if !t.is_error() && !matches!(t.strip_optional(), Ty::Date | Ty::DateTime) {
                    let diag = self
                        .diag(Code::E0208, e.span, format!("`as of` must be a date or date-time, found {}", t.describe()))
                        .label(format!("this is {}", t.describe()))
                        .help("name the input that fixes the day the rules are read at, such as `t.arrival`");
                    self.emit(diag);
                }
                facts.push(format!("as of: {}", e));
            }
            None => {
                let diag = self
                    .diag(Code::E0107, d.name.span, format!("decision `{}` has no `as of`", d.name.name))
                    .label("which date are its rules and sets read at?")
                    .help("add `as of t.arrival` (a Date or DateTime input) inside the decision's braces");
                self.emit(diag);
            }
        }
        if let Some(z) = &d.zone {
            let t = self.infer(z, &scope, None);
            if !t.is_error() && !matches!(t.strip_optional(), Ty::Text) {
                let diag = self
                    .diag(Code::E0208, z.span, format!("`zone` must be a time zone's name, found {}", t.describe()))
                    .label(format!("this is {}", t.describe()))
                    .help("write an IANA name such as `zone \"Asia/Shanghai\"`, or a text attribute of an input's entry such as `zone t.arrival_port.time_zone`");
                self.emit(diag);
            }
            if let edict_grammar::ExprKind::Text(name) = &z.kind {
                if !edict_runtime::zone::is_time_zone(name) {
                    let zones: Vec<String> =
                        jiff::tz::db().available().map(|n| n.to_string()).collect();
                    let near =
                        edict_runtime::fuzzy::best_match(name, zones.iter().map(String::as_str));
                    let diag = self
                        .diag(Code::E0210, z.span, format!("`{name}` is not a time zone in the IANA database"))
                        .label("no such time zone")
                        .help(match near {
                            Some(n) => format!("did you mean `{n}`? Zones are named by region and city, such as `Asia/Shanghai`"),
                            None => "zones are named by region and city, such as `Asia/Shanghai` or `Asia/Urumqi`".to_string(),
                        });
                    self.emit(diag);
                }
            }
            facts.push(format!("zone: {}", z));
        }
        if let Some(o) = &d.otherwise {
            self.check_against(o, &scope, &output, "the `otherwise` outcome");
            facts.push(format!("otherwise: {}", o));
        }
        self.repeated(&d.repeated);
        self.fact("decision", &d.name.name, facts);
    }

    pub(crate) fn condition(&mut self, c: &edict_grammar::ConditionDecl) {
        let facts = vec![format!("for: {}", c.decision.name)];
        if self.index.broken.contains_key(&c.decision.name) {
            // The decision does not parse: its inputs are unknown, and its error says why.
            return;
        }
        let scope = match self.decision_scope(&c.decision.name) {
            Some((scope, _, _)) => scope,
            None => {
                self.not_a_decision(&c.decision);
                Scope::default()
            }
        };
        match &c.when {
            Some(w) => {
                self.check_against(w, &scope, &Ty::Bool, "the condition");
                if let Some(path) = self.condition_cycle(&c.name.name) {
                    let d = self
                        .diag(
                            Code::E0401,
                            c.name.span,
                            format!("`{}` is made of itself: {}", c.name.name, path.join(" → ")),
                        )
                        .label("this condition comes back to itself")
                        .help("a condition may use only conditions that do not use it");
                    self.emit(d);
                }
            }
            None => {
                let d = self
                    .diag(
                        Code::E0107,
                        c.name.span,
                        format!("condition `{}` has no `when`", c.name.name),
                    )
                    .label("what must hold?")
                    .help("write `when` and the condition, as in a rule");
                self.emit(d);
            }
        }
        self.repeated(&c.repeated);
        self.fact("condition", &c.name.name, facts);
    }

    /// The conditions a named condition's `when` uses by name.
    pub(crate) fn conditions_used(&self, name: &str) -> Vec<String> {
        let Some(def) = self.index.get(name) else {
            return Vec::new();
        };
        let parsed = crate::syntax::parse_file(self.db, def.file);
        let Some(ItemKind::Condition(c)) =
            parsed.items.get(def.decl.item as usize).map(|i| &i.kind)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(w) = &c.when {
            w.walk(&mut |e| {
                if let edict_grammar::ExprKind::Name(n) = &e.kind {
                    if matches!(self.index.kind(&n.name), Some(DeclKind::Condition { .. })) {
                        out.push(n.name.clone());
                    }
                }
            });
        }
        out
    }

    /// A way from a condition back to itself through the conditions it uses.
    pub(crate) fn condition_cycle(&self, start: &str) -> Option<Vec<String>> {
        let mut stack = vec![vec![start.to_string()]];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = path.last()?.clone();
            for next in self.conditions_used(&last) {
                let mut longer = path.clone();
                longer.push(next.clone());
                if next == start {
                    return Some(longer);
                }
                if seen.insert(next) {
                    stack.push(longer);
                }
            }
        }
        None
    }

    pub(crate) fn rule(&mut self, r: &RuleDecl) {
        let mut facts = vec![format!("for: {}", r.decision.name)];
        if self.index.broken.contains_key(&r.decision.name) {
            // The decision does not parse: its inputs are unknown, and its error says why.
            return;
        }
        let (scope, output, hit) = match self.decision_scope(&r.decision.name) {
            Some(s) => s,
            None => {
                self.not_a_decision(&r.decision);
                (Scope::default(), Ty::Error, HitPolicy::Unique)
            }
        };
        let from = self.literal_date(r.from.as_ref(), "the `from` of a rule");
        let until = self.literal_date(r.until.as_ref(), "the `until` of a rule");
        if let (Some(f), Some(u), Some(ue)) = (from, until, &r.until) {
            if u <= f {
                let d = self
                    .diag(Code::E0304, ue.span, format!("`until {u}` is not after `from {f}`"))
                    .label("the rule would never be in force")
                    .help("`until` is the first day the rule no longer applies; it must come after `from`");
                self.emit(d);
            }
        }
        facts.push(format!(
            "in force: {} .. {}",
            from.map_or("always".to_string(), |d| d.to_string()),
            until.map_or("open".to_string(), |d| d.to_string())
        ));
        if let Some(c) = &r.ended_by {
            if let Some(c) = self.citation(c) {
                facts.push(format!("ended by: {c}"));
            }
        }
        match &r.cite {
            Some(c) => {
                if let Some(c) = self.citation(c) {
                    facts.push(format!("cites: {c}"));
                }
                // Each value the outcome states, against what sources are known to say.
                if let Some(edict_grammar::ExprKind::Record(fields)) =
                    r.then.as_ref().map(|t| &t.kind)
                {
                    for f in fields {
                        self.weaker_source(c, &f.value);
                    }
                }
            }
            None => {
                let d = self
                    .diag(Code::W0502, r.name.span, format!("rule `{}` cites no source", r.name.name))
                    .label("where does this rule come from?")
                    .help("add `cite <source> item <n>` so decisions can say which announcement item applies");
                self.emit(d);
            }
        }
        match (&r.priority, hit) {
            (Some(p), HitPolicy::Priority) => {
                if let Some(v) = self.number(p, "the priority") {
                    facts.push(format!("priority: {v}"));
                }
            }
            (Some(p), other) if !output.is_error() => {
                let d = self
                    .diag(
                        Code::E0109,
                        p.span,
                        format!(
                            "decision `{}` uses `hit {}`, which ignores priorities",
                            r.decision.name,
                            other.as_str()
                        ),
                    )
                    .label("this priority has no effect")
                    .help("remove it, or declare `hit priority` in the decision");
                self.emit(d);
            }
            (None, HitPolicy::Priority) => {
                let d = self
                    .diag(
                        Code::E0109,
                        r.name.span,
                        format!("rule `{}` needs a priority", r.name.name),
                    )
                    .label(format!(
                        "decision `{}` uses `hit priority`",
                        r.decision.name
                    ))
                    .help("add `priority <n>`; the highest matching priority wins");
                self.emit(d);
            }
            _ => {}
        }
        if let Some(w) = &r.when {
            self.expect_bool(w, &scope, "a `when` clause is a condition: true or false");
            facts.push(format!("when: {}", w));
        }
        match &r.then {
            Some(t) => {
                self.check_against(t, &scope, &output, "the `then` outcome");
                facts.push(format!("then: {}", t));
            }
            None => {
                let d = self
                    .diag(
                        Code::E0107,
                        r.name.span,
                        format!("rule `{}` has no `then`", r.name.name),
                    )
                    .label("what does this rule decide?")
                    .help("add `then { ... }` with the decision's outcome");
                self.emit(d);
            }
        }
        self.repeated(&r.repeated);
        self.fact("rule", &r.name.name, facts);
    }

    pub(crate) fn not_a_decision(&mut self, ident: &edict_grammar::Ident) {
        match self.index.kind(&ident.name) {
            Some(other) => {
                let noun = other.with_article();
                let d = self
                    .diag(
                        Code::E0104,
                        ident.span,
                        format!("`{}` is {noun}, not a decision", ident.name),
                    )
                    .label("a decision is expected here");
                self.emit(d);
            }
            None => {
                let names = self.names_where(|k| matches!(k, DeclKind::Decision { .. }));
                self.unknown(ident, "decision", names);
            }
        }
    }
}
