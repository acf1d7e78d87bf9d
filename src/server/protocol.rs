//! Protocol faults are the client's: one tower layer that answers them with a status a client can
//! act on, instead of the INTERNAL (a server fault, logged as a WARN) or the connection-wide reset
//! that the transport would give.
//!
//! - **Undecodable requests**: tonic answers a request body that does not decode (random bytes, a
//!   wrong wire type, invalid UTF-8 in a string, an 11-byte varint, nesting past prost's recursion
//!   limit) and a broken gRPC frame (a truncated message, no message at all, an invalid
//!   compressed-flag) with INTERNAL, as gRPC's status table prescribes for "error parsing the
//!   request". Here it is the client that sent bytes we cannot read, so [`client_fault`] turns those
//!   answers into INVALID_ARGUMENT with the decoder's own message. They are recognised by tonic's and
//!   prost's fixed messages (`tests/it/protocol.rs` fails if a tonic upgrade changes them); a
//!   handler's own INTERNAL never carries one.
//! - **Oversized metadata**: request headers larger than `limits.max_metadata_bytes` (counted as
//!   HTTP/2 does: name + value + 32 bytes each) are refused per request with RESOURCE_EXHAUSTED
//!   naming the size and the setting, as gRPC's own servers do. The HTTP/2 layer accepts header
//!   lists up to `http2.max_header_list_bytes` (far above this limit) so that this layer sees them:
//!   h2 itself would answer HTTP 431 (UNKNOWN at the client) above that size and end the whole
//!   connection (GOAWAY) above four times it.
//!
//! - **Calls whose request broke off**: when the client resets a call (its deadline passed) or its
//!   connection goes before the request body has arrived, tonic answers "Missing request message"
//!   (INTERNAL) or the transport error (UNKNOWN for a lost connection), and each was logged as a
//!   server fault — the WARN "rpc failed code=UNKNOWN" seen during bursts of 1 ms deadlines. The
//!   layer watches the request body; when it broke off, such an answer becomes CANCELLED, which is
//!   what happened. Nobody receives it; it is what is counted and logged.
//!
//! The layer sits inside observation (so the corrected code is what is counted and logged) and
//! outside credentials (so an oversized header is refused before it is looked at).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use http::HeaderMap;
use http_body::Frame;
use pin_project::pin_project;
use tonic::{Code, Status};

/// The beginnings of the messages with which tonic and prost refuse a request body they cannot
/// read: prost's `DecodeError`, and tonic's frame decoder (`tonic::codec::decode`, `server::grpc`).
const DECODE_FAULTS: &[&str] = &[
    "failed to decode Protobuf message",
    "Unexpected EOF decoding stream",
    "Missing request message",
    "protocol error: received message with",
    "Error decompressing",
];

/// The layer; see the module documentation.
#[derive(Debug, Clone, Copy)]
pub struct ProtocolLayer {
    max_metadata_bytes: usize,
}

impl ProtocolLayer {
    pub fn new(max_metadata_bytes: usize) -> ProtocolLayer {
        ProtocolLayer { max_metadata_bytes }
    }
}

impl<S> tower::Layer<S> for ProtocolLayer {
    type Service = Protocol<S>;

    fn layer(&self, inner: S) -> Protocol<S> {
        Protocol { inner, max_metadata_bytes: self.max_metadata_bytes }
    }
}

/// The service of [`ProtocolLayer`].
#[derive(Debug, Clone)]
pub struct Protocol<S> {
    inner: S,
    max_metadata_bytes: usize,
}

/// The size of a header list as HTTP/2 counts it for SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113
/// §6.5.2): each field's name and value plus 32 bytes.
pub fn metadata_bytes(headers: &HeaderMap) -> usize {
    headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 32).sum()
}

impl<S, B, ResBody> tower::Service<http::Request<B>> for Protocol<S>
where
    S: tower::Service<http::Request<WatchedBody<B>>, Response = http::Response<ResBody>>,
    B: http_body::Body,
    ResBody: Default,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = ProtocolFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let size = metadata_bytes(request.headers());
        if size > self.max_metadata_bytes {
            let status = Status::resource_exhausted(format!(
                "request metadata is {size} bytes; this server accepts at most {} (limits.max_metadata_bytes)",
                self.max_metadata_bytes
            ));
            return ProtocolFuture::Refused(Some(status.into_http()));
        }
        let broke_off = Arc::new(AtomicBool::new(false));
        let request = request.map(|inner| WatchedBody { inner, broke_off: broke_off.clone() });
        ProtocolFuture::Inner { inner: self.inner.call(request), broke_off }
    }
}

