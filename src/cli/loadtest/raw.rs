//! `vaardig loadtest --raw`: requests encoded once, answers taken as bytes.
//!
//! The load generator shares the machine with the server it measures (on the 2-core machine of
//! BENCHMARKS.md both run on the same cores), so its own work per request lowers every RPC's
//! throughput too. Typed calls clone a pooled request, encode it, and decode the whole answer into
//! the generated types (every row's strings allocated) only to read its status and metadata: for a
//! skill gap that was ~58 µs of the generator's CPU per request against ~15 µs for the no-op. With
//! `--raw` each pool is encoded once before the run and every call sends those bytes as they are
//! (the server receives exactly what the typed call sends) and reads the answer's frames without
//! decoding the message, as `h2load` with a pre-encoded body does; status, latency and the snapshot
//! header are measured as before. RankCandidates, a client stream, stays typed.

use prost::Message;
use prost::bytes::{Buf, BufMut, Bytes};
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;

use super::workload::Workload;
use super::{Rpc, list_concepts_request, served};
use crate::proto::v1 as pb;

/// Bytes out as they are; answers counted, not decoded.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

pub struct RawEncoder;

pub struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = usize;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;

    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }

    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    /// The length of the answer's message.
    type Item = usize;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<usize>, Status> {
        let len = src.remaining();
        src.advance(len);
        Ok(Some(len))
    }
}

/// The requests of `rpc`'s pool, each encoded once; `None` for RankCandidates (a client stream).
pub fn encoded_pool(workload: &Workload, rpc: Rpc) -> Option<Vec<Bytes>> {
    fn encode<M: Message>(pool: &[M]) -> Vec<Bytes> {
        pool.iter().map(|m| Bytes::from(m.encode_to_vec())).collect()
    }
    Some(match rpc {
        Rpc::Health => encode(&[tonic_health::pb::HealthCheckRequest { service: String::new() }]),
        Rpc::GetConcept => encode(&workload.get_concept),
        Rpc::Search => encode(&workload.search),
        Rpc::Suggest => encode(&workload.suggest),
        Rpc::Gap => encode(&workload.gap),
        Rpc::Match => encode(&workload.matches),
        Rpc::Related => encode(&workload.related),
        Rpc::RankCandidates => return None,
        Rpc::Path => encode(&workload.path),
        Rpc::Eligibility => encode(&workload.eligibility),
        Rpc::BatchGet => encode(&workload.batch_get),
        Rpc::Relations => encode(&workload.relations),
        Rpc::Hierarchy => encode(&workload.hierarchy),
        Rpc::Stats => encode(&[pb::GetStatsRequest {}]),
        Rpc::Extract => encode(&workload.extract),
        Rpc::SteppingStones => encode(&workload.stepping_stones),
        Rpc::Courses => encode(&workload.courses),
        Rpc::Schemes => encode(&workload.schemes),
        Rpc::Scheme => encode(&workload.scheme),
        Rpc::Resolve => encode(&workload.resolve),
        Rpc::Versions => encode(&[pb::ListVersionsRequest::default()]),
        Rpc::ListConcepts => encode(&[list_concepts_request()]),
    })
}

/// A client that sends pre-encoded requests of one RPC.
#[derive(Clone)]
pub struct RawClient {
    grpc: tonic::client::Grpc<Channel>,
    path: http::uri::PathAndQuery,
}

impl RawClient {
    pub fn new(channel: Channel, rpc: Rpc) -> RawClient {
        // Every method name is a valid path: `/package.Service/Method`.
        let path = http::uri::PathAndQuery::try_from(format!("/{}", rpc.method()))
            .unwrap_or_else(|_| http::uri::PathAndQuery::from_static("/"));
        RawClient { grpc: tonic::client::Grpc::new(channel).max_decoding_message_size(64 << 20), path }
    }

    /// One call with `body`; like the typed call, the answer's snapshot version.
    pub async fn call(&mut self, body: Bytes) -> Result<Option<String>, Status> {
        self.grpc.ready().await.map_err(|e| Status::unavailable(format!("connection not ready: {e}")))?;
        self.grpc.unary(tonic::Request::new(body), self.path.clone(), RawCodec).await.map(served)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unary_rpc_has_its_pool_encoded_as_the_typed_call_sends_it() {
        let workload = Workload {
            gap: vec![pb::ComputeSkillGapRequest { occupation_id: "esco:occupation/1".into(), ..Default::default() }],
            ..Default::default()
        };
        for rpc in Rpc::ALL {
            let pool = encoded_pool(&workload, rpc);
            assert_eq!(pool.is_none(), rpc == Rpc::RankCandidates, "{rpc:?}");
        }
        let gap = encoded_pool(&workload, Rpc::Gap).unwrap();
        assert_eq!(gap, vec![Bytes::from(workload.gap[0].encode_to_vec())]);
        assert_eq!(pb::ComputeSkillGapRequest::decode(gap[0].clone()).unwrap(), workload.gap[0]);
    }
}
