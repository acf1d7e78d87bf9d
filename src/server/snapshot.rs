//! One version at a time across a fleet: every response names the snapshot version that served it,
//! and a client may require a version.
//!
//! During a rollout the replicas behind a balancer serve two versions for a while, and consecutive
//! calls of one client may reach either. Answers already carry `snapshot_version`; this layer adds:
//!
//! - **`x-vaardig-snapshot` in the response metadata** of every RPC (health and reflection too, and
//!   errors), so a client, a balancer log or `vaardig loadtest` sees which version answered
//!   without decoding messages.
//! - **`x-vaardig-snapshot` in the request metadata** requires that version: a replica serving
//!   another answers FAILED_PRECONDITION naming both versions (with a `google.rpc.PreconditionFailure`
//!   of type `SNAPSHOT_VERSION`), so a batch job that pinned the version of its first answer never
//!   mixes answers of two versions; it retries (another replica, or later) or starts over. Health
//!   and reflection ignore the requirement: the orchestrator's probes must not depend on it.
//!
//! The requirement is checked when the request arrives. A hot reload that swaps the snapshot in the
//! microseconds between this check and the handler would answer with the new version; the answer's
//! `snapshot_version` field is the authority a strict client compares.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::HeaderValue;
use tonic::Status;

use super::error::SnapshotMismatch;
use crate::engine::LiveEngines;

/// The request and response metadata key that carries a snapshot version.
pub const SNAPSHOT_HEADER: &str = "x-vaardig-snapshot";

/// Adds the served version to responses and enforces a required one.
#[derive(Debug, Clone)]
pub struct SnapshotLayer {
    engines: Arc<LiveEngines>,
}

impl SnapshotLayer {
    pub fn new(engines: Arc<LiveEngines>) -> SnapshotLayer {
        SnapshotLayer { engines }
    }
}

impl<S> tower::Layer<S> for SnapshotLayer {
    type Service = SnapshotPin<S>;

    fn layer(&self, inner: S) -> SnapshotPin<S> {
        SnapshotPin { inner, engines: self.engines.clone() }
    }
}

/// The service of [`SnapshotLayer`].
#[derive(Debug, Clone)]
pub struct SnapshotPin<S> {
    inner: S,
    engines: Arc<LiveEngines>,
}

/// `Ok` when the request may run on `served`, else the FAILED_PRECONDITION to answer with.
fn check(path: &str, required: Option<&HeaderValue>, served: &str) -> Result<(), Status> {
    if path.starts_with("/grpc.") {
        return Ok(());
    }
    match required {
        Some(value) if value.as_bytes() != served.as_bytes() => Err(SnapshotMismatch {
            subject: SNAPSHOT_HEADER.into(),
            requested: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            served: served.into(),
            advice: "retry on a replica that serves it, or start over on this version".into(),
        }
        .into()),
        _ => Ok(()),
    }
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;

impl<S, B, ResBody> tower::Service<http::Request<B>> for SnapshotPin<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<http::Response<ResBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let engines = self.engines.current();
        let served = engines.snapshot.version();
        // Versions are hex digests: always a valid header value.
        let served_header = HeaderValue::from_str(served).ok();
        let with_version = move |mut response: http::Response<ResBody>| {
            if let Some(value) = served_header {
                response.headers_mut().insert(SNAPSHOT_HEADER, value);
            }
            response
        };
        match check(request.uri().path(), request.headers().get(SNAPSHOT_HEADER), served) {
            Ok(()) => {
                let future = self.inner.call(request);
                Box::pin(async move { future.await.map(with_version) })
            }
            Err(status) => Box::pin(std::future::ready(Ok(with_version(status.into_http())))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_required_version_must_match_except_for_health_and_reflection() {
        let other = HeaderValue::from_static("v0000000000000001");
        let same = HeaderValue::from_static("v00000000000000ab");
        let search = "/vaardig.v1.SearchService/Search";
        assert!(check(search, None, "v00000000000000ab").is_ok());
        assert!(check(search, Some(&same), "v00000000000000ab").is_ok());
        let status = check(search, Some(&other), "v00000000000000ab").unwrap_err();
        assert_eq!(status.code(), tonic::Code::FailedPrecondition);
        assert!(status.message().contains("v0000000000000001"), "{}", status.message());
        assert!(status.message().contains("v00000000000000ab"), "{}", status.message());
        assert!(status.message().contains(SNAPSHOT_HEADER), "{}", status.message());
        assert!(check("/grpc.health.v1.Health/Check", Some(&other), "v00000000000000ab").is_ok());
    }
}
