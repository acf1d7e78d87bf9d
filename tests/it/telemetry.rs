//! OpenTelemetry traces: spans received by a small OTLP/gRPC collector inside the test, W3C
//! `traceparent` in and out, and no personal data in any exported span.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vaardig::proto::opentelemetry::proto::collector::trace::v1 as collector;
use vaardig::proto::opentelemetry::proto::common::v1::any_value::Value;
use vaardig::proto::opentelemetry::proto::trace::v1 as trace;
use vaardig::proto::v1 as pb;

use super::helpers::{embedded, spawn_server_with, test_settings};

const LASSER: &str = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";
const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

/// The spans received, each with its resource's attributes (`key=value`).
type Received = Arc<Mutex<Vec<(Vec<String>, trace::Span)>>>;

/// An OTLP trace collector: keeps every span it is sent.
#[derive(Clone, Default)]
struct Collector {
    received: Received,
}

#[tonic::async_trait]
impl collector::trace_service_server::TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<collector::ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<collector::ExportTraceServiceResponse>, tonic::Status> {
        let mut received = self.received.lock().unwrap();
        for resource_spans in request.into_inner().resource_spans {
            let resource: Vec<String> = resource_spans
                .resource
                .map(|r| r.attributes.into_iter().map(|a| format!("{}={:?}", a.key, a.value)).collect())
                .unwrap_or_default();
            for scope in resource_spans.scope_spans {
                for span in scope.spans {
                    received.push((resource.clone(), span));
                }
            }
        }
        Ok(tonic::Response::new(collector::ExportTraceServiceResponse::default()))
    }
}

async fn start_collector() -> (String, Collector) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let collector = Collector::default();
    let service = collector::trace_service_server::TraceServiceServer::new(collector.clone());
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    (format!("http://{addr}"), collector)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn attribute<'a>(span: &'a trace::Span, key: &str) -> Option<&'a Value> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| a.value.as_ref()).and_then(|v| v.value.as_ref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_span_per_rpc_with_traceparent_in_and_out_and_no_personal_data() {
    let (endpoint, collector) = start_collector().await;
    let mut settings = test_settings();
    settings.telemetry.otlp_endpoint = Some(endpoint);
    settings.telemetry.service_name = "vaardig-test".into();
    let server = spawn_server_with(embedded(), settings).await;
    let channel = server.channel().await;

    // A call inside the caller's trace.
    let mut concepts = pb::concept_service_client::ConceptServiceClient::new(channel.clone());
    let mut request =
        tonic::Request::new(pb::GetConceptRequest { id: LASSER.into(), lang: String::new(), ..Default::default() });
    let parent = format!("00-{CALLER_TRACE}-{CALLER_SPAN}-01");
    request.metadata_mut().insert("traceparent", parent.parse().unwrap());
    request.metadata_mut().insert("x-request-id", "trace-test-1".parse().unwrap());
    let answer = concepts.get_concept(request).await.unwrap();
    let out = answer.metadata().get("traceparent").unwrap().to_str().unwrap().to_string();
    assert!(out.starts_with(&format!("00-{CALLER_TRACE}-")) && out.ends_with("-01"), "{out}");
    let server_span = out[36..52].to_string();
    assert_ne!(server_span, CALLER_SPAN);

    // A call with a person's profile and facts, and no traceparent: a new trace.
    let mut matching = pb::matching_service_client::MatchingServiceClient::new(channel.clone());
    let profile = pb::Profile {
        skills: vec![pb::SkillClaim { skill_id: "esco:skill/bestaat-niet-persoonlijk".into(), ..Default::default() }],
        ..Default::default()
    };
    let gap = pb::ComputeSkillGapRequest { occupation_id: LASSER.into(), profile: Some(profile), ..Default::default() };
    let status = matching.compute_skill_gap(gap).await.unwrap_err();
    let unsampled_out = status.metadata().get("traceparent").unwrap().to_str().unwrap().to_string();
    assert!(!unsampled_out.contains(CALLER_TRACE));

    // A caller that did not sample: answered with its trace, not exported.
    let mut request = tonic::Request::new(pb::GetStatsRequest {});
    request.metadata_mut().insert("traceparent", format!("00-{CALLER_TRACE}-{CALLER_SPAN}-00").parse().unwrap());
    concepts.get_stats(request).await.unwrap();

    let started = Instant::now();
    let spans = loop {
        let spans = collector.received.lock().unwrap().clone();
        if spans.len() >= 2 || started.elapsed() > Duration::from_secs(10) {
            break spans;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(spans.len(), 2, "GetConcept and ComputeSkillGap, not the unsampled GetStats: {spans:?}");

    let (resource, get) = spans.iter().find(|(_, s)| s.name == "vaardig.v1.ConceptService/GetConcept").unwrap();
    assert!(resource.iter().any(|a| a.starts_with("service.name=") && a.contains("vaardig-test")), "{resource:?}");
    assert_eq!(hex(&get.trace_id), CALLER_TRACE);
    assert_eq!(hex(&get.parent_span_id), CALLER_SPAN);
    assert_eq!(hex(&get.span_id), server_span, "the span the response named");
    assert_eq!(get.kind, trace::span::SpanKind::Server as i32);
    assert!(get.end_time_unix_nano >= get.start_time_unix_nano && get.start_time_unix_nano > 0);
    assert_eq!(attribute(get, "rpc.service"), Some(&Value::StringValue("vaardig.v1.ConceptService".into())));
    assert_eq!(attribute(get, "rpc.method"), Some(&Value::StringValue("GetConcept".into())));
    assert_eq!(attribute(get, "rpc.grpc.status_code"), Some(&Value::IntValue(0)));
    assert_eq!(attribute(get, "vaardig.request_id"), Some(&Value::StringValue("trace-test-1".into())));

    let (_, gap) = spans.iter().find(|(_, s)| s.name == "vaardig.v1.MatchingService/ComputeSkillGap").unwrap();
    assert!(gap.parent_span_id.is_empty(), "a root span");
    assert_eq!(hex(&gap.trace_id), unsampled_out[3..35]);
    assert_eq!(attribute(gap, "rpc.grpc.status_code"), Some(&Value::IntValue(tonic::Code::InvalidArgument as i64)));

    // Privacy: nothing of the request's content is in any span, neither the profile's skill id
    // (which the error message quotes back to the caller) nor the concept asked for.
    let exported = format!("{spans:?}");
    assert!(!exported.contains("bestaat-niet-persoonlijk"), "{exported}");
    assert!(!exported.contains("7aedaa07"), "{exported}");
}
