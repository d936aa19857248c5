//! Plain words: a rule's conditions and a decision's outcome as sentences in the reader's
//! language, built from the rule's structure and the policy's labels ("your nationality is one
//! of the 55 countries eligible for visa-free transit"; "您的国籍属于免签过境适用国家(共55个)").
//!
//! Each construct has a sentence pattern per language; names are read through their labels
//! (`labels` items), entries by their names, lengths of time and dates in the reader's units.
//! What has no pattern (an expression the patterns do not cover) is shown as code, so nothing
//! is ever left out: the code view beside it is the rule as written.

use edict_grammar::{BinOp, Expr, ExprKind};
use edict_runtime::artifact::DecisionTable;
use edict_runtime::value::{parse_date, parse_datetime, parse_duration};
use edict_runtime::{TypeDesc, Value};
use serde_json::Value as Json;

use crate::html::{esc, titled_link};
use crate::lang::Lang;
use crate::model::Model;

/// Sentences about one decision's inputs, for pages `depth` folders below the root.
pub struct Words<'a> {
    m: &'a Model<'a>,
    d: &'a DecisionTable,
    depth: usize,
}

impl<'a> Words<'a> {
    pub fn new(m: &'a Model<'a>, d: &'a DecisionTable, depth: usize) -> Words<'a> {
        Words { m, d, depth }
    }

    fn lang(&self) -> Lang {
        self.m.lang
    }

    /// A condition as sentences, one per part of a conjunction (HTML).
    pub fn conditions(&self, e: &Expr) -> Vec<String> {
        let mut parts = Vec::new();
        conjuncts(e, &mut parts);
        parts.into_iter().map(|p| self.sentence(p)).collect()
    }

    /// One condition as a sentence (HTML).
    fn sentence(&self, e: &Expr) -> String {
        let l = self.lang();
        match &e.kind {
            ExprKind::Paren(inner) => self.sentence(inner),
            ExprKind::Binary(BinOp::And, _, _) => {
                let parts = self.conditions(e);
                l.and_list(&parts)
            }
            ExprKind::Binary(BinOp::Or, _, _) => {
                let mut parts = Vec::new();
                disjuncts(e, &mut parts);
                let parts: Vec<String> = parts.into_iter().map(|p| self.sentence(p)).collect();
                match l {
                    Lang::En => format!("either {}", l.or_list(&parts)),
                    Lang::Zh => l.or_list(&parts),
                }
            }
            ExprKind::Not(inner) => match l {
                Lang::En => format!("it is not so that {}", self.sentence(inner)),
                Lang::Zh => format!("并非{}", self.sentence(inner)),
            },
            ExprKind::Binary(op @ (BinOp::In | BinOp::NotIn), a, s) => self.membership(*op, a, s),
            ExprKind::Binary(op, a, b) if op.is_comparison() => self.comparison(*op, a, b),
            // A yes/no input: its label is a statement ("you stay in the terminal").
            ExprKind::Field(..) => self.term(e),
            // A named condition: its label, or what it says.
            ExprKind::Name(n) => match self.m.label(&n.name) {
                Some(label) => esc(label),
                None => match self.m.conditions.get(&n.name) {
                    Some(when) => self.sentence(when),
                    None => self.code(e),
                },
            },
            _ => self.code(e),
        }
    }

    /// `a in S`, `a not in S`, `a in [x, y]`.
    fn membership(&self, op: BinOp, a: &Expr, s: &Expr) -> String {
        let l = self.lang();
        let not = op == BinOp::NotIn;
        let who = self.term(a);
        if let ExprKind::List(items) = &s.kind {
            let items: Vec<String> = items.iter().map(|i| self.term(i)).collect();
            return match (l, not) {
                (Lang::En, false) => format!("{who} is {}", l.or_list(&items)),
                (Lang::En, true) => format!("{who} is neither {}", items.join(" nor ")),
                (Lang::Zh, false) => format!("{who}为{}", l.or_list(&items)),
                (Lang::Zh, true) => format!("{who}不是{}", l.or_list(&items)),
            };
        }
        let ExprKind::Name(n) = &s.kind else {
            return self.code_of(a, op, s);
        };
        let Some(set) = self.m.artifact.sets.iter().find(|x| x.name == n.name) else {
            return self.code_of(a, op, s);
        };
        let count = set
            .slices
            .last()
            .map_or(0, |x| x.announced.map_or(x.members.len(), |a| a as usize));
        let link = titled_link(self.depth, "sets", &set.name, self.m.title(&set.name));
        // A city tested against regions: it lies in one of them.
        let inside = self.entity_type_of(a).is_some_and(|t| match set.domain {
            edict_runtime::artifact::Domain::Entity(st) => st != t,
            edict_runtime::artifact::Domain::Enum(_) => false,
        });
        match (l, not, inside) {
            (Lang::En, false, false) => format!("{who} is one of the {count} {link}"),
            (Lang::En, true, false) => format!("{who} is not one of the {count} {link}"),
            (Lang::En, false, true) => format!("{who} is in one of the {count} {link}"),
            (Lang::En, true, true) => format!("{who} is in none of the {count} {link}"),
            (Lang::Zh, false, false) => format!("{who}属于{link}（共{count}个）"),
            (Lang::Zh, true, false) => format!("{who}不属于{link}（共{count}个）"),
            (Lang::Zh, false, true) => format!("{who}位于{link}（共{count}个）之一"),
            (Lang::Zh, true, true) => format!("{who}不在{link}（共{count}个）之内"),
        }
    }

    /// `a == b`, `a != b`, `a > b` (times), `a - b <= limit`.
    fn comparison(&self, op: BinOp, a: &Expr, b: &Expr) -> String {
        let l = self.lang();
        // `later - earlier <= limit`: "later is at most limit after earlier".
        if let ExprKind::Binary(BinOp::Sub, later, earlier) = &strip(a).kind {
            let (later, earlier, limit) = (self.term(later), self.term(earlier), self.term(b));
            let bound = match (l, op) {
                (Lang::En, BinOp::Le) => "at most",
                (Lang::En, BinOp::Lt) => "less than",
                (Lang::En, BinOp::Ge) => "at least",
                (Lang::En, BinOp::Gt) => "more than",
                (Lang::En, BinOp::Eq) => "exactly",
                (Lang::Zh, BinOp::Le) => "不超过",
                (Lang::Zh, BinOp::Lt) => "少于",
                (Lang::Zh, BinOp::Ge) => "至少",
                (Lang::Zh, BinOp::Gt) => "超过",
                (Lang::Zh, BinOp::Eq) => "恰好",
                _ => return self.code_of(a, op, b),
            };
            return match l {
                Lang::En => format!("{later} is {bound} {limit} after {earlier}"),
                Lang::Zh => format!("{later}在{earlier}之后{bound}{limit}"),
            };
        }
        let (x, y) = (self.term(a), self.term(b));
        let times = matches!(self.type_of(a), Some(TypeDesc::Date | TypeDesc::DateTime));
        let word = match (l, op, times) {
            (Lang::En, BinOp::Eq, _) => "is",
            (Lang::En, BinOp::Ne, _) => "is not",
            (Lang::En, BinOp::Gt, true) => "is after",
            (Lang::En, BinOp::Ge, true) => "is not before",
            (Lang::En, BinOp::Lt, true) => "is before",
            (Lang::En, BinOp::Le, true) => "is not after",
            (Lang::En, BinOp::Gt, false) => "is more than",
            (Lang::En, BinOp::Ge, false) => "is at least",
            (Lang::En, BinOp::Lt, false) => "is less than",
            (Lang::En, BinOp::Le, false) => "is at most",
            (Lang::Zh, BinOp::Eq, _) => "为",
            (Lang::Zh, BinOp::Ne, _) => "不是",
            (Lang::Zh, BinOp::Gt, true) => "晚于",
            (Lang::Zh, BinOp::Ge, true) => "不早于",
            (Lang::Zh, BinOp::Lt, true) => "早于",
            (Lang::Zh, BinOp::Le, true) => "不晚于",
            (Lang::Zh, BinOp::Gt, false) => "超过",
            (Lang::Zh, BinOp::Ge, false) => "至少为",
            (Lang::Zh, BinOp::Lt, false) => "少于",
            (Lang::Zh, BinOp::Le, false) => "不超过",
            _ => return self.code_of(a, op, b),
        };
        match l {
            Lang::En => format!("{x} {word} {y}"),
            Lang::Zh => format!("{x}{word}{y}"),
        }
    }

    /// A value in a sentence (HTML): an input by its label, an entry by its name, a dated
    /// value by its label and value, a literal in the reader's units.
    pub fn term(&self, e: &Expr) -> String {
        let l = self.lang();
        match &e.kind {
            ExprKind::Paren(inner) => self.term(inner),
            ExprKind::Field(base, f) => {
                // `t.nationality`: the input's field; `t.arrival_port.city`: the city of it.
                if let Some(TypeDesc::Record(r)) = self.type_of(base) {
                    let rec = &self.m.artifact.records[*r as usize];
                    let label = self.m.label(&format!("{}.{}", rec.name, f.name));
                    return esc(label.unwrap_or(&f.name.replace('_', " ")));
                }
                let of = self.term(base);
                let what = self
                    .m
                    .label(&crate::lang::capitalize(&f.name))
                    .map_or(f.name.replace('_', " "), str::to_string);
                match l {
                    Lang::En => format!("the {} of {of}", esc(&what)),
                    Lang::Zh => format!("{of}所在{}", esc(&what)),
                }
            }
            ExprKind::Name(n) => {
                let a = &self.m.artifact;
                if let Some(v) = a.values.iter().find(|v| v.name == n.name) {
                    let link = titled_link(self.depth, "values", &v.name, self.m.title(&v.name));
                    // A value that never changed is said; one that did is named.
                    let values: Vec<&str> = v
                        .entries
                        .iter()
                        .filter(|x| x.key.is_none())
                        .map(|x| x.value.as_str())
                        .collect();
                    return match values.as_slice() {
                        [one] => match l {
                            Lang::En => format!("{} (the {link})", self.literal(one)),
                            Lang::Zh => format!("{}（{link}）", self.literal(one)),
                        },
                        _ => match l {
                            Lang::En => format!("the {link}"),
                            Lang::Zh => link,
                        },
                    };
                }
                if let Some(&(t, e)) = self.m.entries.get(&n.name) {
                    return esc(&self.m.entity_name(t, e));
                }
                for en in &a.catalogue.enums {
                    if en.variants.contains(&n.name) {
                        let path = format!("{}.{}", en.name, n.name);
                        return esc(self.m.label(&path).unwrap_or(&n.name));
                    }
                }
                esc(self.m.label(&n.name).unwrap_or(&n.name))
            }
            ExprKind::Duration(..) | ExprKind::Date(_) | ExprKind::DateTime(_) => {
                self.literal(&e.to_string())
            }
            ExprKind::Bool(b) => l
                .tr(if *b { "yes" } else { "no" }, if *b { "是" } else { "否" })
                .into(),
            ExprKind::Int(n) => esc(n),
            ExprKind::Text(t) => format!("“{}”", esc(t)),
            _ => self.code(e),
        }
    }

    /// A literal as written in a policy (`240h`, `2025-11-05`, `1y..5y`) in the reader's
    /// units.
    pub fn literal(&self, text: &str) -> String {
        literal_words(self.lang(), text)
    }

    fn code(&self, e: &Expr) -> String {
        format!("<code>{}</code>", esc(&e.to_string()))
    }

    fn code_of(&self, a: &Expr, op: BinOp, b: &Expr) -> String {
        format!(
            "<code>{} {} {}</code>",
            esc(&a.to_string()),
            op.as_str(),
            esc(&b.to_string())
        )
    }

    /// The type of an input path (`t`, `t.arrival`, `t.arrival_port.city`).
    fn type_of(&self, e: &Expr) -> Option<&'a TypeDesc> {
        let a = &self.m.artifact;
        match &strip(e).kind {
            ExprKind::Name(n) => self
                .d
                .params
                .iter()
                .find(|(p, _)| *p == n.name)
                .map(|(_, t)| t),
            ExprKind::Field(base, f) => match self.type_of(base)? {
                TypeDesc::Record(r) => a
                    .records
                    .get(*r as usize)?
                    .fields
                    .iter()
                    .find(|(n, _)| *n == f.name)
                    .map(|(_, t)| unoptional(t)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The entity type of an input path, through its ancestors (`t.arrival_port.city`).
    fn entity_type_of(&self, e: &Expr) -> Option<u32> {
        if let Some(TypeDesc::Entity(t)) = self.type_of(e) {
            return Some(*t);
        }
        let ExprKind::Field(base, f) = &strip(e).kind else {
            return None;
        };
        let types = &self.m.artifact.catalogue.entity_types;
        let mut t = self.entity_type_of(base)?;
        while let Some(p) = types.get(t as usize)?.parent_type {
            if types.get(p as usize)?.name.eq_ignore_ascii_case(&f.name) {
                return Some(p);
            }
            t = p;
        }
        None
    }

    /// An outcome (the engine's JSON of it) as "Heading: value" parts in the reader's words.
    pub fn outcome(&self, outcome: &Json) -> Vec<(String, String)> {
        outcome_words(self.m, self.d, outcome)
    }
}

/// An outcome's fields, each with its heading and value in words, absent fields left out.
pub fn outcome_words(m: &Model, d: &DecisionTable, outcome: &Json) -> Vec<(String, String)> {
    let Some(rec) = m.artifact.records.get(d.output as usize) else {
        return Vec::new();
    };
    let Json::Object(o) = outcome else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (f, ty) in &rec.fields {
        let Some(v) = o.get(f).filter(|v| !v.is_null()) else {
            continue;
        };
        let heading = m
            .label(&format!("{}.{f}", rec.name))
            .map_or_else(|| f.replace('_', " "), str::to_string);
        let text = match (unoptional(ty), v) {
            (TypeDesc::Enum(e), Json::String(s)) => {
                let name = m
                    .artifact
                    .catalogue
                    .enums
                    .get(*e as usize)
                    .map_or("", |e| e.name.as_str());
                m.label(&format!("{name}.{s}"))
                    .map_or_else(|| s.replace('_', " "), str::to_string)
            }
            (_, Json::String(s)) => {
                // Entries by their names, lengths and dates in the reader's units.
                match entity_named(m, s) {
                    Some(n) => n,
                    None => literal_plain(m.lang, s),
                }
            }
            (_, Json::Bool(b)) => m
                .lang
                .tr(if *b { "yes" } else { "no" }, if *b { "是" } else { "否" })
                .into(),
            (_, other) => other.to_string(),
        };
        out.push((crate::lang::capitalize(&heading), text));
    }
    out
}

fn entity_named(m: &Model, name: &str) -> Option<String> {
    let &(t, e) = m.entries.get(name)?;
    Some(m.entity_name(t, e))
}

/// A literal in the reader's units, as HTML.
pub fn literal_words(l: Lang, text: &str) -> String {
    esc(&literal_plain(l, text))
}

/// A literal in the reader's units: `240h` → "240 hours (10 days)", `1y..5y` → "1 to 5 years",
/// `2025-11-05` → "5 November 2025"; anything else as written.
pub fn literal_plain(l: Lang, text: &str) -> String {
    if let Some((a, b)) = text.split_once("..") {
        let (x, y) = (literal_plain(l, a), literal_plain(l, b));
        // "1 to 5 years": the unit said once when both ends have it.
        if let (Some(Value::Period(p)), Some(Value::Period(q))) =
            (parse_duration(a), parse_duration(b))
        {
            if p % 12 == 0 && q % 12 == 0 {
                return match l {
                    Lang::En => format!("{} to {}", p / 12, l.period(q)),
                    Lang::Zh => format!("{}至{}", p / 12, l.period(q)),
                };
            }
        }
        return match l {
            Lang::En => format!("{x} to {y}"),
            Lang::Zh => format!("{x}至{y}"),
        };
    }
    match parse_duration(text) {
        Some(Value::Duration(s)) => return l.duration(s),
        Some(Value::Period(p)) => return l.period(p),
        _ => {}
    }
    if let Some(d) = parse_date(text) {
        return l.date(d);
    }
    if let Some(s) = parse_datetime(text) {
        let day = s.div_euclid(86_400);
        let rest = s.rem_euclid(86_400);
        return format!("{} {:02}:{:02}", l.date(day), rest / 3600, rest % 3600 / 60);
    }
    text.to_string()
}

fn strip(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(inner) => strip(inner),
        _ => e,
    }
}

fn unoptional(t: &TypeDesc) -> &TypeDesc {
    match t {
        TypeDesc::Optional(inner) => unoptional(inner),
        other => other,
    }
}

fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        ExprKind::Paren(inner) if matches!(inner.kind, ExprKind::Binary(BinOp::And, ..)) => {
            conjuncts(inner, out)
        }
        _ => out.push(e),
    }
}

fn disjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(BinOp::Or, a, b) => {
            disjuncts(a, out);
            disjuncts(b, out);
        }
        ExprKind::Paren(inner) => disjuncts(inner, out),
        _ => out.push(e),
    }
}
