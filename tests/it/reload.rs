//! Hot reload through the real server: zero failed requests while reloading under load, a corrupt
//! data change rejected with its report while the old snapshot keeps serving, admin credentials,
//! and SIGHUP on the real binary.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tonic::Code;
use tonic_types::StatusExt;
use vaardig::engine::{Engines, LiveEngines};
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::admin_service_client::AdminServiceClient;
use vaardig::proto::v1::search_service_client::SearchServiceClient;

use crate::helpers::{TestServer, spawn_server_live, test_settings};

pub const ADMIN_KEY: &str = "test-admin-key";

/// The hand-written bundle versions of `tests/data/history`.
pub fn history_bundle(version: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/history").join(version)
}

/// Makes `dir` hold the files of bundle `version`, as an editor deploying new data would.
pub fn deploy(version: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(history_bundle(version)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
}

/// A server on the embedded default with a history bundle layered on top, loaded from `dir`, with
/// an admin key; its index goes to a temporary folder.
pub struct ReloadableServer {
    pub server: TestServer,
    pub data: PathBuf,
    /// The server's index folder.
    pub index: PathBuf,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

pub async fn reloadable_server(version: &str) -> ReloadableServer {
    let data_dir = tempfile::tempdir().unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().join("bundle");
    deploy(version, &data);
    let mut settings = test_settings();
    settings.server.ontology = vec!["embedded".into(), data.display().to_string()];
    settings.server.index_dir = index_dir.path().to_path_buf();
    settings.auth.admin_api_keys = vec![ADMIN_KEY.into()];
    let (snapshot, _) = ontology::load(&[SourceSpec::Embedded, SourceSpec::Path(data.clone())]).unwrap();
    let live = LiveEngines::new(Arc::new(Engines::build(Arc::new(snapshot))));
    let server = spawn_server_live(live, settings).await;
    ReloadableServer { server, data, index: index_dir.path().to_path_buf(), _dirs: (data_dir, index_dir) }
}

/// A request carrying `key` as its bearer token.
pub fn with_key<T>(message: T, key: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {key}").parse().unwrap());
    request
}

pub async fn reload(server: &TestServer) -> Result<pb::ReloadResponse, tonic::Status> {
    let mut admin = AdminServiceClient::new(server.channel().await);
    admin.reload(with_key(pb::ReloadRequest {}, ADMIN_KEY)).await.map(|r| r.into_inner())
}

async fn version(server: &TestServer) -> String {
    server.concepts().await.get_stats(pb::GetStatsRequest {}).await.unwrap().into_inner().snapshot_version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reloads_under_load_lose_no_request_and_switch_versions() {
    let s = reloadable_server("v1").await;
    let v1 = version(&s.server).await;

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for task in 0..6 {
        let (stop, answered, channel) = (stop.clone(), answered.clone(), s.server.channel().await);
        clients.push(tokio::spawn(async move {
            let mut search = SearchServiceClient::new(channel.clone());
            let mut concepts = vaardig::proto::v1::concept_service_client::ConceptServiceClient::new(channel);
            let mut errors = Vec::new();
            let mut versions = HashSet::new();
            while !stop.load(Ordering::Relaxed) {
                let version = if task % 2 == 0 {
                    let request = pb::SearchRequest { query: "drone".into(), ..Default::default() };
                    search.search(request).await.map(|r| r.into_inner().snapshot_version)
                } else {
                    let request = pb::GetConceptRequest {
                        id: "vaardig:skill/hist-kaartlezen".into(),
                        lang: String::new(),
                        ..Default::default()
                    };
                    concepts.get_concept(request).await.map(|r| r.into_inner().snapshot_version)
                };
                match version {
                    Ok(version) => {
                        versions.insert(version);
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(status) => errors.push(status),
                }
            }
            (errors, versions)
        }));
    }

    // Reload repeatedly, switching the data on disk between the two versions.
    let mut seen = vec![v1.clone()];
    for round in 0..6 {
        let next = if round % 2 == 0 { "v2" } else { "v1" };
        deploy(next, &s.data);
        let before = answered.load(Ordering::Relaxed);
        let outcome = reload(&s.server).await.expect("reload");
        assert!(outcome.swapped, "round {round}: {outcome:?}");
        assert_eq!(&outcome.previous_version, seen.last().unwrap());
        seen.push(outcome.snapshot_version.clone());
        // Let the clients run on the new snapshot for a moment.
        while answered.load(Ordering::Relaxed) < before + 20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    stop.store(true, Ordering::Relaxed);

    let v2 = seen[1].clone();
    assert_ne!(v1, v2);
    assert_eq!(seen, [&v1, &v2, &v1, &v2, &v1, &v2, &v1].map(String::clone), "versions alternate");
    let mut versions_answered = HashSet::new();
    for client in clients {
        let (errors, versions) = client.await.unwrap();
        assert!(errors.is_empty(), "failed requests during reloads: {errors:?}");
        versions_answered.extend(versions);
    }
    assert_eq!(versions_answered, HashSet::from([v1, v2]), "clients were answered from both snapshots");
    assert!(answered.load(Ordering::Relaxed) > 120);
}

#[tokio::test]
async fn a_corrupt_data_change_is_rejected_with_its_report_and_the_old_snapshot_keeps_serving() {
    let s = reloadable_server("v1").await;
    let v1 = version(&s.server).await;

    // A malformed line.
    let skills = s.data.join("skills.jsonl");
    let good = std::fs::read_to_string(&skills).unwrap();
    std::fs::write(&skills, format!("{good}{{\"id\": \"vaardig:skill/hist-kapot\", \"labels\": \n")).unwrap();
    let status = reload(&s.server).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(status.message().contains("the old snapshot keeps serving"), "{}", status.message());
    assert!(status.message().contains("skills.jsonl:8"), "{}", status.message());
    let failure = status.get_details_precondition_failure().expect("PreconditionFailure detail");
    assert_eq!(failure.violations.len(), 1);
    assert!(failure.violations[0].subject.contains("skills.jsonl:8"), "{:?}", failure.violations);
    assert_eq!(version(&s.server).await, v1);

    // A replaced-by loop: valid JSON, invalid data.
    deploy("v2", &s.data);
    let looped = std::fs::read_to_string(history_bundle("v2").join("skills.jsonl")).unwrap().replace(
        r#""skill_type": "skill"}
{"id": "vaardig:skill/hist-luchtfoto-maken""#,
        r#""skill_type": "skill", "status": "deprecated", "replaced_by": "vaardig:skill/hist-vliegplan-opstellen"}
{"id": "vaardig:skill/hist-luchtfoto-maken""#,
    );
    std::fs::write(&skills, looped).unwrap();
    let status = reload(&s.server).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(status.message().contains("replaced_by loops"), "{}", status.message());
    assert_eq!(version(&s.server).await, v1, "still the old snapshot");
    let mut concepts = s.server.concepts().await;
    let request = pb::GetConceptRequest {
        id: "vaardig:skill/hist-drone-vliegen".into(),
        lang: String::new(),
        ..Default::default()
    };
    assert!(!concepts.get_concept(request).await.unwrap().into_inner().concept.unwrap().deprecated);

    // Fixed data loads, and its snapshot is persisted for the next start, as a start persists it.
    deploy("v2", &s.data);
    let outcome = reload(&s.server).await.unwrap();
    assert!(outcome.swapped);
    assert_eq!((outcome.created, outcome.updated, outcome.deprecated_since, outcome.replaced), (1, 2, 1, 2));
    assert_eq!(version(&s.server).await, outcome.snapshot_version);
    let persisted = s.index.join(&outcome.snapshot_version).join(ontology::persisted::FILE);
    assert!(persisted.is_file(), "{} was not written", persisted.display());
    let sources = [SourceSpec::Embedded, SourceSpec::Path(s.data.clone())];
    let restored = ontology::persisted::load(&sources, &s.index).unwrap();
    assert!(restored.restored, "the next start reads the persisted snapshot");
    assert_eq!(restored.snapshot.version(), outcome.snapshot_version);

    // The same data again: nothing to swap.
    let again = reload(&s.server).await.unwrap();
    assert!(!again.swapped);
    assert_eq!(again.snapshot_version, outcome.snapshot_version);
}

#[tokio::test]
async fn reload_needs_an_admin_credential() {
    let s = reloadable_server("v1").await;
    let mut admin = AdminServiceClient::new(s.server.channel().await);
    let status = admin.reload(pb::ReloadRequest {}).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert!(status.message().contains("admin API key"), "{}", status.message());
    let status = admin.reload(with_key(pb::ReloadRequest {}, "not-the-key")).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(status.message(), "the API key is not valid");

    // A default server has no admin credentials configured: admin RPCs are off.
    let server = crate::helpers::spawn_server(crate::helpers::embedded()).await;
    let mut admin = AdminServiceClient::new(server.channel().await);
    let status = admin.reload(with_key(pb::ReloadRequest {}, ADMIN_KEY)).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert!(status.message().contains("auth.admin_api_keys"), "{}", status.message());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_real_binary_and_the_cli_reloads_resolves_and_lists_changes() {
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().join("bundle");
    deploy("v1", &data);
    let data_arg = data.display().to_string();
    let (mut child, url, _) = crate::shutdown::start_binary(
        &["--ontology", "embedded", "--ontology", &data_arg],
        &[("VAARDIG_AUTH_ADMIN_API_KEYS", ADMIN_KEY)],
        "http",
    )
    .await;
    let stats = |url: String| async move {
        let channel = tonic::transport::Channel::from_shared(url).unwrap().connect().await.unwrap();
        let mut client = vaardig::proto::v1::concept_service_client::ConceptServiceClient::new(channel);
        client.get_stats(pb::GetStatsRequest {}).await.unwrap().into_inner().snapshot_version
    };
    let v1 = stats(url.clone()).await;

    deploy("v2", &data);
    crate::shutdown::signal(&child, "HUP");
    let started = Instant::now();
    let v2 = loop {
        let version = stats(url.clone()).await;
        if version != v1 {
            break version;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "SIGHUP did not reload");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };

    let server_url = url.clone();
    let cli = move |args: &[&str]| {
        let url = &server_url;
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"))
            .args(args)
            .args(["--server", url])
            .env("VAARDIG_API_KEY", ADMIN_KEY)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).to_string(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let cli = cli.clone();
        move || cli(&["reload"])
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(&format!("ongewijzigd, snapshot {v2}")), "{stdout}");

    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let cli = cli.clone();
        move || {
            cli(&[
                "resolve",
                "vaardig:skill/hist-vliegplan-opstellen",
                "vaardig:skill/hist-kaartlezen",
                "vaardig:skill/bestaat-niet",
            ])
        }
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("replaced   vaardig:skill/hist-vliegplan-opstellen → vaardig:skill/hist-drone-vliegen → vaardig:skill/hist-drone-besturen  → drone besturen"),
        "{stdout}"
    );
    assert!(stdout.contains("live       vaardig:skill/hist-kaartlezen"), "{stdout}");
    assert!(stdout.contains("unknown    vaardig:skill/bestaat-niet"), "{stdout}");

    let from = v1.clone();
    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let cli = cli.clone();
        move || cli(&["changes", "--from-version", &from])
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(&format!("{v1} → {v2}: 1 created, 2 updated, 1 deprecated, 2 replaced")), "{stdout}");
    assert!(stdout.contains("deprecated skill          vaardig:skill/hist-rpas-vergunning"), "{stdout}");

    let (code, _, stderr) =
        tokio::task::spawn_blocking(move || cli(&["changes", "--from-version", "v0000000000000000"])).await.unwrap();
    assert_eq!(code, Some(4), "NOT_FOUND: {stderr}");
    assert!(stderr.contains("from_version: version `v0000000000000000` is not known"), "{stderr}");

    crate::shutdown::signal(&child, "TERM");
    let status = tokio::task::spawn_blocking(move || {
        let status = child.wait().unwrap();
        let mut log = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut log).unwrap();
        assert!(log.contains("SIGHUP: reloading the ontology") && log.contains("reload done"), "{log}");
        status
    })
    .await
    .unwrap();
    assert!(status.success());
}
