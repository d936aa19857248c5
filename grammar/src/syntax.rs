//! The syntax tree: items, clauses and expressions with byte spans, plus the file's comments.
//!
//! The tree is plain data (`Clone + PartialEq`) so salsa can store it and tell when a re-parse
//! produced the same tree. Every node carries a [`Span`] of byte offsets into the file's text;
//! the language server converts them to positions, the formatter reads comments from
//! [`ParsedFile::comments`].

use serde::Serialize;

/// A half-open range of byte offsets `start..end` into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: clamp(start),
            end: clamp(end),
        }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A parsed file: its items in source order, its comments, and its syntax errors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ParsedFile {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CommentKind {
    /// `// ...`
    Line,
    /// `/// ...`, documentation for the item that follows.
    Doc,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub kind: CommentKind,
    /// The comment's text including its `//` or `///` marker.
    pub text: String,
    pub span: Span,
}

/// What a syntax error is about, so that each gets its own diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SyntaxErrorKind {
    /// The text does not match the grammar.
    Unexpected,
    /// Brackets nested deeper than [`crate::limits::MAX_NESTING`].
    TooDeep,
    /// A file larger than [`crate::limits::MAX_FILE_BYTES`].
    TooLarge,
    /// A string that is not closed before the end of its line.
    UnterminatedString,
    /// Text before the first item that does not start one.
    StrayText,
    /// More items than [`crate::limits::MAX_ITEMS`] in one file.
    TooManyItems,
    /// A string literal longer than [`crate::limits::MAX_STRING_BYTES`].
    StringTooLong,
    /// A number and its unit written apart, as in `240 h`.
    SpacedUnit,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub message: String,
    /// Where the parser stopped (usually one character wide).
    pub span: Span,
    /// The whole item that could not be parsed (for the formatter and for labels).
    pub item_span: Span,
    /// What would have been accepted there, in words.
    pub expected: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    /// The whole item, from its keyword to its closing brace.
    pub span: Span,
    /// The text of the `///` comments right above the item, markers stripped.
    pub doc: Option<String>,
}

impl Item {
    /// The name the item declares, if any.
    pub fn name(&self) -> Option<&Ident> {
        match &self.kind {
            ItemKind::Source(d) => Some(&d.name),
            ItemKind::Enum(d) => Some(&d.name),
            ItemKind::Entity(d) => Some(&d.name),
            ItemKind::Record(d) => Some(&d.name),
            ItemKind::Set(d) => Some(&d.name),
            ItemKind::Decision(d) => Some(&d.name),
            ItemKind::Rule(d) => Some(&d.name),
            ItemKind::Test(d) => Some(&d.name),
            ItemKind::Condition(d) => Some(&d.name),
            ItemKind::Value(d) => Some(&d.name),
            ItemKind::Request(d) => Some(&d.name),
            ItemKind::Catalogue(_) | ItemKind::Amend(_) | ItemKind::Labels(_) | ItemKind::Error => {
                None
            }
        }
    }

    /// The keyword that opens this kind of item.
    pub fn keyword(&self) -> &'static str {
        match &self.kind {
            ItemKind::Source(_) => "source",
            ItemKind::Enum(_) => "enum",
            ItemKind::Entity(_) => "entity",
            ItemKind::Record(_) => "record",
            ItemKind::Catalogue(_) => "catalogue",
            ItemKind::Set(_) => "set",
            ItemKind::Amend(_) => "amend",
            ItemKind::Decision(_) => "decision",
            ItemKind::Rule(_) => "rule",
            ItemKind::Test(_) => "test",
            ItemKind::Condition(_) => "condition",
            ItemKind::Value(v) if v.key.is_some() => "relation",
            ItemKind::Value(_) => "value",
            ItemKind::Request(_) => "request",
            ItemKind::Labels(_) => "labels",
            ItemKind::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ItemKind {
    Source(SourceDecl),
    Enum(EnumDecl),
    Entity(EntityDecl),
    Record(RecordDecl),
    Catalogue(CatalogueDecl),
    Set(SetDecl),
    Amend(AmendDecl),
    Decision(DecisionDecl),
    Rule(RuleDecl),
    Test(TestDecl),
    Condition(ConditionDecl),
    /// A dated value (`value`), or dated values by key (`relation`).
    Value(ValueDecl),
    /// A request several tests of one decision start from.
    Request(RequestDecl),
    /// The words readers see for declared names, in each language.
    Labels(LabelsDecl),
    /// An item that did not parse; its error is in [`ParsedFile::errors`].
    Error,
}

/// `source nia_2025_11 { title: "...", published: 2025-11-05, items: 4 }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceDecl {
    pub name: Ident,
    pub fields: Vec<FieldInit>,
}

/// `labels { transit_entry { en: "Visa-free transit", zh: "过境免签" } }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelsDecl {
    pub entries: Vec<LabelEntry>,
}

