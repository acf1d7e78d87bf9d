//! Protocol faults through the real server, spoken as raw HTTP/2 where a well-behaved gRPC client
//! could not send them: undecodable bodies and broken frames are INVALID_ARGUMENT (not INTERNAL),
//! oversized metadata is refused per request (not with a GOAWAY), and a burst of calls whose
//! deadlines pass at once does not reset the connection under another client's open stream.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use tonic::Code;
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::history_service_client::HistoryServiceClient;

use crate::helpers::{embedded, spawn_server, spawn_server_with, test_settings};

/// One raw HTTP/2 connection to `addr`.
async fn connect(addr: std::net::SocketAddr) -> h2::client::SendRequest<Bytes> {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    send
}

/// What a raw call got back: the gRPC status (from the headers or the trailers) and its message,
/// or the HTTP/2 error that ended the stream.
#[derive(Debug)]
enum Answer {
    Status(Code, String),
    /// Printed when a test fails: the reset's reason.
    #[allow(dead_code)]
    Reset(h2::Error),
}

/// Sends one unary gRPC call with `body` as its raw data frame(s) and `extra` metadata.
async fn call(
    send: &mut h2::client::SendRequest<Bytes>,
    path: &str,
    body: Vec<u8>,
    extra: &[(&str, String)],
) -> Answer {
    let mut request = http::Request::post(format!("http://localhost{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (name, value) in extra {
        request = request.header(*name, value.as_str());
    }
    let ready = match send.clone().ready().await {
        Ok(ready) => ready,
        Err(error) => return Answer::Reset(error),
    };
    *send = ready;
    let (response, mut stream) = match send.send_request(request.body(()).unwrap(), false) {
        Ok(pair) => pair,
        Err(error) => return Answer::Reset(error),
    };
    let _ = stream.send_data(Bytes::from(body), true);
    let response = match response.await {
        Ok(response) => response,
        Err(error) => return Answer::Reset(error),
    };
    let status = |headers: &http::HeaderMap| tonic::Status::from_header_map(headers);
    if let Some(status) = status(response.headers()) {
        return Answer::Status(status.code(), status.message().to_string());
    }
    let mut body = response.into_body();
    while let Some(data) = body.data().await {
        if let Err(error) = data {
            return Answer::Reset(error);
        }
    }
    match body.trailers().await {
        Ok(Some(trailers)) => {
            let status = status(&trailers).expect("trailers carry grpc-status");
            Answer::Status(status.code(), status.message().to_string())
        }
        Ok(None) => Answer::Status(Code::Unknown, "no trailers".into()),
        Err(error) => Answer::Reset(error),
    }
}

/// A gRPC data frame: the compressed flag, the length it claims, then `payload`.
fn frame(claimed_len: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0];
    out.extend_from_slice(&claimed_len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

fn whole(payload: &[u8]) -> Vec<u8> {
    frame(payload.len() as u32, payload)
}

const GET_CONCEPT: &str = "/vaardig.v1.ConceptService/GetConcept";
const HEALTH: &str = "/grpc.health.v1.Health/Check";

#[tokio::test]
async fn undecodable_requests_are_invalid_argument_with_the_decoders_message() {
    let server = spawn_server(embedded()).await;
    let mut send = connect(server.addr).await;
    // An 11-byte varint for field 1's length.
    let long_varint = [&[0x0a][..], &[0xff; 10], &[0x01]].concat();
    // 5,000 nested groups: past prost's recursion limit.
    let nested = [vec![0x0b; 5_000], vec![0x0c; 5_000]].concat();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("random bytes", whole(&[0xff, 0xfe, 0xfd, 0x07, 0x99]), "failed to decode Protobuf message"),
        ("invalid UTF-8 in the id", whole(&[0x0a, 0x02, 0xff, 0xfe]), "failed to decode Protobuf message"),
        ("a wrong wire type for the id", whole(&[0x0d, 1, 2, 3, 4]), "failed to decode Protobuf message"),
        ("an 11-byte varint", whole(&long_varint), "failed to decode Protobuf message"),
        ("5,000 nested groups", whole(&nested), "failed to decode Protobuf message"),
        ("a truncated message", frame(100, &[0x0a, 0x05, b'a']), "Unexpected EOF decoding stream"),
        ("no message at all", Vec::new(), "Missing request message"),
        ("an invalid compressed flag", [&[7u8][..], &whole(&[])[1..]].concat(), "invalid compression flag"),
    ];
    for (what, body, decoder_says) in cases {
        match call(&mut send, GET_CONCEPT, body, &[]).await {
            Answer::Status(code, message) => {
                assert_eq!(code, Code::InvalidArgument, "{what}: {message}");
                assert!(message.contains(decoder_says), "{what}: {message}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    // The connection served all of them; a good request on it still answers.
    let good =
        pb::GetConceptRequest { id: "vaardig:skill/bestaat-niet".into(), lang: String::new(), ..Default::default() };
    match call(&mut send, GET_CONCEPT, whole(&prost::Message::encode_to_vec(&good)), &[]).await {
        Answer::Status(code, _) => assert_eq!(code, Code::NotFound),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn oversized_metadata_is_refused_per_request_and_the_connection_lives_on() {
    let server = spawn_server(embedded()).await;
    let mut send = connect(server.addr).await;
    for kilobytes in [17, 32, 64, 128] {
        let pad = "x".repeat(kilobytes * 1000);
        match call(&mut send, HEALTH, whole(&[]), &[("x-pad", pad)]).await {
            Answer::Status(code, message) => {
                assert_eq!(code, Code::ResourceExhausted, "{kilobytes} kB: {message}");
                assert!(message.contains("limits.max_metadata_bytes"), "{message}");
            }
            other => panic!("{kilobytes} kB: {other:?}"),
        }
    }
    // Metadata within the limit is served on the same connection.
    match call(&mut send, HEALTH, whole(&[]), &[("x-pad", "x".repeat(8000))]).await {
        Answer::Status(code, message) => assert_eq!(code, Code::Ok, "{message}"),
        other => panic!("{other:?}"),
    }
}

/// Raw HTTP/2 frames, for calls reset before the server can take them up: a gRPC client library
/// would not let a test place the frames so exactly.
mod frames {
    pub const HEADERS: u8 = 0x1;
    pub const RST_STREAM: u8 = 0x3;
    pub const SETTINGS: u8 = 0x4;
    pub const GOAWAY: u8 = 0x7;
    pub const END_STREAM: u8 = 0x1;
    pub const END_HEADERS: u8 = 0x4;

    pub fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let len = (payload.len() as u32).to_be_bytes();
        let mut out = vec![len[1], len[2], len[3], kind, flags];
        out.extend_from_slice(&stream.to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// The request headers of a gRPC call to `path`, HPACK-encoded without compression: indexed
    /// `:method POST` and `:scheme http`, literal `:path`, `content-type` and `te`.
    pub fn grpc_headers(path: &str) -> Vec<u8> {
        let literal = |out: &mut Vec<u8>, text: &str| {
            out.push(text.len() as u8);
            out.extend_from_slice(text.as_bytes());
        };
        let mut out = vec![0x83, 0x86, 0x04];
        literal(&mut out, path);
        out.extend_from_slice(&[0x0f, 0x10]);
        literal(&mut out, "application/grpc");
        out.push(0x00);
        literal(&mut out, "te");
        literal(&mut out, "trailers");
        out
    }

    /// Reads frames until `stop` says so or nothing comes for `quiet`; returns every frame seen as
    /// (type, flags, stream, payload).
    pub async fn read_until(
        tcp: &mut tokio::net::TcpStream,
        buffer: &mut Vec<u8>,
        quiet: std::time::Duration,
        mut stop: impl FnMut(u8, u8, u32) -> bool,
    ) -> Vec<(u8, u8, u32, Vec<u8>)> {
        use tokio::io::AsyncReadExt;
        let mut seen = Vec::new();
        loop {
            while buffer.len() >= 9 {
                let len = u32::from_be_bytes([0, buffer[0], buffer[1], buffer[2]]) as usize;
                if buffer.len() < 9 + len {
                    break;
                }
                let (kind, flags) = (buffer[3], buffer[4]);
                let stream = u32::from_be_bytes([buffer[5], buffer[6], buffer[7], buffer[8]]) & 0x7fff_ffff;
                seen.push((kind, flags, stream, buffer[9..9 + len].to_vec()));
                buffer.drain(..9 + len);
                if stop(kind, flags, stream) {
                    return seen;
                }
            }
            let mut chunk = [0u8; 16 * 1024];
            match tokio::time::timeout(quiet, tcp.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => buffer.extend_from_slice(&chunk[..n]),
                _ => return seen,
            }
        }
    }
}

/// 64 calls whose client resets them before the server has taken them up — what a burst of 1 ms
/// deadlines looks like to a busy server — arrive together on a connection that also carries a
/// WatchChanges stream. With h2's default allowance of 20 such streams the server ended the
/// connection (GOAWAY `too_many_resets`, ENHANCE_YOUR_CALM) and the watch died with UNAVAILABLE;
/// now the connection, the watch and new calls on it go on.
#[tokio::test]
async fn calls_reset_before_they_are_taken_up_do_not_end_the_connection() {
    use frames::*;
    use tokio::io::AsyncWriteExt;

    for (allowance, survives) in [(None, true), (Some(20), false)] {
        let mut settings = test_settings();
        if let Some(allowance) = allowance {
            settings.http2.max_pending_accept_reset_streams = allowance;
        }
        // A free port for the metrics, which count every call's code.
        let port = crate::helpers::free_port();
        let metrics: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        settings.metrics.listen = Some(metrics.to_string());
        let server = spawn_server_with(embedded(), settings).await;
        let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        let mut buffer = Vec::new();
        let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
        hello.extend(frame(SETTINGS, 0, 0, &[]));
        tcp.write_all(&hello).await.unwrap();
        read_until(&mut tcp, &mut buffer, Duration::from_secs(5), |kind, flags, _| kind == SETTINGS && flags == 0)
            .await;

        // Stream 1: WatchChanges following reloads; it answers with headers and stays open.
        let watch = pb::WatchChangesRequest {
            from_version: embedded().snapshot.version().to_string(),
            follow: true,
            ..Default::default()
        };
        let mut opening = frame(SETTINGS, 0x1, 0, &[]);
        opening.extend(frame(HEADERS, END_HEADERS, 1, &grpc_headers("/vaardig.v1.HistoryService/WatchChanges")));
        opening.extend(frame(0x0, END_STREAM, 1, &whole(&prost::Message::encode_to_vec(&watch))));
        tcp.write_all(&opening).await.unwrap();
        let seen =
            read_until(&mut tcp, &mut buffer, Duration::from_secs(5), |kind, _, stream| kind == HEADERS && stream == 1)
                .await;
        assert!(seen.iter().any(|f| f.0 == HEADERS && f.2 == 1), "the watch answered: {seen:?}");

        // 64 calls opened and reset in one write, before the server can take any of them up.
        let mut burst = Vec::new();
        for stream in (3..).step_by(2).take(64) {
            burst.extend(frame(HEADERS, END_HEADERS, stream, &grpc_headers("/vaardig.v1.SearchService/Search")));
            burst.extend(frame(RST_STREAM, 0, stream, &8u32.to_be_bytes()));
        }
        // Then one more call, a health check, on the same connection.
        let health = 3 + 2 * 64;
        burst.extend(frame(HEADERS, END_HEADERS, health, &grpc_headers(HEALTH)));
        burst.extend(frame(0x0, END_STREAM, health, &whole(&[])));
        tcp.write_all(&burst).await.unwrap();
        let seen = read_until(&mut tcp, &mut buffer, Duration::from_millis(500), |kind, flags, stream| {
            kind == GOAWAY || (stream == health && flags & END_STREAM != 0)
        })
        .await;
        let goaway = seen.iter().find(|f| f.0 == GOAWAY);
        let watch_reset = seen.iter().any(|f| f.0 == RST_STREAM && f.2 == 1);
        let health_answered = seen.iter().any(|f| f.2 == health && f.1 & END_STREAM != 0);
        if survives {
            assert!(goaway.is_none() && !watch_reset, "the connection was ended: {goaway:?}");
            assert!(health_answered, "the next call on the connection was answered: {seen:?}");

            // A call taken up and then left by its client's lost connection, before its message.
            let mut lost = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            let mut lost_buffer = Vec::new();
            lost.write_all(&hello).await.unwrap();
            read_until(&mut lost, &mut lost_buffer, Duration::from_secs(5), |k, f, _| k == SETTINGS && f == 0).await;
            let mut open = frame(SETTINGS, 0x1, 0, &[]);
            open.extend(frame(HEADERS, END_HEADERS, 1, &grpc_headers("/vaardig.v1.SearchService/Search")));
            lost.write_all(&open).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(lost);
            tokio::time::sleep(Duration::from_millis(100)).await;

            // Every abandoned call is counted (and logged) as what it was: CANCELLED by the
            // client; none as a server fault (INTERNAL "Missing request message", or UNKNOWN for
            // the lost connection, before).
            let text =
                tokio::task::spawn_blocking(move || crate::served_binary::http_get(metrics, "/metrics")).await.unwrap();
            let count = |code: &str| {
                let series =
                    format!("vaardig_grpc_requests_total{{rpc=\"vaardig.v1.SearchService/Search\",code=\"{code}\"}} ");
                text.lines().find_map(|l| l.strip_prefix(&series)?.parse::<u64>().ok()).unwrap_or(0)
            };
            assert_eq!((count("INTERNAL"), count("UNKNOWN")), (0, 0), "{text}");
            assert_eq!(count("CANCELLED"), 65, "{text}");
        } else {
            // The old allowance: this test reproduces the fault it guards against.
            let goaway = goaway.expect("h2's default of 20 ends the connection");
            let reason = u32::from_be_bytes(goaway.3[4..8].try_into().unwrap());
            assert_eq!(reason, 0xb, "ENHANCE_YOUR_CALM");
        }
    }
}

/// The same through a real gRPC client: bursts of 64 calls with 1 ms deadlines, each also
/// abandoned by the client after 1 ms, beside a WatchChanges stream on the same channel. No call
/// gets UNAVAILABLE and the stream stays open.
#[tokio::test]
async fn bursts_of_abandoned_calls_do_not_reset_the_connection() {
    let server = spawn_server_with(embedded(), test_settings()).await;
    let channel = server.channel().await;
    let mut history = HistoryServiceClient::new(channel.clone());
    let version =
        history.list_versions(pb::ListVersionsRequest::default()).await.unwrap().into_inner().snapshot_version;
    let mut watch = history
        .watch_changes(pb::WatchChangesRequest { from_version: version, follow: true, ..Default::default() })
        .await
        .unwrap()
        .into_inner();

    let search = vaardig::proto::v1::search_service_client::SearchServiceClient::new(channel.clone());
    for burst in 0..8 {
        let calls = (0..64).map(|i| {
            let mut search = search.clone();
            async move {
                let mut request =
                    tonic::Request::new(pb::SearchRequest { query: format!("lasser {i}"), ..Default::default() });
                request.set_timeout(Duration::from_millis(1));
                match tokio::time::timeout(Duration::from_millis(1), search.search(request)).await {
                    Ok(Ok(_)) => None,
                    Ok(Err(status)) => Some(status.code()),
                    Err(_) => None,
                }
            }
        });
        for code in futures_util::future::join_all(calls).await.into_iter().flatten() {
            assert!(
                matches!(code, Code::DeadlineExceeded | Code::Cancelled | Code::ResourceExhausted),
                "burst {burst}: {code:?}"
            );
        }
        // The follow stream has nothing to say (no reload), and must not have ended.
        match tokio::time::timeout(Duration::from_millis(50), watch.next()).await {
            Err(_) => {}
            Ok(ended) => panic!("burst {burst}: the WatchChanges stream ended: {ended:?}"),
        }
    }
}
