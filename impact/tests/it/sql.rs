//! Decisions as SQL functions: `decide` under the policy, `decide_as` under a named version,
//! over a table; a call with the wrong inputs is a planning error that lists them.

use std::collections::BTreeMap;
use std::sync::Arc;

use edict_impact::datafusion::arrow::array::{ArrayRef, Date32Array, StringArray};
use edict_impact::datafusion::arrow::util::pretty::pretty_format_batches;
use edict_impact::datafusion::prelude::SessionContext;
use edict_impact::udf::{functions, Versions};

use crate::common::{batch, block_on, ports};

fn context() -> SessionContext {
    let versions = Versions {
        default: "current".into(),
        engines: BTreeMap::from([
            ("current".to_string(), Arc::new(ports("new"))),
            ("old".to_string(), Arc::new(ports("old"))),
        ]),
    };
    let ctx = SessionContext::new();
    for f in functions(Arc::new(versions)) {
        ctx.register_udf(f);
    }
    let port: ArrayRef = Arc::new(StringArray::from(vec![
        "a_port", "b_port", "b_port", "nowhere",
    ]));
    let day: ArrayRef = Arc::new(Date32Array::from(vec![20_400, 20_400, 20_000, 20_400]));
    ctx.register_batch("traffic", batch(vec![("port", port), ("day", day)]))
        .unwrap();
    ctx
}

#[test]
fn decide_and_decide_as_answer_each_row_in_sql() {
    let ctx = context();
    let out = block_on(async {
        let df = ctx
            .sql(
                "select port, day, \
                 decide('d', port, day)['outcome']['st'] as now, \
                 decide_as('old', 'd', port, day)['verdict'] as before, \
                 decide('d', port, day)['citation'] as cited, \
                 decide('d', port, day)['error'] as error \
                 from traffic order by port, day",
            )
            .await
            .unwrap();
        df.collect().await.unwrap()
    });
    insta::assert_snapshot!(
        "decide_in_sql",
        pretty_format_batches(&out).unwrap().to_string()
    );
}

#[test]
fn a_call_with_the_wrong_inputs_lists_them() {
    let ctx = context();
    let err = block_on(async {
        ctx.sql("select decide('d', port) from traffic")
            .await
            .unwrap_err()
    });
    insta::assert_snapshot!("decide_wrong_arity", err.message().to_string());
    let err = block_on(async {
        ctx.sql("select decide('e', port) from traffic")
            .await
            .unwrap_err()
    });
    assert!(err.message().contains("no decision"), "{err}");
    let err = block_on(async {
        ctx.sql("select decide_as('older', 'd', port, day) from traffic")
            .await
            .unwrap_err()
    });
    assert!(
        err.message().contains("no policy version is named `older`"),
        "{err}"
    );
}
