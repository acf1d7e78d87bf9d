//! Who may call what: admin RPCs need an admin credential, read RPCs are open or need a key.
//!
//! A credential is an API key sent as `authorization: Bearer <key>`, or a client certificate that
//! the TLS handshake verified against `tls.client_ca` (rustls refuses unverified certificates, so
//! any certificate seen here is a verified one). Keys are compared as BLAKE3 hashes, whose
//! equality is constant-time, so the time to reject a key tells nothing about how much of it was
//! right.
//!
//! | RPC | `read_access = open` | `read_access = api_key` |
//! |---|---|---|
//! | health, reflection | open | open |
//! | `vaardig.v1.AdminService/*` | admin key or client certificate | admin key or client certificate |
//! | every other RPC | open | read key, admin key or client certificate |
//!
//! No credential, or a key that is not configured, is UNAUTHENTICATED; a valid read key on an admin
//! RPC is PERMISSION_DENIED. With neither admin keys nor a client CA configured, admin RPCs are
//! disabled (PERMISSION_DENIED), so a default server cannot be reloaded by anyone who can reach it.

use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::Status;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};

use crate::settings::{ReadAccess, Settings};

/// The path prefix of the admin service.
pub const ADMIN_PREFIX: &str = "/vaardig.v1.AdminService/";

#[derive(Debug)]
struct Policy {
    admin_keys: Vec<blake3::Hash>,
    read_keys: Vec<blake3::Hash>,
    read_access: ReadAccess,
    /// Whether client certificates can be presented at all (a client CA is configured).
    client_certs: bool,
}

/// The tower layer; see the module documentation.
#[derive(Debug, Clone)]
pub struct AuthLayer {
    policy: Arc<Policy>,
}

impl AuthLayer {
    pub fn new(settings: &Settings) -> AuthLayer {
        let hash = |keys: &[String]| keys.iter().map(|k| blake3::hash(k.as_bytes())).collect();
        AuthLayer {
            policy: Arc::new(Policy {
                admin_keys: hash(&settings.auth.admin_api_keys),
                read_keys: hash(&settings.auth.read_api_keys),
                read_access: settings.auth.read_access,
                client_certs: settings.tls.client_ca.is_some(),
            }),
        }
    }
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Auth<S> {
        Auth { inner, policy: self.policy.clone() }
    }
}

/// The service of [`AuthLayer`].
#[derive(Debug, Clone)]
pub struct Auth<S> {
    inner: S,
    policy: Arc<Policy>,
}

/// What the caller presented.
enum Presented {
    Nothing,
    /// A malformed `authorization` header.
    Malformed,
    Key(blake3::Hash),
}

impl Policy {
    fn is_admin_key(&self, key: &blake3::Hash) -> bool {
        // `any` stops at the first match; each comparison itself is constant-time, and which
        // position matched reveals nothing about the key.
        self.admin_keys.iter().any(|k| k == key)
    }

    fn is_read_key(&self, key: &blake3::Hash) -> bool {
        self.read_keys.iter().any(|k| k == key)
    }

    /// `Ok` to let the request through, else the status to answer with.
    fn check(&self, path: &str, presented: Presented, verified_cert: bool) -> Result<(), Status> {
        if path.starts_with("/grpc.health.") || path.starts_with("/grpc.reflection.") {
            return Ok(());
        }
        let admin = path.starts_with(ADMIN_PREFIX);
        if admin && self.admin_keys.is_empty() && !self.client_certs {
            return Err(Status::permission_denied(
                "admin RPCs are disabled: configure auth.admin_api_keys or tls.client_ca on the server",
            ));
        }
        if !admin && self.read_access == ReadAccess::Open {
            return Ok(());
        }
        if verified_cert {
            return Ok(());
        }
        match presented {
            Presented::Key(key) if self.is_admin_key(&key) => Ok(()),
            Presented::Key(key) if !admin && self.is_read_key(&key) => Ok(()),
            Presented::Key(key) if self.is_read_key(&key) => {
                Err(Status::permission_denied("this API key may call read RPCs only, not admin RPCs"))
            }
            Presented::Key(_) => Err(Status::unauthenticated("the API key is not valid")),
            Presented::Malformed => Err(Status::unauthenticated("the authorization header must be `Bearer <API key>`")),
            Presented::Nothing if admin => Err(Status::unauthenticated(
                "admin RPCs need an admin API key (authorization: Bearer <key>) or a client certificate",
            )),
            Presented::Nothing => Err(Status::unauthenticated(
                "this server requires an API key (authorization: Bearer <key>) or a client certificate",
            )),
        }
    }
}

