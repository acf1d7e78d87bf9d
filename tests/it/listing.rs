//! ListConcepts (and the paging of ListFundingSchemes and ListVersions): every concept of a kind
//! exactly once in id order over pages, filters, views, page tokens bound to the filters, and
//! `vaardig list` on the same RPC.

use std::process::Command;
use std::sync::Arc;

use tonic::Code;
use vaardig::engine::Engines;
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::funding_service_client::FundingServiceClient;

use crate::helpers::{embedded, esco, spawn_server};

/// The history test bundle (v2): live and deprecated skills, with and without a successor.
pub fn with_deprecated() -> Arc<Engines> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/history/v2");
    let (snapshot, _) = ontology::load(&[SourceSpec::Path(dir)]).unwrap();
    Arc::new(Engines::build(Arc::new(snapshot)))
}

#[tokio::test]
async fn pages_cover_every_esco_skill_once_in_id_order() {
    let engines = esco();
    let expected = engines.snapshot.stats().concepts[&vaardig::model::ConceptKind::Skill];
    let server = spawn_server(engines).await;
    let mut client = server.concepts().await;
    let mut request =
        pb::ListConceptsRequest { kind: pb::ConceptKind::Skill as i32, page_size: 1000, ..Default::default() };
    let mut ids: Vec<String> = Vec::new();
    loop {
        let page = client.list_concepts(request.clone()).await.unwrap().into_inner();
        assert_eq!(page.total_size as usize, expected);
        assert!(page.concepts.iter().all(|c| c.kind == pb::ConceptKind::Skill as i32));
        assert!(page.concepts.iter().all(|c| !c.preferred_label.is_empty() && c.labels.is_empty()), "BASIC view");
        ids.extend(page.concepts.into_iter().map(|c| c.id));
        if page.next_page_token.is_empty() {
            break;
        }
        request.page_token = page.next_page_token;
    }
    assert_eq!(ids.len(), expected);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "pages overlap or are out of order");
}

#[tokio::test]
async fn filters_views_and_tokens_bound_to_the_filters() {
    let server = spawn_server(esco()).await;
    let mut client = server.concepts().await;
    let nurses = pb::ListConceptsRequest {
        kind: pb::ConceptKind::Occupation as i32,
        isco_prefix: "22".into(),
        view: pb::ConceptView::Full as i32,
        page_size: 5,
        ..Default::default()
    };
    let page = client.list_concepts(nurses.clone()).await.unwrap().into_inner();
    assert!(page.total_size > 5, "{}", page.total_size);
    for concept in &page.concepts {
        let Some(pb::concept::Details::Occupation(o)) = &concept.details else { panic!("FULL view has details") };
        assert!(o.isco_code.starts_with("22"), "{}", o.isco_code);
        assert!(!concept.labels.is_empty());
    }
    let knowledge = pb::ListConceptsRequest { skill_type: "knowledge".into(), page_size: 1000, ..Default::default() };
    let page = client.list_concepts(knowledge).await.unwrap().into_inner();
    assert!(page.total_size > 2000, "{}", page.total_size);

    // A token of one filter used with another: INVALID_ARGUMENT naming page_token.
    let token = client.list_concepts(nurses.clone()).await.unwrap().into_inner().next_page_token;
    let other = pb::ListConceptsRequest { isco_prefix: "23".into(), page_token: token.clone(), ..nurses.clone() };
    let status = client.list_concepts(other).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("page_token"), "{}", status.message());
    let next = client.list_concepts(pb::ListConceptsRequest { page_token: token, ..nurses.clone() }).await;
    assert_eq!(next.unwrap().into_inner().concepts.len(), 5);

    for (request, field) in [
        (pb::ListConceptsRequest { page_token: "not a token".into(), ..Default::default() }, "page_token"),
        (pb::ListConceptsRequest { isco_prefix: "22x".into(), ..Default::default() }, "isco_prefix"),
        (pb::ListConceptsRequest { skill_type: "talent".into(), ..Default::default() }, "skill_type"),
        (pb::ListConceptsRequest { page_size: 1001, ..Default::default() }, "page_size"),
        (pb::ListConceptsRequest { view: 7, ..Default::default() }, "view"),
        (pb::ListConceptsRequest { status: 9, ..Default::default() }, "status"),
    ] {
        let status = client.list_concepts(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}");
        assert!(status.message().contains(field), "{field}: {}", status.message());
    }
}

