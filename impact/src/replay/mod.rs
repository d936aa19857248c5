//! `edict replay`: every request of a decision log decided again under the version that
//! answered it (found by its SHA-256 in an artifact store), each answer compared with the one
//! logged. A difference is a bug or an altered log; a line that cannot be replayed (not a log
//! line, cut off, its version missing from the store) is counted with its place. With a new
//! version (`--under`), each request is also decided under it, and the lines it would answer
//! differently are counted by answer and by the diff's citation that causes the change.

mod line;
mod log;
pub mod render;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};

use edict_runtime::diff::{answer_side, diff_with, refused_side, Change, DecisionDiff};
use edict_runtime::store::ArtifactStore;
use edict_runtime::Engine;
use serde_json::Value as Json;

use line::Line;
pub use log::{files, Location};

/// The bytes `replay` will read from `paths` (for a progress bar).
pub fn total_bytes(paths: &[PathBuf]) -> u64 {
    files(paths)
        .map(|fs| {
            fs.iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// A file read, with its number of lines.
#[derive(Clone, Debug)]
pub struct LogFile {
    pub path: PathBuf,
    pub lines: u64,
}

/// A line answered otherwise than the log says.
#[derive(Clone, Debug)]
pub struct Difference {
    pub at: Location,
    pub request_id: String,
    pub time: String,
    pub decision: String,
    pub artifact_sha256: String,
    pub logged: Json,
    /// The answer replayed, or why the request is refused now.
    pub replayed: Result<Json, String>,
    /// The answer's fields that differ (all of them when the request is refused).
    pub fields: Vec<String>,
}

/// Lines counted together (for one reason they could not be replayed, or for one way a new
/// version answers them), with the first few places.
#[derive(Clone, Debug, Default)]
pub struct Counted {
    pub lines: u64,
    /// The first few places, in order.
    pub examples: Vec<Location>,
}

/// What the new version (`--under`) would answer.
#[derive(Clone, Debug, Default)]
pub struct Under {
    pub artifact_sha256: String,
    /// Lines it answers as the logged version did.
    pub same: u64,
    /// By (decision, before, after, cause): lines answered differently.
    pub changed: BTreeMap<(String, String, String, String), Counted>,
    /// By reason: lines it cannot decide (a decision it lacks, an entry its catalogue lacks).
    pub undecided: BTreeMap<String, Counted>,
}

impl Under {
    pub fn changed_lines(&self) -> u64 {
        self.changed.values().map(|s| s.lines).sum()
    }

    pub fn undecided_lines(&self) -> u64 {
        self.undecided.values().map(|s| s.lines).sum()
    }
}

/// What a replay found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub files: Vec<LogFile>,
    /// Lines replayed and answered as logged.
    pub same: u64,
    /// Every line answered otherwise, in the log's order.
    pub differences: Vec<Difference>,
    /// By reason: lines that could not be replayed (not a log line, cut off, its version
    /// missing from the store or damaged there, its decision unknown to its version).
    pub skipped: BTreeMap<String, Counted>,
    /// The versions the log names, by SHA-256: how many lines each answered, and the first.
    pub versions: BTreeMap<String, Counted>,
    pub under: Option<Under>,
}

impl Report {
    pub fn lines(&self) -> u64 {
        self.files.iter().map(|f| f.lines).sum()
    }

    pub fn skipped_lines(&self) -> u64 {
        self.skipped.values().map(|s| s.lines).sum()
    }

    /// The versions the log names, in the order they first answered.
    pub fn versions_in_order(&self) -> Vec<(&String, &Counted)> {
        let mut v: Vec<_> = self.versions.iter().collect();
        v.sort_by_key(|(_, c)| c.examples.first().copied());
        v
    }

    /// Whether every line was replayed and answered as logged: what an audit alarms on.
    pub fn clean(&self) -> bool {
        self.differences.is_empty() && self.skipped.is_empty()
    }
}

/// How many example places to keep per reason and per change.
const EXAMPLES: usize = 5;

impl Counted {
    fn merge(&mut self, other: Counted) {
        self.lines += other.lines;
        self.examples.extend(other.examples);
    }
}

/// Adds each group of `from` to the same group of `into`.
fn merge_all<K: Ord>(into: &mut BTreeMap<K, Counted>, from: BTreeMap<K, Counted>) {
    for (k, c) in from {
        into.entry(k).or_default().merge(c);
    }
}

fn note(map: &mut BTreeMap<String, Counted>, why: String, at: Location) {
    let s = map.entry(why).or_default();
    s.lines += 1;
    if s.examples.len() < EXAMPLES {
        s.examples.push(at);
    }
}

/// The new version a log is replayed under, and the diff's changes from each logged
/// version to it.
pub struct Target {
    pub engine: Arc<Engine>,
    pub sha256: String,
}

/// A version the log names, loaded once.
enum Version {
    Ready {
        engine: Arc<Engine>,
        /// Per decision: the diff's changes from this version to the target.
        changes: HashMap<String, Vec<Change>>,
    },
    Unavailable(String),
}

struct Versions<'a> {
    store: &'a ArtifactStore,
    target: Option<&'a Target>,
    loaded: Mutex<HashMap<String, Arc<Version>>>,
}

impl Versions<'_> {
    /// The version with this SHA-256, loaded on first use (under the lock, so that each is
    /// loaded and diffed once).
    fn get(&self, sha256: &str) -> Arc<Version> {
        match self.loaded.lock() {
            Ok(mut map) => Arc::clone(
                map.entry(sha256.to_string())
                    .or_insert_with(|| Arc::new(self.load(sha256))),
            ),
            Err(_) => Arc::new(self.load(sha256)),
        }
    }

    fn load(&self, sha256: &str) -> Version {
        if !edict_runtime::store::is_sha256(sha256) {
            return Version::Unavailable(format!(
                "the line's `artifact_sha256` is not a SHA-256: `{sha256}`"
            ));
        }
        let engine = match self.store.get(sha256).map(Engine::new) {
            Ok(Ok(e)) => Arc::new(e),
            Ok(Err(e)) => {
                return Version::Unavailable(format!("the artifact {sha256} does not load: {e}"))
            }
            Err(e) => return Version::Unavailable(e.to_string()),
        };
        let changes = match self.target {
            Some(t) => diff_with(&engine, &t.engine, Default::default())
                .into_iter()
                .filter_map(|d| match d {
                    DecisionDiff::Changed { decision, changes } => Some((decision, changes)),
                    _ => None,
                })
                .collect(),
            None => HashMap::new(),
        };
        Version::Ready { engine, changes }
    }
}

