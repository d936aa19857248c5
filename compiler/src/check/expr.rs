//! Type and unit inference for expressions.

use edict_grammar::{BinOp, Expr, ExprKind, FieldInit, Ident, Span};

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::time::{parse_date, parse_datetime, MAX_DURATION_AMOUNT};
use crate::types::Ty;

impl Checker<'_> {
    /// Infers the type of `e`. `expected` steers enum values (`hong_kong` is the `Residency`
    /// value when a `Residency` is expected) and record literals.
    pub(crate) fn infer(&mut self, e: &Expr, scope: &Scope, expected: Option<&Ty>) -> Ty {
        match &e.kind {
            ExprKind::Name(ident) => self.name_value(ident, scope, expected),
            ExprKind::Int(text) => {
                if text.parse::<i64>().is_err() {
                    let d = self
                        .diag(
                            Code::E0207,
                            e.span,
                            format!("the number `{text}` is too large"),
                        )
                        .label("numbers must fit in 64 bits");
                    self.emit(d);
                    return Ty::Error;
                }
                Ty::Int
            }
            ExprKind::Text(_) => Ty::Text,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Date(text) => match parse_date(text) {
                Ok(_) => Ty::Date,
                Err(msg) => {
                    let d = self
                        .diag(Code::E0203, e.span, msg)
                        .label("no such day")
                        .help("dates are written year-month-day, such as `2025-11-05`");
                    self.emit(d);
                    Ty::Error
                }
            },
            ExprKind::DateTime(text) => match parse_datetime(text) {
                Ok(_) => Ty::DateTime,
                Err(msg) => {
                    let d = self
                        .diag(Code::E0203, e.span, msg)
                        .label("no such time")
                        .help("date-times are written `2025-11-05T10:00`, hours from 00 to 23");
                    self.emit(d);
                    Ty::Error
                }
            },
            ExprKind::Duration(amount, unit) => {
                if amount
                    .parse::<u64>()
                    .map_or(true, |n| n > MAX_DURATION_AMOUNT)
                {
                    let d = self
                        .diag(
                            Code::E0207,
                            e.span,
                            format!("the duration `{amount}{}` is too large", unit.suffix()),
                        )
                        .label("out of range");
                    self.emit(d);
                    return Ty::Error;
                }
                if unit.is_calendar() {
                    Ty::Period
                } else {
                    Ty::Duration
                }
            }
            ExprKind::Paren(inner) => self.infer(inner, scope, expected),
            ExprKind::Not(inner) => {
                self.expect_bool(inner, scope, "`not` applies to a condition");
                Ty::Bool
            }
            ExprKind::Field(base, field) => self.field(base, field, scope),
            ExprKind::Range(lo, hi) => self.range(lo, hi, scope, expected, e.span),
            ExprKind::Record(fields) => match expected.map(Ty::strip_optional) {
                Some(Ty::Record(name)) | Some(Ty::Entity(name)) => {
                    let name = name.clone();
                    self.record_literal(fields, e.span, &name, scope, false);
                    expected.map_or(Ty::Error, |t| t.strip_optional().clone())
                }
                _ => {
                    let d = self
                        .diag(Code::E0208, e.span, "a record cannot be written here")
                        .label("no record type is expected at this place");
                    self.emit(d);
                    Ty::Error
                }
            },
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, scope, e.span),
            ExprKind::Index(base, key) => self.lookup(base, key, scope, e.span),
            ExprKind::List(items) => self.list(items, scope, expected, e.span),
        }
    }

    pub(crate) fn expect_bool(&mut self, e: &Expr, scope: &Scope, why: &str) {
        let t = self.infer(e, scope, Some(&Ty::Bool));
        if !t.is_error() && *t.strip_optional() != Ty::Bool {
            let d = self
                .diag(
                    Code::E0201,
                    e.span,
                    format!("expected a condition, found {}", t.describe()),
                )
                .label(format!("this is {}", t.describe()))
                .help(why.to_string());
            self.emit(d);
        }
    }

    /// Checks `e` against an expected type, reporting a mismatch.
    pub(crate) fn check_against(&mut self, e: &Expr, scope: &Scope, expected: &Ty, place: &str) {
        let actual = self.infer(e, scope, Some(expected));
        if !assignable(&actual, expected) {
            let mut d = self
                .diag(
                    Code::E0208,
                    e.span,
                    format!(
                        "{place} must be {}, found {}",
                        expected.describe(),
                        actual.describe()
                    ),
                )
                .label(format!("this is {}", actual.describe()));
            if let (Some(a), Some(b)) = (actual.time_kind(), expected.time_kind()) {
                d.code = Code::E0202;
                d = d.help(format!(
                    "{a} cannot stand for {b}: no exact conversion relates hours and months"
                ));
            }
            self.emit(d);
        }
    }

    fn name_value(&mut self, ident: &Ident, scope: &Scope, expected: Option<&Ty>) -> Ty {
        let name = ident.name.as_str();
        if let Some(t) = scope.get(name) {
            return t.clone();
        }
        if let Some(Ty::Enum(e)) = expected.map(Ty::strip_optional) {
            if self
                .index
                .variants
                .get(name)
                .is_some_and(|owners| owners.contains(e))
            {
                return Ty::Enum(e.clone());
            }
        }
        match self.index.kind(name) {
            Some(DeclKind::Entity { ty, .. }) => return Ty::Entity(ty.clone()),
            Some(DeclKind::Condition { decision }) => {
                if scope.decision.as_deref() == Some(decision.as_str()) {
                    return Ty::Bool;
                }
                let d = self
                    .diag(
                        Code::E0104,
                        ident.span,
                        format!("`{name}` is a condition of `{decision}`"),
                    )
                    .label("a condition is used only by the rules of its decision")
                    .help("write the condition again for this decision, or use one of its own");
                self.emit(d);
                return Ty::Error;
            }
            Some(DeclKind::Set { elem, .. }) => {
                let elem = self.ty_of(elem);
                return if elem.is_error() {
                    Ty::Error
                } else {
                    Ty::Set(Box::new(elem))
                };
            }
            Some(DeclKind::Value { key: None, ty }) => {
                let ty = ty.clone();
                if !self.dated_here(ident, scope) {
                    return Ty::Error;
                }
                return self.ty_of(&ty);
            }
            Some(DeclKind::Value { key: Some(key), .. }) => {
                let key = self.ty_of(key);
                let d = self
                    .diag(
                        Code::E0104,
                        ident.span,
                        format!("`{name}` is a relation, not a value"),
                    )
                    .label("a relation holds a value per key")
                    .help(format!(
                        "read it with a key of type `{key}`, such as `{name}[t.{}]`",
                        key.to_string().to_lowercase()
                    ));
                self.emit(d);
                return Ty::Error;
            }
            Some(other) => {
                let noun = other.with_article();
                let d = self
                    .diag(
                        Code::E0104,
                        ident.span,
                        format!("`{name}` is {noun}, not a value"),
                    )
                    .label("a value is expected here");
                self.emit(d);
                return Ty::Error;
            }
            None => {}
        }
        match self.index.variants.get(name).map(Vec::as_slice) {
            Some([only]) => return Ty::Enum(only.clone()),
            Some(owners @ [first, ..]) => {
                let list = owners
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let d = self
                    .diag(
                        Code::E0110,
                        ident.span,
                        format!("`{name}` is a value of several enums: {list}"),
                    )
                    .label("which one is meant?")
                    .help(format!("write it with its enum, such as `{first}.{name}`"));
                self.emit(d);
                return Ty::Error;
            }
            _ => {}
        }
        let mut candidates: Vec<&str> = scope.params.iter().map(|(n, _)| n.as_str()).collect();
        let values = self.names_where(|k| {
            matches!(
                k,
                DeclKind::Entity { .. } | DeclKind::Set { .. } | DeclKind::Value { key: None, .. }
            )
        });
        candidates.extend(values);
        let index = self.index;
        candidates.extend(index.variants.keys().map(String::as_str));
        if let Some((entry, display)) = self.entry_named(&ident.name) {
            // `norway` for the entry `no` whose name is "Norway".
            let d = self
                .diag(
                    Code::E0101,
                    ident.span,
                    format!("unknown name `{}`", ident.name),
                )
                .label(format!("no name is `{}`", ident.name))
                .help(format!("did you mean `{entry}` ({display})?"))
                .suggest(ident.span, entry);
            self.emit(d);
            return Ty::Error;
        }
        self.unknown(ident, "name", candidates);
        Ty::Error
    }

    fn field(&mut self, base: &Expr, field: &Ident, scope: &Scope) -> Ty {
        // `Residency.hong_kong`: an enum value written with its enum.
        if let ExprKind::Name(n) = &base.kind {
            if scope.get(&n.name).is_none() {
                if let Some(DeclKind::Enum { variants }) = self.index.kind(&n.name) {
                    if variants.contains(&field.name) {
                        return Ty::Enum(n.name.clone());
                    }
                    let candidates: Vec<&str> = variants.iter().map(String::as_str).collect();
                    let candidates: Vec<String> =
                        candidates.iter().map(|s| s.to_string()).collect();
                    let what = format!("value of `{}`", n.name);
                    self.unknown(
                        field,
                        &what,
                        candidates.iter().map(String::as_str).collect(),
                    );
                    return Ty::Error;
                }
            }
        }
        let base_ty = self.infer(base, scope, None);
        let optional = matches!(base_ty, Ty::Optional(_));
        let ty = match base_ty.strip_optional() {
            Ty::Error => return Ty::Error,
            Ty::Record(name) | Ty::Entity(name) => {
                let noun = if matches!(base_ty.strip_optional(), Ty::Entity(_)) {
                    "attribute"
                } else {
                    "field"
                };
                let name = name.clone();
                let fields = self.fields_of(&name).unwrap_or_default();
                let ancestor = match base_ty.strip_optional() {
                    Ty::Entity(_) => self.index.ancestor_accessor(&name, &field.name),
                    _ => None,
                };
                match fields.iter().find(|(f, _)| *f == field.name) {
                    Some((_, t)) => t.clone(),
                    // `t.arrival_port.city`: the entry the port lies in.
                    None if ancestor.is_some() => match ancestor {
                        Some((t, true)) => Ty::Optional(Box::new(Ty::Entity(t))),
                        Some((t, false)) => Ty::Entity(t),
                        None => Ty::Error,
                    },
                    None => {
                        let mut candidates: Vec<String> =
                            fields.iter().map(|(f, _)| f.clone()).collect();
                        if matches!(base_ty.strip_optional(), Ty::Entity(_)) {
                            candidates.extend(
                                self.index
                                    .ancestor_accessors(&name)
                                    .into_iter()
                                    .map(|(a, _)| a),
                            );
                        }
                        let what = format!("{noun} of `{name}`");
                        self.unknown_field(
                            field,
                            &what,
                            candidates.iter().map(String::as_str).collect(),
                        );
                        return Ty::Error;
                    }
                }
            }
            other => {
                let d = self
                    .diag(
                        Code::E0103,
                        field.span,
                        format!("{} has no field `{}`", other.describe(), field.name),
                    )
                    .label("no such field")
                    .secondary(base.span, format!("this is {}", other.describe()));
                self.emit(d);
                return Ty::Error;
            }
        };
        if optional && !matches!(ty, Ty::Optional(_)) {
            Ty::Optional(Box::new(ty))
        } else {
            ty
        }
    }

    fn range(
        &mut self,
        lo: &Expr,
        hi: &Expr,
        scope: &Scope,
        expected: Option<&Ty>,
        span: Span,
    ) -> Ty {
        let elem_expected = match expected.map(Ty::strip_optional) {
            Some(Ty::Range(t)) => Some(t.as_ref().clone()),
            _ => None,
        };
        let lt = self.infer(lo, scope, elem_expected.as_ref());
        let ht = self.infer(hi, scope, elem_expected.as_ref());
        if lt.is_error() || ht.is_error() {
            return Ty::Error;
        }
        let (l, h) = (lt.strip_optional(), ht.strip_optional());
        if l != h {
            let code = if l.time_kind().is_some() && h.time_kind().is_some() {
                Code::E0202
            } else {
                Code::E0201
            };
            let d = self
                .diag(
                    code,
                    lo.span,
                    format!(
                        "a range cannot go from {} to {}",
                        l.describe(),
                        h.describe()
                    ),
                )
                .label(format!("this is {}", l.describe()))
                .secondary(hi.span, format!("this is {}", h.describe()))
                .help("both ends of a range must be of the same kind and unit family");
            self.emit(d);
            return Ty::Error;
        }
        if !l.is_ordered() {
            let d = self
                .diag(
                    Code::E0206,
                    span,
                    format!("a range of {} is not possible", l.describe()),
                )
                .label("ranges need numbers, dates or durations");
            self.emit(d);
            return Ty::Error;
        }
        Ty::Range(Box::new(l.clone()))
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, scope: &Scope, span: Span) -> Ty {
        match op {
            BinOp::And | BinOp::Or => {
                let why = format!("`{}` joins conditions", op.as_str());
                self.expect_bool(lhs, scope, &why);
                self.expect_bool(rhs, scope, &why);
                Ty::Bool
            }
            BinOp::In | BinOp::NotIn => {
                let lt = self.infer(lhs, scope, None);
                let elem_hint = match lt.strip_optional() {
                    Ty::Error => None,
                    t => Some(Ty::Range(Box::new(t.clone()))),
                };
                let rt = self.infer(rhs, scope, elem_hint.as_ref());
                self.membership(&lt, &rt, lhs, rhs, op);
                Ty::Bool
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let lt = self.infer(lhs, scope, None);
                let rt = self.infer(rhs, scope, Some(&lt));
                self.comparison(op, &lt, &rt, lhs, rhs, span);
                Ty::Bool
            }
            BinOp::Add | BinOp::Sub => {
                let lt = self.infer(lhs, scope, None);
                let rt = self.infer(rhs, scope, None);
                self.arithmetic(op, &lt, &rt, lhs, rhs)
            }
        }
    }

    fn comparison(&mut self, op: BinOp, lt: &Ty, rt: &Ty, lhs: &Expr, rhs: &Expr, span: Span) {
        if lt.is_error() || rt.is_error() {
            return;
        }
        let (l, r) = (lt.strip_optional(), rt.strip_optional());
        if let (Some(lk), Some(rk)) = (l.time_kind(), r.time_kind()) {
            if l != r {
                let d = self
                    .diag(Code::E0202, lhs.span, format!("cannot compare {lk} with {rk}"))
                    .label(format!("this is {}", l.describe()))
                    .secondary(rhs.span, format!("this is {}", r.describe()))
                    .help("no exact conversion relates hours and months: use `h`/`d` on both sides, or `mo`/`y` on both sides");
                self.emit(d);
                return;
            }
        }
        if l != r {
            let mut d = self
                .diag(
                    Code::E0201,
                    lhs.span,
                    format!("cannot compare {} with {}", l.describe(), r.describe()),
                )
                .label(format!("this is {}", l.describe()))
                .secondary(rhs.span, format!("this is {}", r.describe()));
            let times = [Ty::Date, Ty::DateTime];
            if (times.contains(l) && r.time_kind().is_some())
                || (times.contains(r) && l.time_kind().is_some())
            {
                d = d.help("a point in time is not a length of time: subtract two date-times to get a duration, such as `t.onward_departure - t.arrival <= 144h`");
            } else if times.contains(l) && times.contains(r) {
                d = d.help("write the date as a date-time, such as `2025-11-05T00:00`");
            }
            self.emit(d);
            return;
        }
        let ordering = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
        if ordering && !l.is_ordered() {
            let d = self
                .diag(
                    Code::E0206,
                    span,
                    format!("`{}` cannot order {}", op.as_str(), l.describe()),
                )
                .label("only numbers, dates, date-times and durations have an order")
                .help("use `==`, `!=` or `in` instead");
            self.emit(d);
        }
        if matches!(l, Ty::Set(_) | Ty::Record(_)) {
            let d = self
                .diag(
                    Code::E0206,
                    span,
                    format!("{} cannot be compared", l.describe()),
                )
                .label("compare their fields, or test membership with `in`");
            self.emit(d);
        }
    }

    fn membership(&mut self, lt: &Ty, rt: &Ty, lhs: &Expr, rhs: &Expr, op: BinOp) {
        if lt.is_error() || rt.is_error() {
            return;
        }
        // A place that may be absent (`t.zone`, `t.city.region`): `in` it is false then.
        let rt = match rt {
            Ty::Optional(inner) if matches!(inner.as_ref(), Ty::Entity(_)) => inner.as_ref(),
            other => other,
        };
        let l = lt.strip_optional();
        let fits = match rt {
            Ty::Set(elem) => match (l, elem.as_ref()) {
                (Ty::Entity(a), Ty::Entity(b)) => self.index.type_within(a, b),
                (a, b) => a == b,
            },
            Ty::Entity(container) => match l {
                Ty::Entity(a) => self.index.type_within(a, container),
                _ => false,
            },
            Ty::Range(elem) => {
                if let (Some(lk), Some(rk)) = (l.time_kind(), elem.time_kind()) {
                    if l != elem.as_ref() {
                        let d = self
                            .diag(
                                Code::E0202,
                                lhs.span,
                                format!("cannot test {lk} against a range of {rk}"),
                            )
                            .label(format!("this is {}", l.describe()))
                            .secondary(rhs.span, format!("this is {}", rt.describe()))
                            .help("no exact conversion relates hours and months");
                        self.emit(d);
                        return;
                    }
                }
                l == elem.as_ref()
            }
            other => {
                let d = self
                    .diag(
                        Code::E0206,
                        rhs.span,
                        format!(
                            "`{}` needs a set, an entity or a range on its right",
                            op.as_str()
                        ),
                    )
                    .label(format!("this is {}", other.describe()));
                self.emit(d);
                return;
            }
        };
        if fits {
            // `t.province in [henan, kunming]`: a province is never inside a city.
            if let (Ty::Entity(a), ExprKind::List(items), Ty::Set(elem)) = (l, &rhs.kind, rt) {
                for item in items {
                    let ExprKind::Name(n) = &item.kind else {
                        continue;
                    };
                    let Some(e) = self.index.entity_type_of(&n.name) else {
                        continue;
                    };
                    // An entry of another hierarchy is the list's own error (E0205).
                    let listed =
                        matches!(elem.as_ref(), Ty::Entity(t) if self.index.type_within(e, t));
                    if listed && !self.index.type_within(a, e) {
                        let holder = self
                            .index
                            .entity_ancestors(&n.name)
                            .into_iter()
                            .find(|p| self.index.entity_type_of(p) == Some(a.as_str()));
                        let fix = match holder {
                            Some(h) => format!("list `{h}`, the `{a}` that holds `{}`", n.name),
                            None => format!("list the `{a}` entries meant"),
                        };
                        let d = self
                            .diag(
                                Code::E0204,
                                item.span,
                                format!("a `{a}` can never be in `{}`, a `{e}`", n.name),
                            )
                            .label(format!("this is a `{e}`"))
                            .secondary(lhs.span, format!("this is a `{a}`"))
                            .help(format!("test an input that lies in a `{e}` here, or {fix}"));
                        self.emit(d);
                    }
                }
            }
        }
        if !fits {
            let holds = match rt {
                Ty::Set(elem) => format!("a set of `{elem}`"),
                Ty::Entity(t) => format!("a `{t}`, which holds no `{}`", l),
                other => other.describe(),
            };
            let mut d = self
                .diag(
                    Code::E0204,
                    lhs.span,
                    format!("{} can never be in {holds}", l.describe()),
                )
                .label(format!("this is {}", l.describe()))
                .secondary(rhs.span, format!("this is {holds}"));
            if let (Ty::Entity(_), Ty::Set(elem)) = (l, rt) {
                d = d.help(format!(
                    "test a `{elem}` here, such as a field of that type"
                ));
            }
            self.emit(d);
        }
    }

    fn arithmetic(&mut self, op: BinOp, lt: &Ty, rt: &Ty, lhs: &Expr, rhs: &Expr) -> Ty {
        if lt.is_error() || rt.is_error() {
            return Ty::Error;
        }
        let optional = matches!(lt, Ty::Optional(_)) || matches!(rt, Ty::Optional(_));
        let (l, r) = (lt.strip_optional(), rt.strip_optional());
        use Ty::*;
        let result = match (op, l, r) {
            (BinOp::Sub, DateTime, DateTime) | (BinOp::Sub, Date, Date) => Some(Duration),
            (_, DateTime, Duration) => Some(DateTime),
            (BinOp::Add, Duration, DateTime) => Some(DateTime),
            (_, Date, Period) => Some(Date),
            (BinOp::Add, Period, Date) => Some(Date),
            (_, Duration, Duration) => Some(Duration),
            (_, Period, Period) => Some(Period),
            (_, Int, Int) => Some(Int),
            _ => None,
        };
        match result {
            Some(t) if optional => Optional(Box::new(t)),
            Some(t) => t,
            None => {
                let verb = if op == BinOp::Add { "add" } else { "subtract" };
                let (code, help) = if l.time_kind().is_some() && r.time_kind().is_some() {
                    (
                        Code::E0202,
                        "no exact conversion relates hours and months".to_string(),
                    )
                } else if matches!((l, r), (Date, Duration)) {
                    (
                        Code::E0206,
                        "add calendar units (`mo`, `y`) to a date, or exact units to a date-time"
                            .to_string(),
                    )
                } else {
                    (
                        Code::E0206,
                        "date-times minus date-times give durations; durations add to date-times"
                            .to_string(),
                    )
                };
                let d = self
                    .diag(
                        code,
                        lhs.span,
                        format!("cannot {verb} {} and {}", l.describe(), r.describe()),
                    )
                    .label(format!("this is {}", l.describe()))
                    .secondary(rhs.span, format!("this is {}", r.describe()))
                    .help(help);
                self.emit(d);
                Error
            }
        }
    }

    /// Checks a record literal against the fields of `type_name`. With `partial`, fields may
    /// be left out (test expectations); otherwise every non-optional field must be given.
    pub(crate) fn record_literal(
        &mut self,
        fields: &[FieldInit],
        span: Span,
        type_name: &str,
        scope: &Scope,
        partial: bool,
    ) {
        let declared = self.fields_of(type_name).unwrap_or_default();
        let mut seen: Vec<&str> = Vec::new();
        for f in fields {
            if seen.contains(&f.name.name.as_str()) {
                let d = self
                    .diag(
                        Code::E0106,
                        f.name.span,
                        format!("field `{}` is given twice", f.name.name),
                    )
                    .label("given again here");
                self.emit(d);
                continue;
            }
            seen.push(&f.name.name);
            match declared.iter().find(|(n, _)| *n == f.name.name) {
                Some((_, ty)) => {
                    let place = format!("field `{}`", f.name.name);
                    self.check_against(&f.value, scope, ty, &place);
                }
                None => {
                    let candidates: Vec<String> = declared.iter().map(|(n, _)| n.clone()).collect();
                    let what = format!("field of `{type_name}`");
                    self.unknown_field(
                        &f.name,
                        &what,
                        candidates.iter().map(String::as_str).collect(),
                    );
                    self.infer(&f.value, scope, None);
                }
            }
        }
        if partial {
            return;
        }
        let missing: Vec<String> = declared
            .iter()
            .filter(|(n, t)| !matches!(t, Ty::Optional(_)) && !seen.contains(&n.as_str()))
            .map(|(n, t)| format!("`{n}: {t}`"))
            .collect();
        if !missing.is_empty() {
            let noun = if missing.len() == 1 {
                "field"
            } else {
                "fields"
            };
            let d = self
                .diag(
                    Code::E0105,
                    span,
                    format!("missing {noun} {} of `{type_name}`", missing.join(", ")),
                )
                .label(format!("`{type_name}` needs {}", missing.join(", ")))
                .help("give every field; fields declared with `?` may be left out");
            self.emit(d);
        }
    }
}

