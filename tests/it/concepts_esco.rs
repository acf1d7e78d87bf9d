//! The concept API on the full ESCO v1.1.1 export.

use vaardig::model::{ConceptKind, RelationKind};
use vaardig::proto::v1 as pb;

use crate::helpers::{esco, esco_report, spawn_server};

const FORKLIFT_OPERATOR: &str = "http://data.europa.eu/esco/occupation/eeac6251-1974-42f5-91ed-513c6c883755";

#[test]
fn loads_every_concept_and_relation_of_the_export() {
    let engines = esco();
    let snapshot = &*engines.snapshot;
    let report = esco_report();
    let stats = snapshot.stats();
    assert_eq!(stats.concepts[&ConceptKind::Occupation], 3007);
    assert_eq!(stats.concepts[&ConceptKind::Skill], 13_896);
    assert_eq!(stats.concepts[&ConceptKind::IscoGroup], 619);
    assert_eq!(stats.concepts[&ConceptKind::SkillGroup], 640);
    // 123,855 occupation–skill relations, of which 67 name an occupation the export lacks.
    assert_eq!(stats.relations[&RelationKind::Requires], 123_855 - 67);
    assert_eq!(stats.relations[&RelationKind::Related], 5899);
    // Both broader hierarchies: 20,656 skill-pillar + 3,617 occupation-pillar rows, minus the
    // 7 + 1 that name concepts missing from the export.
    assert_eq!(stats.relations[&RelationKind::Broader], 20_656 - 7 + 3617 - 1);
    let missing = report.warning("esco.occupationSkillRelations.unknown_concept").expect("quirk is reported");
    assert_eq!(missing.count, 67);
    assert!(missing.examples[0].contains("a9e54177-a185-404d-b6e6-15663d31137e"));
    assert!(!report.has_errors());
}

#[test]
fn dutch_labels_are_merged_by_uri() {
    let engines = esco();
    let snapshot = &*engines.snapshot;
    let forklift = snapshot.get(FORKLIFT_OPERATOR).unwrap();
    assert_eq!(forklift.pref_label("nl"), "heftruckchauffeur");
    assert_eq!(forklift.pref_label("en"), "forklift operator");
    // Dutch skill labels from the collections and the derived table.
    let with_nl =
        snapshot.concepts_of(ConceptKind::Skill).filter(|(_, c)| c.labels.iter().any(|l| &*l.lang == "nl")).count();
    assert_eq!(with_nl, 6939, "every skill with a Dutch label in derived/ has one");
}

#[test]
fn the_display_label_table_answers_as_the_labels_do() {
    // `Snapshot::pref_label` reads a table for nl and en; every concept and language must get the
    // label `Concept::pref_label` finds by scanning, the fallbacks (and the id) included.
    let engines = esco();
    let snapshot = &*engines.snapshot;
    let mut without_dutch = 0;
    for (idx, concept) in snapshot.concepts() {
        for lang in ["nl", "en", "en-gb", "de"] {
            assert_eq!(snapshot.pref_label(idx, lang), concept.pref_label(lang), "{} {lang}", concept.id);
        }
        without_dutch += usize::from(!concept.labels.iter().any(|l| &*l.lang == "nl"));
    }
    assert!(without_dutch > 0, "the fallback to English is exercised");
}

#[tokio::test]
async fn known_occupation_lists_its_essential_skills_through_the_api() {
    let server = spawn_server(esco()).await;
    let mut client = server.concepts().await;
    let concept = client
        .get_concept(pb::GetConceptRequest {
            id: "esco:occupation/eeac6251-1974-42f5-91ed-513c6c883755".into(),
            lang: "nl".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(concept.snapshot_version, esco().snapshot.version());
    let c = concept.concept.unwrap();
    assert_eq!(c.id, FORKLIFT_OPERATOR);
    assert_eq!(c.preferred_label, "heftruckchauffeur");
    match c.details {
        Some(pb::concept::Details::Occupation(o)) => assert_eq!(o.isco_code, "8344"),
        other => panic!("expected occupation details, got {other:?}"),
    }

    let page = client
        .list_relations(pb::ListRelationsRequest {
            id: FORKLIFT_OPERATOR.into(),
            kind: pb::RelationKind::Requires as i32,
            lang: "en".into(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let essential: Vec<String> = page
        .relations
        .iter()
        .filter(|r| r.importance == "essential")
        .map(|r| r.concept.clone().unwrap().label)
        .collect();
    assert_eq!(essential.len(), 31);
    assert_eq!(page.total_size, 39);
    assert!(essential.contains(&"operate forklift".to_string()), "{essential:?}");
    assert!(page.next_page_token.is_empty());
}

#[tokio::test]
async fn relations_paginate_without_gaps_or_repeats() {
    let server = spawn_server(esco()).await;
    let mut client = server.concepts().await;
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_relations(pb::ListRelationsRequest {
                id: FORKLIFT_OPERATOR.into(),
                kind: pb::RelationKind::Requires as i32,
                page_size: 10,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.relations.len() <= 10);
        seen.extend(page.relations.into_iter().map(|r| r.concept.unwrap().id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(seen.len(), 39);
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 39);
}

#[tokio::test]
async fn hierarchy_walks_up_the_isco_tree_and_down_again() {
    let server = spawn_server(esco()).await;
    let mut client = server.concepts().await;
    let up = client
        .get_hierarchy(pb::GetHierarchyRequest { id: FORKLIFT_OPERATOR.into(), depth: 10, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let chain: Vec<(String, u32)> = up.ancestors.iter().map(|a| (a.concept.clone().unwrap().id, a.depth)).collect();
    let isco = |code: &str| format!("http://data.europa.eu/esco/isco/C{code}");
    assert_eq!(chain, vec![(isco("8344"), 1), (isco("834"), 2), (isco("83"), 3), (isco("8"), 4)]);

    let down = client
        .get_hierarchy(pb::GetHierarchyRequest { id: "esco:isco/C8344".into(), depth: 1, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert!(down.descendants.iter().any(|d| d.concept.clone().unwrap().id == FORKLIFT_OPERATOR));
    assert!(down.descendants.iter().all(|d| d.depth == 1 && d.via_id == isco("8344")));

    let incoming = client
        .list_relations(pb::ListRelationsRequest {
            id: "esco:isco/C8344".into(),
            kind: pb::RelationKind::Broader as i32,
            direction: pb::Direction::Incoming as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(incoming.total_size as usize, down.descendants.len());
}

#[tokio::test]
async fn stats_report_the_exact_counts_and_the_attribution() {
    let server = spawn_server(esco()).await;
    let stats = server.concepts().await.get_stats(pb::GetStatsRequest {}).await.unwrap().into_inner();
    assert_eq!(stats.concept_counts["occupation"], 3007);
    assert_eq!(stats.concept_counts["skill"], 13_896);
    assert_eq!(stats.concept_counts["isco_group"], 619);
    assert_eq!(stats.concept_counts["skill_group"], 640);
    assert_eq!(stats.concept_counts["course"], 0);
    assert_eq!(stats.relation_counts["requires"], 123_788);
    assert_eq!(stats.sources.len(), 1);
    assert!(stats.sources[0].attribution.contains("ESCO classification of the European Commission"));
}