/// Replays the log files in `paths` with `jobs` workers, counting each chunk's lines and bytes
/// in `progress` when done.
pub fn replay(
    paths: &[PathBuf],
    store: &ArtifactStore,
    target: Option<&Target>,
    jobs: usize,
    progress: &crate::Progress,
) -> std::io::Result<Report> {
    let files = files(paths)?;
    let versions = Versions {
        store,
        target,
        loaded: Mutex::new(HashMap::new()),
    };
    let (tx, rx) = mpsc::sync_channel::<log::Chunk>(jobs.max(1) * 2);
    let rx = Mutex::new(rx);
    let mut report = Report::default();
    std::thread::scope(|s| -> std::io::Result<()> {
        let workers: Vec<_> = (0..jobs.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut part = Report {
                        under: target.map(|t| Under {
                            artifact_sha256: t.sha256.clone(),
                            ..Under::default()
                        }),
                        ..Report::default()
                    };
                    let mut cache = HashMap::new();
                    loop {
                        let chunk = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => break,
                        };
                        let Ok(chunk) = chunk else { break };
                        let mut count = 0u64;
                        for (n, line, cut) in chunk.lines() {
                            count += 1;
                            let at = Location {
                                file: chunk.file,
                                line: n,
                            };
                            let mut version = |sha: &str| {
                                if let Some(v) = cache.get(sha) {
                                    return Arc::clone(v);
                                }
                                let v = versions.get(sha);
                                cache.insert(sha.to_string(), Arc::clone(&v));
                                v
                            };
                            replay_line(&mut version, target, line, cut, at, &mut part);
                        }
                        progress.items.fetch_add(count, Ordering::Relaxed);
                        progress
                            .bytes
                            .fetch_add(chunk.bytes.len() as u64, Ordering::Relaxed);
                    }
                    part
                })
            })
            .collect();
        let mut read = Ok(());
        for (i, path) in files.iter().enumerate() {
            match log::read(i, path, &tx) {
                Ok(lines) => report.files.push(LogFile {
                    path: path.clone(),
                    lines,
                }),
                Err(e) => {
                    read = Err(std::io::Error::new(
                        e.kind(),
                        format!("cannot read `{}`: {e}", path.display()),
                    ));
                    break;
                }
            }
        }
        drop(tx);
        for w in workers {
            if let Ok(part) = w.join() {
                report.merge(part);
            }
        }
        read
    })?;
    report.differences.sort_by_key(|d| d.at);
    for s in report.skipped.values_mut() {
        s.examples.sort();
        s.examples.truncate(EXAMPLES);
    }
    if let Some(u) = &mut report.under {
        for s in u.changed.values_mut().chain(u.undecided.values_mut()) {
            s.examples.sort();
            s.examples.truncate(EXAMPLES);
        }
    }
    Ok(report)
}

