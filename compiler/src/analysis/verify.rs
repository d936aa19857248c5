//! `Analysis::verify`: the runtime's verification findings as diagnostics at the rules
//! they concern.

use edict_grammar::Span;

use super::Analysis;
use crate::check::decl_span;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::parse_file;

impl Analysis {
    /// Verifies every decision table of the workspace (see `docs/verification.md`): the
    /// findings as diagnostics at the rules concerned. `Err` when the workspace does not build.
    pub fn verify(&self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let artifact = self.build()?;
        let engine = edict_runtime::Engine::new(artifact).map_err(|e| {
            vec![Diagnostic::new(
                Code::E0601,
                "",
                Span::default(),
                format!("the compiled tables are inconsistent: {e}"),
            )]
        })?;
        let index = crate::decls::workspace_index(&self.db, self.ws);
        let locate = |name: &str| -> (String, Span) {
            match index.get(name) {
                Some(def) => {
                    let parsed = parse_file(&self.db, def.file);
                    (
                        def.file.path(&self.db).clone(),
                        decl_span(parsed, &def.decl),
                    )
                }
                None => (String::new(), Span::default()),
            }
        };
        let mut out = Vec::new();
        for f in engine.verify() {
            let Some(id) = engine.decision_id(&f.decision) else {
                continue;
            };
            let Some(table) = engine.decision(id) else {
                continue;
            };
            let rule_name = |r: &u32| {
                table
                    .rules
                    .get(*r as usize)
                    .map_or(String::new(), |r| r.name.clone())
            };
            let subject = f
                .rules
                .first()
                .map_or_else(|| f.decision.clone(), rule_name);
            let (file, span) = locate(&subject);
            let code = match f.kind {
                edict_runtime::verify::FindingKind::Overlap => Code::E0701,
                edict_runtime::verify::FindingKind::Gap => Code::W0702,
                edict_runtime::verify::FindingKind::Dead => Code::W0703,
                edict_runtime::verify::FindingKind::Shadowed => Code::W0704,
                edict_runtime::verify::FindingKind::Subsumed => Code::H0705,
            };
            let mut d = Diagnostic::new(code, &file, span, f.message.clone());
            d = d.label(match f.kind {
                edict_runtime::verify::FindingKind::Gap => "this decision".to_string(),
                _ => "this rule".to_string(),
            });
            for other in f.rules.iter().skip(1).take(3) {
                let (ofile, ospan) = locate(&rule_name(other));
                d = d.related(&ofile, ospan, format!("rule `{}`", rule_name(other)));
            }
            let when = match (f.from, f.until) {
                (None, None) => "at all times".to_string(),
                (Some(a), None) => format!("from {}", edict_runtime::value::format_date(a)),
                (None, Some(b)) => format!("before {}", edict_runtime::value::format_date(b)),
                (Some(a), Some(b)) => format!(
                    "from {} to {}",
                    edict_runtime::value::format_date(a),
                    edict_runtime::value::format_date(b)
                ),
            };
            if !f.region.is_empty() {
                let region: Vec<String> = f
                    .region
                    .iter()
                    .map(|(c, v)| format!("`{c}`: {v}"))
                    .collect();
                d = d.note(format!("where: {when}; {}", region.join("; ")));
            }
            if let Some(example) = &f.example {
                d = d.note(format!("for example: {example}"));
            }
            d = d.help(match f.kind {
                edict_runtime::verify::FindingKind::Overlap => {
                    "make the conditions exclusive, or declare `hit first` or `hit priority`"
                }
                edict_runtime::verify::FindingKind::Gap => {
                    "add a rule for these requests, or an `otherwise` outcome"
                }
                edict_runtime::verify::FindingKind::Dead => {
                    "remove the rule, or correct its period or conditions"
                }
                edict_runtime::verify::FindingKind::Shadowed => {
                    "remove the rule, or move it before the rules that pre-empt it"
                }
                edict_runtime::verify::FindingKind::Subsumed => {
                    "the rule can be removed without changing any answer"
                }
            });
            out.push(d);
        }
        Ok(out)
    }
}
