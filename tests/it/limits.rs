//! Limits through the real server: load shedding with a retry hint, deadlines, request size and
//! items per repeated field.

use std::time::{Duration, Instant};

use tonic::Code;
use tonic_types::StatusExt;
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::matching_service_client::MatchingServiceClient;
use vaardig::proto::v1::search_service_client::SearchServiceClient;

use crate::helpers::{embedded, spawn_server_with, test_settings};

const LASSER: &str = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";

fn get(id: &str) -> pb::GetConceptRequest {
    pb::GetConceptRequest { id: id.into(), lang: String::new(), ..Default::default() }
}

/// A RankCandidates call whose stream never sends: it holds one request slot until dropped.
fn hold_a_slot(channel: tonic::transport::Channel) -> tokio::task::JoinHandle<Result<(), tonic::Status>> {
    tokio::spawn(async move {
        let mut client = MatchingServiceClient::new(channel);
        client.rank_candidates(futures_util::stream::pending::<pb::RankCandidatesRequest>()).await.map(|_| ())
    })
}

#[tokio::test]
async fn beyond_the_concurrency_limit_requests_are_shed_with_a_retry_hint() {
    let mut settings = test_settings();
    settings.limits.max_concurrent_requests = 2;
    let server = spawn_server_with(embedded(), settings).await;
    let mut client = server.concepts().await;
    client.get_concept(get("vaardig:scheme/stap-budget")).await.expect("admitted while idle");

    let held = [hold_a_slot(server.channel().await), hold_a_slot(server.channel().await)];
    // Wait until both streams occupy their slots on the server.
    let started = Instant::now();
    let status = loop {
        match client.get_concept(get("vaardig:scheme/stap-budget")).await {
            Err(status) => break status,
            Ok(_) if started.elapsed() < Duration::from_secs(10) => tokio::time::sleep(Duration::from_millis(20)).await,
            Ok(_) => panic!("never shed"),
        }
    };
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains("limit of 2 concurrent requests"), "{}", status.message());
    let retry = status.get_details_retry_info().expect("RetryInfo detail");
    assert_eq!(retry.retry_delay, Some(Duration::from_millis(250)));
    assert_eq!(status.metadata().get("grpc-retry-pushback-ms").unwrap(), "250");

    // Health and reflection stay answerable at the limit.
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let serving = health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.unwrap();
    assert_eq!(serving.into_inner().status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);

    // Freeing the slots admits requests again.
    for task in held {
        task.abort();
    }
    let started = Instant::now();
    while client.get_concept(get("vaardig:scheme/stap-budget")).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "slots never freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn deadlines_stop_the_work_client_given_or_default() {
    let mut settings = test_settings();
    settings.limits.default_timeout_ms = 300;
    let server = spawn_server_with(embedded(), settings).await;

    // The client's own deadline (grpc-timeout) wins over the default. The server answers
    // DEADLINE_EXCEEDED just before it; tonic's client enforces the same deadline itself, so on a
    // busy machine its own timer (CANCELLED, "Timeout expired") may end the call first.
    let mut client = MatchingServiceClient::new(server.channel().await);
    let mut request = tonic::Request::new(futures_util::stream::pending::<pb::RankCandidatesRequest>());
    request.set_timeout(Duration::from_millis(100));
    let started = Instant::now();
    let status = client.rank_candidates(request).await.unwrap_err();
    assert!(matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled), "{status:?}");
    assert!(started.elapsed() < Duration::from_millis(290), "stopped after {:?}", started.elapsed());

    // Without one, the default of limits.default_timeout_ms applies.
    let started = Instant::now();
    let status =
        client.rank_candidates(futures_util::stream::pending::<pb::RankCandidatesRequest>()).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(status.message().contains("300 ms"), "{}", status.message());
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(290) && waited < Duration::from_secs(3), "stopped after {waited:?}");

    // A request within its deadline is unaffected.
    let mut search = SearchServiceClient::new(server.channel().await);
    let mut request = tonic::Request::new(pb::SearchRequest { query: "lasser".into(), ..Default::default() });
    request.set_timeout(Duration::from_secs(5));
    assert!(!search.search(request).await.unwrap().into_inner().hits.is_empty());
}

#[tokio::test]
async fn oversized_requests_and_long_repeated_fields_are_rejected_naming_the_field() {
    let mut settings = test_settings();
    settings.limits.max_request_bytes = 4096;
    settings.limits.max_items_per_field = 5;
    let server = spawn_server_with(embedded(), settings).await;

    let mut search = SearchServiceClient::new(server.channel().await);
    let text = "lassen ".repeat(1000);
    let status = search.extract_concepts(pb::ExtractConceptsRequest { text, ..Default::default() }).await.unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
    assert!(status.message().contains("the limit is: 4096 bytes"), "{}", status.message());

    let mut concepts = server.concepts().await;
    let ids = vec!["vaardig:scheme/stap-budget".to_string(); 6];
    let status = concepts
        .batch_get_concepts(pb::BatchGetConceptsRequest { ids, lang: String::new(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "ids: at most 5 items, not 6");
    let fields: Vec<String> =
        status.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["ids"]);

    // Nested fields are named by their path; the RPC's own checks still run below the limit.
    let mut matching = MatchingServiceClient::new(server.channel().await);
    let claim = pb::SkillClaim { skill_id: "esco:skill/bestaat-niet".into(), ..Default::default() };
    let profile = pb::Profile { skills: vec![claim; 6], ..Default::default() };
    let status = matching
        .compute_skill_gap(pb::ComputeSkillGapRequest {
            occupation_id: LASSER.into(),
            profile: Some(profile),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "profile.skills: at most 5 items, not 6");
}

/// Resident memory of the served binary (Linux), in kB.
fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS in /proc/PID/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Big requests do not leave their memory behind: three rounds of 24 concurrent 12-14 MB requests
/// grow the served binary's resident memory by a few MB after the first round. With glibc's
/// sliding mmap threshold each round kept ~280 MB more (80 → 360 → 641 MB), which is what the
/// sweep saw as memory that rose and stayed (`server::return_large_buffers_to_the_system`).
#[tokio::test]
async fn big_requests_do_not_leave_their_memory_behind() {
    let server = crate::served_binary::ServedBinary::start(&[], &[]);
    let mut after_rounds = Vec::new();
    for _ in 0..3 {
        let channel = tonic::transport::Channel::from_shared(server.url()).unwrap().connect().await.unwrap();
        let concepts = vaardig::proto::v1::concept_service_client::ConceptServiceClient::new(channel)
            .max_encoding_message_size(64 << 20);
        let calls = (0..24).map(|i| {
            let mut concepts = concepts.clone();
            // 100,000 ids of 115-138 bytes: refused (at most 1,000 ids) only after it is decoded.
            let ids = vec![format!("vaardig:skill/{}", "x".repeat(100 + i)); 100_000];
            async move {
                concepts
                    .batch_get_concepts(pb::BatchGetConceptsRequest { ids, lang: String::new(), ..Default::default() })
                    .await
            }
        });
        for result in futures_util::future::join_all(calls).await {
            let code = result.map(|_| Code::Ok).unwrap_or_else(|s| s.code());
            assert!(matches!(code, Code::InvalidArgument | Code::ResourceExhausted), "{code:?}");
        }
        after_rounds.push(resident_kb(server.pid()));
    }
    let growth = after_rounds[2].saturating_sub(after_rounds[0]);
    assert!(growth < 100_000, "resident kB after each round: {after_rounds:?}");
}
