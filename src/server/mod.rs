//! The gRPC server: the vaardig services, the standard health service (`grpc.health.v1`) and server
//! reflection (v1 and v1alpha, since common `grpcurl` builds speak only v1alpha).
//!
//! Handlers validate and convert requests, call the engines and convert back; no domain logic lives
//! here. [`serve`] takes its listener so that tests can bind port 0, and the typed [`Settings`] so
//! that every limit, credential and option comes from one place.

pub mod admin;
pub mod auth;
pub mod catalog;
pub mod concepts;
pub mod connection;
pub mod courses;
pub mod error;
pub mod funding;
pub mod history;
pub mod limits;
pub mod matching;
pub mod metrics;
pub mod observe;
pub mod planning;
pub mod protocol;
pub mod refs;
pub mod request;
pub mod response;
pub mod search;
pub mod snapshot;
pub mod tls;
pub mod traces;
pub mod web;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::engine::LiveEngines;
use crate::proto::v1::admin_service_server::AdminServiceServer;
use crate::proto::v1::concept_service_server::ConceptServiceServer;
use crate::proto::v1::course_service_server::CourseServiceServer;
use crate::proto::v1::funding_service_server::FundingServiceServer;
use crate::proto::v1::history_service_server::HistoryServiceServer;
use crate::proto::v1::matching_service_server::MatchingServiceServer;
use crate::proto::v1::planning_service_server::PlanningServiceServer;
use crate::proto::v1::search_service_server::SearchServiceServer;
use crate::settings::Settings;

