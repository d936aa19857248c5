//! `covers SET` on a relation: every member of the set has an entry on every day it is a
//! member (E0310), so that a port designated without its stay limit or area is an error, not
//! a request no rule answers.

use edict_grammar::{Ident, ValueDecl};
use edict_runtime::value::date_to_days;
use jiff::civil::Date;

use super::Checker;
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::types::Ty;

/// A stretch of days, `from` included and `until` excluded (days since 1970-01-01; the ends
/// of time as `i64::MIN` and `i64::MAX`).
type Days = (i64, i64);

impl Checker<'_> {
    pub(crate) fn coverage(&mut self, v: &ValueDecl, covers: &Ident, key: &Ty) {
        let set = &covers.name;
        let elem = match self.index.kind(set) {
            Some(DeclKind::Set { elem, .. }) => self.ty_of(elem),
            Some(other) => {
                let d = self
                    .diag(
                        Code::E0104,
                        covers.span,
                        format!("`{set}` is {}, not a set", other.with_article()),
                    )
                    .label("a relation covers a set");
                self.emit(d);
                return;
            }
            None => {
                let sets = self.names_where(|k| matches!(k, DeclKind::Set { .. }));
                self.unknown(covers, "set", sets);
                return;
            }
        };
        let fits = match (&elem, key) {
            (Ty::Entity(e), Ty::Entity(k)) => self.index.type_within(e, k),
            (e, k) => e == k,
        };
        if !fits {
            if !elem.is_error() && !key.is_error() {
                let d = self
                    .diag(
                        Code::E0208,
                        covers.span,
                        format!(
                            "`{set}` is a set of {}; `{}` is keyed by {}",
                            elem.describe(),
                            v.name.name,
                            key.describe()
                        ),
                    )
                    .label("its members are not keys of this relation")
                    .help("cover a set of the key's type, or of a type inside it");
                self.emit(d);
            }
            return;
        }
        // An `otherwise` value holds for every key.
        if v.otherwise.is_some() {
            return;
        }
        let Some(timeline) = self.timelines.sets.get(set) else {
            return;
        };
        let values = crate::values::value_timelines(self.db, self.ws);
        let Some(relation) = values.values.get(&v.name.name) else {
            return;
        };
        // Each member's days in the set, in order.
        let mut member_days: std::collections::BTreeMap<&str, Vec<Days>> = Default::default();
        for (i, slice) in timeline.slices.iter().enumerate() {
            let until = timeline.slices.get(i + 1).and_then(|s| s.from);
            let days = (day(slice.from, i64::MIN), day(until, i64::MAX));
            if days.0 >= days.1 {
                continue;
            }
            for m in &slice.members {
                push_days(member_days.entry(m.as_str()).or_default(), days);
            }
        }
        let key_type = match key {
            Ty::Entity(k) => Some(k.as_str()),
            _ => None,
        };
        for (member, days) in member_days {
            // A member inside the key type is read through its ancestor of that type.
            let held_by = match key_type {
                Some(k) if self.index.entity_type_of(member) != Some(k) => self
                    .index
                    .entity_ancestors(member)
                    .into_iter()
                    .find(|a| self.index.entity_type_of(a) == Some(k)),
                _ => Some(member.to_string()),
            };
            let entries: Vec<Days> = held_by
                .as_ref()
                .and_then(|k| relation.keys.get(k))
                .map(|eras| {
                    eras.iter()
                        .map(|e| (day(e.from, i64::MIN), day(e.until, i64::MAX)))
                        .collect()
                })
                .unwrap_or_default();
            let gaps = subtract(&days, &entries);
            if gaps.is_empty() {
                continue;
            }
            let when: Vec<String> = gaps.iter().map(|g| describe(*g)).collect();
            let through = match &held_by {
                Some(k) if k != member => format!(" (read through `{k}`)"),
                _ => String::new(),
            };
            let first = gaps[0];
            let key_name = held_by.as_deref().unwrap_or(member);
            let entry = match first.0 {
                i64::MIN => format!("{key_name}: ..."),
                f => format!(
                    "{key_name}: ... from {}",
                    edict_runtime::value::format_date(f)
                ),
            };
            let d = self
                .diag(
                    Code::E0310,
                    covers.span,
                    format!(
                        "`{}` has no entry for `{member}`{through}, a member of `{set}`, {}",
                        v.name.name,
                        join(&when)
                    ),
                )
                .label(format!("every member of `{set}` needs an entry"))
                .help(format!(
                    "add `{entry}` to `{}` with its citation, or an `otherwise` line for the members without one",
                    v.name.name
                ));
            self.emit(d);
        }
    }
}

fn day(d: Option<Date>, none: i64) -> i64 {
    d.map_or(none, date_to_days)
}

/// Appends `d` to days in order, joined with the last stretch when they meet.
fn push_days(days: &mut Vec<Days>, d: Days) {
    match days.last_mut() {
        Some(last) if last.1 >= d.0 => last.1 = last.1.max(d.1),
        _ => days.push(d),
    }
}

/// The days of `days` outside every stretch of `minus`.
fn subtract(days: &[Days], minus: &[Days]) -> Vec<Days> {
    let mut out = Vec::new();
    for &(mut from, until) in days {
        let mut cuts: Vec<Days> = minus
            .iter()
            .copied()
            .filter(|m| m.0 < until && from < m.1)
            .collect();
        cuts.sort_unstable();
        for (cf, cu) in cuts {
            if cf > from {
                out.push((from, cf));
            }
            from = from.max(cu);
        }
        if from < until {
            out.push((from, until));
        }
    }
    out
}

/// `from 2025-11-05`, `from 2025-11-05 until 2026-01-01`, `until 2026-01-01`, `always`.
fn describe((from, until): Days) -> String {
    use edict_runtime::value::format_date;
    match (from, until) {
        (i64::MIN, i64::MAX) => "on every day".to_string(),
        (i64::MIN, u) => format!("until {}", format_date(u)),
        (f, i64::MAX) => format!("from {}", format_date(f)),
        (f, u) => format!("from {} until {}", format_date(f), format_date(u)),
    }
}

fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_the_days_no_entry_holds() {
        assert_eq!(subtract(&[(0, 10)], &[(2, 4), (6, 20)]), [(0, 2), (4, 6)]);
        assert_eq!(subtract(&[(0, 10)], &[(i64::MIN, i64::MAX)]), []);
        assert_eq!(subtract(&[(0, 5), (7, 9)], &[]), [(0, 5), (7, 9)]);
        let mut days = vec![(0, 5)];
        push_days(&mut days, (5, 8));
        push_days(&mut days, (10, 12));
        assert_eq!(days, [(0, 8), (10, 12)]);
    }
}