fn presented(headers: &http::HeaderMap) -> Presented {
    let Some(value) = headers.get(http::header::AUTHORIZATION) else { return Presented::Nothing };
    match value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) {
        Some(key) if !key.is_empty() => Presented::Key(blake3::hash(key.as_bytes())),
        _ => Presented::Malformed,
    }
}

/// Whether the connection carries a client certificate (verified during the handshake).
fn verified_cert<B>(request: &http::Request<B>) -> bool {
    request
        .extensions()
        .get::<TlsConnectInfo<TcpConnectInfo>>()
        .and_then(|info| info.peer_certs())
        .is_some_and(|certs| !certs.is_empty())
}

impl<S, B, ResBody> tower::Service<http::Request<B>> for Auth<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future =
        futures_util::future::Either<std::future::Ready<Result<http::Response<ResBody>, S::Error>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let verdict = self.policy.check(request.uri().path(), presented(request.headers()), verified_cert(&request));
        match verdict {
            Ok(()) => futures_util::future::Either::Right(self.inner.call(request)),
            Err(status) => {
                tracing::debug!(path = request.uri().path(), code = ?status.code(), "request refused");
                futures_util::future::Either::Left(std::future::ready(Ok(status.into_http())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    fn policy(admin: &[&str], read: &[&str], read_access: ReadAccess, client_certs: bool) -> Policy {
        let hash = |keys: &[&str]| keys.iter().map(|k| blake3::hash(k.as_bytes())).collect();
        Policy { admin_keys: hash(admin), read_keys: hash(read), read_access, client_certs }
    }

    fn key(k: &str) -> Presented {
        Presented::Key(blake3::hash(k.as_bytes()))
    }

    const RELOAD: &str = "/vaardig.v1.AdminService/Reload";
    const SEARCH: &str = "/vaardig.v1.SearchService/Search";

    #[test]
    fn admin_needs_an_admin_credential_and_reads_follow_read_access() {
        let code = |r: Result<(), Status>| r.err().map(|s| s.code());
        let open = policy(&["admin"], &["reader"], ReadAccess::Open, false);
        assert_eq!(code(open.check(SEARCH, Presented::Nothing, false)), None);
        assert_eq!(code(open.check(RELOAD, Presented::Nothing, false)), Some(Code::Unauthenticated));
        assert_eq!(code(open.check(RELOAD, key("wrong"), false)), Some(Code::Unauthenticated));
        assert_eq!(code(open.check(RELOAD, key("reader"), false)), Some(Code::PermissionDenied));
        assert_eq!(code(open.check(RELOAD, key("admin"), false)), None);
        assert_eq!(code(open.check(RELOAD, Presented::Malformed, false)), Some(Code::Unauthenticated));

        let closed = policy(&["admin"], &["reader"], ReadAccess::ApiKey, true);
        assert_eq!(code(closed.check(SEARCH, Presented::Nothing, false)), Some(Code::Unauthenticated));
        assert_eq!(code(closed.check(SEARCH, key("reader"), false)), None);
        assert_eq!(code(closed.check(SEARCH, key("admin"), false)), None);
        assert_eq!(code(closed.check(SEARCH, Presented::Nothing, true)), None, "client certificate");
        assert_eq!(code(closed.check(RELOAD, Presented::Nothing, true)), None, "client certificate");
        assert_eq!(code(closed.check("/grpc.health.v1.Health/Check", Presented::Nothing, false)), None);

        let unconfigured = policy(&[], &[], ReadAccess::Open, false);
        assert_eq!(code(unconfigured.check(RELOAD, key("anything"), false)), Some(Code::PermissionDenied));
    }
}
