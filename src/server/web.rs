//! gRPC-Web and CORS, so the Leeroverzicht front end can call the API straight from a browser.
//!
//! gRPC-Web (`application/grpc-web[+proto]` and `application/grpc-web-text`) is translated to gRPC by
//! tonic-web on the same port as native gRPC; browsers speak it over HTTP/1.1, hence `accept_http1`.
//! A browser on another origin may call only when its origin is in `web.cors_allowed_origins`: the
//! CORS layer answers preflights and adds `Access-Control-Allow-Origin` for those origins alone, and
//! exposes the gRPC status headers and the request id so the page's script can read them. With no
//! origins configured there is no CORS layer at all and browsers refuse cross-origin calls.

use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::settings::WebSettings;

/// Request headers a gRPC-Web client sends (grpc-web's own, deadlines, auth, request ids).
const ALLOWED_HEADERS: [&str; 7] = [
    "content-type",
    "x-grpc-web",
    "x-user-agent",
    "grpc-timeout",
    "authorization",
    "x-request-id",
    "grpc-accept-encoding",
];
/// Response headers a page's script may read.
const EXPOSED_HEADERS: [&str; 4] = ["grpc-status", "grpc-message", "grpc-status-details-bin", "x-request-id"];
/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Why `web.cors_allowed_origins` is unusable.
#[derive(Debug, thiserror::Error)]
#[error("web.cors_allowed_origins: {0}")]
pub struct CorsError(String);

/// The CORS layer for the configured origins, or `None` when no origin is allowed.
pub fn cors_layer(settings: &WebSettings) -> Result<Option<CorsLayer>, CorsError> {
    if settings.cors_allowed_origins.is_empty() {
        return Ok(None);
    }
    let allow_origin = if settings.cors_allowed_origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        let origins: Result<Vec<HeaderValue>, CorsError> =
            settings.cors_allowed_origins.iter().map(|origin| parse_origin(origin)).collect();
        AllowOrigin::list(origins?)
    };
    let names = |names: &[&'static str]| names.iter().map(|n| HeaderName::from_static(n)).collect::<Vec<_>>();
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([Method::POST])
            .allow_headers(names(&ALLOWED_HEADERS))
            .expose_headers(names(&EXPOSED_HEADERS))
            .max_age(PREFLIGHT_MAX_AGE),
    ))
}

/// An origin is `scheme://host[:port]` exactly as browsers send it: no path, no trailing slash.
fn parse_origin(origin: &str) -> Result<HeaderValue, CorsError> {
    let bad = |why: &str| CorsError(format!("{origin:?} {why}"));
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| bad("is not an origin: it must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains('/') {
        return Err(bad("is not an origin: scheme://host[:port] without a path or trailing slash"));
    }
    HeaderValue::from_str(origin).map_err(|_| bad("holds characters an HTTP header cannot carry"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(origins: &[&str]) -> WebSettings {
        WebSettings { grpc_web: true, cors_allowed_origins: origins.iter().map(|o| o.to_string()).collect() }
    }

    #[test]
    fn origins_are_validated() {
        assert!(cors_layer(&web(&[])).unwrap().is_none());
        assert!(cors_layer(&web(&["https://www.leeroverzicht.nl", "http://127.0.0.1:8080"])).unwrap().is_some());
        assert!(cors_layer(&web(&["*"])).unwrap().is_some());
        let error = cors_layer(&web(&["https://www.leeroverzicht.nl/"])).unwrap_err().to_string();
        assert!(error.contains("web.cors_allowed_origins") && error.contains("trailing slash"), "{error}");
        assert!(cors_layer(&web(&["www.leeroverzicht.nl"])).is_err());
    }
}
