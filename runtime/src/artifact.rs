//! The compiled artifact: its types, and its binary and JSON encodings.
//!
//! Binary layout: the magic `EDICTART`, the format version (u32, little-endian), the payload
//! length (u64, little-endian), the payload (postcard-encoded [`Artifact`]), and the SHA-256 of
//! the payload. Loading checks each in turn, so a damaged file says what is wrong.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::value::{TypeDesc, Value};

pub const MAGIC: &[u8; 8] = b"EDICTART";
/// Bumped whenever the layout of [`Artifact`] changes.
pub const FORMAT_VERSION: u32 = 8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Artifact {
    pub header: Header,
    pub catalogue: Catalogue,
    pub records: Vec<RecordType>,
    pub sets: Vec<SetTimeline>,
    pub decisions: Vec<DecisionTable>,
    /// The sources the policies cite, in name order.
    pub sources: Vec<Source>,
    /// Each exact length of time the rules write, as they write it (`240h`, `30d`), in order of
    /// length: tools print a duration of that length the same way.
    pub durations: Vec<(i64, String)>,
    /// The dated values and relations, in name order.
    pub values: Vec<ValueTimeline>,
}

/// A dated value or a relation, as written: for the diff's summary and the documentation
/// (the tables already hold each value where rules read it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueTimeline {
    pub name: String,
    /// A relation's key type.
    pub key: Option<String>,
    /// The value type as written (`Duration`, `Set<Province>`).
    pub ty: String,
    /// Each key's values in date order (the key is `None` for a plain dated value).
    pub entries: Vec<ValueEntry>,
    /// A relation's value for a key it holds nothing for, as written.
    pub otherwise: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueEntry {
    pub key: Option<String>,
    /// The value as written.
    pub value: String,
    /// Days since 1970-01-01: the first day it holds, and the first day it no longer does.
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub citation: Option<Citation>,
    /// `until .. by SOURCE item N`: the later announcement that ended this value.
    pub ended_by: Option<Citation>,
    /// Other sources that state this fact otherwise (`but ... says ...`).
    pub differs: Vec<Disagreement>,
}

/// A source that states a fact otherwise than the source the policy follows for it:
/// `but nia_2025_11 item 4 says 144h "144-hour visa-free transit"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    pub citation: Citation,
    /// The kind of the other source, when it states one.
    pub kind: Option<SourceKind>,
    /// The value it gives, as written.
    pub says: String,
    /// Its own words, when quoted.
    pub quote: Option<String>,
}

/// How directly a source gives the authority's own words, strongest first: the order in
/// which `check` weighs sources that disagree (W0504).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The authority's own text.
    Notice,
    /// A report of it by a news agency or newspaper that names the authority.
    Report,
    /// A translation of a notice or a report.
    Translation,
    /// A copy or rewrite of others' reports, without its own attribution.
    Aggregator,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Notice,
        SourceKind::Report,
        SourceKind::Translation,
        SourceKind::Aggregator,
    ];

    /// The word written in a `source`'s `kind` field.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Notice => "notice",
            SourceKind::Report => "report",
            SourceKind::Translation => "translation",
            SourceKind::Aggregator => "aggregator",
        }
    }

    pub fn parse(word: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// The kind in words, with its article: "the authority's own notice", "a report".
    pub fn describe(self) -> &'static str {
        match self {
            SourceKind::Notice => "the authority's own notice",
            SourceKind::Report => "a report of the authority's notice",
            SourceKind::Translation => "a translation",
            SourceKind::Aggregator => "an aggregator's text",
        }
    }

    /// Whether this kind gives the authority's words more directly than `other`.
    pub fn stronger_than(self, other: SourceKind) -> bool {
        self < other
    }
}

