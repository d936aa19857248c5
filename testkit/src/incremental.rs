//! A small workspace for incrementality tests (the compiler's and the editor's): a catalogue
//! file, and a rule per file that an edit can change alone.

/// The catalogue, its set and the decision the rules are written for.
pub const CATALOGUE: &str = r#"
source nia { title: "NIA", published: 2025-11-05, items: 4 }
enum Status { visa_free, visa_required }
entity Country { name: Text }
catalogue Country { us { name: "United States" }, jp { name: "Japan" } }
set countries: Country { us, jp }
record Traveller { nationality: Country, arrival: DateTime }
record Entry { status: Status }
decision entry(t: Traveller) -> Entry { as of t.arrival  otherwise { status: visa_required } }
"#;

/// A file of one rule `name`, for travellers of `country`.
pub fn rule(name: &str, country: &str) -> String {
    format!(
        "rule {name} for entry {{\n  cite nia item 4\n  when t.nationality == {country}\n  then {{ status: visa_free }}\n}}\n"
    )
}

/// How many times `query` ran, in a salsa execution log (each line `query(...)`).
pub fn executions(log: &[String], query: &str) -> usize {
    log.iter()
        .filter(|l| l.starts_with(&format!("{query}(")))
        .count()
}
