//! `edict_impact(...)`: the impact report as a DataFusion aggregate function over all of a
//! table's columns. Each executor counts its partitions with the same plan `edict impact` runs
//! in one process ([`edict_impact::impact::Plan`]); the partial counts travel as text between
//! Ballista's stages and are merged by the final aggregate, so that the cluster's report is
//! the embedded run's.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use edict_impact::counts;
use edict_impact::datafusion::arrow::array::{Array, ArrayRef, AsArray};
use edict_impact::datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use edict_impact::datafusion::arrow::record_batch::RecordBatch;
use edict_impact::datafusion::common::{DataFusionError, Result, ScalarValue};
use edict_impact::datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use edict_impact::datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility,
};
use edict_impact::impact::{Partial, Plan};

use crate::spec::Spec;

/// The function's name in plans and SQL.
pub const NAME: &str = "edict_impact";

/// The aggregate, carrying its run: two versions, a decision, the options.
#[derive(Debug)]
pub struct ImpactUdaf {
    spec: Spec,
    /// The spec's frame, which the plan's codec writes and which identifies the function.
    frame: Vec<u8>,
    signature: Signature,
}

impl PartialEq for ImpactUdaf {
    fn eq(&self, other: &Self) -> bool {
        self.frame == other.frame
    }
}

impl Eq for ImpactUdaf {}

impl Hash for ImpactUdaf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.frame.hash(state);
    }
}

impl ImpactUdaf {
    pub fn new(spec: Spec) -> ImpactUdaf {
        ImpactUdaf {
            frame: spec.encode(),
            spec,
            signature: Signature::variadic_any(Volatility::Immutable),
        }
    }

    /// The function a plan's frame describes.
    pub fn from_frame(frame: &[u8]) -> Result<ImpactUdaf> {
        Spec::decode(frame)
            .map(ImpactUdaf::new)
            .map_err(DataFusionError::Plan)
    }

    pub fn frame(&self) -> &[u8] {
        &self.frame
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// As a function a plan can call.
    pub fn into_udaf(self) -> AggregateUDF {
        AggregateUDF::new_from_impl(self)
    }
}

impl AggregateUDFImpl for ImpactUdaf {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn state_fields(&self, _args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            "edict_counts",
            DataType::Utf8,
            true,
        ))])
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        if args.expr_fields.len() != self.spec.columns.len() {
            return Err(DataFusionError::Plan(format!(
                "{NAME} takes the table's {} columns, not {}",
                self.spec.columns.len(),
                args.expr_fields.len()
            )));
        }
        // The table's schema as the client saw it: its names, the arguments' types.
        let schema: SchemaRef = Arc::new(Schema::new(
            self.spec
                .columns
                .iter()
                .zip(args.expr_fields)
                .map(|(name, f)| Field::new(name, f.data_type().clone(), f.is_nullable()))
                .collect::<Vec<_>>(),
        ));
        let sides = self.spec.sides().map_err(DataFusionError::Execution)?;
        let plan = Plan::new(sides, &schema, &self.spec.options(), None)
            .map_err(|e| DataFusionError::Execution(e.to_string()))?;
        let part = plan.start();
        Ok(Box::new(ImpactAccumulator {
            plan: Arc::new(plan),
            part,
            schema,
        }))
    }
}

/// One partition's counts, or the merged counts of several.
struct ImpactAccumulator {
    plan: Arc<Plan>,
    part: Partial,
    schema: SchemaRef,
}

impl std::fmt::Debug for ImpactAccumulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImpactAccumulator")
            .field("rows", &self.part.report.total.rows)
            .finish()
    }
}

impl Accumulator for ImpactAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), values.to_vec())?;
        self.plan
            .add(&mut self.part, &batch)
            .map_err(|e| DataFusionError::Execution(e.to_string()))
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let Some(column) = states.first() else {
            return Ok(());
        };
        let texts = column.as_string_opt::<i32>().ok_or_else(|| {
            DataFusionError::Internal(format!("{NAME}'s partial counts are not text"))
        })?;
        for i in 0..texts.len() {
            if texts.is_null(i) {
                continue;
            }
            let part = counts::decode(texts.value(i))
                .map_err(|e| DataFusionError::Execution(format!("{NAME}'s partial counts: {e}")))?;
            self.part.report.merge(part);
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Utf8(Some(counts::encode(&self.part.report))))
    }

    fn size(&self) -> usize {
        // What the counts hold: an entry per answer, region, breakdown group, example and
        // day, each a few short strings: a rough 96 bytes each.
        let r = &self.part.report;
        let regions: usize = r
            .changed
            .values()
            .flat_map(|t| t.regions.values())
            .map(|rt| 1 + rt.examples.len() + rt.by.iter().map(|g| g.len()).sum::<usize>())
            .sum();
        let undecided: usize = r.undecided.values().map(|u| 1 + u.examples.len()).sum();
        let entries = r.unchanged.len() + r.changed.len() + regions + undecided;
        std::mem::size_of::<Self>() + 96 * entries + 24 * r.changed_by_day.len()
    }
}
