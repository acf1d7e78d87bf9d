//! The server's configuration: one typed struct, filled from defaults, then a TOML file, then the
//! environment, then the `serve` command line — each later source overriding the earlier ones.
//!
//! Every setting has a default, so `vaardig serve` needs no file. The file is strict: an unknown
//! section or key is an error naming it, because a misspelt `max_concurent_requests` that silently
//! keeps the default is worse than no file at all. An environment variable is
//! `VAARDIG_<SECTION>_<KEY>` in capitals (e.g. `VAARDIG_LIMITS_MAX_CONCURRENT_REQUESTS=64`); lists
//! are comma-separated. The README documents every key; `vaardig serve --print-settings` shows the
//! effective result.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Environment variable that names the settings file (the `--config` flag wins over it).
pub const CONFIG_ENV: &str = "VAARDIG_CONFIG";
/// Prefix of the environment variables that override single settings.
pub const ENV_PREFIX: &str = "VAARDIG_";

/// All settings of a running server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub limits: LimitSettings,
    pub http2: Http2Settings,
    pub tls: TlsSettings,
    pub auth: AuthSettings,
    pub web: WebSettings,
    pub log: LogSettings,
    pub metrics: MetricsSettings,
    pub telemetry: TelemetrySettings,
}

/// Where the server listens and what it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address of the gRPC (and gRPC-Web) listener.
    pub listen: String,
    /// Ontology sources, layered in order: ESCO export folders, bundle folders or `embedded`.
    pub ontology: Vec<String>,
    /// Where search indexes are persisted, one folder per snapshot version.
    pub index_dir: PathBuf,
    /// How long in-flight requests may take to finish after SIGTERM (and `shutdown_delay_secs`)
    /// before the process exits.
    pub drain_timeout_secs: u64,
    /// After SIGTERM, how long the server keeps serving while its health reports NOT_SERVING, so
    /// that balancers that health-check it (HAProxy, Envoy, client-side health checking) stop
    /// sending before it stops accepting. 0: stop accepting at once (a single process).
    pub shutdown_delay_secs: u64,
    /// Close (with an HTTP/2 GOAWAY) every connection older than this, so that long-lived client
    /// connections reconnect and spread over the replicas a fleet has now rather than staying
    /// pinned to the ones they first reached. 0: connections live as long as the client wants.
    pub max_connection_age_secs: u64,
    /// After the GOAWAY of `max_connection_age_secs`, how long requests in flight on the old
    /// connection may still finish before it is closed (the default deadline is 30 s).
    pub max_connection_age_grace_secs: u64,
    /// Interval of HTTP/2 PING frames on idle connections, so that a peer (a client or a balancer)
    /// that vanished without closing is noticed and its connection freed. 0: no pings.
    pub keepalive_interval_secs: u64,
    /// How long an HTTP/2 PING may go unanswered before the connection is closed.
    pub keepalive_timeout_secs: u64,
    /// How many snapshot versions (the last ones served) the history keeps a digest of, for
    /// HistoryService.WatchChanges; an estimated 150 bytes per concept each (about 3 MB for ESCO).
    pub history_versions: usize,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            listen: "127.0.0.1:50051".into(),
            ontology: vec!["embedded".into()],
            index_dir: PathBuf::from("index"),
            drain_timeout_secs: 10,
            shutdown_delay_secs: 0,
            // Off for one process: there is nothing to re-balance, and a GOAWAY is not free (with
            // tonic/hyper 0.14.9 about one request in 2,000 racing it failed, see docs/deploy.md).
            // A fleet behind a connection-level balancer sets 300 (deploy/kubernetes).
            max_connection_age_secs: 0,
            max_connection_age_grace_secs: 30,
            keepalive_interval_secs: 60,
            keepalive_timeout_secs: 20,
            history_versions: 8,
        }
    }
}

/// Protection against overload and oversized requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Largest accepted (decoded) request message.
    pub max_request_bytes: usize,
    /// Most items accepted in one repeated field of a request (RPCs may set a lower limit of their own).
    pub max_items_per_field: usize,
    /// Requests worked on at once; beyond this they are shed with RESOURCE_EXHAUSTED and a retry hint.
    pub max_concurrent_requests: usize,
    /// Deadline applied when a client sends none.
    pub default_timeout_ms: u64,
    /// Largest request metadata (all headers, counted as HTTP/2 does: name + value + 32 bytes each);
    /// larger is refused per request with RESOURCE_EXHAUSTED (`server/protocol.rs`). 16 KiB is what
    /// gRPC's own servers accept by default.
    pub max_metadata_bytes: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            max_request_bytes: 16 << 20,
            max_items_per_field: DEFAULT_MAX_ITEMS_PER_FIELD,
            max_concurrent_requests: default_max_concurrent_requests(),
            default_timeout_ms: 30_000,
            max_metadata_bytes: 16 << 10,
        }
    }
}

