//! The generated protobuf and gRPC types of the public contract (`proto/vaardig/v1`).
//!
//! Only `server` (and the CLI's client commands) use these; engines work on [`crate::model`] types.

/// Package `vaardig.v1`.
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    tonic::include_proto!("vaardig.v1");
}

/// The encoded file descriptor set of every proto file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vaardig_descriptor.bin"));
