//! The `vaardig` binary end to end: `check`, and client commands against a real server.

use std::process::Command;

use crate::helpers::{embedded, esco, esco_dir, spawn_server_thread};

fn vaardig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vaardig"))
}

#[test]
fn check_accepts_esco_and_reports_its_quirks() {
    let output = vaardig().args(["check", "--ontology"]).arg(esco_dir()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("esco.occupationSkillRelations.unknown_concept"), "{stdout}");
    assert!(stdout.contains("(67×"), "{stdout}");
    assert!(stdout.contains("occupation           3007"), "{stdout}");
}

#[test]
fn check_fails_with_the_location_of_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bundle.toml"), "name = \"kapot\"\n").unwrap();
    std::fs::write(
        dir.path().join("skills.jsonl"),
        "{\"id\": \"vaardig:skill/a\", \"labels\": {\"nl\": {\"pref\": \"a\"}}, \"skill_type\": \"talent\"}\n",
    )
    .unwrap();
    let output = vaardig().args(["check", "--ontology"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("skills.jsonl:1: field `skill_type`: unknown value `talent`"), "{stderr}");
}

#[test]
fn stats_json_has_version_counts_and_relations() {
    let engines = esco();
    let snapshot = &*engines.snapshot;
    let (addr, _stop) = spawn_server_thread(engines.clone());
    let output = vaardig().args(["stats", "--json", "--server", &format!("http://{addr}")]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], snapshot.version());
    for (kind, count) in [
        ("occupation", 3007),
        ("skill", 13_896),
        ("isco_group", 619),
        ("skill_group", 640),
        ("course", 0),
        ("funding_scheme", 0),
    ] {
        assert_eq!(json["counts"][kind], count, "{kind}");
    }
    assert_eq!(json["relations"]["requires"], 123_788);
}

#[test]
fn concept_command_prints_dutch_text_and_json() {
    let (addr, _stop) = spawn_server_thread(esco());
    let server = format!("http://{addr}");
    let id = "esco:occupation/eeac6251-1974-42f5-91ed-513c6c883755";
    let output = vaardig().args(["concept", id, "--server", &server]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(text.starts_with("heftruckchauffeur  [occupation]"), "{text}");
    assert!(text.contains("ISCO: 8344"), "{text}");

    let output = vaardig().args(["concept", id, "--server", &server, "--json", "--lang", "en"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["label"], "forklift operator");
    assert_eq!(json["kind"], "occupation");
    assert_eq!(json["details"]["isco_code"], "8344");

    let output = vaardig().args(["concept", "vaardig:skill/bestaat-niet", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(4), "NOT_FOUND → exit code 4");
    let output = vaardig().args(["concept", "geen id", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(5), "INVALID_ARGUMENT → exit code 5");
}

#[test]
fn client_commands_fail_clearly_without_a_server() {
    let output = vaardig().args(["stats", "--server", "http://127.0.0.1:9"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot reach the vaardig server"));
}

#[test]
fn relations_and_hierarchy_commands_work_on_the_default() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let output = vaardig()
        .args(["relations", "vaardig:provider/roc-denkbeeldig", "--direction", "both", "--json", "--server", &server])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["relations"].is_array());
    let output = vaardig().args(["relations", "x", "--kind", "owns", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}
