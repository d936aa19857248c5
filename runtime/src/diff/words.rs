//! Regions in words: members listed or by complement (whichever is shorter), with counts; the
//! name of a set whose members they are on every day of the region; intervals with the bounds a
//! reader would write (`more than 72h, at most 144h`, never `259201s`); periods of days.

use std::collections::BTreeSet;

use super::cells::{domain_name, MergedColumn, Pair};
use super::{Selection, Values};
use crate::analysis::number_type;
use crate::artifact::{Column, Domain};
use crate::engine::Engine;
use crate::value::{format_date, TypeDesc};

/// How many names a list shows before `and N more`.
const SHOWN: usize = 10;

/// A region's values in one column, in words and in parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Description {
    /// For people: `hengqin, hzmb (2 of 40)`, `any but cn, hk (57 of 59)`,
    /// `transit_ports (18 of 40)`, `more than 0h, at most 144h`.
    pub text: String,
    /// The set whose members these values are on every day of the region.
    pub set: Option<String>,
    /// Whether that is the set as the old version has it (the new version's differs).
    pub set_as_it_was: bool,
    /// Whether `listed` holds the values left out rather than the values in.
    pub complement: bool,
    /// Values by name: the members, or (by complement) the values left out.
    pub listed: Vec<String>,
    /// How many values of the column are in, of how many compared.
    pub count: usize,
    pub of: usize,
    /// Intervals with both bounds included, in the column's units (`None`: unbounded).
    pub intervals: Vec<(Option<String>, Option<String>)>,
    /// Values of the region only the new version's catalogue has.
    pub new_in_catalogue: Vec<String>,
    /// Values of the region only the old version's catalogue has.
    pub gone_from_catalogue: Vec<String>,
}

/// A period of days: `at all times`, `from 2025-11-05`, `before 2025-11-05`,
/// `2024-12-17 to 2025-06-11` (both days included), `on 2025-11-05`.
pub fn describe_period(from: Option<i64>, until: Option<i64>) -> String {
    match (from, until) {
        (None, None) => "at all times".into(),
        (Some(a), None) => format!("from {}", format_date(a)),
        (None, Some(b)) => format!("before {}", format_date(b)),
        (Some(a), Some(b)) if b == a + 1 => format!("on {}", format_date(a)),
        (Some(a), Some(b)) => format!("{} to {}", format_date(a), format_date(b - 1)),
    }
}

