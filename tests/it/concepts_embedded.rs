//! The embedded default ontology: it exercises every concept kind, and it serves end to end.

use vaardig::model::{ConceptKind, CredentialKind, Details, RelationKind};
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1 as pb;

use crate::helpers::{embedded, esco_dir, spawn_server};

#[test]
fn covers_every_concept_kind_in_the_promised_amounts() {
    let engines = embedded();
    let snapshot = &*engines.snapshot;
    let stats = snapshot.stats();
    let count = |kind| stats.concepts[&kind];
    assert!(count(ConceptKind::Occupation) >= 30, "{}", count(ConceptKind::Occupation));
    assert!(count(ConceptKind::Skill) >= 300, "{}", count(ConceptKind::Skill));
    assert!(count(ConceptKind::Qualification) >= 20, "{}", count(ConceptKind::Qualification));
    assert!(count(ConceptKind::Credential) >= 15, "{}", count(ConceptKind::Credential));
    assert!(count(ConceptKind::Course) >= 80, "{}", count(ConceptKind::Course));
    assert!(count(ConceptKind::Provider) >= 5);
    assert!(count(ConceptKind::FundingScheme) >= 5);
    for kind in CredentialKind::ALL {
        let found = snapshot
            .concepts_of(ConceptKind::Credential)
            .any(|(_, c)| matches!(&c.details, Details::Credential(d) if d.credential_kind == *kind));
        assert!(found, "no credential of kind {kind}");
    }
    // Every skill has a Dutch label; every occupation requires skills.
    for (idx, skill) in snapshot.concepts_of(ConceptKind::Skill) {
        assert!(skill.labels.iter().any(|l| &*l.lang == "nl"), "{} has no Dutch label", skill.id);
        let _ = idx;
    }
    for (idx, occupation) in snapshot.concepts_of(ConceptKind::Occupation) {
        let requires = snapshot.relations(idx, ontology::Dir::Outgoing, Some(RelationKind::Requires));
        assert!(requires.len() >= 5, "{} requires only {} skills", occupation.id, requires.len());
    }
    // Shortage sectors are represented.
    for sector in ["zorg", "techniek", "ict", "bouw", "onderwijs", "logistiek"] {
        let found = snapshot.concepts_of(ConceptKind::Occupation).any(
            |(_, c)| matches!(&c.details, Details::Occupation(o) if o.sectors.iter().any(|s| s.as_str() == sector)),
        );
        assert!(found, "no occupation in sector {sector}");
    }
}

#[test]
fn stap_budget_carries_its_real_life_span_and_sources() {
    let engines = embedded();
    let snapshot = &*engines.snapshot;
    let stap = snapshot.get("https://id.vaardig.nl/scheme/stap-budget").expect("STAP-budget is in the default");
    let Details::FundingScheme(details) = &stap.details else { panic!("not a funding scheme") };
    assert_eq!(details.validity.to.map(|d| d.to_string()), Some("2024-01-01".to_string()));
    assert!(!details.sources.is_empty());
}

#[test]
fn layering_the_default_on_esco_enriches_esco_concepts() {
    let (snapshot, _) = ontology::load(&[SourceSpec::Path(esco_dir()), SourceSpec::Embedded]).unwrap();
    let esco_engines = crate::helpers::esco();
    let esco_only = &*esco_engines.snapshot;
    assert!(
        snapshot.stats().concepts[&ConceptKind::Occupation] >= esco_only.stats().concepts[&ConceptKind::Occupation]
    );
    // An ESCO occupation that the bundle marks as kansberoep keeps its ESCO labels and gains the flag.
    let enriched = snapshot
        .concepts_of(ConceptKind::Occupation)
        .find(|(_, c)| c.source == 0 && matches!(&c.details, Details::Occupation(o) if o.kansberoep))
        .expect("some ESCO occupation is enriched by the default bundle");
    assert!(enriched.1.labels.iter().any(|l| &*l.lang == "en"));
    assert_ne!(snapshot.version(), esco_only.version());
    assert_eq!(snapshot.sources().len(), 2);
}

#[tokio::test]
async fn a_course_shows_provider_price_and_register_membership() {
    let engines = embedded();
    let snapshot = &*engines.snapshot;
    let (idx, course) = snapshot
        .concepts_of(ConceptKind::Course)
        .find(|(_, c)| matches!(&c.details, Details::Course(d) if !d.registers.is_empty()))
        .expect("a course in a register");
    let Details::Course(details) = &course.details else { unreachable!() };
    let server = spawn_server(engines.clone()).await;
    let response = server
        .concepts()
        .await
        .get_concept(pb::GetConceptRequest { id: course.id.to_string(), lang: "nl".into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let Some(pb::concept::Details::Course(wire)) = response.concept.unwrap().details else {
        panic!("no course details")
    };
    assert_eq!(wire.price_cents as u64, details.price_cents);
    assert_eq!(wire.provider_id, &*details.provider);
    assert!(!wire.provider_label.is_empty());
    assert_eq!(wire.registers.len(), details.registers.len());
    let teaches = snapshot.relations(idx, ontology::Dir::Outgoing, Some(RelationKind::Teaches));
    assert!(!teaches.is_empty(), "a course teaches skills");
}

/// AIP-157 views: FULL by default (every label and description), BASIC without them but with the
/// preferred label and details; an unknown view is INVALID_ARGUMENT naming `view`.
#[tokio::test]
async fn the_basic_view_leaves_out_labels_and_descriptions() {
    let engines = embedded();
    let (_, course) = engines.snapshot.concepts_of(ConceptKind::Course).next().expect("a course");
    let (id, labels) = (course.id.to_string(), course.labels.len());
    let server = spawn_server(engines.clone()).await;
    let mut client = server.concepts().await;
    let get = |view: pb::ConceptView| pb::GetConceptRequest { id: id.clone(), view: view as i32, ..Default::default() };
    let full = client.get_concept(get(pb::ConceptView::Unspecified)).await.unwrap().into_inner().concept.unwrap();
    assert_eq!(full.labels.len(), labels);
    assert!(!full.descriptions.is_empty(), "{full:?}");
    assert_eq!(client.get_concept(get(pb::ConceptView::Full)).await.unwrap().into_inner().concept.unwrap(), full);
    let basic = client.get_concept(get(pb::ConceptView::Basic)).await.unwrap().into_inner().concept.unwrap();
    assert!(basic.labels.is_empty() && basic.descriptions.is_empty(), "{basic:?}");
    assert_eq!((&basic.id, &basic.preferred_label, &basic.details), (&full.id, &full.preferred_label, &full.details));

    let batch = pb::BatchGetConceptsRequest {
        ids: vec![id.clone(), id.clone()],
        view: pb::ConceptView::Basic as i32,
        ..Default::default()
    };
    let concepts = client.batch_get_concepts(batch).await.unwrap().into_inner().concepts;
    assert_eq!(concepts, vec![basic.clone(), basic]);

    let status = client.get_concept(pb::GetConceptRequest { id, view: 9, ..Default::default() }).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert_eq!(crate::errors::bad_fields(&status), ["view"]);
}
