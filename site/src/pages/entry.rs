//! A page per catalogue entry that a set names (a port, a country): what applies there or to
//! them, since when and on whose authority; the search leads to these pages.

use std::collections::{BTreeSet, HashMap, HashSet};

use edict_runtime::artifact::{Domain, SetTimeline, Test};

use super::decision::outcome_html;
use super::{citation_html, source::item_heading};
use crate::html::{esc, page, titled_link};
use crate::lang::{capitalize, Lang};
use crate::model::Model;
use crate::words::outcome_words;

/// What the entry pages are made from, found once for all of them.
pub struct EntryPages {
    /// The entries with a page of their own: every member of a set, in any of its versions,
    /// as (entity type, entity).
    pub entries: BTreeSet<(u32, u32)>,
    /// For each set, the rules that test membership of it.
    testing: Vec<Vec<String>>,
}

impl EntryPages {
    pub fn new(m: &Model) -> EntryPages {
        EntryPages {
            entries: with_pages(m),
            testing: rules_testing(m),
        }
    }
}

fn with_pages(m: &Model) -> BTreeSet<(u32, u32)> {
    m.artifact
        .sets
        .iter()
        .filter_map(|s| match s.domain {
            Domain::Entity(t) => Some((t, s)),
            Domain::Enum(_) => None,
        })
        .flat_map(|(t, s)| {
            s.slices
                .iter()
                .flat_map(move |x| x.members.iter().map(move |&e| (t, e)))
        })
        .collect()
}

/// The page of an entry, below `entries/TYPE/`.
pub fn path(m: &Model, t: u32, e: u32) -> String {
    let cat = &m.artifact.catalogue;
    let ty = cat
        .entity_types
        .get(t as usize)
        .map_or("", |t| t.name.as_str());
    let name = cat
        .entity_types
        .get(t as usize)
        .and_then(|t| t.entities.get(e as usize))
        .map_or("", |e| e.name.as_str());
    format!(
        "entries/{}/{}.html",
        crate::html::slug(ty),
        crate::html::slug(name)
    )
}

/// The entry and its ancestors, nearest first, as (entity type, entity).
fn lineage(m: &Model, t: u32, e: u32) -> Vec<(u32, u32)> {
    let types = &m.artifact.catalogue.entity_types;
    let mut out = vec![(t, e)];
    let (mut t, mut e) = (t, e);
    while let (Some(pt), Some(pe)) = (
        types.get(t as usize).and_then(|x| x.parent_type),
        types
            .get(t as usize)
            .and_then(|x| x.entities.get(e as usize))
            .and_then(|x| x.parent),
    ) {
        out.push((pt, pe));
        (t, e) = (pt, pe);
        if out.len() > 16 {
            break; // the catalogue is checked acyclic; this only bounds a damaged one
        }
    }
    out
}

/// A name for a reader: the name in the page's language, with the other language's beside it.
fn display(m: &Model, t: u32, e: u32) -> (String, Option<String>) {
    let (_, en, zh) = m.entity_label(t, e);
    let here = m.entity_name(t, e);
    let other = match m.lang {
        Lang::En => zh,
        Lang::Zh => en,
    };
    (here.clone(), other.filter(|o| *o != here))
}

/// The periods in which `member` is in `set`: (from, until, index of the slice that added it).
fn stretches(set: &SetTimeline, member: u32) -> Vec<(Option<i64>, Option<i64>, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(Option<i64>, usize)> = None;
    for (i, slice) in set.slices.iter().enumerate() {
        let now = slice.members.contains(&member);
        match (open, now) {
            (None, true) => open = Some((slice.from, i)),
            (Some((from, at)), false) => {
                out.push((from, slice.from, at));
                open = None;
            }
            _ => {}
        }
    }
    if let Some((from, at)) = open {
        out.push((from, None, at));
    }
    out
}

/// More rules of one decision than this testing a set are counted, not listed.
const LISTED: usize = 5;

