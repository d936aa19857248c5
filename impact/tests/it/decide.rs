//! The law of the batch decider: a row decided with its batch is answered exactly as its JSON
//! request is by `parse_request` and `decide`, whatever the columns' encoding (dictionary,
//! text, timestamps), and a row the request path refuses is an error on the row.

use std::sync::Arc;

use edict_impact::datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use edict_impact::datafusion::arrow::compute::cast;
use edict_impact::datafusion::arrow::datatypes::{DataType, TimestampSecondType};
use edict_impact::datafusion::arrow::record_batch::RecordBatch;
use edict_impact::decide::Decider;
use edict_impact::inputs::Binding;
use edict_impact::traffic::{generate, Mix, Stay, Weighted};
use edict_runtime::value::format_datetime;
use serde_json::{json, Value as Json};

use crate::common::{batch, corpus};

/// Every country and port of the corpus, evenly, with a few names no catalogue has.
fn mix(e: &edict_runtime::Engine) -> Mix {
    let names = |ty: &str| -> Vec<Weighted> {
        let cat = &e.artifact().catalogue;
        let t = cat.entity_types.iter().find(|t| t.name == ty).unwrap();
        t.entities
            .iter()
            .map(|x| Weighted {
                name: x.name.clone(),
                weight: 1.0,
                except: Vec::new(),
            })
            .collect()
    };
    let mut countries = names("Country");
    countries.push(Weighted {
        name: "atlantis".into(),
        weight: 3.0,
        except: Vec::new(),
    });
    Mix {
        nationality: countries.clone(),
        arrival_port: names("Port"),
        onward_destination: countries,
        origin_is_nationality: 0.7,
        onward_to_origin: 0.1,
        stay: vec![
            Stay {
                hours: (1, 24),
                weight: 1.0,
            },
            Stay {
                hours: (24, 300),
                weight: 2.0,
            },
        ],
        month: [1.0; 12],
    }
}

/// Each row as a client would send it.
fn requests(b: &RecordBatch) -> Vec<Json> {
    let texts: Vec<ArrayRef> = (0..b.num_columns())
        .map(|c| cast(b.column(c), &DataType::Utf8).unwrap())
        .collect();
    let text = |c: usize, r: usize| -> Json {
        let s = texts[c].as_string::<i32>();
        if s.is_null(r) {
            Json::Null
        } else {
            Json::String(s.value(r).to_string())
        }
    };
    let time = |c: usize, r: usize| -> Json {
        let a = b.column(c).as_primitive::<TimestampSecondType>();
        Json::String(format_datetime(a.value(r)))
    };
    (0..b.num_rows())
        .map(|r| {
            json!({"t": {
                "nationality": text(0, r), "origin": text(1, r), "arrival_port": text(2, r),
                "arrival": time(3, r), "onward_destination": text(4, r),
                "onward_departure": time(5, r),
            }})
        })
        .collect()
}

#[test]
fn a_row_decided_in_its_batch_is_answered_as_its_json_request() {
    let e = corpus();
    let id = e.decision_id("transit_entry").unwrap();
    let days = edict_runtime::value::parse_date("2024-10-01").unwrap();
    let batches = generate(&mix(&e), 7, 20_000, days, 500, 4096).unwrap();
    let mut decided_rows = 0;
    let mut refused = 0;
    for (k, dict) in batches.iter().enumerate() {
        // The same rows as plain text on odd batches, with a null nationality in each.
        let b = if k % 2 == 1 {
            let schema = dict.schema();
            let cols: Vec<(&str, ArrayRef)> = schema
                .fields()
                .iter()
                .zip(dict.columns())
                .map(|(f, c)| {
                    let plain = match c.data_type() {
                        DataType::Dictionary(..) => cast(c, &DataType::Utf8).unwrap(),
                        _ => Arc::clone(c),
                    };
                    (f.name().as_str(), plain)
                })
                .collect();
            let mut cols = cols;
            let nat = cols[0].1.as_string::<i32>();
            let with_null: StringArray = (0..nat.len())
                .map(|i| (i != 3).then(|| nat.value(i).to_string()))
                .collect();
            cols[0].1 = Arc::new(with_null);
            batch(cols)
        } else {
            dict.clone()
        };
        let binding = Binding::new(&e, id, &b.schema(), &Default::default()).unwrap();
        let decider = Decider::new(&e, id, binding);
        let decided = decider.decide(&b);
        assert_eq!(decided.rows.len(), b.num_rows());
        assert!(decided.answers.len() <= b.num_rows());
        let requests = requests(&b);
        for (r, request) in requests.iter().enumerate() {
            let via_json = e
                .parse_request(id, request)
                .map(|inputs| e.decide(id, &inputs).unwrap());
            match (&decided.answers[decided.rows[r] as usize], via_json) {
                (Ok(c), Ok(a)) => {
                    assert_eq!(e.answer_json(c), e.answer_json(&a), "row {r}");
                    // The inputs a combination was decided on are the request's.
                    let inputs = e.parse_request(id, request).unwrap();
                    assert_eq!(decided.inputs(&decider, decided.rows[r]), inputs, "row {r}");
                    decided_rows += 1;
                }
                (Err(_), Err(_)) => refused += 1,
                (mine, theirs) => panic!("row {r}: {mine:?} but the request path: {theirs:?}"),
            }
        }
    }
    // Both kinds of row were seen: most decided, the unknown country and the nulls refused.
    assert!(decided_rows > 15_000, "{decided_rows}");
    assert!(refused > 100, "{refused}");
}