/// A `source`: where rules, sets and amendments come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub title: String,
    pub title_zh: Option<String>,
    /// Days since 1970-01-01; `None` when not known.
    pub published: Option<i64>,
    /// The day its measures take effect, when the source states one apart from publication.
    pub effective: Option<i64>,
    /// The number of numbered items.
    pub items: Option<u32>,
    pub url: Option<String>,
    /// Each item's words as the source gives them, item 1 first (empty when not quoted).
    pub item_texts: Vec<String>,
    /// The same in Chinese.
    pub item_texts_zh: Vec<String>,
    /// How directly it gives the authority's words, when it says.
    pub kind: Option<SourceKind>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format_version: u32,
    pub compiler_version: String,
    /// SHA-256 (hex) of the policy sources, in path order.
    pub source_hash: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub entity_types: Vec<EntityType>,
    pub enums: Vec<EnumType>,
}

impl Catalogue {
    /// The name of value `v` of a domain: an entry's name or an enum's variant.
    pub fn member_name(&self, domain: Domain, v: u32) -> Option<&str> {
        match domain {
            Domain::Entity(t) => self
                .entity_types
                .get(t as usize)?
                .entities
                .get(v as usize)
                .map(|e| e.name.as_str()),
            Domain::Enum(e) => self
                .enums
                .get(e as usize)?
                .variants
                .get(v as usize)
                .map(String::as_str),
        }
    }