fn list(names: &[String]) -> String {
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!(
            "{}, and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    }
}

fn with_absent(text: String, sel: &Selection, empty: bool) -> String {
    match (sel.absent, empty) {
        (true, true) => "absent".into(),
        (true, false) => format!("{text}, or absent"),
        (false, _) => text,
    }
}

pub(super) fn describe(
    pair: &Pair,
    col: &MergedColumn,
    sel: &Selection,
    full: Option<&Selection>,
    from: Option<i64>,
    until: Option<i64>,
) -> Description {
    let mut d = Description {
        text: String::new(),
        set: None,
        set_as_it_was: false,
        complement: false,
        listed: Vec::new(),
        count: 0,
        of: 0,
        intervals: Vec::new(),
        new_in_catalogue: Vec::new(),
        gone_from_catalogue: Vec::new(),
    };
    let column = col.column(pair);
    match &sel.values {
        Values::Names(names) => {
            let all: BTreeSet<String> = match full.map(|f| &f.values) {
                Some(Values::Names(all)) => all.clone(),
                _ => names.clone(),
            };
            d.count = names.len();
            d.of = all.len();
            if let Some((set, as_it_was)) = set_named(pair, col, names, from, until) {
                d.set = Some(set);
                d.set_as_it_was = as_it_was;
            }
            let rest: Vec<String> = all.difference(names).cloned().collect();
            d.complement = d.set.is_none() && !rest.is_empty() && rest.len() < names.len();
            d.listed = if d.complement {
                rest
            } else {
                names.iter().cloned().collect()
            };
            let counted = format!("({} of {})", d.count, d.of);
            let text = match (&d.set, d.complement) {
                (Some(set), _) if d.set_as_it_was => {
                    format!("the set {set} as it was {counted}")
                }
                (Some(set), _) => format!("the set {set} {counted}"),
                (None, true) => format!("any but {} {counted}", list(&d.listed)),
                (None, false) => format!("{} {counted}", list(&d.listed)),
            };
            d.text = with_absent(text, sel, names.is_empty());
            (d.new_in_catalogue, d.gone_from_catalogue) = one_sided_names(pair, col, names);
            for (names, what) in [
                (&d.new_in_catalogue, "new in the catalogue"),
                (&d.gone_from_catalogue, "gone from the catalogue"),
            ] {
                if names.is_empty() {
                    continue;
                }
                if names.len() == d.count {
                    d.text.push_str(&format!(", all {what}"));
                } else {
                    d.text.push_str(&format!("; {} {what}", list(names)));
                }
            }
        }
        Values::SetOnEachDay {
            set,
            as_it_was,
            stretches,
        } => {
            d.set = Some(set.clone());
            d.set_as_it_was = *as_it_was;
            d.of = match full.map(|f| &f.values) {
                Some(Values::Names(all)) => all.len(),
                _ => 0,
            };
            d.count = stretches.first().map_or(0, |(_, m)| m.len());
            // `12 of 49, then 7 from 2026-06-01, 3 from 2026-06-09`
            let counts: Vec<String> = stretches
                .iter()
                .enumerate()
                .map(|(i, (day, members))| match (i, day) {
                    (0, _) | (_, None) => format!("{} of {}", members.len(), d.of),
                    (1, Some(day)) => format!("then {} from {}", members.len(), format_date(*day)),
                    (_, Some(day)) => format!("{} from {}", members.len(), format_date(*day)),
                })
                .collect();
            let stands = if *as_it_was {
                "as it was"
            } else {
                "as it stands"
            };
            d.text = with_absent(
                format!("the set {set} {stands} each day ({})", counts.join(", ")),
                sel,
                false,
            );
        }
        Values::Flags(flags) => {
            let same = matches!(column, Some((Column::Same { .. }, _, _)));
            let words: Vec<&str> = flags
                .iter()
                .map(|b| match (same, b) {
                    (true, true) => "equal",
                    (true, false) => "different",
                    (false, true) => "true",
                    (false, false) => "false",
                })
                .collect();
            d.count = flags.len();
            d.of = 2;
            d.text = with_absent(words.join(" or "), sel, flags.is_empty());
        }
        Values::Intervals(spans) => {
            let ty = match column {
                Some((Column::Number { expr, .. }, engine, table)) => {
                    number_type(engine, table, expr)
                }
                _ => None,
            };
            let engine = column.map_or(pair.new, |(_, e, _)| e);
            let f = |x: i64| engine.format_number(ty.as_ref(), x);
            d.intervals = spans
                .iter()
                .map(|(lo, hi)| (lo.map(f), hi.map(|h| f(h - 1))))
                .collect();
            let text = spans
                .iter()
                .map(|span| interval(ty.as_ref(), *span, &f))
                .collect::<Vec<_>>()
                .join("; ");
            d.text = with_absent(text, sel, spans.is_empty());
        }
    }
    d
}

/// The set whose members are exactly `names` on every day of the period: one of the column's
/// side, else one of the other side (a region often is what a set used to hold), with whether
/// it is the old side's own (`as it was`).
pub(super) fn set_named(
    pair: &Pair,
    col: &MergedColumn,
    names: &BTreeSet<String>,
    from: Option<i64>,
    until: Option<i64>,
) -> Option<(String, bool)> {
    let Some((Column::Category { domain, .. }, engine, _)) = col.column(pair) else {
        return None;
    };
    if let Some(set) = named_set(engine, *domain, names, from, until) {
        return Some((set, false));
    }
    let other = if col.new.is_some() {
        pair.old
    } else {
        pair.new
    };
    let other_domain = match col.old.and_then(|i| pair.old_table.columns.get(i)) {
        Some(Column::Category { domain, .. }) if col.new.is_some() => *domain,
        _ => return None,
    };
    named_set(other, other_domain, names, from, until).map(|set| (set, col.new.is_some()))
}

/// The name of a set of `domain` whose members are exactly `names` on every day of the period.
fn named_set(
    engine: &Engine,
    domain: Domain,
    names: &BTreeSet<String>,
    from: Option<i64>,
    until: Option<i64>,
) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    engine
        .artifact()
        .sets
        .iter()
        .filter(|s| s.domain == domain)
        .find(|s| {
            // The days on which the set may differ within the period: its start, and every
            // amendment inside it.
            let starts = std::iter::once(from).chain(
                s.slices
                    .iter()
                    .filter_map(|x| x.from)
                    .filter(|f| from.is_none_or(|a| *f > a) && until.is_none_or(|u| *f < u))
                    .map(Some),
            );
            starts.into_iter().all(|day| {
                let version = s.slices.iter().rev().find(|x| match (x.from, day) {
                    (None, _) => true,
                    (Some(f), Some(d)) => f <= d,
                    (Some(_), None) => false,
                });
                let members: BTreeSet<String> = version
                    .map(|v| {
                        v.members
                            .iter()
                            .filter_map(|m| domain_name(engine, domain, *m))
                            .collect()
                    })
                    .unwrap_or_default();
                members == *names
            })
        })
        .map(|s| s.name.clone())
}

