//! Renderers of diagnostics: miette for people, JSON for machines.

use std::collections::BTreeMap;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Label, Severity};

/// Line and column (both from 1; the column counts characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The offsets where a text's lines start, for many [`line_col`] look-ups in one text (a binary
/// search and the characters of one line, not a scan from the start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// [`line_col`] of an offset in `text`, the text this index was made from.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        // The last line starting at or before the offset.
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How the text of each file is found when rendering.
pub trait Sources {
    fn text(&self, path: &str) -> Option<&str>;
}

impl Sources for BTreeMap<String, String> {
    fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(String::as_str)
    }
}

/// A diagnostic wrapped for miette, with its file's text.
/// A file's text for miette, whose `[file:line:column]` then counts characters, as every other
/// output does (miette's own counts bytes: `😀` would be four columns).
#[derive(Debug)]
struct CharColumns {
    inner: NamedSource<String>,
    name: String,
    text: String,
}

impl CharColumns {
    fn new(name: &str, text: &str) -> CharColumns {
        CharColumns {
            inner: NamedSource::new(name, text.to_string()),
            name: name.to_string(),
            text: text.to_string(),
        }
    }
}

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self
            .inner
            .read_span(span, context_lines_before, context_lines_after)?;
        let (_, column) = line_col(&self.text, contents.span().offset());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column - 1,
            contents.line_count(),
        )))
    }
}

#[derive(Debug)]
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: CharColumns,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

fn labeled(label: &Label, text: &str, primary: bool) -> LabeledSpan {
    let start = floor_char_boundary(text, (label.span.start as usize).min(text.len()));
    let end = floor_char_boundary(text, (label.span.end as usize).min(text.len())).max(start);
    let span = (start, end - start);
    if primary {
        LabeledSpan::new_primary_with_span(label.message.clone(), span)
    } else {
        LabeledSpan::new_with_span(label.message.clone(), span)
    }
}

fn report(d: &Diagnostic, sources: &dyn Sources) -> Report {
    let text = sources.text(&d.primary.file).unwrap_or("");
    let mut labels = vec![labeled(&d.primary, text, true)];
    labels.extend(d.secondary.iter().map(|l| labeled(l, text, false)));
    let related = d
        .related
        .iter()
        .map(|l| {
            let rtext = sources.text(&l.file).unwrap_or("");
            Report {
                message: l.message.clone().unwrap_or_default(),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: CharColumns::new(&l.file, rtext),
                labels: vec![labeled(
                    &Label {
                        message: None,
                        ..l.clone()
                    },
                    rtext,
                    true,
                )],
                related: Vec::new(),
            }
        })
        .collect();
    Report {
        message: d.message.clone(),
        code: d.code.as_str().to_string(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Hint => miette::Severity::Advice,
        },
        help: match (&d.help, d.notes.is_empty()) {
            (h, true) => h.clone(),
            (Some(h), false) => Some(format!("{h}\n{}", d.notes.join("\n"))),
            (None, false) => Some(d.notes.join("\n")),
        },
        source: CharColumns::new(&d.primary.file, text),
        labels,
        related,
    }
}

/// Renders diagnostics for a person, the way `edict check` prints them.
pub fn render_human(diags: &[Diagnostic], sources: &dyn Sources, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in diags {
        let r = report(d, sources);
        if handler.render_report(&mut out, &r).is_err() {
            out.push_str(&format!(
                "{}[{}]: {}\n",
                severity_word(d.severity),
                d.code,
                d.message
            ));
        }
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "hint",
    }
}

/// A one-line summary such as `2 errors, 1 warning in 9 files`.
pub fn summary(diags: &[Diagnostic], files: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!("{} in {}", counts(diags), plural(files, "file"))
}

/// How many errors, warnings and hints: `1 error, 0 warnings` (hints only when there are).
pub fn counts(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let hints = diags.len() - errors - warnings;
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let hints = if hints > 0 {
        format!(", {}", plural(hints, "hint"))
    } else {
        String::new()
    };
    format!(
        "{}, {}{hints}",
        plural(errors, "error"),
        plural(warnings, "warning"),
    )
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSuggestion<'a> {
    file: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    primary: JsonLabel<'a>,
    secondary: Vec<JsonLabel<'a>>,
    related: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    notes: &'a [String],
    suggestion: Option<JsonSuggestion<'a>>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
    hints: usize,
}

fn position(sources: &dyn Sources, file: &str, offset: u32) -> JsonPosition {
    let (line, column) = line_col(sources.text(file).unwrap_or(""), offset as usize);
    JsonPosition {
        line,
        column,
        offset,
    }
}

fn json_label<'a>(l: &'a Label, sources: &dyn Sources) -> JsonLabel<'a> {
    JsonLabel {
        file: &l.file,
        start: position(sources, &l.file, l.span.start),
        end: position(sources, &l.file, l.span.end),
        message: l.message.as_deref(),
    }
}

