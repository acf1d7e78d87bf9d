//! `vaardig loadtest` against a real server: every RPC it knows, closed and open loop.

use std::process::Command;

use serde_json::Value;

use crate::helpers::{embedded, spawn_server_thread};

fn loadtest(addr: std::net::SocketAddr, args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_vaardig"))
        .args(["loadtest", "--json", "--server", &format!("http://{addr}")])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn every_rpc_is_driven_with_valid_requests() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let report = loadtest(addr, &["--rpc", "all", "--duration", "300ms", "--warmup", "0s", "--concurrency", "4"]);
    assert_eq!(report["mode"], "closed");
    let results = report["results"].as_array().unwrap();
    let names: Vec<&str> = results.iter().map(|r| r["rpc"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "health",
            "get-concept",
            "search",
            "suggest",
            "gap",
            "match",
            "related",
            "rank-candidates",
            "path",
            "eligibility",
            "batch-get-concepts",
            "list-relations",
            "hierarchy",
            "stats",
            "extract",
            "stepping-stones",
            "course-search",
            "list-schemes",
            "get-scheme",
            "resolve-ids",
            "list-versions",
            "list-concepts"
        ]
    );
    for result in results {
        let requests = result["requests"].as_u64().unwrap();
        assert!(requests > 0, "{result}");
        // The generated requests are valid: the server answers every one of them OK.
        assert_eq!(result["codes"], serde_json::json!({ "OK": requests }), "{result}");
        assert!(result["latency_ms"]["p50"].as_f64().unwrap() > 0.0, "{result}");
        assert!(result["latency_ms"]["p999"].as_f64() >= result["latency_ms"]["p50"].as_f64(), "{result}");
        assert!(result["vs_noop"].as_f64().unwrap() > 0.0, "{result}");
    }
    assert_eq!(results[0]["vs_noop"], 1.0);
}

#[test]
fn raw_mode_sends_pre_encoded_requests_that_the_server_answers_ok() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let rpcs = "health,gap,eligibility,suggest,rank-candidates,list-concepts";
    for mode in [&["--concurrency", "4"][..], &["--rate", "100"][..]] {
        let mut args = vec!["--raw", "--rpc", rpcs, "--duration", "300ms", "--warmup", "0s"];
        args.extend_from_slice(mode);
        let report = loadtest(addr, &args);
        assert_eq!(report["raw"], true);
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), 6);
        for result in results {
            let requests = result["requests"].as_u64().unwrap();
            assert!(requests > 0, "{result}");
            // A request the server could not decode would be INVALID_ARGUMENT (protocol layer).
            assert_eq!(result["codes"], serde_json::json!({ "OK": requests }), "{result}");
            // The snapshot header is still read from every answer.
            assert_eq!(result["versions"].as_object().unwrap().values().next(), Some(&requests.into()), "{result}");
        }
    }
}

#[test]
fn open_loop_keeps_to_its_rate() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let report = loadtest(addr, &["--rpc", "search", "--rate", "200", "--duration", "1s", "--warmup", "0s"]);
    assert_eq!(report["mode"], "open");
    let result = &report["results"][0];
    let requests = result["requests"].as_u64().unwrap();
    // 200/s for 1 s, give or take the scheduler's tick at the edges.
    assert!((180..=202).contains(&requests), "{result}");
    assert_eq!(result["open_loop"]["target_rate"], 200.0);
    assert_eq!(result["open_loop"]["dropped"], 0);
}

#[test]
fn bad_options_are_usage_errors() {
    let output = Command::new(env!("CARGO_BIN_EXE_vaardig")).args(["loadtest", "--rpc", "ping"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--rpc `ping`"));
    let output = Command::new(env!("CARGO_BIN_EXE_vaardig"))
        .args(["loadtest", "--server", "http://127.0.0.1:9", "--duration", "1s"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
}
