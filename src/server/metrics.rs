//! Prometheus metrics: requests by RPC and status code, latency histograms per RPC, requests in
//! flight, the snapshot being served and its concept counts, and the process's resident memory.
//!
//! Hand-written text exposition (format 0.0.4) over atomics instead of a metrics crate: the set is
//! small and fixed, recording is two atomic adds per request, and the snapshot gauges are read from
//! [`LiveEngines`] at scrape time so they follow a reload without anyone updating them.
//!
//! Label values are bounded: an RPC is labelled only with the name of a method the server routes
//! (read from the descriptors, see [`super::catalog`]); any other path counts as `unknown`, so a
//! client cannot grow the label set by inventing paths.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `vaardig_grpc_requests_total` | counter | `rpc`, `code` |
//! | `vaardig_grpc_request_duration_seconds` | histogram | `rpc` |
//! | `vaardig_grpc_requests_in_flight` | gauge | |
//! | `vaardig_snapshot_info` | gauge (1) | `version` |
//! | `vaardig_concepts` | gauge | `kind` |
//! | `vaardig_relations` | gauge | `kind` |
//! | `process_resident_memory_bytes` | gauge | |

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use tonic::Code;

use crate::engine::LiveEngines;

/// Upper bounds of the latency buckets, in seconds: 50 µs (a no-op RPC on loopback) to 10 s.
const BUCKETS: [f64; 16] =
    [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The gRPC status codes 0–16 by their canonical names (the `code` label).
const CODE_NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// The canonical name of a status code, as in the `code` label and the logs.
pub fn code_name(code: Code) -> &'static str {
    CODE_NAMES.get(code as usize).copied().unwrap_or("UNKNOWN")
}

/// Counters of one RPC.
#[derive(Debug)]
pub struct RpcStats {
    /// `vaardig.v1.ConceptService/GetConcept`, or `unknown`.
    name: String,
    by_code: [AtomicU64; 17],
    /// Non-cumulative counts per bucket; the last slot counts what exceeds every bound.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl RpcStats {
    fn new(name: String) -> RpcStats {
        RpcStats {
            name,
            by_code: std::array::from_fn(|_| AtomicU64::new(0)),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            sum_nanos: AtomicU64::new(0),
        }
    }

    /// The RPC's label: `package.Service/Method`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Counts one finished request.
    pub fn record(&self, code: Code, elapsed: Duration) {
        self.by_code[(code as usize).min(16)].fetch_add(1, Ordering::Relaxed);
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS.iter().position(|&bound| seconds <= bound).unwrap_or(BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_nanos.fetch_add(elapsed.as_nanos().min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }

    fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }
}

/// The server's metrics, shared by the observing layer and the `/metrics` endpoint.
#[derive(Debug)]
pub struct Metrics {
    /// Keyed by HTTP/2 path (`/vaardig.v1.ConceptService/GetConcept`); fixed at start, so lookups
    /// need no lock.
    rpcs: HashMap<String, Arc<RpcStats>>,
    unknown: Arc<RpcStats>,
    in_flight: AtomicI64,
}

impl Metrics {
    /// Metrics for every RPC the server routes.
    pub fn new() -> Arc<Metrics> {
        let rpcs = super::catalog::served_services()
            .iter()
            .flat_map(|service| service.paths().collect::<Vec<_>>())
            .map(|path| {
                let stats = Arc::new(RpcStats::new(path[1..].to_string()));
                (path, stats)
            })
            .collect();
        Arc::new(Metrics { rpcs, unknown: Arc::new(RpcStats::new("unknown".into())), in_flight: AtomicI64::new(0) })
    }

    /// The counters for a request path; paths the server does not route share `unknown`.
    pub fn rpc(&self, path: &str) -> Arc<RpcStats> {
        self.rpcs.get(path).unwrap_or(&self.unknown).clone()
    }

    /// Marks one request as in flight until the guard is dropped.
    pub fn in_flight(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self.clone())
    }