    /// How many values a domain has (`None` for a domain the catalogue does not have).
    pub fn domain_len(&self, domain: Domain) -> Option<usize> {
        match domain {
            Domain::Entity(t) => self.entity_types.get(t as usize).map(|t| t.entities.len()),
            Domain::Enum(e) => self.enums.get(e as usize).map(|e| e.variants.len()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityType {
    pub name: String,
    pub parent_type: Option<u32>,
    pub attributes: Vec<(String, TypeDesc)>,
    /// The attributes (by index) whose text values also name the entries in requests
    /// (`identified by alpha3`).
    pub identified_by: Vec<u32>,
    pub entities: Vec<Entity>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub name: String,
    /// Index of the parent among the entities of the parent type.
    pub parent: Option<u32>,
    pub attributes: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: String,
    pub variants: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordType {
    pub name: String,
    pub fields: Vec<(String, TypeDesc)>,
}

/// What a set holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Domain {
    Entity(u32),
    Enum(u32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetTimeline {
    pub name: String,
    pub domain: Domain,
    /// In date order; before the first slice the set does not exist (it is empty).
    pub slices: Vec<SetSlice>,
    /// The first day the set no longer exists (its `until`); its last slice, empty and citing
    /// the set, starts then.
    pub ended: Option<i64>,
    /// For a set made of others: the formula as written canonically (`a union b except c`).
    pub formula: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetSlice {
    /// Days since 1970-01-01; `None` is the beginning of time.
    pub from: Option<i64>,
    pub members: Vec<u32>,
    /// The count the source announced for this version, if it said one.
    pub announced: Option<u64>,
    /// Whether the members listed are knowingly only some of the announced count.
    pub partial: bool,
    /// The citation of the set or amendment that made this version.
    pub citation: Option<Citation>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hit {
    #[default]
    Unique,
    First,
    Priority,
    Collect,
}

impl Hit {
    pub fn as_str(self) -> &'static str {
        match self {
            Hit::Unique => "unique",
            Hit::First => "first",
            Hit::Priority => "priority",
            Hit::Collect => "collect",
        }
    }
}

/// An input value reached from a parameter through record fields and entity attributes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Path {
    pub param: u32,
    pub fields: Vec<u32>,
    /// The path as written, such as `t.arrival_port`.
    pub text: String,
}

/// A number computed from the inputs: `t.onward_departure - t.arrival`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum NumExpr {
    Path(Path),
    Const(i64),
    Add(Box<NumExpr>, Box<NumExpr>),
    Sub(Box<NumExpr>, Box<NumExpr>),
}

#[derive(Deserialize)]
#[serde(remote = "NumExpr")]
enum NumExprDef {
    Path(Path),
    Const(i64),
    Add(Box<NumExpr>, Box<NumExpr>),
    Sub(Box<NumExpr>, Box<NumExpr>),
}

impl<'de> Deserialize<'de> for NumExpr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NumExpr, D::Error> {
        crate::value::nested(d, NumExprDef::deserialize)
    }
}

/// One column of a decision table: a quantity the conditions test.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Column {
    /// An entity or enum value, tested for membership.
    Category { path: Path, domain: Domain },
    /// A number, date, date-time, duration or period, tested against intervals.
    Number { expr: NumExpr, text: String },
    /// A true/false input.
    Flag { path: Path },
    /// Whether two inputs are equal.
    Same { a: Path, b: Path },
}

/// A test of one column. `absent` is the answer when an optional input is missing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Atom {
    pub column: u32,
    pub test: Test,
    pub absent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Test {
    /// The value (or one of its ancestors) is a member of the set on the as-of date.
    Member { set: u32, negate: bool },
    /// The value is this entity (of type `ty`) or inside it.
    Within { ty: u32, entity: u32, negate: bool },
    /// The value is one of these.
    OneOf { values: Vec<u32>, negate: bool },
    /// `lo <= value <= hi`; a missing bound is unbounded.
    Interval { lo: Option<i64>, hi: Option<i64> },
    /// The flag (or the equality) is this.
    Is(bool),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub source: String,
    pub title: String,
    pub item: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// One top-level condition of a rule (an operand of its top-level `and`), for explanations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub text: String,
    /// Disjunction of conjunctions of atoms.
    pub dnf: Vec<Vec<Atom>>,
    /// For the key test of a rule version: the relation read it selects entries of
    /// (`stay_limit[t.arrival_port]`).
    pub selects: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub name: String,
    pub citation: Option<Citation>,
    pub location: Location,
    /// First day in force (days since 1970-01-01), if limited.
    pub from: Option<i64>,
    /// First day no longer in force.
    pub until: Option<i64>,
    /// The period the rule is written with (its `from` and `until`): a rule that reads values
    /// is compiled into versions whose periods narrow it, and ends with the entries it reads,
    /// but what its author wrote is this.
    pub written: (Option<i64>, Option<i64>),
    /// `until .. by SOURCE item N`: the later announcement that ended the rule (its `cite` is
    /// the one that made it).
    pub ended_by: Option<Citation>,
    pub priority: i64,
    pub outcome: Value,
    pub conditions: Vec<Condition>,
    /// The dated values and relation entries this version of the rule was compiled with. A
    /// rule that reads them becomes one version per period and value (each its own entry of
    /// `rules`, with the same name); empty for a rule that reads none.
    pub bindings: Vec<Binding>,
}

/// One value a rule version reads: `transit_stay_limit = 240h`, from an entry with its
/// period and citation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    /// What the rule reads, as written: `transit_stay_limit`, `stay_limit[t.arrival_port]`.
    pub read: String,
    /// The value as written: `240h`, `[guangdong, fujian]`.
    pub value: String,
    /// For a relation read with an input: the keys that have this value in this version;
    /// `None` for the `otherwise` value (any key the relation holds nothing for).
    pub keys: Option<Vec<String>>,
    /// The entry's own period (days since 1970-01-01).
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub citation: Option<Citation>,
    /// Other sources that state the entry's value otherwise.
    pub differs: Vec<Disagreement>,
}

/// A row: one conjunction of atoms of one rule (a rule with `or` has several rows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub rule: u32,
    pub atoms: Vec<Atom>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionTable {
    pub name: String,
    pub params: Vec<(String, TypeDesc)>,
    pub output: u32,
    /// The input that fixes the day rules and sets are read at.
    pub as_of: Path,
    /// The time zone the decision's date-times are civil times in (`zone`), if it states one.
    pub zone: Option<ZoneSpec>,
    pub hit: Hit,
    /// Shared, not copied: the compiler's query for this table and the artifact hold the same
    /// rules.
    pub rules: std::sync::Arc<[RuleInfo]>,
    pub otherwise: Option<Value>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Days where something changes (a rule starts or ends, a set used is amended), sorted.
    pub boundaries: Vec<i64>,
}

/// Where a decision's time zone comes from: an IANA name, or a text attribute of an input's
/// entry (`t.arrival_port.time_zone`) where the zone depends on the port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZoneSpec {
    Named(String),
    Attribute(Path),
}

/// Why an artifact could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    NotAnArtifact,
    Truncated {
        expected: u64,
        found: u64,
    },
    WrongVersion {
        found: u32,
        supported: u32,
    },
    Damaged,
    Malformed(String),
    TrailingBytes(u64),
    /// Decoded, but its parts do not hold together.
    Inconsistent(crate::validate::Inconsistent),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotAnArtifact => f.write_str("not an Edict artifact (the file does not start with `EDICTART`)"),
            LoadError::Truncated { expected, found } => write!(f, "the artifact is truncated: {expected} bytes expected, {found} found"),
            LoadError::WrongVersion { found, supported } => write!(f, "the artifact has format version {found}, but this runtime reads version {supported}; rebuild it with `edict build`"),
            LoadError::Damaged => f.write_str("the artifact is damaged: its checksum does not match its contents"),
            LoadError::Malformed(why) => write!(f, "the artifact is malformed: {why}"),
            LoadError::TrailingBytes(n) => write!(f, "the artifact has {n} unexpected bytes at its end"),
            LoadError::Inconsistent(why) => why.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {}

impl Artifact {
    /// The binary form: deterministic for equal artifacts.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let payload = postcard::to_stdvec(self).map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(payload.len() + 52);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&Sha256::digest(&payload));
        Ok(out)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Artifact, LoadError> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(LoadError::NotAnArtifact);
        }
        let header_len = 20u64;
        if (bytes.len() as u64) < header_len {
            return Err(LoadError::Truncated {
                expected: header_len,
                found: bytes.len() as u64,
            });
        }
        let mut v = [0u8; 4];
        v.copy_from_slice(&bytes[8..12]);
        let version = u32::from_le_bytes(v);
        if version != FORMAT_VERSION {
            return Err(LoadError::WrongVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let mut l = [0u8; 8];
        l.copy_from_slice(&bytes[12..20]);
        let len = u64::from_le_bytes(l);
        let expected = header_len.saturating_add(len).saturating_add(32);
        let found = bytes.len() as u64;
        if found < expected {
            return Err(LoadError::Truncated { expected, found });
        }
        if found > expected {
            return Err(LoadError::TrailingBytes(found - expected));
        }
        let end = 20 + len as usize;
        let payload = &bytes[20..end];
        if Sha256::digest(payload).as_slice() != &bytes[end..] {
            return Err(LoadError::Damaged);
        }
        let artifact: Artifact =
            postcard::from_bytes(payload).map_err(|e| LoadError::Malformed(e.to_string()))?;
        if artifact.header.format_version != FORMAT_VERSION {
            return Err(LoadError::WrongVersion {
                found: artifact.header.format_version,
                supported: FORMAT_VERSION,
            });
        }
        Ok(artifact)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Artifact, LoadError> {
        let artifact: Artifact =
            serde_json::from_str(text).map_err(|e| LoadError::Malformed(e.to_string()))?;
        if artifact.header.format_version != FORMAT_VERSION {
            return Err(LoadError::WrongVersion {
                found: artifact.header.format_version,
                supported: FORMAT_VERSION,
            });
        }
        Ok(artifact)
    }
}

/// Decodes one postcard-encoded value (for tests of the decoder's depth limit).
pub fn decode_value(bytes: &[u8]) -> Result<Value, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

/// SHA-256 of some bytes (the artifact's checksum).
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Hex SHA-256 of some bytes (for the source hash).
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