/// May a value of type `actual` stand where `expected` is wanted?
pub fn assignable(actual: &Ty, expected: &Ty) -> bool {
    if actual.is_error() || expected.is_error() {
        return true;
    }
    match expected {
        Ty::Optional(inner) => assignable(actual.strip_optional(), inner),
        _ => actual == expected,
    }
}

impl Checker<'_> {
    /// The catalogue entry whose `name` (or `name_zh`, ...) attribute is `text`, ignoring case,
    /// with that attribute's value.
    pub(crate) fn entry_named(&self, text: &str) -> Option<(String, String)> {
        let lower = text.to_lowercase();
        for (name, defs) in &self.index.defs {
            let Some(def) = defs.first() else { continue };
            let (DeclKind::Entity { .. }, Some(entry)) = (&def.decl.kind, def.decl.entry) else {
                continue;
            };
            let parsed = crate::syntax::parse_file(self.db, def.file);
            let Some(edict_grammar::ItemKind::Catalogue(c)) =
                parsed.items.get(def.decl.item as usize).map(|i| &i.kind)
            else {
                continue;
            };
            let Some(e) = c.entries.get(entry as usize) else {
                continue;
            };
            for f in &e.fields {
                if let (true, ExprKind::Text(value)) =
                    (f.name.name.starts_with("name"), &f.value.kind)
                {
                    if value.to_lowercase() == lower {
                        return Some((name.clone(), value.clone()));
                    }
                }
            }
        }
        None
    }
}
