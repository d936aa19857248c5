//! Policies and tables shared by the tests.

use std::sync::Arc;

use edict_compiler::Analysis;
use edict_impact::datafusion::arrow::array::{ArrayRef, RecordBatch};
use edict_impact::datafusion::arrow::datatypes::{Field, Schema};
use edict_impact::datafusion::prelude::{DataFrame, SessionContext};
use edict_runtime::Engine;

/// The policy of `cli/tests/data/new_in_catalogue` (`old` or `new`): a port set amended on
/// 2025-11-05 to add a port new in the catalogue.
pub fn ports(side: &str) -> Engine {
    let path = format!(
        "{}/../cli/tests/data/new_in_catalogue/{side}/ports.edict",
        env!("CARGO_MANIFEST_DIR")
    );
    compile(&std::fs::read_to_string(path).unwrap())
}

pub fn compile(text: &str) -> Engine {
    let mut analysis = Analysis::default();
    analysis.set_file("w.edict", text.to_string());
    match analysis.build() {
        Ok(a) => Engine::new(a).unwrap(),
        Err(d) => panic!("{d:?}"),
    }
}

/// The policies of `policies/`.
pub fn corpus() -> Engine {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let mut analysis = Analysis::default();
    for f in edict_compiler::load::collect_files(&[root.join("policies")]).unwrap() {
        let name = f.strip_prefix(root).unwrap().display().to_string();
        analysis.set_file(&name, std::fs::read_to_string(&f).unwrap());
    }
    Engine::new(analysis.build().unwrap()).unwrap()
}

/// A batch of named columns.
pub fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let schema = Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}

/// A DataFrame over one batch.
pub fn frame(b: RecordBatch) -> DataFrame {
    SessionContext::new().read_batch(b).unwrap()
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}
