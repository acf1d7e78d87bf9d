//! Distributed traces: one OpenTelemetry span per RPC, W3C `traceparent` in and out, exported over
//! OTLP/gRPC when `telemetry.otlp_endpoint` is set.
//!
//! - **In**: a request's `traceparent` (`00-<32 hex trace id>-<16 hex parent span id>-<2 hex
//!   flags>`) makes the RPC's span a child of the caller's; without one (or with a malformed one)
//!   the span starts a new trace. The caller's sampled flag is respected: an unsampled parent is
//!   not exported.
//! - **Out**: every response carries `traceparent` with the trace id and the RPC's own span id, so
//!   a caller (or a balancer's log) can find the server's span; the log span `rpc` carries the
//!   `trace_id` too.
//! - **Export**: finished spans go through a bounded queue (full: dropped and counted, never
//!   blocking a request) to a task that sends them in batches (at most 512, at least once a second)
//!   with the OTLP `TraceService/Export` RPC. An unreachable collector costs a WARN per failed batch.
//! - **Privacy**: span attributes are the RPC's name, its status code and the request id; never a
//!   request's content, so no profile, person fact or free text (`tests/it/telemetry.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue};
use tokio::sync::mpsc;
use tonic::Code;

use crate::proto::opentelemetry::proto::collector::trace::v1 as collector;
use crate::proto::opentelemetry::proto::common::v1 as common;
use crate::proto::opentelemetry::proto::resource::v1 as resource;
use crate::proto::opentelemetry::proto::trace::v1 as trace;
use crate::settings::TelemetrySettings;

/// The W3C trace context header, in requests and responses.
pub const TRACEPARENT: &str = "traceparent";
/// Spans waiting for export; beyond this they are dropped rather than slow a request.
const QUEUE: usize = 8192;
const BATCH: usize = 512;
const EXPORT_INTERVAL: Duration = Duration::from_secs(1);

/// The trace identity of one RPC's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: [u8; 16],
    pub span_id: [u8; 8],
    /// The caller's span, from its `traceparent`.
    pub parent_span_id: Option<[u8; 8]>,
    pub sampled: bool,
}

impl TraceContext {
    /// A child of the request's `traceparent`, or the root of a new trace.
    pub fn from_headers(headers: &HeaderMap) -> TraceContext {
        let span_id = random_nonzero();
        match headers.get(TRACEPARENT).and_then(|value| parse_traceparent(value.as_bytes())) {
            Some((trace_id, parent, flags)) => {
                TraceContext { trace_id, span_id, parent_span_id: Some(parent), sampled: flags & 1 == 1 }
            }
            None => {
                let mut trace_id = [0u8; 16];
                trace_id[..8].copy_from_slice(&random_nonzero());
                trace_id[8..].copy_from_slice(&rand::random::<[u8; 8]>());
                TraceContext { trace_id, span_id, parent_span_id: None, sampled: true }
            }
        }
    }

    /// `traceparent` naming this span, for the response.
    pub fn traceparent(&self) -> HeaderValue {
        let mut text = String::with_capacity(55);
        text.push_str("00-");
        text.push_str(&hex(&self.trace_id));
        text.push('-');
        text.push_str(&hex(&self.span_id));
        text.push_str(if self.sampled { "-01" } else { "-00" });
        HeaderValue::from_str(&text).expect("hex digits are a valid header value")
    }

    pub fn trace_id_hex(&self) -> String {
        hex(&self.trace_id)
    }
}

fn random_nonzero() -> [u8; 8] {
    loop {
        let id = rand::random::<[u8; 8]>();
        if id != [0; 8] {
            return id;
        }
    }
}

/// Lower-case hex digits of `bytes`. Runs three times per RPC (every RPC has a trace context), so
/// a table, not a `format!` per byte (which cost ~40 formatter calls per request).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

fn unhex<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in text.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16).filter(|_| !c.is_ascii_uppercase());
        out[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(out)
}

/// Version 00 of the W3C format (later versions: the same first four fields); all-zero ids are
/// invalid.
fn parse_traceparent(value: &[u8]) -> Option<([u8; 16], [u8; 8], u8)> {
    let mut parts = value.split(|&b| b == b'-');
    let version = unhex::<1>(parts.next()?)?;
    let trace_id = unhex::<16>(parts.next()?)?;
    let parent = unhex::<8>(parts.next()?)?;
    let flags = unhex::<1>(parts.next()?)?[0];
    if version == [0xff] || (version == [0] && parts.next().is_some()) {
        return None;
    }
    if trace_id == [0; 16] || parent == [0; 8] {
        return None;
    }
    Some((trace_id, parent, flags))
}

/// One finished RPC, as the exporter needs it.
#[derive(Debug, Clone)]
pub struct SpanRecord {
    pub context: TraceContext,
    /// `vaardig.v1.ConceptService/GetConcept`.
    pub rpc: String,
    pub request_id: String,
    pub start: SystemTime,
    pub end: SystemTime,
    pub code: Code,
}

/// Where observed RPCs hand their spans to the exporter.
#[derive(Debug, Clone)]
pub struct TraceSink {
    queue: mpsc::Sender<SpanRecord>,
    dropped: Arc<AtomicU64>,
}

