//! The plan codecs of an Edict cluster: Ballista's own, plus `edict_impact`, whose definition
//! (both versions and the options) is written into the plan where the function is called. The
//! client, the scheduler and every executor use them, so that no process needs the versions
//! beforehand.

use std::sync::Arc;

use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};
use datafusion_proto::logical_plan::LogicalExtensionCodec;
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};
use edict_impact::datafusion::arrow::datatypes::SchemaRef;
use edict_impact::datafusion::catalog::TableProvider;
use edict_impact::datafusion::common::{Result, TableReference};
use edict_impact::datafusion::datasource::file_format::FileFormatFactory;
use edict_impact::datafusion::execution::TaskContext;
use edict_impact::datafusion::logical_expr::{AggregateUDF, Extension, LogicalPlan};
use edict_impact::datafusion::physical_plan::ExecutionPlan;

use crate::udaf::{ImpactUdaf, NAME};

/// Writes `edict_impact`'s frame, or has Ballista's codec write any other function.
fn encode_udaf(
    node: &AggregateUDF,
    buf: &mut Vec<u8>,
    otherwise: impl FnOnce(&AggregateUDF, &mut Vec<u8>) -> Result<()>,
) -> Result<()> {
    match node.inner().downcast_ref::<ImpactUdaf>() {
        Some(f) => {
            buf.extend_from_slice(f.frame());
            Ok(())
        }
        None => otherwise(node, buf),
    }
}

/// Reads `edict_impact` from its frame, or has Ballista's codec read any other function.
fn decode_udaf(
    name: &str,
    buf: &[u8],
    otherwise: impl FnOnce(&str, &[u8]) -> Result<Arc<AggregateUDF>>,
) -> Result<Arc<AggregateUDF>> {
    if name == NAME {
        ImpactUdaf::from_frame(buf).map(|f| Arc::new(f.into_udaf()))
    } else {
        otherwise(name, buf)
    }
}

/// Logical plans (client to scheduler).
#[derive(Debug, Default)]
pub struct LogicalCodec {
    ballista: BallistaLogicalExtensionCodec,
}

impl LogicalExtensionCodec for LogicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> Result<Extension> {
        self.ballista.try_decode(buf, inputs, ctx)
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> Result<()> {
        self.ballista.try_encode(node, buf)
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> Result<Arc<dyn TableProvider>> {
        self.ballista
            .try_decode_table_provider(buf, table_ref, schema, ctx)
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        self.ballista
            .try_encode_table_provider(table_ref, node, buf)
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> Result<Arc<dyn FileFormatFactory>> {
        self.ballista.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> Result<()> {
        self.ballista.try_encode_file_format(buf, node)
    }

    fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> Result<Arc<AggregateUDF>> {
        decode_udaf(name, buf, |n, b| self.ballista.try_decode_udaf(n, b))
    }

    fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> Result<()> {
        encode_udaf(node, buf, |n, b| self.ballista.try_encode_udaf(n, b))
    }
}

/// Physical plans (scheduler to executors).
#[derive(Debug, Default)]
pub struct PhysicalCodec {
    ballista: BallistaPhysicalExtensionCodec,
}

impl PhysicalExtensionCodec for PhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.ballista.try_decode(buf, inputs, ctx, proto_converter)
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        self.ballista.try_encode(node, buf, proto_converter)
    }

    fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> Result<Arc<AggregateUDF>> {
        decode_udaf(name, buf, |n, b| self.ballista.try_decode_udaf(n, b))
    }

    fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> Result<()> {
        encode_udaf(node, buf, |n, b| self.ballista.try_encode_udaf(n, b))
    }
}

/// Both codecs, as Ballista's processes take them.
pub fn codecs() -> (
    Arc<dyn LogicalExtensionCodec>,
    Arc<dyn PhysicalExtensionCodec>,
) {
    (
        Arc::new(LogicalCodec::default()),
        Arc::new(PhysicalCodec::default()),
    )
}