impl Report {
    fn merge(&mut self, part: Report) {
        self.same += part.same;
        self.differences.extend(part.differences);
        merge_all(&mut self.skipped, part.skipped);
        merge_all(&mut self.versions, part.versions);
        // A version's example is the first line it answered.
        for c in self.versions.values_mut() {
            c.examples.sort();
            c.examples.truncate(1);
        }
        match (&mut self.under, part.under) {
            (Some(mine), Some(theirs)) => {
                mine.same += theirs.same;
                merge_all(&mut mine.changed, theirs.changed);
                merge_all(&mut mine.undecided, theirs.undecided);
            }
            (mine @ None, theirs) => *mine = theirs,
            _ => {}
        }
    }
}

fn replay_line(
    version: &mut impl FnMut(&str) -> Arc<Version>,
    target: Option<&Target>,
    bytes: &[u8],
    cut: bool,
    at: Location,
    report: &mut Report,
) {
    let line: Line = match line::split(bytes) {
        Ok(l) => l,
        Err(_) if cut => {
            return note(
                &mut report.skipped,
                "the last line is cut off (it has no newline and is not whole JSON)".into(),
                at,
            )
        }
        Err(why) => {
            return note(
                &mut report.skipped,
                format!("not a decision log line: {why}"),
                at,
            )
        }
    };
    let seen = report
        .versions
        .entry(line.artifact_sha256.clone())
        .or_default();
    seen.lines += 1;
    if seen.examples.is_empty() {
        seen.examples.push(at);
    }
    let version = version(&line.artifact_sha256);
    let (engine, changes) = match version.as_ref() {
        Version::Ready { engine, changes } => (engine, changes),
        Version::Unavailable(why) => return note(&mut report.skipped, why.clone(), at),
    };
    let Some(id) = engine.decision_id(&line.decision) else {
        return note(
            &mut report.skipped,
            format!(
                "the version that answered has no decision `{}`",
                line.decision
            ),
            at,
        );
    };
    let input = line.input;
    let logged = line.answer;
    let mut out = Vec::with_capacity(logged.len() + 96);
    let replayed = engine.decide_json(id, input, &mut out);
    match &replayed {
        Ok(_) if same_bytes(&out, logged, &line.artifact_sha256) => report.same += 1,
        _ => compare(
            engine,
            id,
            &line,
            &out,
            replayed.as_ref().map(|_| ()).map_err(ToString::to_string),
            at,
            report,
        ),
    }
    if let (Some(t), Ok(answer)) = (target, &replayed) {
        if let Some(under) = &mut report.under {
            let before = answer_side(engine, answer).unwrap_or_else(refused_side);
            under_target(t, engine, id, &line, input, before, changes, at, under);
        }
    }
}