/// For each set, the rules that test membership of it, each as a list item: what it gives,
/// in which decision, in force when (a decision with many such rules in one item).
fn rules_testing(m: &Model) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new(); m.artifact.sets.len()];
    for d in &m.artifact.decisions {
        // For each set: (first version of a rule, negated), found before any is written.
        let mut of_decision: Vec<Vec<(usize, bool)>> = vec![Vec::new(); m.artifact.sets.len()];
        // Versions of a rule share its name: the first stands for them, in force from the
        // first version's start to the last one's end.
        let mut rules: HashMap<&str, (usize, Option<i64>, Option<i64>)> = HashMap::new();
        for (i, r) in d.rules.iter().enumerate() {
            let e = rules.entry(&r.name).or_insert((i, r.from, r.until));
            e.1 = e.1.min(r.from);
            e.2 = if e.2.is_none() || r.until.is_none() {
                None
            } else {
                e.2.max(r.until)
            };
        }
        let mut listed: HashSet<(u32, usize, bool)> = HashSet::new();
        for row in &d.rows {
            let Some(r) = d.rules.get(row.rule as usize) else {
                continue;
            };
            let Some(&(first, _, _)) = rules.get(r.name.as_str()) else {
                continue;
            };
            for atom in &row.atoms {
                let Test::Member { set, negate } = atom.test else {
                    continue;
                };
                let Some(out) = of_decision.get_mut(set as usize) else {
                    continue;
                };
                if !listed.insert((set, first, negate)) {
                    continue;
                }
                out.push((first, negate));
            }
        }
        let l = m.lang;
        let decision = titled_link(2, "decisions", &d.name, m.title(&d.name));
        for (all, found) in out.iter_mut().zip(of_decision) {
            if found.len() > LISTED {
                all.push(match l {
                    Lang::En => format!(
                        "<li>Tested by {} rules of {decision}: their outcomes and periods are on its page</li>\n",
                        found.len()
                    ),
                    Lang::Zh => format!(
                        "<li>{decision}有{}条规则涉及它：结果与有效期见该页</li>\n",
                        found.len()
                    ),
                });
                continue;
            }
            for (first, negate) in found {
                let Some(r) = d.rules.get(first) else {
                    continue;
                };
                let Some(&(_, from, until)) = rules.get(r.name.as_str()) else {
                    continue;
                };
                let outcome = outcome_html(
                    m.lang,
                    &outcome_words(m, d, &m.engine.outcome_json(d, Some(first as u32))),
                );
                let rule = format!(
                    "<a href=\"../../{}#rule-{}\">{}</a>",
                    esc(&crate::html::path("decisions", &d.name)),
                    crate::html::slug(&r.name),
                    esc(m.title(&r.name))
                );
                let period = esc(&super::period(l, from, until));
                all.push(match (l, negate) {
                    (Lang::En, false) => format!(
                        "<li>{decision}, by the rule {rule} ({period}): <strong>{outcome}</strong></li>\n"
                    ),
                    (Lang::En, true) => format!(
                        "<li>{decision}: being in this list keeps the rule {rule} ({period}) from giving <strong>{outcome}</strong></li>\n"
                    ),
                    (Lang::Zh, false) => format!(
                        "<li>{decision}，依规则“{rule}”（{period}）：<strong>{outcome}</strong></li>\n"
                    ),
                    (Lang::Zh, true) => format!(
                        "<li>{decision}：列入此名单即不适用规则“{rule}”（{period}）的<strong>{outcome}</strong></li>\n"
                    ),
                });
            }
        }
    }
    out
}

