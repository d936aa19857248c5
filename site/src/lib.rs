//! `edict doc`: the policy as a static site that officials, reviewers and the public can read.
//!
//! The site is generated from the checked workspace (doc comments, tests) and its compiled
//! artifact (rules, tables, sets, dated values, catalogues, sources). It works opened from
//! disk (`file://`) and served (`edict serve --docs DIR`), needs no network (no CDN), and is
//! readable without JavaScript; with it, a date control picks the table in force and, when
//! served, a form asks the decision API.
//!
//! - [`model`]: what the pages are made from.
//! - [`lang`]: English and Chinese: the site's own words, dates, lengths of time, lists.
//! - [`words`]: rules and outcomes as sentences, from their structure and the labels.
//! - [`html`]: escaping, the page frame, links.
//! - [`svg`]: timeline charts drawn by Edict.
//! - `pages/`: one module per kind of page.

pub mod html;
pub mod lang;
pub mod model;
mod pages;
pub mod svg;
pub mod words;

use std::path::Path;

use edict_compiler::Analysis;

/// A generated site: files by their path relative to the site's root.
#[derive(Debug, Default)]
pub struct Site {
    pub files: Vec<(String, Vec<u8>)>,
}

impl Site {
    fn add(&mut self, path: impl Into<String>, content: impl Into<Vec<u8>>) {
        self.files.push((path.into(), content.into()));
    }

    /// The paths of the HTML pages.
    pub fn pages(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| p.ends_with(".html"))
    }
}

/// Builds the site of a workspace that checks and compiles: every page in English at the root
/// and in Simplified Chinese under `zh/`, at the same paths.
pub fn build(analysis: &Analysis) -> Result<Site, String> {
    let policy = model::Policy::new(analysis)?;
    // The two languages' pages are made side by side, one thread each.
    let made: Vec<Site> = std::thread::scope(|s| {
        let handles: Vec<_> = lang::Lang::ALL
            .into_iter()
            .map(|lang| {
                let policy = &policy;
                s.spawn(move || {
                    let mut site = Site::default();
                    pages_in(&model::Model { lang, policy }, lang.prefix(), &mut site);
                    site
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    if made.len() != lang::Lang::ALL.len() {
        return Err("making the pages of one language failed".into());
    }
    Ok(Site {
        files: made.into_iter().flat_map(|s| s.files).collect(),
    })
}

/// The pages of one language, under `prefix`, with the assets they load.
fn pages_in(m: &model::Model, prefix: &str, site: &mut Site) {
    let mut add = |path: String, content: String| site.add(format!("{prefix}{path}"), content);
    add(
        "style.css".into(),
        include_str!("../assets/style.css").into(),
    );
    add("site.js".into(), include_str!("../assets/site.js").into());
    let entries = pages::entry::EntryPages::new(m);
    add(
        "search-index.js".into(),
        pages::search_index(m, &entries.entries),
    );
    let days = pages::changes::days(m);
    add("index.html".into(), pages::index(m, &days));
    for (day, changes) in &days {
        add(
            pages::changes::path(*day),
            pages::changes::day(m, *day, changes),
        );
    }
    for s in &m.artifact.sources {
        add(html::path("sources", &s.name), pages::source(m, s));
    }
    for (i, d) in m.artifact.decisions.iter().enumerate() {
        add(
            html::path("decisions", &d.name),
            pages::decision(m, i as u32, d),
        );
    }
    for s in &m.artifact.sets {
        add(html::path("sets", &s.name), pages::set(m, s));
    }
    for v in &m.artifact.values {
        add(html::path("values", &v.name), pages::value(m, v));
    }
    for &(t, e) in &entries.entries {
        add(pages::entry::path(m, t, e), pages::entry(&entries, m, t, e));
    }
    for (i, t) in m.artifact.catalogue.entity_types.iter().enumerate() {
        add(
            html::path("catalogues", &t.name),
            pages::catalogue(m, i as u32, t),
        );
    }
}

/// Writes a site to `out`, replacing what was there only once every file is written: the
/// files go to a new folder beside it, which is then renamed into place.
pub fn write(site: &Site, out: &Path) -> Result<(), String> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("`{}` is not a folder name", out.display()))?;
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    let tmp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    // Two writers, each every other file: on two cores the pages are written in about half
    // the time.
    let write_every = |from: usize| -> Result<(), String> {
        for (path, content) in site.files.iter().skip(from).step_by(2) {
            let p = tmp.join(path);
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
            }
            std::fs::write(&p, content)
                .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
        }
        Ok(())
    };
    std::thread::scope(|s| {
        let other = s.spawn(|| write_every(1));
        let mine = write_every(0);
        let other = other
            .join()
            .unwrap_or_else(|_| Err("a writer of the site failed".into()));
        mine.and(other)
    })?;
    let old = parent.join(format!(".{name}.{}.old", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old)
            .map_err(|e| format!("cannot move the old `{}` aside: {e}", out.display()))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| format!("cannot write `{}`: {e}", out.display()))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}