/// Most items in one repeated request field by default. A constant, so that code without the
/// limits layer reads it without building a `LimitSettings` (whose default asks the OS for the
/// cores: three file opens and reads of cgroup files, which cost ~35 µs of system time when it was
/// done per request).
pub const DEFAULT_MAX_ITEMS_PER_FIELD: usize = 100_000;

/// Requests in flight per core by default. An admitted request waits behind the others in flight,
/// so the limit bounds its latency: with the slowest common RPCs at ~0.75 ms of CPU (a training path
/// on full ESCO), 16 per core keep an admitted request's wait near 12 ms, and 10× overload for 30 s
/// kept the admitted p99 at 63 ms; 256 let it reach 285 ms (scripts/overload.sh, BENCHMARKS.md).
const CONCURRENT_REQUESTS_PER_CORE: usize = 16;

/// 16 per core the process may use, at least 32.
fn default_max_concurrent_requests() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (CONCURRENT_REQUESTS_PER_CORE * cores).max(32)
}

/// HTTP/2 limits per connection, set deliberately rather than inherited from hyper and h2: their
/// defaults let one impatient client or one large header end every other call on its connection
/// (GOAWAY), see `server::serve` and README "Limits".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Http2Settings {
    /// Streams a client may have open at once on one connection (hyper's default, made explicit);
    /// the server-wide `limits.max_concurrent_requests` still sheds work beyond its limit.
    pub max_concurrent_streams: u32,
    /// Streams a client opened and reset before the server took them up that may wait at once.
    /// Every call whose deadline passes while it waits is one; h2's default of 20 ended the
    /// connection (GOAWAY `too_many_resets`, and UNAVAILABLE for its other calls) when 32 calls with
    /// 1 ms deadlines arrived together (tests/it/protocol.rs). Twice `max_concurrent_streams`, since
    /// a reset frees the client's slot at once; still bounded, against rapid-reset floods
    /// (CVE-2023-44487).
    pub max_pending_accept_reset_streams: usize,
    /// Largest header list HTTP/2 takes in, so that `limits.max_metadata_bytes` can refuse larger
    /// metadata per request. Above it h2 answers HTTP 431 itself; above four times it h2 ends the
    /// connection as abuse. Each waiting stream may hold this much.
    pub max_header_list_bytes: u32,
}

impl Default for Http2Settings {
    fn default() -> Self {
        // Worst case held by one connection's waiting streams: 400 × 128 KiB = 50 MiB.
        Http2Settings {
            max_concurrent_streams: 200,
            max_pending_accept_reset_streams: 400,
            max_header_list_bytes: 128 << 10,
        }
    }
}

/// TLS with rustls; mutual TLS when a client CA is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TlsSettings {
    /// PEM certificate chain; TLS is on when this and `key` are set.
    pub cert: Option<PathBuf>,
    /// PEM private key.
    pub key: Option<PathBuf>,
    /// PEM CA whose client certificates are accepted (mutual TLS).
    pub client_ca: Option<PathBuf>,
    /// Refuse connections without a client certificate (otherwise it is optional and only admin
    /// RPCs ask for one when no API key is sent).
    pub require_client_cert: bool,
}

/// Who may call what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// API keys accepted for admin RPCs (`authorization: Bearer <key>`); a verified client
    /// certificate also admits. With neither configured, admin RPCs are refused.
    pub admin_api_keys: Vec<String>,
    /// `open`: read RPCs need no credentials; `api_key`: they need one of `read_api_keys` (or an
    /// admin key, or a verified client certificate).
    pub read_access: ReadAccess,
    pub read_api_keys: Vec<String>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings { admin_api_keys: Vec::new(), read_access: ReadAccess::Open, read_api_keys: Vec::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadAccess {
    Open,
    ApiKey,
}

/// gRPC-Web for browsers (the Leeroverzicht portal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebSettings {
    /// Accept gRPC-Web (HTTP/1.1 and HTTP/2) beside native gRPC on the same port.
    pub grpc_web: bool,
    /// Origins allowed by CORS, e.g. `https://www.leeroverzicht.nl`; `*` allows any; empty allows none.
    pub cors_allowed_origins: Vec<String>,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings { grpc_web: true, cors_allowed_origins: Vec::new() }
    }
}

