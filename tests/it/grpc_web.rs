//! gRPC-Web from a real browser: headless Chromium loads a page from one origin (a small HTTP server
//! of the test) whose script calls `ConceptService.GetConcept` on the vaardig server, another origin,
//! with `fetch` and the `application/grpc-web+proto` wire format encoded by hand. The cross-origin
//! call passes only when CORS allows the page's origin.

use std::net::SocketAddr;
use std::time::Duration;

use crate::browser::dump_dom;
use crate::helpers::{TestServer, embedded, spawn_server_with, test_settings};

/// The page's script: encode a GetConceptRequest, frame it (flag byte, big-endian length), POST it,
/// then parse the response frames and the concept's preferred label from the protobuf bytes.
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>gRPC-Web</title></head>
<body><p id="out">waiting</p>
<script>
const out = document.getElementById('out');
function varint(n) { const b = []; while (n > 127) { b.push((n & 127) | 128); n >>>= 7; } b.push(n); return b; }
function stringField(field, text) {
  const bytes = new TextEncoder().encode(text);
  return [(field << 3) | 2, ...varint(bytes.length), ...bytes];
}
function readVarint(buf, pos) {
  let value = 0, shift = 0;
  for (;;) { const b = buf[pos++]; value += (b & 127) * 2 ** shift; shift += 7; if (b < 128) return [value, pos]; }
}
// The length-delimited fields of a message: field number -> bytes (the last one wins).
function lenFields(buf) {
  const fields = {};
  let pos = 0;
  while (pos < buf.length) {
    let key; [key, pos] = readVarint(buf, pos);
    const wire = key & 7, field = key >>> 3;
    if (wire === 0) { [, pos] = readVarint(buf, pos); }
    else if (wire === 1) { pos += 8; }
    else if (wire === 5) { pos += 4; }
    else if (wire === 2) { let len; [len, pos] = readVarint(buf, pos); fields[field] = buf.subarray(pos, pos + len); pos += len; }
    else throw new Error('wire type ' + wire);
  }
  return fields;
}
const message = new Uint8Array([...stringField(1, 'vaardig:scheme/stap-budget'), ...stringField(2, 'en')]);
const body = new Uint8Array(5 + message.length);
new DataView(body.buffer).setUint32(1, message.length);
body.set(message, 5);
fetch('GRPC_URL/vaardig.v1.ConceptService/GetConcept', {
  method: 'POST',
  headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', 'x-request-id': 'browser-req-1' },
  body,
}).then(async response => {
  const buf = new Uint8Array(await response.arrayBuffer());
  let label = '', status = response.headers.get('grpc-status') || '';
  for (let pos = 0; pos < buf.length;) {
    const flag = buf[pos], len = new DataView(buf.buffer, pos + 1, 4).getUint32(0);
    const frame = buf.subarray(pos + 5, pos + 5 + len);
    pos += 5 + len;
    if (flag & 0x80) {
      const trailers = new TextDecoder().decode(frame);
      const m = /grpc-status:\s*(\d+)/.exec(trailers);
      if (m) status = m[1];
    } else {
      const concept = lenFields(frame)[2];
      label = new TextDecoder().decode(lenFields(concept)[3]);
    }
  }
  out.textContent = 'label=' + label + ' | grpc-status=' + status + ' | request-id=' + response.headers.get('x-request-id');
}).catch(error => { out.textContent = 'blocked: ' + error.name; });
</script></body></html>"#;

