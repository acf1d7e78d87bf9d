//! One tower layer that observes every RPC: a request id, a tracing span, the metrics, and one log
//! line when the RPC finishes.
//!
//! - **Request id**: the client's `x-request-id` when it sends a usable one (1–128 characters of
//!   `A–Z a–z 0–9 - _ . : /`; anything else could forge log lines), otherwise 16 random hex digits.
//!   It is set on the request (handlers and later layers see the same id), recorded in the span and
//!   returned in the response metadata (`x-request-id` header), so a caller can quote it.
//! - **Span** `rpc` with `rpc` (`package.Service/Method`), `request_id`, and, when the RPC finishes,
//!   `code` and `micros`. Everything a handler logs happens inside it.
//! - **Finish**: the gRPC status is read from the response headers (errors are sent trailers-only)
//!   or from the trailers at the end of the body; the latency runs from the request to that moment.
//!   A response body dropped before its trailers (the client went away) counts as CANCELLED.
//!   The log line is DEBUG (`rpc finished`), WARN for INTERNAL, UNKNOWN and DATA_LOSS. It carries
//!   the code but never the status message: messages of INVALID_ARGUMENT can quote a profile's ids.
//!
//! The layer sits inside gRPC-Web translation, so browser calls are observed as the gRPC calls they
//! become, and outside the limits, so shed requests are counted with their RESOURCE_EXHAUSTED.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use http::{HeaderMap, HeaderValue};
use http_body::Frame;
use pin_project::{pin_project, pinned_drop};
use tonic::Code;
use tower::{Layer, Service};
use tracing::Span;
use tracing::field::Empty;

use super::metrics::{InFlight, Metrics, RpcStats, code_name};
use super::traces::{SpanRecord, TRACEPARENT, TraceContext, TraceSink};

/// The request and response header that carries the request id.
pub const REQUEST_ID: &str = "x-request-id";
const MAX_REQUEST_ID_LEN: usize = 128;

/// Adds request ids, spans, metrics and a finish log line to every request.
#[derive(Debug, Clone)]
pub struct ObserveLayer {
    metrics: Arc<Metrics>,
    traces: Option<TraceSink>,
}

impl ObserveLayer {
    /// `traces`: where finished spans go for OTLP export (none: not exported).
    pub fn new(metrics: Arc<Metrics>, traces: Option<TraceSink>) -> ObserveLayer {
        ObserveLayer { metrics, traces }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe { inner, metrics: self.metrics.clone(), traces: self.traces.clone() }
    }
}

/// The service [`ObserveLayer`] wraps around the routes.
#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
    metrics: Arc<Metrics>,
    traces: Option<TraceSink>,
}

/// The client's request id when it is safe to log and echo, else a fresh random one.
pub fn request_id(headers: &HeaderMap) -> HeaderValue {
    let usable = |value: &&HeaderValue| {
        let bytes = value.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= MAX_REQUEST_ID_LEN
            && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b))
    };
    match headers.get(REQUEST_ID).filter(usable) {
        Some(value) => value.clone(),
        None => {
            let fresh = super::traces::hex(&rand::random::<[u8; 8]>());
            HeaderValue::from_str(&fresh).expect("hex digits are a valid header value")
        }
    }
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for Observe<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    ResBody: http_body::Body<Data = tonic::codegen::Bytes> + Send + 'static,
    ResBody::Error: Into<tonic::codegen::StdError>,
{
    // A tonic body whatever the inner body, so that the layers around this one (gRPC-Web or none)
    // see one response type.
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = ObservedFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        let stats = self.metrics.rpc(request.uri().path());
        let request_id = request_id(request.headers());
        request.headers_mut().insert(REQUEST_ID, request_id.clone());
        let trace = TraceContext::from_headers(request.headers());
        let span = tracing::info_span!(
            "rpc",
            rpc = stats.name(),
            request_id = request_id.to_str().unwrap_or_default(),
            trace_id = trace.trace_id_hex(),
            code = Empty,
            micros = Empty,
        );
        let export = self.traces.clone().map(|sink| Export {
            sink,
            context: trace,
            request_id: request_id.to_str().unwrap_or_default().to_string(),
            start: std::time::SystemTime::now(),
        });
        let finish =
            Finish { stats, span: span.clone(), started: Instant::now(), _in_flight: self.metrics.in_flight(), export };
        let inner = span.in_scope(|| self.inner.call(request));
        ObservedFuture { inner, finish: Some(finish), request_id, traceparent: trace.traceparent() }
    }
}