/// One labelled name: `TransitTraveller.nationality { en: "Nationality", zh: "国籍" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelEntry {
    /// The declared name: a decision, rule, set, value, type...
    pub target: Ident,
    /// A member of it: a record's or entity's field, an enum's value.
    pub member: Option<Ident>,
    /// The texts by language tag: `en: "..."`, `zh: "..."`.
    pub texts: Vec<FieldInit>,
    pub span: Span,
}

impl LabelEntry {
    /// The name as written: `transit_entry`, `TransitTraveller.nationality`.
    pub fn path(&self) -> String {
        match &self.member {
            Some(m) => format!("{}.{}", self.target.name, m.name),
            None => self.target.name.clone(),
        }
    }
}

/// `enum PortKind { airport, seaport }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<Ident>,
}

/// `entity Port in City { name: Text, kind: PortKind }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityDecl {
    pub name: Ident,
    pub parent: Option<TypeRef>,
    /// `identified by alpha3, icao`: attributes whose values also name the entries.
    pub identified_by: Vec<Ident>,
    pub fields: Vec<FieldDecl>,
}

/// `record Traveller { nationality: Country }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordDecl {
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeRef,
}

/// A type as written: `Port`, `Range<Duration>`, `Zone?`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TypeRef {
    pub name: Ident,
    pub arg: Option<Box<TypeRef>>,
    pub optional: bool,
    pub span: Span,
}

/// `catalogue Port { hengqin in zhuhai { name: "Hengqin Port" } }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogueDecl {
    pub ty: Ident,
    pub entries: Vec<CatalogueEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogueEntry {
    pub name: Ident,
    pub parent: Option<Ident>,
    pub fields: Vec<FieldInit>,
    pub span: Span,
}

/// `cite nia_2025_11 item 4`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub source: Ident,
    pub item: Option<Number>,
    pub span: Span,
}

/// An integer literal as written (kept as text so huge values are an error, not a panic).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Number {
    pub text: String,
    pub span: Span,
}

/// `set transit_144h_ports: Port from 2013-01-01 until 2024-12-17 announced 60 partial { a, b }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetDecl {
    pub name: Ident,
    pub ty: TypeRef,
    pub from: Option<Expr>,
    /// The first day the set no longer exists.
    pub until: Option<Expr>,
    /// `until .. by SOURCE item N`: the later announcement that ended it.
    pub ended_by: Option<Citation>,
    pub announced: Option<Number>,
    /// `announced N partial`: the list names only some of the N members, knowingly.
    pub partial: Option<Span>,
    pub cite: Option<Citation>,
    pub members: Vec<Ident>,
    /// `= a union b`: a set made of other sets, instead of listed members.
    pub formula: Option<SetExpr>,
    /// Clauses written twice (`from` twice, say), for the checker to report.
    pub repeated: Vec<Span>,
}

/// A formula of sets: `ports_72h union ports_144h except suspended`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetExpr {
    pub kind: SetExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SetExprKind {
    Set(Ident),
    Op(SetOp, Box<SetExpr>, Box<SetExpr>),
    Paren(Box<SetExpr>),
}

