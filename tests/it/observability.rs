//! Observability end to end: request ids, the metrics endpoint of the real binary (following a
//! snapshot swap), and health reported for every service the API defines.

use std::sync::Arc;

use tonic::Request;
use vaardig::engine::LiveEngines;
use vaardig::proto::v1 as pb;
use vaardig::server::catalog;

use crate::helpers::{embedded, esco, spawn_server, spawn_server_live, test_settings};
use crate::served_binary::{ServedBinary, http_get};

fn get_concept(id: &str) -> pb::GetConceptRequest {
    pb::GetConceptRequest { id: id.into(), lang: String::new(), ..Default::default() }
}

fn returned_id(metadata: &tonic::metadata::MetadataMap) -> String {
    metadata.get("x-request-id").expect("x-request-id in the response").to_str().unwrap().to_string()
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let server = spawn_server(embedded()).await;
    let mut concepts = server.concepts().await;

    let mut request = Request::new(get_concept("vaardig:scheme/stap-budget"));
    request.metadata_mut().insert("x-request-id", "portal-7f3a:42".parse().unwrap());
    let response = concepts.get_concept(request).await.unwrap();
    assert_eq!(returned_id(response.metadata()), "portal-7f3a:42");

    let generated =
        returned_id(concepts.get_concept(get_concept("vaardig:scheme/stap-budget")).await.unwrap().metadata());
    assert_eq!(generated.len(), 16, "{generated}");
    assert!(generated.chars().all(|c| c.is_ascii_hexdigit()), "{generated}");
    let again = returned_id(concepts.get_concept(get_concept("vaardig:scheme/stap-budget")).await.unwrap().metadata());
    assert_ne!(generated, again, "every request gets its own id");

    // Errors carry the id too; an id that could forge log lines is replaced.
    let mut request = Request::new(get_concept("vaardig:scheme/bestaat-niet"));
    request.metadata_mut().insert("x-request-id", "a b\"}{".parse().unwrap());
    let status = concepts.get_concept(request).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    let replaced = returned_id(status.metadata());
    assert_eq!(replaced.len(), 16, "{replaced}");
}

/// The value of one sample line `name{labels} value` in a text exposition.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn the_binary_exposes_requests_latency_and_snapshot_metrics() {
    let server = ServedBinary::start(&[], &[("VAARDIG_METRICS_LISTEN", "127.0.0.1:0")]);
    let channel = tonic::transport::Channel::from_shared(server.url()).unwrap().connect().await.unwrap();
    let mut concepts = pb::concept_service_client::ConceptServiceClient::new(channel.clone());
    for _ in 0..3 {
        concepts.get_concept(get_concept("vaardig:scheme/stap-budget")).await.unwrap();
    }
    concepts.get_concept(get_concept("vaardig:scheme/bestaat-niet")).await.unwrap_err();
    let stats = concepts.get_stats(pb::GetStatsRequest::default()).await.unwrap().into_inner();

    let text = server.scrape();
    let rpc = "rpc=\"vaardig.v1.ConceptService/GetConcept\"";
    assert_eq!(sample(&text, &format!("vaardig_grpc_requests_total{{{rpc},code=\"OK\"}}")), Some(3.0), "{text}");
    assert_eq!(sample(&text, &format!("vaardig_grpc_requests_total{{{rpc},code=\"NOT_FOUND\"}}")), Some(1.0));
    assert_eq!(sample(&text, &format!("vaardig_grpc_request_duration_seconds_count{{{rpc}}}")), Some(4.0));
    assert_eq!(sample(&text, &format!("vaardig_grpc_request_duration_seconds_bucket{{{rpc},le=\"+Inf\"}}")), Some(4.0));
    assert!(sample(&text, &format!("vaardig_grpc_request_duration_seconds_sum{{{rpc}}}")).unwrap() > 0.0);
    // The scrape happens after the calls finished: nothing is in flight.
    assert_eq!(sample(&text, "vaardig_grpc_requests_in_flight"), Some(0.0), "{text}");
    assert_eq!(
        sample(&text, &format!("vaardig_snapshot_info{{version=\"{}\"}}", stats.snapshot_version)),
        Some(1.0),
        "{text}"
    );
    let schemes = stats.concept_counts.get("funding_scheme").copied().unwrap_or_default();
    assert!(schemes > 0, "{stats:?}");
    assert_eq!(sample(&text, "vaardig_concepts{kind=\"funding_scheme\"}"), Some(schemes as f64), "{text}");
    assert!(sample(&text, "process_resident_memory_bytes").unwrap() > 1e6, "{text}");

    let log = server.stop();
    assert!(log.contains("\"message\":\"metrics endpoint\""), "{log}");
}