/// Records one RPC's outcome exactly once: metrics, span fields and the log line.
#[derive(Debug)]
struct Finish {
    stats: Arc<RpcStats>,
    span: Span,
    started: Instant,
    _in_flight: InFlight,
    /// The OpenTelemetry span to export when the RPC finishes (with an exporter only).
    export: Option<Export>,
}

#[derive(Debug)]
struct Export {
    sink: TraceSink,
    context: TraceContext,
    request_id: String,
    start: std::time::SystemTime,
}

impl Finish {
    fn record(self, code: Code) {
        let elapsed = self.started.elapsed();
        self.stats.record(code, elapsed);
        if let Some(export) = self.export {
            export.sink.submit(SpanRecord {
                context: export.context,
                rpc: self.stats.name().to_string(),
                request_id: export.request_id,
                start: export.start,
                end: export.start + elapsed,
                code,
            });
        }
        let micros = elapsed.as_micros() as u64;
        let code = code_name(code);
        {
            let _entered = self.span.enter();
            match code {
                "INTERNAL" | "UNKNOWN" | "DATA_LOSS" => tracing::warn!(code, micros, "rpc failed"),
                _ => tracing::debug!(code, micros, "rpc finished"),
            }
        }
        // Recorded after the line so that text logs do not print them twice; span consumers
        // (JSON span lists, exporters) still get them.
        self.span.record("code", code);
        self.span.record("micros", micros);
    }
}

fn grpc_status(headers: &HeaderMap) -> Option<Code> {
    let value = headers.get("grpc-status")?.to_str().ok()?;
    Some(Code::from_i32(value.trim().parse().ok()?))
}

/// The response future of [`Observe`].
#[pin_project]
pub struct ObservedFuture<F> {
    #[pin]
    inner: F,
    finish: Option<Finish>,
    request_id: HeaderValue,
    /// W3C `traceparent` of this RPC's span, for the response.
    traceparent: HeaderValue,
}

impl<F, ResBody, E> Future for ObservedFuture<F>
where
    F: Future<Output = Result<http::Response<ResBody>, E>>,
    ResBody: http_body::Body<Data = tonic::codegen::Bytes> + Send + 'static,
    ResBody::Error: Into<tonic::codegen::StdError>,
{
    type Output = Result<http::Response<tonic::body::Body>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let span = this.finish.as_ref().map(|f| f.span.clone()).unwrap_or_else(Span::none);
        let result = ready!(span.in_scope(|| this.inner.poll(cx)));
        let Some(finish) = this.finish.take() else {
            return Poll::Ready(result.map(|response| response.map(tonic::body::Body::new)));
        };
        Poll::Ready(match result {
            Ok(mut response) => {
                response.headers_mut().insert(REQUEST_ID, this.request_id.clone());
                response.headers_mut().insert(TRACEPARENT, this.traceparent.clone());
                match grpc_status(response.headers()) {
                    // Trailers-only: the status is already known.
                    Some(code) => {
                        finish.record(code);
                        Ok(response.map(tonic::body::Body::new))
                    }
                    // A body already at its end will never show trailers: no status was sent.
                    None if http_body::Body::is_end_stream(response.body()) => {
                        finish.record(Code::Unknown);
                        Ok(response.map(tonic::body::Body::new))
                    }
                    None => {
                        Ok(response
                            .map(|body| tonic::body::Body::new(ObservedBody { inner: body, finish: Some(finish) })))
                    }
                }
            }
            Err(error) => {
                finish.record(Code::Unknown);
                Err(error)
            }
        })
    }
}

/// A response body that records the RPC's status when its trailers pass.
#[pin_project(PinnedDrop)]
pub struct ObservedBody<B> {
    #[pin]
    inner: B,
    finish: Option<Finish>,
}

impl<B: http_body::Body> http_body::Body for ObservedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let span = this.finish.as_ref().map(|f| f.span.clone()).unwrap_or_else(Span::none);
        let frame = ready!(span.in_scope(|| this.inner.poll_frame(cx)));
        let code = match &frame {
            Some(Ok(frame)) => frame.trailers_ref().map(|trailers| grpc_status(trailers).unwrap_or(Code::Unknown)),
            Some(Err(_)) => Some(Code::Unknown),
            // The body ended without trailers: no gRPC status was sent.
            None => Some(Code::Unknown),
        };
        if let Some(code) = code
            && let Some(finish) = this.finish.take()
        {
            finish.record(code);
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

#[pinned_drop]
impl<B> PinnedDrop for ObservedBody<B> {
    fn drop(self: Pin<&mut Self>) {
        // Dropped before the trailers: the client cancelled or the connection closed.
        if let Some(finish) = self.project().finish.take() {
            finish.record(Code::Cancelled);
        }
    }
}
