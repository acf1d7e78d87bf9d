//! TLS (rustls) and optional mutual TLS from `settings.tls`.
//!
//! With `tls.cert` and `tls.key` the server speaks only TLS. With `tls.client_ca` it also asks
//! clients for a certificate and accepts only those that CA signed; whether a client *must* send
//! one is `tls.require_client_cert`. A verified client certificate counts as a credential for every
//! RPC, admin ones included (see `auth.rs`), so operators can use certificates instead of keys.

use tonic::transport::{Certificate, Identity, ServerTlsConfig};

use crate::settings::TlsSettings;

/// How long a TLS handshake may take before the connection is dropped (slow or stalled clients must
/// not hold connection slots).
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn read(path: &std::path::Path, key: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{key} {}: {e}", path.display()))
}

/// The rustls configuration of `settings`; none when TLS is off.
pub fn server_config(settings: &TlsSettings) -> Result<Option<ServerTlsConfig>, String> {
    let (Some(cert), Some(key)) = (&settings.cert, &settings.key) else { return Ok(None) };
    let identity = Identity::from_pem(read(cert, "tls.cert")?, read(key, "tls.key")?);
    let mut config = ServerTlsConfig::new().identity(identity).timeout(HANDSHAKE_TIMEOUT);
    if let Some(ca) = &settings.client_ca {
        config = config
            .client_ca_root(Certificate::from_pem(read(ca, "tls.client_ca")?))
            .client_auth_optional(!settings.require_client_cert);
    }
    Ok(Some(config))
}
