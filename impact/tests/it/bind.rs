//! Columns found for a decision's inputs: by path, by path with underscores, by last name, by
//! rename; a missing or mistyped column is an error naming the column and the input.

use std::collections::BTreeMap;

use edict_impact::datafusion::arrow::datatypes::{DataType, Field, Schema};
use edict_impact::inputs::Binding;

use crate::common::corpus;

fn schema(fields: &[(&str, DataType)]) -> Schema {
    Schema::new(
        fields
            .iter()
            .map(|(n, t)| Field::new(*n, t.clone(), true))
            .collect::<Vec<_>>(),
    )
}

fn transit_fields(rename: &[(&str, &str)], types: &[(&str, DataType)]) -> Schema {
    let mut fields: Vec<(String, DataType)> = [
        "nationality",
        "origin",
        "arrival_port",
        "arrival",
        "onward_destination",
        "onward_departure",
    ]
    .iter()
    .map(|n| (n.to_string(), DataType::Utf8))
    .collect();
    for (from, to) in rename {
        for f in &mut fields {
            if f.0 == *from {
                f.0 = to.to_string();
            }
        }
    }
    for (name, t) in types {
        for f in &mut fields {
            if f.0 == *name {
                f.1 = t.clone();
            }
        }
    }
    let refs: Vec<(&str, DataType)> = fields
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    schema(&refs)
}

#[test]
fn columns_are_found_by_path_by_underscores_by_last_name_and_by_rename() {
    let e = corpus();
    let id = e.decision_id("transit_entry").unwrap();
    let s = transit_fields(
        &[("nationality", "t.nationality"), ("origin", "t_origin")],
        &[],
    );
    let b = Binding::new(&e, id, &s, &BTreeMap::new()).unwrap();
    let names: Vec<String> = b.column_names(&s).into_iter().map(|c| c.unwrap()).collect();
    assert_eq!(
        names,
        [
            "t.nationality",
            "t_origin",
            "arrival_port",
            "arrival",
            "onward_destination",
            "onward_departure"
        ]
    );
    let s = transit_fields(&[("nationality", "nat")], &[]);
    let renames = BTreeMap::from([("t.nationality".to_string(), "nat".to_string())]);
    let b = Binding::new(&e, id, &s, &renames).unwrap();
    assert_eq!(b.column_names(&s)[0].as_deref(), Some("nat"));
}

#[test]
fn a_missing_or_mistyped_column_names_the_column_and_the_input() {
    let e = corpus();
    let id = e.decision_id("transit_entry").unwrap();
    let missing = transit_fields(&[("arrival_port", "port")], &[]);
    let err = Binding::new(&e, id, &missing, &BTreeMap::new()).unwrap_err();
    insta::assert_snapshot!("missing_column", err.to_string());
    let typed = transit_fields(&[], &[("arrival", DataType::Int64)]);
    let err = Binding::new(&e, id, &typed, &BTreeMap::new()).unwrap_err();
    insta::assert_snapshot!("mistyped_column", err.to_string());
    let renames = BTreeMap::from([("t.port".to_string(), "port".to_string())]);
    let err = Binding::new(&e, id, &missing, &renames).unwrap_err();
    insta::assert_snapshot!("rename_of_no_input", err.to_string());
    // A table whose columns feed no decision says so and lists them.
    let other = schema(&[("x", DataType::Utf8)]);
    let err = edict_impact::inputs::fitting(&e, &other, &BTreeMap::new()).unwrap_err();
    assert!(err.contains("feed none of the decisions"), "{err}");
}