#[tokio::test]
async fn status_and_source_filters() {
    let server = spawn_server(with_deprecated()).await;
    let mut client = server.concepts().await;
    let deprecated =
        pb::ListConceptsRequest { status: pb::ConceptStatusFilter::Deprecated as i32, ..Default::default() };
    let page = client.list_concepts(deprecated).await.unwrap().into_inner();
    let shown: Vec<(&str, &str)> = page
        .concepts
        .iter()
        .map(|c| {
            (
                c.id.trim_start_matches("https://id.vaardig.nl/"),
                c.replaced_by.trim_start_matches("https://id.vaardig.nl/"),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("skill/hist-drone-vliegen", "skill/hist-drone-besturen"),
            ("skill/hist-rpas-vergunning", ""),
            ("skill/hist-vliegplan-opstellen", "skill/hist-drone-vliegen"),
        ]
    );
    assert!(page.concepts.iter().all(|c| c.deprecated));
    let released = pb::ListConceptsRequest { status: pb::ConceptStatusFilter::Released as i32, ..Default::default() };
    let page = client.list_concepts(released).await.unwrap().into_inner();
    assert!(page.concepts.iter().all(|c| !c.deprecated) && !page.concepts.is_empty());
    let source = pb::ListConceptsRequest { source: "history-test".into(), ..Default::default() };
    assert_eq!(client.list_concepts(source).await.unwrap().into_inner().total_size, 7);
    let nowhere = pb::ListConceptsRequest { source: "ESCO".into(), ..Default::default() };
    assert_eq!(client.list_concepts(nowhere).await.unwrap().into_inner().total_size, 0);
}

#[tokio::test]
async fn funding_schemes_page_with_tokens_bound_to_the_date() {
    let server = spawn_server(embedded()).await;
    let mut client = FundingServiceClient::new(server.channel().await);
    let all = client.list_funding_schemes(pb::ListFundingSchemesRequest::default()).await.unwrap().into_inner();
    assert!(all.next_page_token.is_empty() && all.schemes.len() as i32 == all.total_size);
    let mut request = pb::ListFundingSchemesRequest { page_size: 2, ..Default::default() };
    let mut ids = Vec::new();
    loop {
        let page = client.list_funding_schemes(request.clone()).await.unwrap().into_inner();
        assert!(page.schemes.len() <= 2);
        ids.extend(page.schemes.into_iter().filter_map(|s| s.scheme).map(|c| c.id));
        if page.next_page_token.is_empty() {
            break;
        }
        request.page_token = page.next_page_token;
    }
    let expected: Vec<String> = all.schemes.into_iter().filter_map(|s| s.scheme).map(|c| c.id).collect();
    assert_eq!(ids, expected);
    let first = client
        .list_funding_schemes(pb::ListFundingSchemesRequest { page_size: 1, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let other_date = pb::ListFundingSchemesRequest {
        date: "2024-06-01".into(),
        page_token: first.next_page_token,
        ..Default::default()
    };
    let status = client.list_funding_schemes(other_date).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("page_token"), "{}", status.message());
}

#[test]
fn cli_lists_every_page_offline_and_refuses_a_bad_status() {
    let bin = env!("CARGO_BIN_EXE_vaardig");
    let index = tempfile::tempdir().unwrap();
    let output = Command::new(bin)
        .args(["list", "--ontology", "embedded", "--skill-type", "knowledge", "--page-size", "7", "--all"])
        .arg("--index-dir")
        .arg(index.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(String::from).collect();
    let snapshot = &*embedded().snapshot;
    let filter = vaardig::ontology::listing::ConceptFilter {
        skill_type: Some(vaardig::model::SkillType::Knowledge),
        ..Default::default()
    };
    let expected: Vec<String> =
        snapshot.list(&filter).iter().map(|i| vaardig::model::compact_id(&snapshot.concept(*i).id)).collect();
    let listed: Vec<String> = lines.iter().map(|l| l.split('\t').next().unwrap().to_string()).collect();
    assert_eq!(listed, expected);
    assert!(lines.iter().all(|l| l.contains("\tskill\t")), "{lines:?}");

    let output = Command::new(bin).args(["list", "--ontology", "embedded", "--status", "alive"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--status"));
}