/// Whether the replayed answer is byte for byte the logged one: a single request's answer
/// carries the version's SHA-256 as its last field, a batch line's does not.
fn same_bytes(replayed: &[u8], logged: &[u8], sha256: &str) -> bool {
    if replayed == logged {
        return true;
    }
    let Some(body) = replayed.strip_suffix(b"}") else {
        return false;
    };
    let suffix = format!(",\"artifact_sha256\":\"{sha256}\"}}");
    logged.len() == body.len() + suffix.len()
        && logged.starts_with(body)
        && logged.ends_with(suffix.as_bytes())
}

/// Compares a line's answer field by field (an answer with its explanation, one written
/// with other spacing) and records a difference.
fn compare(
    engine: &Engine,
    id: u32,
    line: &Line,
    out: &[u8],
    decided: Result<(), String>,
    at: Location,
    report: &mut Report,
) {
    let logged: Json = serde_json::from_slice(line.answer).unwrap_or(Json::Null);
    // The request refused now: the refusal is the replayed side.
    let replayed: Result<Json, String> = if let Err(why) = decided {
        Err(why)
    } else {
        let mut j: Json = serde_json::from_slice(out).unwrap_or(Json::Null);
        if logged.get("explanation").is_some() {
            if let Ok(inputs) = engine.decode_request(id, line.input) {
                if let Ok(e) = engine.explain(id, &inputs) {
                    j["explanation"] = engine.explanation_json(&e);
                }
            }
        }
        if logged.get("artifact_sha256").is_some() {
            j["artifact_sha256"] = line.artifact_sha256.clone().into();
        }
        Ok(j)
    };
    let fields = match (&logged, &replayed) {
        (Json::Object(l), Ok(Json::Object(r))) => {
            let mut f: Vec<String> = l
                .iter()
                .filter(|(k, v)| r.get(*k) != Some(v))
                .map(|(k, _)| k.clone())
                .collect();
            f.extend(r.keys().filter(|k| !l.contains_key(*k)).cloned());
            f
        }
        (Json::Object(l), Err(_)) => l.keys().cloned().collect(),
        _ => vec!["answer".into()],
    };
    if fields.is_empty() {
        report.same += 1;
        return;
    }
    report.differences.push(Difference {
        at,
        request_id: line.request_id.clone(),
        time: line.time.clone(),
        decision: line.decision.clone(),
        artifact_sha256: line.artifact_sha256.clone(),
        logged,
        replayed,
        fields,
    });
}

/// Decides a line under the target version and counts how its answer moves.
#[allow(clippy::too_many_arguments)]
fn under_target(
    target: &Target,
    engine: &Engine,
    id: u32,
    line: &Line,
    input: &[u8],
    before: edict_runtime::diff::Side,
    changes: &HashMap<String, Vec<Change>>,
    at: Location,
    under: &mut Under,
) {
    let new = &target.engine;
    let Some(nid) = new.decision_id(&line.decision) else {
        return note(
            &mut under.undecided,
            format!("the new version has no decision `{}`", line.decision),
            at,
        );
    };
    let new_inputs = match new.decode_request(nid, input) {
        Ok(i) => i,
        Err(e) => return note(&mut under.undecided, e.to_string(), at),
    };
    let after = match new.decide(nid, &new_inputs) {
        Ok(a) => answer_side(new, &a).unwrap_or_else(refused_side),
        Err(e) => return note(&mut under.undecided, e.to_string(), at),
    };
    if (&before.status, &before.outcome) == (&after.status, &after.outcome) {
        under.same += 1;
        return;
    }
    let old_inputs = engine.decode_request(id, input).unwrap_or_default();
    let cause = changes
        .get(&line.decision)
        .and_then(|cs| {
            cs.iter()
                .find(|c| {
                    c.before == before
                        && c.after == after
                        && c.contains((engine, id, &old_inputs), (new, nid, &new_inputs))
                })
                .or_else(|| {
                    cs.iter()
                        .find(|c| c.contains((engine, id, &old_inputs), (new, nid, &new_inputs)))
                })
        })
        .map(Change::credits_text)
        .unwrap_or_default();
    let key = (
        line.decision.clone(),
        crate::impact::words(&before),
        crate::impact::words(&after),
        cause,
    );
    let s = under.changed.entry(key).or_default();
    s.lines += 1;
    if s.examples.len() < EXAMPLES {
        s.examples.push(at);
    }
}
