//! The generated protobuf and gRPC types of the public contract (`proto/vaardig/v1`).
//!
//! Only `server` (and the CLI's client commands) use these; engines work on [`crate::model`] types.

/// Package `vaardig.v1`.
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    pub use super::ConceptRef;
    tonic::include_proto!("vaardig.v1");
}

mod concept_ref;
pub use concept_ref::{ConceptRef, EncodedRef};

/// The OTLP trace export protocol (a subset of OpenTelemetry's `opentelemetry.proto.*`), for
/// `telemetry.otlp_endpoint`; nested like its packages, which the generated code refers to.
#[allow(clippy::all, missing_docs)]
pub mod opentelemetry {
    pub mod proto {
        pub mod common {
            pub mod v1 {
                tonic::include_proto!("opentelemetry.proto.common.v1");
            }
        }
        pub mod resource {
            pub mod v1 {
                tonic::include_proto!("opentelemetry.proto.resource.v1");
            }
        }
        pub mod trace {
            pub mod v1 {
                tonic::include_proto!("opentelemetry.proto.trace.v1");
            }
        }
        pub mod collector {
            pub mod trace {
                pub mod v1 {
                    tonic::include_proto!("opentelemetry.proto.collector.trace.v1");
                }
            }
        }
    }
}

/// The encoded file descriptor set of every proto file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vaardig_descriptor.bin"));