    /// The text exposition of every metric; the snapshot gauges are those of `engines` now.
    pub fn render(&self, engines: &LiveEngines) -> String {
        let mut out = String::with_capacity(16 * 1024);
        let mut rpcs: Vec<&Arc<RpcStats>> = self.rpcs.values().chain([&self.unknown]).collect();
        rpcs.sort_by(|a, b| a.name.cmp(&b.name));

        out.push_str("# HELP vaardig_grpc_requests_total Finished gRPC requests by RPC and status code.\n");
        out.push_str("# TYPE vaardig_grpc_requests_total counter\n");
        for stats in &rpcs {
            for (code, count) in stats.by_code.iter().enumerate() {
                let count = count.load(Ordering::Relaxed);
                if count > 0 {
                    let _ = writeln!(
                        out,
                        "vaardig_grpc_requests_total{{rpc=\"{}\",code=\"{}\"}} {count}",
                        stats.name, CODE_NAMES[code]
                    );
                }
            }
        }

        out.push_str("# HELP vaardig_grpc_request_duration_seconds Time from request to its final status, by RPC.\n");
        out.push_str("# TYPE vaardig_grpc_request_duration_seconds histogram\n");
        for stats in rpcs.iter().filter(|s| s.count() > 0) {
            let mut cumulative = 0;
            for (slot, bound) in BUCKETS.iter().enumerate() {
                cumulative += stats.buckets[slot].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "vaardig_grpc_request_duration_seconds_bucket{{rpc=\"{}\",le=\"{bound}\"}} {cumulative}",
                    stats.name
                );
            }
            cumulative += stats.buckets[BUCKETS.len()].load(Ordering::Relaxed);
            let name = &stats.name;
            let sum = stats.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(
                out,
                "vaardig_grpc_request_duration_seconds_bucket{{rpc=\"{name}\",le=\"+Inf\"}} {cumulative}"
            );
            let _ = writeln!(out, "vaardig_grpc_request_duration_seconds_sum{{rpc=\"{name}\"}} {sum}");
            let _ = writeln!(out, "vaardig_grpc_request_duration_seconds_count{{rpc=\"{name}\"}} {cumulative}");
        }

        out.push_str("# HELP vaardig_grpc_requests_in_flight gRPC requests being worked on now.\n");
        out.push_str("# TYPE vaardig_grpc_requests_in_flight gauge\n");
        let _ = writeln!(out, "vaardig_grpc_requests_in_flight {}", self.in_flight.load(Ordering::Relaxed));

        let engines = engines.current();
        let snapshot = &engines.snapshot;
        out.push_str("# HELP vaardig_snapshot_info The ontology snapshot being served (always 1).\n");
        out.push_str("# TYPE vaardig_snapshot_info gauge\n");
        let _ = writeln!(out, "vaardig_snapshot_info{{version=\"{}\"}} 1", escape(snapshot.version()));
        out.push_str("# HELP vaardig_concepts Concepts in the served snapshot by kind.\n");
        out.push_str("# TYPE vaardig_concepts gauge\n");
        for (kind, count) in &snapshot.stats().concepts {
            let _ = writeln!(out, "vaardig_concepts{{kind=\"{}\"}} {count}", kind.as_str());
        }
        out.push_str("# HELP vaardig_relations Relations in the served snapshot by kind.\n");
        out.push_str("# TYPE vaardig_relations gauge\n");
        for (kind, count) in &snapshot.stats().relations {
            let _ = writeln!(out, "vaardig_relations{{kind=\"{}\"}} {count}", kind.as_str());
        }

        if let Some(bytes) = resident_memory_bytes() {
            out.push_str("# HELP process_resident_memory_bytes Resident memory of the server process.\n");
            out.push_str("# TYPE process_resident_memory_bytes gauge\n");
            let _ = writeln!(out, "process_resident_memory_bytes {bytes}");
        }
        out
    }
}