impl TraceSink {
    /// Queues a sampled span; never waits.
    pub fn submit(&self, span: SpanRecord) {
        if span.context.sampled && self.queue.try_send(span).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Starts the exporter when `telemetry.otlp_endpoint` is set: the sink for the RPC layer and the
/// task, which ends (after a last export) when every sink is dropped.
pub fn start(settings: &TelemetrySettings) -> Result<Option<(TraceSink, tokio::task::JoinHandle<()>)>, String> {
    let Some(endpoint) = &settings.otlp_endpoint else { return Ok(None) };
    let channel = tonic::transport::Channel::from_shared(endpoint.clone())
        .map_err(|e| format!("telemetry.otlp_endpoint {endpoint:?}: {e}"))?
        .connect_timeout(Duration::from_secs(5))
        .connect_lazy();
    let (queue, spans) = mpsc::channel(QUEUE);
    let dropped = Arc::new(AtomicU64::new(0));
    let resource = resource::Resource { attributes: vec![attribute("service.name", &settings.service_name)] };
    let task = tokio::spawn(export(
        spans,
        collector::trace_service_client::TraceServiceClient::new(channel),
        resource,
        dropped.clone(),
    ));
    tracing::info!(endpoint = endpoint.as_str(), "exporting traces over OTLP");
    Ok(Some((TraceSink { queue, dropped }, task)))
}

async fn export(
    mut spans: mpsc::Receiver<SpanRecord>,
    mut client: collector::trace_service_client::TraceServiceClient<tonic::transport::Channel>,
    resource: resource::Resource,
    dropped: Arc<AtomicU64>,
) {
    let mut batch = Vec::new();
    let mut tick = tokio::time::interval(EXPORT_INTERVAL);
    loop {
        tokio::select! {
            received = spans.recv() => match received {
                Some(span) => {
                    batch.push(span);
                    if batch.len() >= BATCH {
                        send(&mut client, &resource, &mut batch).await;
                    }
                }
                // Every sink is gone (the server stopped): a last export, then done.
                None => {
                    send(&mut client, &resource, &mut batch).await;
                    return;
                }
            },
            _ = tick.tick() => {
                send(&mut client, &resource, &mut batch).await;
                let lost = dropped.swap(0, Ordering::Relaxed);
                if lost > 0 {
                    tracing::warn!(spans = lost, "trace export queue full; spans dropped");
                }
            }
        }
    }
}

/// Exports and empties `batch` (nothing when it is empty).
async fn send(
    client: &mut collector::trace_service_client::TraceServiceClient<tonic::transport::Channel>,
    resource: &resource::Resource,
    batch: &mut Vec<SpanRecord>,
) {
    if batch.is_empty() {
        return;
    }
    let request = collector::ExportTraceServiceRequest {
        resource_spans: vec![trace::ResourceSpans {
            resource: Some(resource.clone()),
            scope_spans: vec![trace::ScopeSpans {
                scope: Some(common::InstrumentationScope {
                    name: "vaardig".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                }),
                spans: batch.drain(..).map(to_otlp).collect(),
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    };
    if let Err(status) = client.export(request).await {
        tracing::warn!(code = ?status.code(), "trace export failed; spans dropped");
    }
}

fn attribute(key: &str, value: &str) -> common::KeyValue {
    common::KeyValue {
        key: key.into(),
        value: Some(common::AnyValue { value: Some(common::any_value::Value::StringValue(value.into())) }),
    }
}

fn nanos(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// The OTLP span of an RPC, with the attributes of OpenTelemetry's RPC conventions.
fn to_otlp(span: SpanRecord) -> trace::Span {
    let (service, method) = span.rpc.split_once('/').unwrap_or((span.rpc.as_str(), ""));
    let code = span.code as i32;
    let mut attributes = vec![
        attribute("rpc.system", "grpc"),
        attribute("rpc.service", service),
        attribute("rpc.method", method),
        attribute("vaardig.request_id", &span.request_id),
    ];
    attributes.push(common::KeyValue {
        key: "rpc.grpc.status_code".into(),
        value: Some(common::AnyValue { value: Some(common::any_value::Value::IntValue(i64::from(code))) }),
    });
    let failed = matches!(
        span.code,
        Code::Unknown
            | Code::DeadlineExceeded
            | Code::Unimplemented
            | Code::Internal
            | Code::Unavailable
            | Code::DataLoss
    );
    trace::Span {
        trace_id: span.context.trace_id.to_vec(),
        span_id: span.context.span_id.to_vec(),
        trace_state: String::new(),
        parent_span_id: span.context.parent_span_id.map(|p| p.to_vec()).unwrap_or_default(),
        name: span.rpc.clone(),
        kind: trace::span::SpanKind::Server as i32,
        start_time_unix_nano: nanos(span.start),
        end_time_unix_nano: nanos(span.end),
        attributes,
        // Server spans: only server faults are errors (OpenTelemetry's gRPC conventions); the
        // status message is never exported (it may quote a request's ids).
        status: Some(trace::Status {
            message: String::new(),
            code: if failed { trace::status::StatusCode::Error } else { trace::status::StatusCode::Unset } as i32,
        }),
        flags: 0x100 | u32::from(span.context.parent_span_id.is_some()) << 9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_in_and_out() {
        let mut headers = HeaderMap::new();
        headers.insert(TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap());
        let context = TraceContext::from_headers(&headers);
        assert_eq!(context.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(context.parent_span_id, Some([0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]));
        assert!(context.sampled);
        let out = context.traceparent();
        let out = out.to_str().unwrap();
        assert!(out.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-") && out.ends_with("-01"), "{out}");
        assert_ne!(&out[36..52], "00f067aa0ba902b7", "a span of its own");

        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "garbage",
        ] {
            headers.insert(TRACEPARENT, bad.parse().unwrap());
            let context = TraceContext::from_headers(&headers);
            assert_eq!(context.parent_span_id, None, "{bad}");
            assert_ne!(context.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736", "{bad}");
        }
        headers.insert(TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00".parse().unwrap());
        assert!(!TraceContext::from_headers(&headers).sampled);
    }
}