/// How a formula combines two sets, on each day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SetOp {
    /// Members of either.
    Union,
    /// Members of both.
    Intersect,
    /// Members of the first that are not in the second.
    Except,
}

impl SetOp {
    pub fn as_str(self) -> &'static str {
        match self {
            SetOp::Union => "union",
            SetOp::Intersect => "intersect",
            SetOp::Except => "except",
        }
    }
}

impl SetExpr {
    /// The names of the sets the formula combines, in order.
    pub fn sets(&self) -> Vec<&Ident> {
        match &self.kind {
            SetExprKind::Set(i) => vec![i],
            SetExprKind::Op(_, a, b) => [a.sets(), b.sets()].concat(),
            SetExprKind::Paren(e) => e.sets(),
        }
    }
}

/// `amend transit_144h_ports from 2025-11-05 cite nia item 4 announced 65 { add a remove b }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AmendDecl {
    pub set: Ident,
    pub from: Option<Expr>,
    pub announced: Option<Number>,
    /// `announced N partial`: the set names only some of its N members after the amendment.
    pub partial: Option<Span>,
    pub cite: Option<Citation>,
    pub ops: Vec<AmendOp>,
    pub repeated: Vec<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AmendAction {
    Add,
    Remove,
    /// `move a, b into other`: out of this set, into `other`, on the same date.
    Move,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AmendOp {
    pub action: AmendAction,
    pub members: Vec<Ident>,
    /// The set a `move` puts the members in.
    pub into: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub enum HitPolicy {
    #[default]
    Unique,
    First,
    Priority,
    Collect,
}

impl HitPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            HitPolicy::Unique => "unique",
            HitPolicy::First => "first",
            HitPolicy::Priority => "priority",
            HitPolicy::Collect => "collect",
        }
    }
}

/// `decision transit_entry(t: Traveller) -> Entry { as of t.arrival  hit unique  otherwise {..} }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    pub output: TypeRef,
    pub as_of: Option<Expr>,
    /// `zone EXPR`: the IANA time zone the decision's date-times are civil times in, a text
    /// constant or a text attribute of an input's entry.
    pub zone: Option<Expr>,
    pub hit: Option<(HitPolicy, Span)>,
    pub otherwise: Option<Expr>,
    pub repeated: Vec<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeRef,
}

/// `condition c for d { when .. }`: a condition over a decision's inputs, used by name in the
/// `when` of its rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionDecl {
    pub name: Ident,
    pub decision: Ident,
    pub when: Option<Expr>,
    pub repeated: Vec<Span>,
}

/// `value transit_stay_limit: Duration { 72h from 2013-01-01 cite a  144h from 2016-01-30 cite b }`
/// or, with a key, `relation stay_limit: Port -> Duration { otherwise 24h  hengqin: 144h .. }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueDecl {
    pub name: Ident,
    /// The key type of a relation; `None` for a plain dated value.
    pub key: Option<TypeRef>,
    pub ty: TypeRef,
    pub entries: Vec<ValueEntry>,
    /// A relation's value for a key it holds no entry for (on that day).
    pub otherwise: Option<Expr>,
    /// `covers SET`: the set whose members the relation must hold an entry for.
    pub covers: Option<Ident>,
    /// Lines written twice (`otherwise` twice), for the checker to report.
    pub repeated: Vec<Span>,
}

/// One dated value: `144h from 2016-01-30 cite src item 2`, or with the keys it is for,
/// `hengqin, hzmb: 144h from ..`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueEntry {
    pub keys: Vec<Ident>,
    pub value: Expr,
    pub from: Option<Expr>,
    pub until: Option<Expr>,
    /// `until .. by SOURCE item N`: the later announcement that ended this value.
    pub ended_by: Option<Citation>,
    pub cite: Option<Citation>,
    /// Other sources that state this fact otherwise (`but src item 4 says 144h`).
    pub differs: Vec<Differs>,
    pub span: Span,
    pub repeated: Vec<Span>,
}