/// Keeps a request counted in `vaardig_grpc_requests_in_flight`.
#[derive(Debug)]
pub struct InFlight(Arc<Metrics>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Label values may not hold `"`, `\` or newlines unescaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Resident set size from `/proc/self/status` (Linux); `None` elsewhere.
fn resident_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Why the metrics endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("metrics.listen: not an address:port: {0:?}")]
    Address(String),
    #[error("cannot listen on {address}: {source}")]
    Bind { address: String, source: std::io::Error },
}

/// The running `/metrics` endpoint; it stops when this is dropped (when the server stops).
#[derive(Debug)]
pub struct Endpoint {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the `/metrics` endpoint on `metrics.listen`, if set, and logs its address (`metrics
/// endpoint`, field `address`: with port 0 the one the system chose).
pub async fn start(
    settings: &crate::settings::MetricsSettings,
    metrics: Arc<Metrics>,
    engines: Arc<LiveEngines>,
) -> Result<Option<Endpoint>, MetricsError> {
    let Some(address) = &settings.listen else { return Ok(None) };
    let parsed: std::net::SocketAddr = address.parse().map_err(|_| MetricsError::Address(address.clone()))?;
    let listener = tokio::net::TcpListener::bind(parsed)
        .await
        .map_err(|source| MetricsError::Bind { address: address.clone(), source })?;
    let bound = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| address.clone());
    tracing::info!(address = %bound, "metrics endpoint");
    let task = tokio::spawn(async move {
        if let Err(error) = serve(listener, metrics, engines, std::future::pending()).await {
            tracing::error!(%error, "metrics endpoint failed");
        }
    });
    Ok(Some(Endpoint { task }))
}

/// Serves `GET /metrics` (plain HTTP/1.1) on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    engines: Arc<LiveEngines>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::http::header::CONTENT_TYPE;
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let text = metrics.render(&engines);
            async move { ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text) }
        }),
    );
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths_have_their_own_counters_and_others_share_unknown() {
        let metrics = Metrics::new();
        assert_eq!(metrics.rpc("/vaardig.v1.SearchService/Search").name(), "vaardig.v1.SearchService/Search");
        assert_eq!(metrics.rpc("/made.up/Path").name(), "unknown");
        assert_eq!(metrics.rpc("/another.made.up/Path").name(), "unknown");
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let metrics = Metrics::new();
        let stats = metrics.rpc("/vaardig.v1.SearchService/Search");
        stats.record(Code::Ok, Duration::from_micros(300));
        stats.record(Code::Ok, Duration::from_millis(3));
        stats.record(Code::InvalidArgument, Duration::from_secs(20));
        let engines = crate::engine::LiveEngines::new(std::sync::Arc::new(crate::engine::Engines::build(Arc::new(
            crate::ontology::load(&[crate::ontology::SourceSpec::Embedded]).unwrap().0,
        ))));
        let text = metrics.render(&engines);
        let rpc = "rpc=\"vaardig.v1.SearchService/Search\"";
        for expected in [
            format!("vaardig_grpc_requests_total{{{rpc},code=\"OK\"}} 2"),
            format!("vaardig_grpc_requests_total{{{rpc},code=\"INVALID_ARGUMENT\"}} 1"),
            format!("vaardig_grpc_request_duration_seconds_bucket{{{rpc},le=\"0.00025\"}} 0"),
            format!("vaardig_grpc_request_duration_seconds_bucket{{{rpc},le=\"0.0005\"}} 1"),
            format!("vaardig_grpc_request_duration_seconds_bucket{{{rpc},le=\"0.005\"}} 2"),
            format!("vaardig_grpc_request_duration_seconds_bucket{{{rpc},le=\"10\"}} 2"),
            format!("vaardig_grpc_request_duration_seconds_bucket{{{rpc},le=\"+Inf\"}} 3"),
            format!("vaardig_grpc_request_duration_seconds_count{{{rpc}}} 3"),
            "vaardig_concepts{kind=\"funding_scheme\"}".to_string(),
        ] {
            assert!(text.contains(&expected), "missing {expected} in\n{text}");
        }
        assert!(!text.contains("GetConcept"), "RPCs without requests stay out: {text}");
    }
}