/// Logging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `text` or `json` (one JSON object per line).
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `vaardig=debug,tower=warn`; `RUST_LOG` wins when set.
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings { format: LogFormat::Text, level: "info".into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

/// Prometheus metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// Address of the plain-HTTP `/metrics` endpoint; none serves no metrics.
    pub listen: Option<String>,
}

/// OpenTelemetry traces (server/traces.rs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetrySettings {
    /// OTLP/gRPC collector to export one span per RPC to, e.g. `http://127.0.0.1:4317`; none
    /// exports nothing (`traceparent` is still read and answered).
    pub otlp_endpoint: Option<String>,
    /// The `service.name` of the exported spans.
    pub service_name: String,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        TelemetrySettings { otlp_endpoint: None, service_name: "vaardig".into() }
    }
}

/// Why settings could not be loaded. Every message names the file, variable or key.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("settings file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },
    #[error("setting {key}: {message}")]
    Invalid { key: String, message: String },
}

impl Settings {
    /// Defaults, overridden by `file` (or the file named by `VAARDIG_CONFIG`), then by the process
    /// environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
        let named = std::env::var_os(CONFIG_ENV).map(PathBuf::from);
        let file = file.map(Path::to_path_buf).or(named);
        Settings::load_from(file.as_deref(), std::env::vars())
    }

    /// [`Settings::load`] with an explicit environment, for tests.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, SettingsError> {
        let mut merged = serde_json::to_value(Settings::default()).expect("settings serialise");
        let mut origin = "defaults".to_string();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|source| SettingsError::Read { path: path.to_path_buf(), source })?;
            let table: toml::Table =
                toml::from_str(&text).map_err(|e| SettingsError::File { path: path.into(), message: e.to_string() })?;
            let overlay = serde_json::to_value(table).expect("TOML converts to JSON");
            merge(&mut merged, overlay);
            // Deserialise once here so that an unknown key or wrong type is reported against the file.
            decode(merged.clone()).map_err(|message| SettingsError::File { path: path.into(), message })?;
            origin = format!("settings file {}", path.display());
        }
        apply_env(&mut merged, env)?;
        let settings = decode(merged).map_err(|message| SettingsError::Invalid { key: origin, message })?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks that settings that only make sense together are given together.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let invalid =
            |key: &str, message: &str| Err(SettingsError::Invalid { key: key.into(), message: message.into() });
        if self.tls.cert.is_some() != self.tls.key.is_some() {
            return invalid("tls.cert/tls.key", "give both the certificate and its key, or neither");
        }
        if (self.tls.client_ca.is_some() || self.tls.require_client_cert) && self.tls.cert.is_none() {
            return invalid("tls.client_ca", "client certificates need TLS: set tls.cert and tls.key too");
        }
        if self.tls.require_client_cert && self.tls.client_ca.is_none() {
            return invalid("tls.require_client_cert", "needs tls.client_ca to verify client certificates against");
        }
        if self.auth.read_access == ReadAccess::ApiKey
            && self.auth.read_api_keys.is_empty()
            && self.auth.admin_api_keys.is_empty()
            && self.tls.client_ca.is_none()
        {
            return invalid("auth.read_access", "`api_key` needs auth.read_api_keys, admin keys or tls.client_ca");
        }
        for (key, value) in [
            ("limits.max_request_bytes", self.limits.max_request_bytes),
            ("limits.max_items_per_field", self.limits.max_items_per_field),
            ("limits.max_concurrent_requests", self.limits.max_concurrent_requests),
            ("limits.max_metadata_bytes", self.limits.max_metadata_bytes),
            ("http2.max_concurrent_streams", self.http2.max_concurrent_streams as usize),
            ("http2.max_pending_accept_reset_streams", self.http2.max_pending_accept_reset_streams),
            ("server.history_versions", self.server.history_versions),
            ("server.keepalive_timeout_secs", self.server.keepalive_timeout_secs as usize),
        ] {
            if value == 0 {
                return invalid(key, "must be at least 1");
            }
        }
        if self.limits.max_metadata_bytes > self.http2.max_header_list_bytes as usize {
            return invalid(
                "limits.max_metadata_bytes",
                "must not exceed http2.max_header_list_bytes, which HTTP/2 enforces first and less gracefully",
            );
        }
        if let Some(endpoint) = &self.telemetry.otlp_endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            return invalid(
                "telemetry.otlp_endpoint",
                "must be an http:// or https:// URL, e.g. http://127.0.0.1:4317",
            );
        }
        if self.server.ontology.is_empty() {
            return invalid("server.ontology", "give at least one source (`embedded` for the built-in default)");
        }
        Ok(())
    }
}