#[tokio::test]
async fn the_snapshot_gauge_follows_a_swap_of_the_engines() {
    // A free port for the endpoint: the in-process server does not report the one it binds.
    let port = crate::helpers::free_port();
    let metrics_addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut settings = test_settings();
    settings.metrics.listen = Some(metrics_addr.to_string());
    let live = LiveEngines::new(embedded());
    let _server = spawn_server_live(live.clone(), settings).await;

    let scrape = move || tokio::task::spawn_blocking(move || http_get(metrics_addr, "/metrics"));
    let mut before = String::new();
    for _ in 0..50 {
        match scrape().await {
            Ok(text) => {
                before = text;
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let embedded_version = embedded().snapshot.version().to_string();
    assert!(before.contains(&format!("vaardig_snapshot_info{{version=\"{embedded_version}\"}} 1")), "{before}");

    let esco = esco();
    live.replace(Arc::clone(&esco));
    let after = scrape().await.unwrap();
    let esco_version = esco.snapshot.version();
    assert!(after.contains(&format!("vaardig_snapshot_info{{version=\"{esco_version}\"}} 1")), "{after}");
    assert!(!after.contains(&embedded_version), "the old snapshot is gone: {after}");
    assert_eq!(sample(&after, "vaardig_concepts{kind=\"occupation\"}"), Some(3007.0), "{after}");
}

/// The version in `vaardig_snapshot_info{version="…"} 1`.
fn snapshot_version(metrics: &str) -> String {
    let line = metrics.lines().find(|l| l.starts_with("vaardig_snapshot_info{")).expect("a snapshot_info line");
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn the_binary_reports_the_new_snapshot_after_a_sighup_reload() {
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().join("bundle");
    crate::reload::deploy("v1", &data);
    let data_arg = data.display().to_string();
    let server = ServedBinary::start(
        &["--ontology", "embedded", "--ontology", &data_arg],
        &[("VAARDIG_METRICS_LISTEN", "127.0.0.1:0")],
    );
    let v1 = snapshot_version(&server.scrape());

    crate::reload::deploy("v2", &data);
    server.signal("HUP");
    let started = std::time::Instant::now();
    let after = loop {
        let text = server.scrape();
        if snapshot_version(&text) != v1 {
            break text;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "no reload:\n{}", server.log());
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(after.matches("vaardig_snapshot_info{").count(), 1, "one version at a time: {after}");
    assert!(!after.contains(&v1), "{after}");
}

/// A raw unary call with an empty message: what any method answers to a request of all defaults.
async fn call_empty(channel: tonic::transport::Channel, path: String) -> tonic::Status {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    let path = http::uri::PathAndQuery::try_from(path).unwrap();
    // A streaming method may keep its answer open (a watch): answering at all means it is routed.
    match tokio::time::timeout(std::time::Duration::from_secs(5), grpc.unary(Request::new(()), path, codec)).await {
        Ok(Ok(_)) | Err(_) => tonic::Status::ok(""),
        Ok(Err(status)) => status,
    }
}

#[tokio::test]
async fn every_api_service_is_routed_and_reported_by_health() {
    use tonic_health::pb::health_check_response::ServingStatus;
    let server = spawn_server(embedded()).await;
    let channel = server.channel().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let services = catalog::api_services();
    assert!(services.len() >= 5, "{services:?}");
    for service in &services {
        let status = health
            .check(tonic_health::pb::HealthCheckRequest { service: service.name.clone() })
            .await
            .unwrap_or_else(|e| panic!("health of {}: {e}", service.name))
            .into_inner();
        assert_eq!(status.status, ServingStatus::Serving as i32, "{}", service.name);
        for path in service.paths() {
            let status = call_empty(channel.clone(), path.clone()).await;
            assert_ne!(status.code(), tonic::Code::Unimplemented, "{path} is in the API but not routed: {status:?}");
        }
    }
}
