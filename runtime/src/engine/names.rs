//! Names to indices: the hash maps requests are read through, and how a request may name an
//! entry (by name or by an identifying attribute, exactly or in lower case).

use super::*;

/// Names to indices. Names are short and the tables are built from the artifact, not from
/// requests, so FNV-1a (a few nanoseconds on a port's name) replaces SipHash here.
pub(crate) type NameMap = HashMap<String, u32, std::hash::BuildHasherDefault<Fnv>>;

/// The 64-bit FNV-1a hash.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// How requests may name the entries of a type: by name, or by the text of an attribute that
/// identifies them (`"USA"`, `"D"`), exactly or in lower case (`"usa"`, `"US"` for `us`). A
/// name wins over an identifier, an earlier entry over a later one.
pub(super) fn entity_lookup(t: &crate::artifact::EntityType) -> NameMap {
    let mut out = NameMap::default();
    for (i, e) in t.entities.iter().enumerate() {
        out.entry(e.name.clone()).or_insert(i as u32);
    }
    let identifiers = || {
        t.entities.iter().enumerate().flat_map(|(i, e)| {
            t.identified_by
                .iter()
                .filter_map(move |&a| match e.attributes.get(a as usize) {
                    Some(Value::Text(s)) => Some((s.clone(), i as u32)),
                    _ => None,
                })
        })
    };
    for (text, i) in identifiers() {
        out.entry(text).or_insert(i);
    }
    for (text, i) in identifiers() {
        out.entry(text.to_lowercase()).or_insert(i);
    }
    out
}