/// A request body that notes when it ends in an error (the client reset the stream, or the
/// connection went) instead of its end.
#[pin_project]
pub struct WatchedBody<B> {
    #[pin]
    inner: B,
    broke_off: Arc<AtomicBool>,
}

impl<B: http_body::Body> http_body::Body for WatchedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        if matches!(frame, Some(Err(_))) {
            this.broke_off.store(true, Ordering::Relaxed);
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The response future of [`Protocol`].
#[pin_project(project = ProtocolProj)]
pub enum ProtocolFuture<F, B> {
    Inner {
        #[pin]
        inner: F,
        broke_off: Arc<AtomicBool>,
    },
    Refused(Option<http::Response<B>>),
}

impl<F, B, E> Future for ProtocolFuture<F, B>
where
    F: Future<Output = Result<http::Response<B>, E>>,
{
    type Output = Result<http::Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            ProtocolProj::Refused(response) => {
                Poll::Ready(Ok(response.take().expect("a refusal future is polled once after it is ready")))
            }
            ProtocolProj::Inner { inner, broke_off } => {
                let mut response = ready!(inner.poll(cx))?;
                client_fault(response.headers_mut(), broke_off.load(Ordering::Relaxed));
                Poll::Ready(Ok(response))
            }
        }
    }
}

/// Rewrites a trailers-only answer that blames the server for the client's doing: CANCELLED when
/// the request body broke off (`broke_off`) and the answer is INTERNAL or UNKNOWN, INVALID_ARGUMENT
/// (with the decoder's message) for a request body that arrived but cannot be read. Other answers
/// are left alone.
fn client_fault(headers: &mut HeaderMap, broke_off: bool) {
    let Some(status) = Status::from_header_map(headers) else { return };
    let corrected = match status.code() {
        Code::Internal | Code::Unknown if broke_off => Status::cancelled(format!(
            "the client reset the call or lost its connection before its request arrived: {}",
            status.message()
        )),
        Code::Internal if DECODE_FAULTS.iter().any(|fault| status.message().starts_with(fault)) => {
            Status::invalid_argument(format!("the request message cannot be read: {}", status.message()))
        }
        _ => return,
    };
    // Writing a status's own headers cannot fail: its message is percent-encoded.
    let _ = corrected.add_header(headers);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trailers_only(status: &Status) -> HeaderMap {
        let mut headers = HeaderMap::new();
        status.add_header(&mut headers).unwrap();
        headers
    }

    #[test]
    fn decode_faults_become_invalid_argument_with_the_decoders_message() {
        let decode_error = <crate::proto::v1::GetConceptRequest as prost::Message>::decode(&[0xff, 0xff][..])
            .expect_err("two 0xff bytes are no message");
        let mut headers = trailers_only(&Status::internal(decode_error.to_string()));
        client_fault(&mut headers, false);
        let status = Status::from_header_map(&headers).unwrap();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().contains("failed to decode Protobuf message"), "{}", status.message());
    }

    #[test]
    fn other_internal_errors_stay_internal() {
        let mut headers = trailers_only(&Status::internal("request task failed: panicked"));
        client_fault(&mut headers, false);
        assert_eq!(Status::from_header_map(&headers).unwrap().code(), Code::Internal);
        let mut headers = trailers_only(&Status::not_found("Missing request message"));
        client_fault(&mut headers, true);
        assert_eq!(Status::from_header_map(&headers).unwrap().code(), Code::NotFound);
    }

    /// A request body that broke off (reset, lost connection) makes tonic's INTERNAL "Missing
    /// request message" and a transport UNKNOWN what they are: the client cancelling.
    #[test]
    fn answers_to_requests_that_broke_off_are_cancelled() {
        for status in [Status::internal("Missing request message."), Status::unknown("connection reset")] {
            let mut headers = trailers_only(&status);
            client_fault(&mut headers, true);
            assert_eq!(Status::from_header_map(&headers).unwrap().code(), Code::Cancelled, "{status:?}");
        }
    }

    #[test]
    fn metadata_is_counted_as_http2_counts_it() {
        let mut headers = HeaderMap::new();
        headers.insert("x-a", "12345".parse().unwrap());
        assert_eq!(metadata_bytes(&headers), 3 + 5 + 32);
    }
}