/// Renders diagnostics as the stable JSON document of `--format json` (documented in
/// `docs/cli.md`).
pub fn render_json(diags: &[Diagnostic], sources: &dyn Sources) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let report = JsonReport {
        version: 1,
        errors,
        warnings: diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        hints: diags
            .iter()
            .filter(|d| d.severity == Severity::Hint)
            .count(),
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.as_str(),
                severity: d.severity,
                message: &d.message,
                primary: json_label(&d.primary, sources),
                secondary: d.secondary.iter().map(|l| json_label(l, sources)).collect(),
                related: d.related.iter().map(|l| json_label(l, sources)).collect(),
                help: d.help.as_deref(),
                notes: &d.notes,
                suggestion: d.suggestion.as_ref().map(|s| JsonSuggestion {
                    file: &s.file,
                    start: position(sources, &s.file, s.span.start),
                    end: position(sources, &s.file, s.span.end),
                    replacement: &s.replacement,
                }),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn github_escape(s: &str, property: bool) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

/// GitHub Actions workflow commands, one per diagnostic, which GitHub shows as annotations on
/// the lines of a pull request.
pub fn render_github(diags: &[Diagnostic], sources: &dyn Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "notice",
        };
        let text = sources.text(&d.primary.file).unwrap_or("");
        let (line, col) = line_col(text, d.primary.span.start as usize);
        let (end_line, end_col) = line_col(text, d.primary.span.end as usize);
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        for n in &d.notes {
            message.push_str(&format!("\n{n}"));
        }
        out.push_str(&format!(
            "::{level} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            github_escape(&d.primary.file, true),
            github_escape(&format!("{} {}", d.code, d.code.title()), true),
            github_escape(&message, false)
        ));
    }
    out
}

fn sarif_location(l: &Label, sources: &dyn Sources) -> serde_json::Value {
    let text = sources.text(&l.file).unwrap_or("");
    let (sl, sc) = line_col(text, l.span.start as usize);
    let (el, ec) = line_col(text, l.span.end as usize);
    let mut loc = serde_json::json!({
        "physicalLocation": {
            "artifactLocation": { "uri": l.file },
            "region": { "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec }
        }
    });
    if let Some(m) = &l.message {
        loc["message"] = serde_json::json!({ "text": m });
    }
    loc
}

/// A SARIF 2.1.0 log with one run: the rules are the codes used, the results the diagnostics.
pub fn render_sarif(diags: &[Diagnostic], sources: &dyn Sources, tool: &str) -> String {
    let mut codes: Vec<crate::Code> = diags.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "note",
    };
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.as_str(),
                "name": c.title(),
                "shortDescription": { "text": c.title() },
                "helpUri": format!("https://github.com/edict-lang/edict/blob/main/docs/diagnostics.md#{}", c.as_str().to_lowercase()),
                "defaultConfiguration": { "level": level(c.severity()) }
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            for n in &d.notes {
                text.push_str(&format!("\n{n}"));
            }
            let related: Vec<serde_json::Value> =
                d.secondary.iter().chain(&d.related).map(|l| sarif_location(l, sources)).collect();
            let mut r = serde_json::json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [sarif_location(&d.primary, sources)],
            });
            if !related.is_empty() {
                r["relatedLocations"] = serde_json::Value::Array(related);
            }
            if let Some(s) = &d.suggestion {
                let text = sources.text(&s.file).unwrap_or("");
                let (sl, sc) = line_col(text, s.span.start as usize);
                let (el, ec) = line_col(text, s.span.end as usize);
                r["fixes"] = serde_json::json!([{
                    "description": { "text": format!("replace with `{}`", s.replacement) },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": s.file },
                        "replacements": [{
                            "deletedRegion": { "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec },
                            "insertedContent": { "text": s.replacement }
                        }]
                    }]
                }]);
            }
            r
        })
        .collect();
    sarif_log(tool, rules, results)
}

/// A SARIF 2.1.0 log of one run of `edict` (`full_name`, such as `edict verify`), with its
/// rules and results; columns count Unicode code points.
pub fn sarif_log(
    full_name: &str,
    rules: Vec<serde_json::Value>,
    results: Vec<serde_json::Value>,
) -> String {
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "edict",
                "fullName": full_name,
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/edict-lang/edict",
                "rules": rules
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{line_col, LineIndex};
    use proptest::prelude::*;

    proptest! {
        /// The index answers as the scan from the start does, at every offset (inside a
        /// character, past the end) of any text of lines and multi-byte characters.
        #[test]
        fn the_line_index_agrees_with_the_scan(text in "[a\\n\\r é中\\u{1F600}]{0,40}") {
            let index = LineIndex::new(&text);
            for offset in 0..text.len() + 3 {
                prop_assert_eq!(index.line_col(&text, offset), line_col(&text, offset));
            }
        }
    }

    #[test]
    fn lines_and_columns_count_from_one() {
        let text = "ab\nc中d\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (1, 3));
        assert_eq!(index.line_col(text, 3), (2, 1));
        // After the three bytes of 中: the third character of line 2.
        assert_eq!(index.line_col(text, 7), (2, 3));
        assert_eq!(index.line_col(text, 9), (3, 1));
    }
}
