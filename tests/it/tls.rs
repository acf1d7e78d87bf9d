//! TLS and mutual TLS with certificates made at test time (rcgen; no key is ever committed), and
//! access by client certificate or API key, through the gRPC client and the CLI.

use std::path::PathBuf;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use tonic::Code;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::admin_service_client::AdminServiceClient;
use vaardig::proto::v1::search_service_client::SearchServiceClient;
use vaardig::settings::ReadAccess;

use crate::helpers::{TestServer, embedded, spawn_server_with, test_settings};
use crate::reload::with_key;

/// A throw-away PKI in a temporary folder: a CA, a server certificate for localhost/127.0.0.1, a
/// client certificate of that CA and one of another CA.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
        let ca = |name: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(DnType::CommonName, name);
            CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
        };
        let leaf = |issuer: &CertifiedIssuer<'_, KeyPair>, names: &[&str], usage: ExtendedKeyUsagePurpose| {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
            params.extended_key_usages = vec![usage];
            let cert = params.signed_by(&key, issuer).unwrap();
            (cert.pem(), key.serialize_pem())
        };
        let (ours, theirs) = (ca("vaardig test CA"), ca("some other CA"));
        write("ca.pem", ours.pem());
        let (cert, key) = leaf(&ours, &["localhost", "127.0.0.1"], ExtendedKeyUsagePurpose::ServerAuth);
        write("server.pem", cert);
        write("server.key", key);
        let (cert, key) = leaf(&ours, &["advisor-client"], ExtendedKeyUsagePurpose::ClientAuth);
        write("client.pem", cert);
        write("client.key", key);
        let (cert, key) = leaf(&theirs, &["intruder"], ExtendedKeyUsagePurpose::ClientAuth);
        write("other.pem", cert);
        write("other.key", key);
        Pki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// A TLS channel to `server`, trusting our CA, with the client certificate `client` if given.
    async fn channel(&self, server: &TestServer, client: Option<&str>) -> Result<Channel, tonic::transport::Error> {
        let mut tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(self.read("ca.pem")));
        if let Some(name) = client {
            tls =
                tls.identity(Identity::from_pem(self.read(&format!("{name}.pem")), self.read(&format!("{name}.key"))));
        }
        Channel::from_shared(format!("https://127.0.0.1:{}", server.addr.port()))
            .unwrap()
            .connect_timeout(Duration::from_secs(5))
            .tls_config(tls)?
            .connect()
            .await
    }
}

fn search() -> pb::SearchRequest {
    pb::SearchRequest { query: "lasser".into(), ..Default::default() }
}

async fn tls_server(pki: &Pki, require_client_cert: bool, index: &tempfile::TempDir) -> TestServer {
    let mut settings = test_settings();
    settings.tls.cert = Some(pki.path("server.pem"));
    settings.tls.key = Some(pki.path("server.key"));
    settings.tls.client_ca = Some(pki.path("ca.pem"));
    settings.tls.require_client_cert = require_client_cert;
    settings.auth.read_access = ReadAccess::ApiKey;
    settings.auth.read_api_keys = vec!["reader-key".into()];
    settings.server.index_dir = index.path().to_path_buf();
    spawn_server_with(embedded(), settings).await
}

