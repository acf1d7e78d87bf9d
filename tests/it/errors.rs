//! Every error code of the concept API: NOT_FOUND names the id, INVALID_ARGUMENT names the field.

use tonic::Code;
use tonic_types::StatusExt;
use vaardig::proto::v1 as pb;

use crate::helpers::{embedded, spawn_server};

/// The fields named in a status's google.rpc.BadRequest detail.
pub(crate) fn bad_fields(status: &tonic::Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn unknown_id_is_not_found_naming_the_id() {
    let server = spawn_server(embedded()).await;
    let mut client = server.concepts().await;
    let status = client
        .get_concept(pb::GetConceptRequest {
            id: "vaardig:skill/bestaat-niet".into(),
            lang: String::new(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().contains("https://id.vaardig.nl/skill/bestaat-niet"), "{}", status.message());

    for call in 0..3 {
        let status = match call {
            0 => client
                .list_relations(pb::ListRelationsRequest { id: "vaardig:x/y".into(), ..Default::default() })
                .await
                .unwrap_err(),
            1 => client
                .get_hierarchy(pb::GetHierarchyRequest { id: "vaardig:x/y".into(), ..Default::default() })
                .await
                .unwrap_err(),
            _ => client
                .batch_get_concepts(pb::BatchGetConceptsRequest {
                    ids: vec!["vaardig:provider/roc-denkbeeldig".into(), "vaardig:x/y".into()],
                    lang: String::new(),
                    ..Default::default()
                })
                .await
                .unwrap_err(),
        };
        assert_eq!(status.code(), Code::NotFound, "call {call}");
        assert!(status.message().contains("https://id.vaardig.nl/x/y"), "call {call}: {}", status.message());
    }
}

#[tokio::test]
async fn malformed_input_is_invalid_argument_with_field_details() {
    let server = spawn_server(embedded()).await;
    let mut client = server.concepts().await;

    let status = client
        .get_concept(pb::GetConceptRequest { id: String::new(), lang: String::new(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["id"]);

    let status = client
        .get_concept(pb::GetConceptRequest { id: "geen uri".into(), lang: "nederlands!".into(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["id", "lang"], "all bad fields are named at once");

    let status = client
        .list_relations(pb::ListRelationsRequest {
            id: "vaardig:provider/roc-denkbeeldig".into(),
            kind: 99,
            direction: 7,
            page_size: -1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["kind", "direction", "page_size"]);

    let status = client
        .list_relations(pb::ListRelationsRequest {
            id: "vaardig:provider/roc-denkbeeldig".into(),
            page_token: "v0000000000000000:5".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    // A token of another snapshot version (fleet.rs tests it across a reload).
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(status.message().contains("page_token: snapshot version v0000000000000000"), "{}", status.message());

    let status = client
        .get_hierarchy(pb::GetHierarchyRequest {
            id: "vaardig:provider/roc-denkbeeldig".into(),
            depth: 11,
            max_nodes: 20_000,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&status), vec!["depth", "max_nodes"]);

    let status = client
        .batch_get_concepts(pb::BatchGetConceptsRequest { ids: vec![], lang: String::new(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&status), vec!["ids"]);
    let status = client
        .batch_get_concepts(pb::BatchGetConceptsRequest {
            ids: vec!["vaardig:a/b".into(); 1001],
            lang: String::new(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["ids"]);
    let status = client
        .batch_get_concepts(pb::BatchGetConceptsRequest {
            ids: vec!["vaardig:a/b".into(), "kapot id".into()],
            lang: String::new(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&status), vec!["ids[1]"]);
}

#[tokio::test]
async fn hostile_input_never_panics_the_server() {
    let server = spawn_server(embedded()).await;
    let mut client = server.concepts().await;
    let long = "x".repeat(100_000);
    let weird = ["\u{0}", "esco:", "vaardig:", "::::", "http://", &long, "ｅｓｃｏ:skill/Ⅻ", "\u{202e}rtl"];
    for id in weird {
        let status = client
            .get_concept(pb::GetConceptRequest { id: id.into(), lang: id.into(), ..Default::default() })
            .await
            .unwrap_err();
        assert!(matches!(status.code(), Code::InvalidArgument | Code::NotFound), "{id:?}: {status:?}");
    }
    // The server still answers.
    client.get_stats(pb::GetStatsRequest {}).await.unwrap();
}

#[tokio::test]
async fn health_and_reflection_are_served() {
    let server = spawn_server(embedded()).await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest { service: "vaardig.v1.ConceptService".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);
    let overall =
        health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.unwrap().into_inner();
    assert_eq!(overall.status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);

    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    let mut reflection = ServerReflectionClient::new(server.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = reflection.server_reflection_info(tokio_stream::iter(vec![request])).await.unwrap().into_inner();
    let response = stream.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("no service list")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"vaardig.v1.ConceptService".to_string()), "{names:?}");
    assert!(names.contains(&"grpc.health.v1.Health".to_string()), "{names:?}");
}