/// `but nia_2025_11 item 4 says 144h "144-hour visa-free transit"`: a source that states a
/// fact otherwise than the source the entry follows (its `cite`): what it says, as a value of
/// the fact's type, and optionally its own words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Differs {
    /// The other source, and its item.
    pub source: Citation,
    /// The value it gives.
    pub says: Expr,
    /// Its words, quoted (a text literal).
    pub quote: Option<Expr>,
    pub span: Span,
}

/// `rule r for d { from .. until .. cite .. priority .. when .. then .. }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDecl {
    pub name: Ident,
    pub decision: Ident,
    pub from: Option<Expr>,
    pub until: Option<Expr>,
    /// `until .. by SOURCE item N`: the later announcement that ended the rule.
    pub ended_by: Option<Citation>,
    pub cite: Option<Citation>,
    pub priority: Option<Number>,
    pub when: Option<Expr>,
    pub then: Option<Expr>,
    pub repeated: Vec<Span>,
}

/// `test t for d { given x = {..}  expect {..}  expect rule r }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestDecl {
    pub name: Ident,
    pub decision: Ident,
    /// `given beijing_visit`: the named request the test starts from.
    pub base: Option<Ident>,
    pub givens: Vec<Given>,
    pub expects: Vec<Expect>,
    /// Tables of cases, each row a variation of the `given` request.
    pub cases: Vec<CaseTable>,
}

/// `request beijing_visit for transit_stay { given v = { entry_port: beijing_capital, ... } }`:
/// a request the tests of a decision start from (`given beijing_visit`), each overriding what
/// it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestDecl {
    pub name: Ident,
    pub decision: Ident,
    pub givens: Vec<Given>,
}

/// `cases (t.arrival, t.port) { 2025-11-04T10:00, hengqin => otherwise }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseTable {
    /// The inputs each row sets, as paths from a parameter (`t.arrival`).
    pub columns: Vec<Expr>,
    pub rows: Vec<CaseRow>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub values: Vec<Expr>,
    pub expect: Expect,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Given {
    pub param: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Expect {
    Outcome(Expr),
    Rule(Ident),
    Otherwise(Span),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldInit {
    pub name: Ident,
    pub value: Expr,
}

impl Expr {
    /// Calls `f` on this expression and on every expression inside it, outer first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Field(e, _) | ExprKind::Not(e) | ExprKind::Paren(e) => e.walk(f),
            ExprKind::Binary(_, a, b) | ExprKind::Range(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::Record(fields) => {
                for field in fields {
                    field.value.walk(f);
                }
            }
            ExprKind::Index(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::List(items) => {
                for item in items {
                    item.walk(f);
                }
            }
            ExprKind::Name(_)
            | ExprKind::Int(_)
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_)
            | ExprKind::DateTime(_)
            | ExprKind::Duration(..) => {}
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DurationUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl DurationUnit {
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Minutes => "min",
            DurationUnit::Hours => "h",
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
            DurationUnit::Months => "mo",
            DurationUnit::Years => "y",
        }
    }

    /// Hours, days and weeks are exact; months and years are calendar units.
    pub fn is_calendar(self) -> bool {
        matches!(self, DurationUnit::Months | DurationUnit::Years)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BinOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ExprKind {
    Name(Ident),
    /// An integer as written.
    Int(String),
    Text(String),
    Bool(bool),
    /// `2025-11-05`, as written; the checker validates the calendar date.
    Date(String),
    /// `2025-11-05T10:00` or with seconds.
    DateTime(String),
    /// `144h`: the amount as written and the unit.
    Duration(String, DurationUnit),
    Field(Box<Expr>, Ident),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Range(Box<Expr>, Box<Expr>),
    Record(Vec<FieldInit>),
    Paren(Box<Expr>),
    /// `stay_limit[t.arrival_port]`: a relation's value for a key.
    Index(Box<Expr>, Box<Expr>),
    /// `[guangdong, fujian]`
    List(Vec<Expr>),
}
