//! Names to indices: the hash maps requests are read through, and how a request may name an
//! entry (by name or by an identifying attribute, exactly or in lower case).

use super::*;

/// Names to indices, keyed by the names' bytes, so that the request decoder looks a name up
/// where it lies in the request, with no UTF-8 check (a name's bytes match only valid text).
/// Names are short and the tables are built from the artifact, not from requests, so FNV-1a
/// (a few nanoseconds on a port's name) replaces SipHash here.
#[derive(Debug, Default)]
pub(crate) struct NameMap {
    names: HashMap<Box<[u8]>, u32, std::hash::BuildHasherDefault<Fnv>>,
    /// Whether a name holds a control character (an attribute's text may).
    control: bool,
}

impl NameMap {
    /// Adds a name unless it is already there (the first entry named so wins).
    pub(crate) fn insert_first(&mut self, name: &str, index: u32) {
        self.control |= name.bytes().any(|c| c < 0x20);
        self.names.entry(name.as_bytes().into()).or_insert(index);
    }

    pub(crate) fn get(&self, name: &str) -> Option<&u32> {
        self.names.get(name.as_bytes())
    }

    /// The index of a name given as a JSON string's raw bytes: a string with a control
    /// character is no JSON string, and names none.
    pub(crate) fn get_plain(&self, name: &[u8]) -> Option<&u32> {
        if self.control && name.iter().any(|&c| c < 0x20) {
            return None;
        }
        self.names.get(name)
    }

    /// Every name and its index, in no order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        // Every key was inserted from a `&str`.
        self.names
            .iter()
            .filter_map(|(k, i)| Some((std::str::from_utf8(k).ok()?, *i)))
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(k, _)| k)
    }
}

impl<'a> FromIterator<(&'a str, u32)> for NameMap {
    fn from_iter<I: IntoIterator<Item = (&'a str, u32)>>(names: I) -> NameMap {
        let mut out = NameMap::default();
        for (name, index) in names {
            out.insert_first(name, index);
        }
        out
    }
}

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
        out.insert_first(&e.name, i as u32);
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
        out.insert_first(&text, i);
    }
    for (text, i) in identifiers() {
        out.insert_first(&text.to_lowercase(), i);
    }
    out
}