pub fn entry(pages: &EntryPages, m: &Model, t: u32, e: u32) -> String {
    let a = &m.artifact;
    let l = m.lang;
    let here = path(m, t, e);
    let Some(ty) = a.catalogue.entity_types.get(t as usize) else {
        return page(m, &here, "?", "");
    };
    let (name, other) = display(m, t, e);
    let id = ty.entities.get(e as usize).map_or("", |x| x.name.as_str());
    let mut b = format!("<h1>{}", esc(&name));
    if let Some(o) = &other {
        b.push_str(&format!(
            " <span lang=\"{}\">{}</span>",
            l.other().html(),
            esc(o)
        ));
    }
    b.push_str("</h1>\n");
    let within: Vec<String> = lineage(m, t, e)
        .into_iter()
        .skip(1)
        .map(|(pt, pe)| esc(&display(m, pt, pe).0))
        .collect();
    let kind = esc(&capitalize(m.title(&ty.name)));
    let catalogue = titled_link(2, "catalogues", &ty.name, m.title(&ty.name));
    b.push_str(&match l {
        Lang::En => format!(
            "<p class=\"lead\">{kind} <code>{}</code>{} in the catalogue {catalogue}.</p>\n",
            esc(id),
            if within.is_empty() {
                String::new()
            } else {
                format!(", in {},", within.join(", "))
            },
        ),
        Lang::Zh => format!(
            "<p class=\"lead\">{kind} <code>{}</code>{}，见目录{catalogue}。</p>\n",
            esc(id),
            if within.is_empty() {
                String::new()
            } else {
                format!("，位于{}", within.join("、"))
            },
        ),
    });
    // Its codes: every text attribute besides the names.
    let codes: Vec<String> = ty
        .attributes
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n != "name" && n != "name_zh")
        .filter_map(
            |(i, (n, _))| match ty.entities.get(e as usize)?.attributes.get(i)? {
                edict_runtime::Value::Text(v) => Some(format!(
                    "<dt>{}</dt><dd><code>{}</code></dd>",
                    esc(n),
                    esc(v)
                )),
                _ => None,
            },
        )
        .collect();
    if !codes.is_empty() {
        b.push_str(&format!(
            "<dl class=\"facts\">\n{}\n</dl>\n",
            codes.join("\n")
        ));
    }
    b.push_str(&format!(
        "<h2>{}</h2>\n",
        l.tr("What the policy says of it", "政策中与其相关的内容")
    ));
    let mut said = 0;
    for (through, (lt, le)) in lineage(m, t, e).into_iter().enumerate() {
        for (sid, set) in a.sets.iter().enumerate() {
            if set.domain != Domain::Entity(lt) {
                continue;
            }
            for (from, until, at) in stretches(set, le) {
                said += 1;
                b.push_str(&membership(
                    m,
                    pages.testing.get(sid).map_or(&[][..], Vec::as_slice),
                    set,
                    (from, until, at),
                    through,
                    (lt, le),
                ));
            }
        }
    }
    if said == 0 {
        b.push_str(&format!(
            "<p>{}</p>\n",
            l.tr("No list of the policy names it.", "政策的名单中没有它。")
        ));
    }
    page(m, &here, &format!("{} ({})", name, m.title(&ty.name)), &b)
}

/// One stretch of membership of the entry (or of an ancestor, `through` > 0) in a set, with the
/// rules that test the set.
fn membership(
    m: &Model,
    testing: &[String],
    set: &SetTimeline,
    (from, until, at): (Option<i64>, Option<i64>, usize),
    through: usize,
    (lt, le): (u32, u32),
) -> String {
    let l = m.lang;
    let when = if from.is_none() && until.is_none() {
        String::new()
    } else {
        super::period(l, from, until)
    };
    let via = if through > 0 {
        match l {
            Lang::En => format!(" (through {})", esc(&display(m, lt, le).0)),
            Lang::Zh => format!("（通过{}）", esc(&display(m, lt, le).0)),
        }
    } else {
        String::new()
    };
    let list = titled_link(2, "sets", &set.name, m.title(&set.name));
    let mut s = match l {
        Lang::En => format!(
            "<section class=\"rule\">\n<h3>In the {list}{}{via}</h3>\n",
            if when.is_empty() {
                String::new()
            } else {
                format!(" {}", esc(&when))
            }
        ),
        Lang::Zh => format!(
            "<section class=\"rule\">\n<h3>{}列入{list}{via}</h3>\n",
            esc(&when)
        ),
    };
    if let Some(c) = set.slices.get(at).and_then(|x| x.citation.as_ref()) {
        s.push_str(&format!(
            "<p>{} {}",
            l.tr("On the authority of", "依据"),
            citation_html(l, c, 2)
        ));
        if let Some(h) = c.item.and_then(|i| {
            let src = m.artifact.sources.iter().find(|x| x.name == c.source)?;
            item_heading(l, src, i)
        }) {
            s.push_str(&format!("{}<q>{}</q>", l.tr(": ", "："), esc(&h)));
        }
        s.push_str(l.tr(".</p>\n", "。</p>\n"));
    }
    if !testing.is_empty() {
        s.push_str("<ul>\n");
        s.extend(testing.iter().map(String::as_str));
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
    s
}