fn decode(value: Value) -> Result<Settings, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) }
    })
}

/// Deep merge: tables merge key by key, everything else is replaced.
fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

/// Applies `VAARDIG_<SECTION>_<KEY>` variables. Only known keys are looked up, so other `VAARDIG_`
/// variables (such as the client's `VAARDIG_SERVER`) do not collide; a value is parsed by the type
/// of the default it replaces.
fn apply_env(merged: &mut Value, env: impl IntoIterator<Item = (String, String)>) -> Result<(), SettingsError> {
    let env: std::collections::HashMap<String, String> = env.into_iter().collect();
    let Value::Object(sections) = merged else { unreachable!("settings serialise to a table") };
    for (section, table) in sections.iter_mut() {
        let Value::Object(keys) = table else { continue };
        let names: Vec<String> = keys.keys().cloned().collect();
        for key in names {
            let var = format!("{ENV_PREFIX}{}_{}", section.to_uppercase(), key.to_uppercase());
            let Some(raw) = env.get(&var) else { continue };
            let parsed =
                parse_env(&keys[&key], raw).map_err(|message| SettingsError::Env { var: var.clone(), message })?;
            keys.insert(key, parsed);
        }
    }
    Ok(())
}

fn parse_env(current: &Value, raw: &str) -> Result<Value, String> {
    let raw = raw.trim();
    Ok(match current {
        Value::Bool(_) => match raw {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => return Err(format!("expected true or false, not {raw:?}")),
        },
        Value::Number(_) => {
            Value::Number(raw.parse::<u64>().map_err(|_| format!("expected a whole number, not {raw:?}"))?.into())
        }
        Value::Array(_) => Value::Array(
            raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::String(s.into())).collect(),
        ),
        // Strings, enums and unset optional values.
        _ if raw.is_empty() => Value::Null,
        _ => Value::String(raw.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_need_no_file() {
        let settings = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(settings, Settings::default());
        assert_eq!(settings.server.listen, "127.0.0.1:50051");
    }

    #[test]
    fn file_then_environment_override_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vaardig.toml");
        std::fs::write(&path, "[limits]\nmax_concurrent_requests = 64\n[log]\nformat = \"json\"\n[web]\ncors_allowed_origins = [\"https://a.example\"]\n").unwrap();
        let settings = Settings::load_from(
            Some(&path),
            env(&[
                ("VAARDIG_LIMITS_MAX_CONCURRENT_REQUESTS", "8"),
                ("VAARDIG_WEB_CORS_ALLOWED_ORIGINS", "https://b.example, https://c.example"),
                ("VAARDIG_METRICS_LISTEN", "127.0.0.1:9464"),
                ("VAARDIG_SERVER", "http://ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.limits.max_concurrent_requests, 8);
        assert_eq!(settings.log.format, LogFormat::Json);
        assert_eq!(settings.web.cors_allowed_origins, ["https://b.example", "https://c.example"]);
        assert_eq!(settings.metrics.listen.as_deref(), Some("127.0.0.1:9464"));
        assert_eq!(settings.limits.max_request_bytes, LimitSettings::default().max_request_bytes);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vaardig.toml");
        std::fs::write(&path, "[limits]\nmax_concurent_requests = 64\n").unwrap();
        let error = Settings::load_from(Some(&path), env(&[])).unwrap_err().to_string();
        assert!(error.contains("vaardig.toml") && error.contains("max_concurent_requests"), "{error}");

        std::fs::write(&path, "[log]\nformat = \"xml\"\n").unwrap();
        let error = Settings::load_from(Some(&path), env(&[])).unwrap_err().to_string();
        assert!(error.contains("log.format"), "{error}");

        let error = Settings::load_from(None, env(&[("VAARDIG_LIMITS_MAX_CONCURRENT_REQUESTS", "many")])).unwrap_err();
        assert!(error.to_string().contains("VAARDIG_LIMITS_MAX_CONCURRENT_REQUESTS"), "{error}");

        let error = Settings::load_from(None, env(&[("VAARDIG_TLS_CERT", "/etc/cert.pem")])).unwrap_err();
        assert!(error.to_string().contains("tls.cert/tls.key"), "{error}");

        let error = Settings::load_from(None, env(&[("VAARDIG_HTTP2_MAX_HEADER_LIST_BYTES", "8192")])).unwrap_err();
        assert!(error.to_string().contains("limits.max_metadata_bytes"), "{error}");
    }
}