/// Serves `page` at `/` on `listener` (another port than the gRPC server: another origin).
fn serve_page(listener: tokio::net::TcpListener, page: String) -> SocketAddr {
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(move || async move { axum::response::Html(page) }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn page_listener() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    (listener, origin)
}

async fn grpc_server(allowed_origins: Vec<String>) -> TestServer {
    let mut settings = test_settings();
    settings.web.cors_allowed_origins = allowed_origins;
    spawn_server_with(embedded(), settings).await
}

/// The page loaded in Chromium: the DOM after its script ran.
async fn load_in_browser(page_addr: SocketAddr) -> String {
    let url = format!("http://{page_addr}/");
    tokio::task::spawn_blocking(move || dump_dom(&url, Duration::from_secs(10))).await.unwrap()
}

#[tokio::test]
async fn a_browser_page_calls_get_concept_with_grpc_web() {
    // The page's origin must be known before the server starts: bind its listener first.
    let (listener, origin) = page_listener().await;
    let server = grpc_server(vec![origin]).await;
    let page_addr = serve_page(listener, PAGE.replace("GRPC_URL", &server.url()));
    let dom = load_in_browser(page_addr).await;
    assert!(
        dom.contains(
            r#"<p id="out">label=STAP budget (public training budget) | grpc-status=0 | request-id=browser-req-1</p>"#
        ),
        "the page did not get the concept: {dom}"
    );
}

#[tokio::test]
async fn a_browser_page_from_a_disallowed_origin_is_refused() {
    let server = grpc_server(vec!["https://www.leeroverzicht.nl".into()]).await;
    let (listener, _origin) = page_listener().await;
    let page_addr = serve_page(listener, PAGE.replace("GRPC_URL", &server.url()));
    let dom = load_in_browser(page_addr).await;
    assert!(dom.contains(r#"<p id="out">blocked: TypeError</p>"#), "the call should be refused by CORS: {dom}");
}

/// A CORS preflight over plain HTTP/1.1; returns the response head, lower-cased.
fn preflight(addr: SocketAddr, origin: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        stream,
        "OPTIONS /vaardig.v1.ConceptService/GetConcept HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\n\
         Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type,x-grpc-web\r\n\
         Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).to_lowercase();
    text.split("\r\n\r\n").next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let server = grpc_server(vec!["https://www.leeroverzicht.nl".into()]).await;
    let addr = server.addr;
    let (allowed, refused) = tokio::task::spawn_blocking(move || {
        (preflight(addr, "https://www.leeroverzicht.nl"), preflight(addr, "https://evil.example"))
    })
    .await
    .unwrap();
    assert!(allowed.contains("access-control-allow-origin: https://www.leeroverzicht.nl"), "{allowed}");
    assert!(allowed.contains("access-control-allow-methods: post"), "{allowed}");
    assert!(!refused.contains("access-control-allow-origin"), "{refused}");

    // With no origins configured there is no CORS at all.
    let closed = grpc_server(vec![]).await;
    let addr = closed.addr;
    let head = tokio::task::spawn_blocking(move || preflight(addr, "https://www.leeroverzicht.nl")).await.unwrap();
    assert!(!head.contains("access-control-allow-origin"), "{head}");
}

/// A gRPC-Web call over HTTP/1.1 (GetStats, an empty message); returns the response head, lower-cased.
fn grpc_web_post(addr: SocketAddr) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let head = format!(
        "POST /vaardig.v1.ConceptService/GetStats HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/grpc-web+proto\r\nX-Grpc-Web: 1\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&[0, 0, 0, 0, 0]));
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).to_lowercase().split("\r\n\r\n").next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn grpc_web_can_be_switched_off() {
    let on = grpc_server(vec![]).await;
    let addr = on.addr;
    let head = tokio::task::spawn_blocking(move || grpc_web_post(addr)).await.unwrap();
    assert!(head.starts_with("http/1.1 200") && head.contains("application/grpc-web+proto"), "{head}");

    let mut settings = test_settings();
    settings.web.grpc_web = false;
    let off = spawn_server_with(embedded(), settings).await;
    let addr = off.addr;
    let head = tokio::task::spawn_blocking(move || grpc_web_post(addr)).await.unwrap();
    assert!(!head.starts_with("http/1.1 200"), "gRPC-Web is off, yet: {head}");
}
