//! What an executor needs to count a part of a table as `edict impact` does: both versions'
//! artifacts, the decision, the options, and the table's column names, in one frame that
//! travels inside the query plan (the aggregate function's definition).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use edict_impact::{Options, Sides};
use edict_runtime::artifact::{sha256, Artifact};
use edict_runtime::diff::Change;
use edict_runtime::Engine;
use serde_json::{json, Value};

/// How many pairs of versions an executor keeps loaded (each two engines and a diff).
const KEPT_VERSIONS: usize = 8;

/// The frame's first bytes, with its version.
const MAGIC: &[u8] = b"edict-impact/1\n";

/// An impact run as an executor needs it.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The old and the new version's artifacts, as `edict build` writes them.
    pub old: Vec<u8>,
    pub new: Vec<u8>,
    pub decision: String,
    pub weight: Option<String>,
    pub renames: BTreeMap<String, String>,
    pub by: Vec<Vec<String>>,
    pub top: usize,
    pub examples: usize,
    /// The table's columns, in order: the aggregate takes them all as its arguments.
    pub columns: Vec<String>,
}

impl Spec {
    /// The frame: the magic line, a JSON header line, then the two artifacts' bytes.
    pub fn encode(&self) -> Vec<u8> {
        let header = json!({
            "old_len": self.old.len(),
            "new_len": self.new.len(),
            "decision": self.decision,
            "weight": self.weight,
            "renames": self.renames,
            "by": self.by,
            "top": self.top,
            "examples": self.examples,
            "columns": self.columns,
        });
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(header.to_string().as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&self.old);
        out.extend_from_slice(&self.new);
        out
    }

    /// A frame read back; an error says what is wrong with it (a different Edict's frame, a
    /// truncated one).
    pub fn decode(bytes: &[u8]) -> Result<Spec, String> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(
            "the plan's impact function was not written by this version of Edict (run the same \
             `edict` on the client, the scheduler and every executor)",
        )?;
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or("the impact function's definition is cut short")?;
        let header: Value = serde_json::from_slice(&rest[..end])
            .map_err(|e| format!("the impact function's header is not JSON: {e}"))?;
        let body = &rest[end + 1..];
        let len = |name: &str| {
            header
                .get(name)
                .and_then(Value::as_u64)
                .map(|n| n as usize)
                .ok_or_else(|| format!("the impact function's header lacks `{name}`"))
        };
        let (old_len, new_len) = (len("old_len")?, len("new_len")?);
        if body.len() != old_len + new_len {
            return Err(format!(
                "the impact function's artifacts are {} bytes, not {}",
                body.len(),
                old_len + new_len
            ));
        }
        Ok(Spec {
            old: body[..old_len].to_vec(),
            new: body[old_len..].to_vec(),
            decision: field(&header, "decision")?,
            weight: field(&header, "weight")?,
            renames: field(&header, "renames")?,
            by: field(&header, "by")?,
            top: len("top")?,
            examples: len("examples")?,
            columns: field(&header, "columns")?,
        })
    }

    /// The options the run counts with (no progress, which an executor cannot show).
    pub fn options(&self) -> Options {
        Options {
            weight: self.weight.clone(),
            renames: self.renames.clone(),
            by: self.by.clone(),
            top: self.top,
            examples: self.examples,
            progress: None,
        }
    }

    /// Both versions loaded and the diff's changes for the decision: computed once per process
    /// for each pair of versions (at most eight pairs kept at a time), however many tasks of
    /// however many queries use them.
    pub fn sides(&self) -> Result<Sides, String> {
        type Loaded = (Arc<Engine>, Arc<Engine>, Vec<Change>);
        static LOADED: OnceLock<Mutex<HashMap<[u8; 32], Arc<Loaded>>>> = OnceLock::new();
        let mut key = Vec::with_capacity(self.old.len() + self.new.len() + 80);
        key.extend_from_slice(&sha256(&self.old));
        key.extend_from_slice(&sha256(&self.new));
        key.extend_from_slice(self.decision.as_bytes());
        let key = sha256(&key);
        let cache = LOADED.get_or_init(Mutex::default);
        let found = cache.lock().ok().and_then(|c| c.get(&key).cloned());
        let loaded = match found {
            Some(l) => l,
            None => {
                let load = |bytes: &[u8], which: &str| {
                    Artifact::from_bytes(bytes)
                        .and_then(Engine::new)
                        .map(Arc::new)
                        .map_err(|e| format!("the {which} version does not load: {e}"))
                };
                let (old, new) = (load(&self.old, "old")?, load(&self.new, "new")?);
                let changes = edict_impact::impact::changes(&old, &new, &self.decision);
                let l = Arc::new((old, new, changes));
                if let Ok(mut c) = cache.lock() {
                    // A long-lived executor sees version after version: start afresh when full.
                    if c.len() >= KEPT_VERSIONS {
                        c.clear();
                    }
                    c.insert(key, Arc::clone(&l));
                }
                l
            }
        };
        Ok(Sides {
            old: Arc::clone(&loaded.0),
            new: Arc::clone(&loaded.1),
            decision: self.decision.clone(),
            changes: loaded.2.clone(),
        })
    }
}

/// A field of the frame's header.
fn field<T: serde::de::DeserializeOwned>(header: &Value, name: &str) -> Result<T, String> {
    let value = header
        .get(name)
        .cloned()
        .ok_or_else(|| format!("the impact function's header lacks `{name}`"))?;
    serde_json::from_value(value).map_err(|e| format!("the impact function's `{name}`: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn spec() -> Spec {
        Spec {
            old: b"old artifact \n with a newline".to_vec(),
            new: vec![0, 1, 2, 255, b'\n'],
            decision: "transit_entry".into(),
            weight: Some("count".into()),
            renames: [("t.nationality".to_string(), "nat".to_string())].into(),
            by: vec![
                vec!["t.arrival_port".into(), "month".into()],
                vec!["day".into()],
            ],
            top: 7,
            examples: 2,
            columns: vec!["nat".into(), "arrival_port".into(), "count".into()],
        }
    }

    #[test]
    fn a_frame_reads_back_as_written() {
        let s = spec();
        let back = Spec::decode(&s.encode()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{s:?}"));
        let none = Spec {
            weight: None,
            ..spec()
        };
        assert_eq!(Spec::decode(&none.encode()).unwrap().weight, None);
    }

    #[test]
    fn a_damaged_frame_is_an_error() {
        let frame = spec().encode();
        for end in 0..frame.len() {
            assert!(Spec::decode(&frame[..end]).is_err(), "cut at {end}");
        }
        let mut longer = frame.clone();
        longer.push(0);
        assert_eq!(
            Spec::decode(&longer).unwrap_err(),
            "the impact function's artifacts are 35 bytes, not 34"
        );
        let other = [b"edict-impact/9\n".as_slice(), &frame[MAGIC.len()..]].concat();
        assert!(Spec::decode(&other)
            .unwrap_err()
            .contains("not written by this version of Edict"));
    }

    #[test]
    fn artifacts_that_do_not_load_are_an_error() {
        let e = spec().sides().unwrap_err();
        assert!(e.starts_with("the old version does not load"), "{e}");
    }
}
