//! A good citizen of a fleet: one snapshot version at a time (page tokens and required versions
//! refused with FAILED_PRECONDITION naming both versions, the served version in every response's
//! metadata), connections closed at their maximum age, and a shutdown that reports NOT_SERVING
//! while it still serves for `server.shutdown_delay_secs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tonic::Code;
use tonic_types::StatusExt;
use vaardig::proto::v1 as pb;
use vaardig::server::snapshot::SNAPSHOT_HEADER;

use super::helpers::{embedded, spawn_server_with, test_settings};
use super::reload::{deploy, reload, reloadable_server};
use super::shutdown::{signal, slow_stream, start_binary};

const PROVIDER: &str = "vaardig:provider/roc-denkbeeldig";
/// The welder: an occupation with many requirements, so its relations span pages.
const LASSER: &str = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";

fn snapshot_violation(status: &tonic::Status) -> Option<String> {
    let failure = status.get_details_precondition_failure()?;
    failure.violations.into_iter().find(|v| v.r#type == "SNAPSHOT_VERSION").map(|v| v.subject)
}

async fn served_version(channel: tonic::transport::Channel) -> String {
    let mut concepts = pb::concept_service_client::ConceptServiceClient::new(channel);
    concepts.get_stats(pb::GetStatsRequest {}).await.unwrap().into_inner().snapshot_version
}

#[tokio::test]
async fn a_page_token_of_another_version_is_refused_naming_both_versions() {
    let s = reloadable_server("v1").await;
    let v1 = served_version(s.server.channel().await).await;
    let mut concepts = s.server.concepts().await;
    let list = |token: String| pb::ListRelationsRequest {
        id: LASSER.into(),
        direction: pb::Direction::Both as i32,
        page_size: 1,
        page_token: token,
        ..Default::default()
    };
    let first = concepts.list_relations(list(String::new())).await.unwrap().into_inner();
    assert!(!first.next_page_token.is_empty(), "the welder has more than one relation");
    // The same token pages on while the version is the same.
    concepts.list_relations(list(first.next_page_token.clone())).await.unwrap();

    deploy("v2", &s.data);
    let v2 = reload(&s.server).await.unwrap().snapshot_version;
    assert_ne!(v1, v2);
    let status = concepts.list_relations(list(first.next_page_token)).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(status.message().contains(&v1) && status.message().contains(&v2), "{}", status.message());
    assert!(status.message().contains("start paging again"), "{}", status.message());
    assert_eq!(snapshot_violation(&status).as_deref(), Some("page_token"));
}

#[tokio::test]
async fn a_required_version_is_served_or_refused_and_every_answer_names_its_version() {
    let server = spawn_server_with(embedded(), test_settings()).await;
    let version = served_version(server.channel().await).await;
    let mut concepts = server.concepts().await;

    // Every answer carries the version in its metadata, errors too.
    let answer = concepts.get_stats(pb::GetStatsRequest {}).await.unwrap();
    assert_eq!(answer.metadata().get(SNAPSHOT_HEADER).unwrap().to_str().unwrap(), version);
    let missing = concepts
        .get_concept(pb::GetConceptRequest {
            id: "vaardig:skill/bestaat-niet".into(),
            lang: String::new(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(missing.metadata().get(SNAPSHOT_HEADER).unwrap().to_str().unwrap(), version);

    let pinned = |pin: &str| {
        let mut request = tonic::Request::new(pb::GetConceptRequest {
            id: PROVIDER.into(),
            lang: String::new(),
            ..Default::default()
        });
        request.metadata_mut().insert(SNAPSHOT_HEADER, pin.parse().unwrap());
        request
    };
    let ok = concepts.get_concept(pinned(&version)).await.unwrap().into_inner();
    assert_eq!(ok.snapshot_version, version);

    let status = concepts.get_concept(pinned("v0000000000000000")).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(status.message().contains("v0000000000000000"), "{}", status.message());
    assert!(status.message().contains(&version), "{}", status.message());
    assert_eq!(snapshot_violation(&status).as_deref(), Some(SNAPSHOT_HEADER));

    // Health answers whatever the pin: the orchestrator's probes must not depend on it.
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let mut check = tonic::Request::new(tonic_health::pb::HealthCheckRequest { service: String::new() });
    check.metadata_mut().insert(SNAPSHOT_HEADER, "v0000000000000000".parse().unwrap());
    let answer = health.check(check).await.unwrap();
    assert_eq!(answer.metadata().get(SNAPSHOT_HEADER).unwrap().to_str().unwrap(), version);
}

#[test]
fn the_cli_requires_a_version_and_reports_health() {
    let (addr, _stop) = super::helpers::spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"))
            .args(args)
            .args(["--server", &server])
            .output()
            .unwrap()
    };
    let health = run(&["health"]);
    assert!(health.status.success(), "{}", String::from_utf8_lossy(&health.stderr));
    assert_eq!(String::from_utf8_lossy(&health.stdout).trim(), "SERVING");
    let unknown = run(&["health", "--service", "vaardig.v1.NoSuchService"]);
    assert_eq!(unknown.status.code(), Some(4), "an unknown service is NOT_FOUND");

    let stats = run(&["stats", "--json"]);
    let version =
        serde_json::from_slice::<serde_json::Value>(&stats.stdout).unwrap()["version"].as_str().unwrap().to_string();
    assert!(run(&["stats", "--require-snapshot", &version]).status.success());
    let refused = run(&["stats", "--require-snapshot", "v0000000000000000"]);
    assert_eq!(refused.status.code(), Some(7), "{}", String::from_utf8_lossy(&refused.stderr));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("v0000000000000000") && stderr.contains(&version), "{stderr}");
}

/// A TCP proxy on loopback that counts the connections it accepted, to see clients reconnect.
async fn counting_proxy(target: std::net::SocketAddr) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (addr, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_closed_at_their_maximum_age_and_clients_reconnect_without_errors() {
    let mut settings = test_settings();
    settings.server.max_connection_age_secs = 1;
    settings.server.max_connection_age_grace_secs = 5;
    let server = spawn_server_with(embedded(), settings).await;
    let (proxy, accepted) = counting_proxy(server.addr).await;
    let channel = tonic::transport::Channel::from_shared(format!("http://{proxy}")).unwrap().connect().await.unwrap();
    let mut concepts = pb::concept_service_client::ConceptServiceClient::new(channel);
    let started = Instant::now();
    let mut answered = 0;
    while started.elapsed() < Duration::from_millis(3500) {
        let request = pb::GetConceptRequest { id: PROVIDER.into(), lang: String::new(), ..Default::default() };
        // HTTP/2's graceful GOAWAY lets requests racing it finish: none fails.
        concepts.get_concept(request).await.unwrap();
        answered += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(answered > 50, "{answered}");
    let connections = accepted.load(Ordering::SeqCst);
    assert!(connections >= 3, "one connection per second of age: {connections} in 3.5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_at_the_age_finishes_within_the_grace_and_is_cut_after_it() {
    let mut settings = test_settings();
    settings.server.max_connection_age_secs = 1;
    settings.server.max_connection_age_grace_secs = 1;
    let server = spawn_server_with(embedded(), settings).await;
    let channel = server.channel().await;

    // A stream that ends 1.5 s after it began: past the GOAWAY at 1 s, within the grace.
    let mut matching = pb::matching_service_client::MatchingServiceClient::new(channel.clone());
    matching.rank_candidates(slow_stream(Duration::from_millis(1500))).await.unwrap();

    // A stream that would run 6 s on a fresh connection: cut when age + grace (2 s) are over.
    let fresh = tonic::transport::Channel::from_shared(server.url()).unwrap().connect().await.unwrap();
    let mut matching = pb::matching_service_client::MatchingServiceClient::new(fresh);
    let started = Instant::now();
    let cut = matching.rank_candidates(slow_stream(Duration::from_secs(6))).await;
    assert!(cut.is_err(), "{cut:?}");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_secs(4), "{elapsed:?}");
}

#[tokio::test]
async fn with_the_default_settings_a_connection_stays_open() {
    let server = spawn_server_with(embedded(), test_settings()).await;
    let (proxy, accepted) = counting_proxy(server.addr).await;
    let channel = tonic::transport::Channel::from_shared(format!("http://{proxy}")).unwrap().connect().await.unwrap();
    let mut concepts = pb::concept_service_client::ConceptServiceClient::new(channel);
    for _ in 0..20 {
        concepts
            .get_concept(pb::GetConceptRequest { id: PROVIDER.into(), lang: String::new(), ..Default::default() })
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_reports_not_serving_while_it_still_serves_for_the_delay() {
    let (mut child, url, _port) =
        start_binary(&[], &[("VAARDIG_SERVER_SHUTDOWN_DELAY_SECS", "2"), ("VAARDIG_LOG_LEVEL", "warn")], "http").await;
    let channel = tonic::transport::Channel::from_shared(url.clone()).unwrap().connect().await.unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let mut concepts = pb::concept_service_client::ConceptServiceClient::new(channel);
    let serving = tonic_health::pb::health_check_response::ServingStatus::Serving as i32;
    let not_serving = tonic_health::pb::health_check_response::ServingStatus::NotServing as i32;
    let check = || tonic_health::pb::HealthCheckRequest { service: String::new() };
    assert_eq!(health.check(check()).await.unwrap().into_inner().status, serving);

    let terminated = Instant::now();
    signal(&child, "TERM");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(health.check(check()).await.unwrap().into_inner().status, not_serving);
    // Still answering, on the open connection and on a new one.
    concepts
        .get_concept(pb::GetConceptRequest { id: PROVIDER.into(), lang: String::new(), ..Default::default() })
        .await
        .unwrap();
    let fresh = tonic::transport::Channel::from_shared(url).unwrap().connect().await.unwrap();
    let mut fresh = pb::concept_service_client::ConceptServiceClient::new(fresh);
    fresh
        .get_concept(pb::GetConceptRequest { id: PROVIDER.into(), lang: String::new(), ..Default::default() })
        .await
        .unwrap();
    assert!(child.try_wait().unwrap().is_none(), "still running during the delay");

    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(terminated.elapsed() < Duration::from_secs(20), "did not exit after the delay");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");
    assert!(terminated.elapsed() >= Duration::from_millis(1900), "exited before the delay: {:?}", terminated.elapsed());
}

#[test]
fn print_settings_shows_the_fleet_settings() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"))
        .args(["serve", "--print-settings"])
        .env("VAARDIG_SERVER_MAX_CONNECTION_AGE_SECS", "120")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "max_connection_age_secs = 120",
        "max_connection_age_grace_secs = 30",
        "shutdown_delay_secs = 0",
        "keepalive_interval_secs = 60",
        "keepalive_timeout_secs = 20",
    ] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
}

/// A snapshot's version names its content, not where it was read from: the same ESCO export and
/// the same bundle read through another folder's path give the same version, so a replica that
/// mounts the data elsewhere reuses its search index instead of building it again.
#[test]
fn the_same_data_read_from_another_folder_is_the_same_version() {
    use vaardig::ontology::{self, SourceSpec};
    let elsewhere = tempfile::tempdir().unwrap();
    let (esco, bundle) =
        (super::helpers::esco_dir(), std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology"));
    std::os::unix::fs::symlink(&esco, elsewhere.path().join("esco")).unwrap();
    std::os::unix::fs::symlink(&bundle, elsewhere.path().join("bundle")).unwrap();
    let version = |sources: &[SourceSpec]| ontology::load(sources).expect("loads").0.version().to_string();
    let here = version(&[SourceSpec::Path(esco.clone()), SourceSpec::Path(bundle.clone())]);
    let there =
        version(&[SourceSpec::Path(elsewhere.path().join("esco")), SourceSpec::Path(elsewhere.path().join("bundle"))]);
    assert_eq!(here, there);
    // Still a content hash: without the bundle it is another snapshot.
    assert_ne!(here, version(&[SourceSpec::Path(esco)]));
}