/// HTTP/2 flow-control windows (see `serve`).
pub const STREAM_WINDOW_BYTES: u32 = 4 << 20;
pub const CONNECTION_WINDOW_BYTES: u32 = 8 << 20;

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("gRPC transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("server reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Cors(#[from] web::CorsError),
    #[error("metrics endpoint: {0}")]
    Metrics(#[from] metrics::MetricsError),
    #[error("{0}")]
    Telemetry(String),
}

/// Serves every service on `listener` until `shutdown` completes; then reports NOT_SERVING on the
/// health service, keeps serving for `settings.server.shutdown_delay_secs` (so that health-checking
/// balancers stop sending first), stops accepting, and lets in-flight requests finish for at most
/// `settings.server.drain_timeout_secs`.
pub async fn serve(
    listener: TcpListener,
    engines: Arc<LiveEngines>,
    settings: Arc<Settings>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let drain_timeout = Duration::from_secs(settings.server.drain_timeout_secs);
    let shutdown_delay = Duration::from_secs(settings.server.shutdown_delay_secs);
    let (health, health_service) = tonic_health::server::health_reporter();
    catalog::report_health(&health, tonic_health::ServingStatus::Serving).await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    // SIGHUP is taken over before "serving" is announced: a SIGHUP that arrives right after must
    // reload, never meet the default action (which ends the process).
    let hangup_signal = HangupSignal::listen();
    tracing::info!(
        address = %listener.local_addr().map(|a| a.to_string()).unwrap_or_default(),
        snapshot = engines.current().snapshot.version(),
        concepts = engines.current().snapshot.len(),
        tls = settings.tls.cert.is_some(),
        client_certificates = settings.tls.client_ca.is_some(),
        "serving"
    );

    // Tower layers around every service, outermost first: a request passes them top to bottom
    // before it reaches a handler. Each concern (limits, auth, observability, gRPC-Web) is one layer
    // built from `settings` in its own module; add new ones to this stack.
    let metrics = metrics::Metrics::new();
    let (trace_sink, trace_export) = match traces::start(&settings.telemetry).map_err(ServeError::Telemetry)? {
        Some((sink, task)) => (Some(sink), Some(task)),
        None => (None, None),
    };
    let _metrics_endpoint = metrics::start(&settings.metrics, metrics.clone(), engines.clone()).await?;
    let layers = tower::ServiceBuilder::new()
        // CORS and gRPC-Web first (preflights need no limits), then observation, so that requests
        // the limits shed are counted and logged with their RESOURCE_EXHAUSTED (web.rs, observe.rs).
        .option_layer(web::cors_layer(&settings.web)?)
        .option_layer(settings.web.grpc_web.then(tonic_web::GrpcWebLayer::new))
        .layer(observe::ObserveLayer::new(metrics, trace_sink))
        // Protocol faults next: undecodable requests become INVALID_ARGUMENT and oversized metadata
        // is refused per request, before credentials are read (protocol.rs).
        .layer(protocol::ProtocolLayer::new(settings.limits.max_metadata_bytes))
        // Credentials next, so that requests without them never take a request slot (auth.rs); they
        // are still observed, so refusals are counted and logged.
        .layer(auth::AuthLayer::new(&settings))
        // The served snapshot version on every response, and a client's required version checked
        // before the request takes a slot (snapshot.rs).
        .layer(snapshot::SnapshotLayer::new(engines.clone()))
        // Load shedding, deadlines and the per-request limits handlers check (limits.rs).
        .layer(limits::LimitsLayer::new(&settings.limits));
    let max_request = settings.limits.max_request_bytes;

    // Hot reload and concept history: the startup snapshot is digested in the background (one hash
    // per concept and its relations) so that it does not delay serving, and so are the career
    // transitions of every occupation; SIGHUP reloads like
    // AdminService.Reload.
    let history = crate::history::HistoryStore::new(settings.server.history_versions);
    let reloader = crate::reload::Reloader::new(
        &settings.server.ontology,
        settings.server.index_dir.clone(),
        engines.clone(),
        history.clone(),
    );
    {
        let (history, snapshot) = (history.clone(), engines.current().snapshot.clone());
        tokio::task::spawn_blocking(move || history.ensure(&snapshot));
        // Every origin's best career transitions, so that no RelatedOccupations call pays for its
        // origin's first ranking (matching::transitions; ≈ 0.3 s of one core on full ESCO).
        let current = engines.current();
        tokio::task::spawn_blocking(move || crate::matching::prepare_transitions(&current.matching));
    }
    let hangup = tokio::spawn(reload_on_hangup(reloader.clone(), hangup_signal));

    let mut builder = tonic::transport::Server::builder();
    if let Some(tls) = tls::server_config(&settings.tls).map_err(ServeError::Tls)? {
        let files = format!("{:?} and {:?}", settings.tls.cert.as_deref(), settings.tls.key.as_deref());
        builder = builder.tls_config(tls).map_err(|e| {
            let cause = std::error::Error::source(&e).map(|c| c.to_string()).unwrap_or_default();
            ServeError::Tls(format!("tls.cert/tls.key ({files}): {e} {cause}"))
        })?;
    }
    // Connection age: tonic sends the GOAWAY at the age (0.14.9: 0.14.5 panicked in the connection
    // task on a connection still busy after it); its own `max_connection_age_grace` would replace
    // the GOAWAY by a hard close, so the grace is enforced on the socket instead (connection.rs).
    let max_age = non_zero_secs(settings.server.max_connection_age_secs);
    if let Some(age) = max_age {
        builder = builder.max_connection_age(age);
    }
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let router = builder
        // Bulk streams (RankCandidates: up to 100,000 profiles) stall on HTTP/2's default 64 KiB
        // flow-control window; a few MiB per connection keeps loopback and LAN clients streaming.
        .initial_stream_window_size(STREAM_WINDOW_BYTES)
        .initial_connection_window_size(CONNECTION_WINDOW_BYTES)
        // One client's short deadlines or large headers must not end the other calls on its
        // connection; see `Http2Settings` for each limit and why.
        .max_concurrent_streams(settings.http2.max_concurrent_streams)
        .http2_max_pending_accept_reset_streams(Some(settings.http2.max_pending_accept_reset_streams))
        .http2_max_header_list_size(settings.http2.max_header_list_bytes)
        // Browsers speak gRPC-Web over HTTP/1.1.
        .accept_http1(settings.web.grpc_web)
        // A fleet: old connections are closed with a GOAWAY so clients reconnect through the
        // balancer to the replicas there are now; pings free connections of vanished peers.
        .http2_keepalive_interval(non_zero_secs(settings.server.keepalive_interval_secs))
        .http2_keepalive_timeout(Some(Duration::from_secs(settings.server.keepalive_timeout_secs)))
        .layer(layers)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(
            ConceptServiceServer::new(concepts::ConceptApi::new(engines.clone()))
                .max_decoding_message_size(max_request),
        )
        .add_service(
            SearchServiceServer::new(search::SearchApi::new(engines.clone())).max_decoding_message_size(max_request),
        )
        .add_service(
            MatchingServiceServer::new(matching::MatchingApi::new(engines.clone()))
                .max_decoding_message_size(max_request),
        )
        .add_service(
            FundingServiceServer::new(funding::FundingApi::new(engines.clone())).max_decoding_message_size(max_request),
        )
        .add_service(
            PlanningServiceServer::new(planning::PlanningApi::new(engines.clone()))
                .max_decoding_message_size(max_request),
        )
        .add_service(
            HistoryServiceServer::new(history::HistoryApi::new(engines.clone(), history.clone()))
                .max_decoding_message_size(max_request),
        )
        .add_service(
            CourseServiceServer::new(courses::CourseApi::new(engines.clone())).max_decoding_message_size(max_request),
        )
        .add_service(AdminServiceServer::new(admin::AdminApi::new(reloader.clone())));
    // With its own listener tonic sets no TCP_NODELAY: small answers then wait for delayed ACKs
    // (~40 ms per RPC on loopback, measured with `vaardig loadtest`).
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let grace = Duration::from_secs(settings.server.max_connection_age_grace_secs);
    let incoming = connection::with_lifetime(incoming, max_age.map(|age| age.saturating_add(grace)));
    let server = tokio::spawn(router.serve_with_incoming_shutdown(incoming, async {
        let _ = stop_rx.await;
    }));

    shutdown.await;
    hangup.abort();
    history.close();
    catalog::report_health(&health, tonic_health::ServingStatus::NotServing).await;
    if !shutdown_delay.is_zero() {
        // Still accepting and answering: balancers that health-check this replica see NOT_SERVING
        // and stop sending new requests before it stops accepting them.
        tracing::info!(seconds = shutdown_delay.as_secs(), "shutting down: health set to NOT_SERVING, still serving");
        tokio::time::sleep(shutdown_delay).await;
    }
    tracing::info!("shutting down: no new connections or requests, draining in-flight requests");
    let _ = stop_tx.send(());
    // tonic waits for open connections without a limit: bound the drain.
    match tokio::time::timeout(drain_timeout, server).await {
        Ok(Ok(result)) => result?,
        Ok(Err(join_error)) => tracing::error!(error = %join_error, "server task failed"),
        Err(_) => tracing::warn!(seconds = drain_timeout.as_secs(), "drain timeout reached; exiting"),
    }
    if let Some(export) = trace_export {
        // The router (and with it every sink) is gone: the exporter sends what is left and ends.
        let _ = tokio::time::timeout(Duration::from_secs(2), export).await;
    }
    Ok(())
}

/// `Some(secs)` for a positive setting, `None` for 0 (off).
fn non_zero_secs(secs: u64) -> Option<Duration> {
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// The server's runtime: one async worker per core, and for blocking work (search, planning) one
/// thread per core plus one, so that background work (a reload, the history digest) does not take
/// a request's thread. More blocking threads buy no throughput for CPU-bound work; they only take
/// the CPU from the async workers that answer, shed and log — under overload the shed answers then
/// waited as long as the admitted ones (116 ms instead of 1 ms p50, scripts/overload.sh). Blocking
/// work beyond that waits in tokio's queue, inside the concurrency limit.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    return_large_buffers_to_the_system();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(cores + 1).build()
}

/// Allocations of at least this size are mapped from the system and returned to it when freed.
const MMAP_THRESHOLD_BYTES: i32 = 1 << 20;

/// Bounds what big requests leave behind. glibc's malloc raises its mmap threshold (up to 32 MiB)
/// each time a large mapped block is freed, so the next request buffers of many MiB come from its
/// heaps and stay there: resident memory grew by ~280 MB per round of 24 concurrent 14 MB
/// requests (80 → 360 → 641 MB on the embedded data) and never came back. A fixed threshold keeps
/// large buffers mapped: the same rounds stayed at 76 MB. Small allocations, which are nearly all,
/// are unaffected. Other allocators (musl) need nothing.
fn return_large_buffers_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before the runtime's threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    }
}

/// Gives the memory that building the engines used and freed back to the system. glibc keeps freed
/// blocks in its heaps (one per thread that allocated, and start-up allocates on several), so
/// without this the temporaries of a build stay resident next to the engines. Call once the
/// engines are in place.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's heaps to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The SIGHUP stream, registered when the server starts (`None` where there is none).
struct HangupSignal {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl HangupSignal {
    fn listen() -> HangupSignal {
        #[cfg(unix)]
        {
            let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
            if signal.is_none() {
                tracing::warn!("cannot listen for SIGHUP; reload with `vaardig reload` instead");
            }
            HangupSignal { signal }
        }
        #[cfg(not(unix))]
        HangupSignal {}
    }
}

/// Reloads the data on every SIGHUP (the outcome is logged by the reloader); runs until aborted.
async fn reload_on_hangup(reloader: Arc<crate::reload::Reloader>, hangup: HangupSignal) {
    #[cfg(unix)]
    {
        let Some(mut hangup) = hangup.signal else { return };
        while hangup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the ontology");
            // Errors are logged by the reloader; the old snapshot keeps serving.
            let _ = reloader.reload().await;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (reloader, hangup);
        std::future::pending::<()>().await;
    }
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM. The handlers are taken over when this is called, not
/// when the future is first polled: `serve` polls it only after its listener has started to
/// answer, and a SIGTERM that arrived in between (a pod stopped right after it started, on a
/// loaded machine) met the default action and ended the process without the shutdown delay.
/// Call it within the runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).ok();
        let mut interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            tokio::select! {
                _ = received(terminate.as_mut()) => {},
                _ = received(interrupt.as_mut()) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Completes when `signal` arrives; never when it could not be taken over.
#[cfg(unix)]
async fn received(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
