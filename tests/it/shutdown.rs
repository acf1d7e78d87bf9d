//! Graceful shutdown of the real binary: SIGTERM under load lets in-flight requests finish, stops
//! requests that outlive `server.drain_timeout_secs`, and exits within that time.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vaardig::proto::v1 as pb;
use vaardig::proto::v1::matching_service_client::MatchingServiceClient;
use vaardig::proto::v1::search_service_client::SearchServiceClient;

const LASSER: &str = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";

/// Runs `vaardig serve` with `extra` arguments on a free port; returns the child and its URL once
/// it answers.
pub async fn start_binary(extra: &[&str], env: &[(&str, &str)], scheme: &str) -> (Child, String, u16) {
    let port = crate::helpers::free_port();
    let index = tempfile::tempdir().unwrap().keep();
    let mut command = Command::new(env!("CARGO_BIN_EXE_vaardig"));
    command
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--index-dir"])
        .arg(&index)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command.spawn().unwrap();
    let url = format!("{scheme}://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, url, port)
}

pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

/// Waits for the child to exit, at most `limit`; returns how long it took.
fn wait_exit(child: &mut Child, limit: Duration) -> (Duration, std::process::ExitStatus) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (started.elapsed(), status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("still running {limit:?} after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A RankCandidates stream that sends for `duration` and then ends: a request in flight that long.
pub(crate) fn slow_stream(duration: Duration) -> impl futures_util::Stream<Item = pb::RankCandidatesRequest> {
    let first = pb::RankCandidatesRequest {
        vacancy: Some(pb::Vacancy { occupation_id: LASSER.into(), requirements: vec![] }),
        top_k: 1,
        candidates: vec![pb::Candidate { id: "a".into(), profile: Some(pb::Profile::default()) }],
        lang: String::new(),
    };
    let second = pb::RankCandidatesRequest {
        candidates: vec![pb::Candidate { id: "b".into(), profile: Some(pb::Profile::default()) }],
        ..Default::default()
    };
    let later = futures_util::stream::once(async move {
        tokio::time::sleep(duration).await;
        second
    });
    futures_util::StreamExt::chain(futures_util::stream::iter([first]), later)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_load_drains_in_flight_requests_and_exits_in_time() {
    let drain_secs = 3;
    let (mut child, url, _) =
        start_binary(&[], &[("VAARDIG_SERVER_DRAIN_TIMEOUT_SECS", &drain_secs.to_string())], "http").await;
    let channel = tonic::transport::Channel::from_shared(url.clone()).unwrap().connect().await.unwrap();

    // Load: clients searching in a loop until the server goes away.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = Vec::new();
    for _ in 0..4 {
        let mut client = SearchServiceClient::new(channel.clone());
        let stop = stop.clone();
        load.push(tokio::spawn(async move {
            let mut ok = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let request = pb::SearchRequest { query: "lasser".into(), ..Default::default() };
                match client.search(request).await {
                    Ok(_) => ok += 1,
                    Err(_) => break,
                }
            }
            ok
        }));
    }
    // In flight at SIGTERM: one request that needs 1.5 s more, one that would never finish.
    let mut matching = MatchingServiceClient::new(channel.clone());
    let finishing =
        tokio::spawn(async move { matching.rank_candidates(slow_stream(Duration::from_millis(1500))).await });
    let mut matching = MatchingServiceClient::new(channel.clone());
    let endless = tokio::spawn(async move {
        matching.rank_candidates(futures_util::stream::pending::<pb::RankCandidatesRequest>()).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    signal(&child, "TERM");
    let (took, status) = tokio::task::spawn_blocking(move || {
        let result = wait_exit(&mut child, Duration::from_secs(drain_secs + 5));
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert!(stderr.contains("draining in-flight requests"), "{stderr}");
        assert!(stderr.contains("drain timeout reached"), "{stderr}");
        result
    })
    .await
    .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);

    assert!(status.success(), "exit status {status:?}");
    let ranking = finishing.await.unwrap().expect("the in-flight request completed after SIGTERM").into_inner();
    assert_eq!(ranking.received, 2);
    assert!(endless.await.unwrap().is_err(), "the endless request was cut at the drain timeout");
    assert!(took >= Duration::from_millis(1000), "exited before the in-flight request finished: {took:?}");
    assert!(took < Duration::from_secs(drain_secs) + Duration::from_millis(1500), "exit took {took:?}");
    for task in load {
        assert!(task.await.unwrap() > 0, "every load client got answers before the shutdown");
    }
}