/// How round a number is as the column's unit goes: a bound that is a whole number of days or
/// hours is the one an author wrote.
fn roundness(ty: Option<&TypeDesc>, x: i64) -> u8 {
    match ty {
        Some(TypeDesc::Duration | TypeDesc::DateTime) => {
            if x % 86_400 == 0 {
                4
            } else if x % 3600 == 0 {
                3
            } else if x % 60 == 0 {
                2
            } else {
                1
            }
        }
        Some(TypeDesc::Period) => u8::from(x % 12 == 0) + 1,
        _ => 1,
    }
}

/// `[lo, hi)` in words, with whichever of each bound's two forms is rounder.
fn interval(
    ty: Option<&TypeDesc>,
    (lo, hi): (Option<i64>, Option<i64>),
    f: &dyn Fn(i64) -> String,
) -> String {
    if matches!(ty, Some(TypeDesc::Date)) {
        return match (lo, hi) {
            (None, None) => "any".into(),
            (Some(l), None) => format!("from {}", f(l)),
            (None, Some(h)) => format!("before {}", f(h)),
            (Some(l), Some(h)) if h == l + 1 => f(l),
            (Some(l), Some(h)) => format!("{} to {}", f(l), f(h - 1)),
        };
    }
    // Each bound: (inclusive?, value).
    let lower = lo.map(|l| {
        if roundness(ty, l - 1) > roundness(ty, l) {
            (false, l - 1)
        } else {
            (true, l)
        }
    });
    let upper = hi.map(|h| {
        if roundness(ty, h) > roundness(ty, h - 1) {
            (false, h)
        } else {
            (true, h - 1)
        }
    });
    match (lower, upper) {
        (None, None) => "any".into(),
        (Some((true, l)), Some((true, h))) if l == h => f(l),
        (Some((true, l)), Some((true, h))) => format!("{} to {}", f(l), f(h)),
        (l, u) => {
            let mut parts = Vec::new();
            match l {
                Some((true, x)) => parts.push(format!("at least {}", f(x))),
                Some((false, x)) => parts.push(format!("more than {}", f(x))),
                None => {}
            }
            match u {
                Some((true, x)) => parts.push(format!("at most {}", f(x))),
                Some((false, x)) => parts.push(format!("less than {}", f(x))),
                None => {}
            }
            parts.join(", ")
        }
    }
}

/// The names of a category column's selection that only the new, or only the old, catalogue
/// has (for a column both sides test).
fn one_sided_names(
    pair: &Pair,
    col: &MergedColumn,
    names: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let domain = |i: Option<usize>, d: &crate::artifact::DecisionTable| match i
        .and_then(|i| d.columns.get(i))
    {
        Some(Column::Category { domain, .. }) => Some(*domain),
        _ => None,
    };
    let (Some(nd), Some(od)) = (
        domain(col.new, pair.new_table),
        domain(col.old, pair.old_table),
    ) else {
        return (Vec::new(), Vec::new());
    };
    let known = |e: &Engine, d: Domain, n: &str| super::cells::domain_index(e, d, n).is_some();
    let new_only = names
        .iter()
        .filter(|n| !known(pair.old, od, n))
        .cloned()
        .collect();
    let old_only = names
        .iter()
        .filter(|n| !known(pair.new, nd, n))
        .cloned()
        .collect();
    (new_only, old_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_read_as_written() {
        let h = 3600;
        let words = |x: i64| crate::value::format_duration(x);
        let int = |x: i64| x.to_string();
        let dur = Some(&TypeDesc::Duration);
        // `> 0` and `<= 144h`: the breaks are 1s and 144h + 1s.
        assert_eq!(
            interval(dur, (Some(1), Some(144 * h + 1)), &words),
            "more than 0h, at most 144h"
        );
        assert_eq!(
            interval(dur, (Some(72 * h + 1), None), &words),
            "more than 72h"
        );
        assert_eq!(interval(dur, (None, Some(24 * h)), &words), "less than 24h");
        assert_eq!(
            interval(dur, (Some(24 * h), Some(48 * h)), &words),
            "at least 24h, less than 48h"
        );
        assert_eq!(
            interval(Some(&TypeDesc::Int), (Some(1), Some(4)), &int),
            "1 to 3"
        );
        assert_eq!(
            interval(Some(&TypeDesc::Int), (Some(2), Some(3)), &int),
            "2"
        );
    }

    #[test]
    fn periods_include_both_days() {
        assert_eq!(describe_period(Some(10), Some(11)), "on 1970-01-11");
        assert_eq!(
            describe_period(Some(10), Some(20)),
            "1970-01-11 to 1970-01-20"
        );
        assert_eq!(describe_period(None, Some(20)), "before 1970-01-21");
    }
}