#[tokio::test]
async fn tls_with_optional_client_certificates_and_keys_for_reads() {
    let pki = Pki::new();
    let index = tempfile::tempdir().unwrap();
    let server = tls_server(&pki, false, &index).await;

    // Plain-text gRPC gets no answer from a TLS server.
    let plain = Channel::from_shared(server.url()).unwrap().connect().await.unwrap();
    assert!(SearchServiceClient::new(plain).search(search()).await.is_err());

    // TLS without a client certificate: reads need the read key.
    let mut client = SearchServiceClient::new(pki.channel(&server, None).await.unwrap());
    let status = client.search(search()).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("requires an API key"), "{}", status.message());
    assert!(!client.search(with_key(search(), "reader-key")).await.unwrap().into_inner().hits.is_empty());
    let mut admin = AdminServiceClient::new(pki.channel(&server, None).await.unwrap());
    let status = admin.reload(with_key(pb::ReloadRequest {}, "reader-key")).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");

    // A client certificate of our CA admits to reads and to admin RPCs, without a key.
    let channel = pki.channel(&server, Some("client")).await.unwrap();
    assert!(!SearchServiceClient::new(channel.clone()).search(search()).await.unwrap().into_inner().hits.is_empty());
    let reloaded = AdminServiceClient::new(channel).reload(pb::ReloadRequest {}).await.unwrap().into_inner();
    assert!(!reloaded.swapped, "the embedded default did not change");

    // A certificate of another CA is refused in the handshake.
    let refused = match pki.channel(&server, Some("other")).await {
        Err(_) => true,
        Ok(channel) => SearchServiceClient::new(channel).search(search()).await.is_err(),
    };
    assert!(refused, "a client certificate of another CA was accepted");
}

#[tokio::test]
async fn required_client_certificates_and_the_cli_over_tls() {
    let pki = Pki::new();
    let index = tempfile::tempdir().unwrap();
    let server = tls_server(&pki, true, &index).await;

    let without = match pki.channel(&server, None).await {
        Err(_) => true,
        Ok(channel) => SearchServiceClient::new(channel).search(with_key(search(), "reader-key")).await.is_err(),
    };
    assert!(without, "a client without certificate got through");
    let channel = pki.channel(&server, Some("client")).await.unwrap();
    assert!(SearchServiceClient::new(channel).search(search()).await.is_ok());

    // The CLI: --ca-cert and the client certificate flags (or their environment variables).
    let url = format!("https://127.0.0.1:{}", server.addr.port());
    let (ca, cert, key) = (pki.path("ca.pem"), pki.path("client.pem"), pki.path("client.key"));
    let output = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str], env: &[(&str, &std::path::Path)]| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"));
            command.args(args).args(["--server", &url]);
            for (name, value) in env {
                command.env(name, value);
            }
            command.output().unwrap()
        };
        let flags = [
            "stats",
            "--json",
            "--ca-cert",
            ca.to_str().unwrap(),
            "--client-cert",
            cert.to_str().unwrap(),
            "--client-key",
            key.to_str().unwrap(),
        ];
        let stats = run(&flags, &[]);
        let reload =
            run(&["reload"], &[("VAARDIG_CA_CERT", &ca), ("VAARDIG_CLIENT_CERT", &cert), ("VAARDIG_CLIENT_KEY", &key)]);
        let untrusted = run(&["stats"], &[("VAARDIG_CLIENT_CERT", &cert), ("VAARDIG_CLIENT_KEY", &key)]);
        (stats, reload, untrusted)
    })
    .await
    .unwrap();
    let (stats, reload, untrusted) = output;
    assert!(stats.status.success(), "{}", String::from_utf8_lossy(&stats.stderr));
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(json["version"], embedded().snapshot.version());
    assert!(reload.status.success(), "{}", String::from_utf8_lossy(&reload.stderr));
    assert_eq!(untrusted.status.code(), Some(3), "the server's CA is not in the system roots");
    let stderr = String::from_utf8_lossy(&untrusted.stderr);
    assert!(stderr.contains("cannot reach the vaardig server") && stderr.contains("certificate"), "{stderr}");
}

#[test]
fn print_settings_shows_that_keys_are_set_but_not_the_keys() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vaardig"))
        .args(["serve", "--print-settings"])
        .env("VAARDIG_AUTH_ADMIN_API_KEYS", "very-secret-1,very-secret-2")
        .env("VAARDIG_AUTH_READ_API_KEYS", "reader-secret")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("secret"), "{stdout}");
    assert!(
        stdout.contains(
            r#"admin_api_keys = [
    "<redacted>",
    "<redacted>",
]"#
        ),
        "{stdout}"
    );
}
