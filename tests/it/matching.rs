//! MatchingService end to end: exact explanations, partial credit through the graph, the
//! properties of coverage, bad input, candidate streams and the CLI — on the embedded default and
//! on full ESCO.

use std::process::Command;

use tonic::Code;
use tonic_types::StatusExt;
use vaardig::matching::{self, Basis, Credits, EvidenceLevel, Held, MatchingIndex, Profile, Scored};
use vaardig::model::{ConceptKind, Importance, expand_id};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::matching_service_client::MatchingServiceClient;

use crate::helpers::{TestServer, embedded, esco, spawn_server, spawn_server_thread};

const LASSER: &str = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";
const VERZORGENDE_IG: &str = "esco:occupation/87d0795a-d41f-47ee-979f-0ab7d73836e7";
const STEWARD: &str = "esco:occupation/58ff0ec2-08ba-4b21-b765-babb6d76ca36";
const FLIGHT_ATTENDANT: &str = "esco:occupation/f20d3ae6-baeb-482c-b68d-c2fb115e5dde";
const MIG_LASSEN: &str = "esco:skill/f015c5d5-6a1c-4f63-9012-a05f4f34105e";
const MIG_MAG_LASSEN: &str = "vaardig:skill/mig-mag-lassen";
const LASSEN: &str = "esco:skill/2ee57de4-bffd-4194-b009-0060edec77cc";
const VEILIG_WERKEN: &str = "esco:skill/dcc96a49-0bac-4a9c-8f8e-a32b4e47e6eb";
const PBM_GEBRUIKEN: &str = "esco:skill/51754b8a-3e2c-4cc1-86e6-cf510d9c6fe4";
const KENNIS_LASPROCESSEN: &str = "esco:skill/530cb489-d900-46ab-9350-4d50ccd49eea";
const LASNADEN_CONTROLEREN: &str = "esco:skill/34016949-da9c-4107-98e3-1080ae405e27";
const TIG_LASSEN: &str = "esco:skill/a51adea8-bf02-488a-a0d8-b0961caca5b0";
const DIPLOMA_VIG: &str = "vaardig:credential/diploma-verzorgende-ig";

async fn client(server: &TestServer) -> MatchingServiceClient<tonic::transport::Channel> {
    MatchingServiceClient::new(server.channel().await)
}

fn claim(id: &str, evidence: pb::EvidenceLevel) -> pb::SkillClaim {
    pb::SkillClaim { skill_id: id.to_string(), evidence: evidence as i32, proficiency: None }
}

fn profile(claims: Vec<pb::SkillClaim>) -> pb::Profile {
    pb::Profile { skills: claims, ..Default::default() }
}

fn gap_request(occupation: &str, profile: pb::Profile) -> pb::ComputeSkillGapRequest {
    // FULL: these tests read the reasons.
    pb::ComputeSkillGapRequest {
        profile: Some(profile),
        occupation_id: occupation.to_string(),
        view: pb::ExplanationView::Full as i32,
        ..Default::default()
    }
}

/// The fields named in a status's google.rpc.BadRequest detail.
fn bad_fields(status: &tonic::Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// Σ contribution / Σ weight, summed in the order given.
fn recompute<'a>(rows: impl Iterator<Item = &'a pb::RequirementCoverage>) -> f64 {
    let (mut matched, mut total) = (0.0f64, 0.0f64);
    for row in rows {
        assert_eq!(row.contribution.to_bits(), (row.weight * row.credit).to_bits(), "contribution = weight × credit");
        assert_eq!(row.credit.to_bits(), (row.match_factor * row.held_weight).to_bits(), "credit = factor × held");
        matched += row.contribution;
        total += row.weight;
    }
    if total > 0.0 { matched / total } else { 0.0 }
}

fn row<'a>(rows: &'a [pb::RequirementCoverage], skill: &str) -> &'a pb::RequirementCoverage {
    let id = expand_id(skill);
    rows.iter().find(|r| r.skill.as_ref().is_some_and(|s| s.id == id)).unwrap_or_else(|| panic!("no row for {skill}"))
}

/// A welder's profile: a narrower skill of two requirements, one self-declared, one ungraded.
fn welder() -> pb::Profile {
    profile(vec![
        claim(MIG_LASSEN, pb::EvidenceLevel::Experience),
        claim(VEILIG_WERKEN, pb::EvidenceLevel::SelfDeclared),
        claim(KENNIS_LASPROCESSEN, pb::EvidenceLevel::Unspecified),
    ])
}

#[tokio::test]
async fn skill_gap_explains_every_requirement_and_the_score_recomputes_exactly() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;
    let person = welder();
    let gap = client.compute_skill_gap(gap_request(LASSER, person)).await.unwrap().into_inner();
    let totals = gap.totals.unwrap();

    // A narrower skill covers its broader requirement, two levels up too.
    for skill in [MIG_MAG_LASSEN, LASSEN] {
        let r = row(&gap.covered, skill);
        assert_eq!(r.match_kind, pb::MatchKind::Narrower as i32, "{skill}");
        assert_eq!(r.via_skill.as_ref().unwrap().id, expand_id(MIG_LASSEN));
        assert_eq!(r.evidence, pb::EvidenceLevel::Experience as i32);
        assert_eq!(r.credit, 0.875 * 0.75);
        assert!(r.reason.starts_with("via smallere vaardigheid"), "{}", r.reason);
    }
    let exact = row(&gap.covered, VEILIG_WERKEN);
    assert_eq!((exact.match_kind, exact.credit), (pb::MatchKind::Exact as i32, 0.625));
    assert_eq!(exact.reason, "exact (zelf opgegeven)");
    // A broader skill partly covers a narrower requirement; a related skill partly covers.
    let broader = row(&gap.partly_covered, PBM_GEBRUIKEN);
    assert_eq!((broader.match_kind, broader.credit), (pb::MatchKind::Broader as i32, 0.5 * 0.625));
    let related = row(&gap.partly_covered, LASNADEN_CONTROLEREN);
    assert_eq!((related.match_kind, related.credit), (pb::MatchKind::Related as i32, 0.5));
    assert!(related.reason.contains("verwante vaardigheid"), "{}", related.reason);
    let missing = row(&gap.missing, TIG_LASSEN);
    assert_eq!((missing.credit, missing.contribution, missing.reason.as_str()), (0.0, 0.0, "ontbreekt"));

    // Missing skills: essential first, then the heaviest (most specific) first.
    let order: Vec<(i32, f64)> = gap.missing.iter().map(|r| (r.importance, -r.weight)).collect();
    let mut sorted = order.clone();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    assert_eq!(order, sorted);

    // The score is exactly Σ contribution / Σ weight, in any order of summation.
    let all: Vec<&pb::RequirementCoverage> =
        gap.covered.iter().chain(&gap.partly_covered).chain(&gap.missing).collect();
    assert_eq!(all.len(), 14);
    assert_eq!(recompute(all.iter().copied()).to_bits(), totals.score.to_bits());
    assert_eq!(recompute(all.iter().rev().copied()).to_bits(), totals.score.to_bits());
    let essential = all.iter().copied().filter(|r| r.importance == pb::Importance::Essential as i32);
    assert_eq!(recompute(essential).to_bits(), totals.essential_coverage.to_bits());
    assert_eq!(totals.matched_weight / totals.total_weight, totals.score);
    assert!((all.iter().map(|r| r.weight).sum::<f64>() - 1.0).abs() < 1e-3, "weights are shares of the occupation");
    assert_eq!((totals.essential_count, totals.essential_covered, totals.essential_partly_covered), (7, 3, 2));
}

#[tokio::test]
async fn credentials_count_as_evidence_and_english_reasons_work() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;
    let person = pb::Profile { credential_ids: vec![DIPLOMA_VIG.to_string()], ..Default::default() };
    let mut request = gap_request(VERZORGENDE_IG, person);
    request.lang = "en".into();
    let gap = client.compute_skill_gap(request).await.unwrap().into_inner();
    assert!(!gap.covered.is_empty());
    for r in &gap.covered {
        assert_eq!(r.evidence, pb::EvidenceLevel::Diploma as i32);
        assert_eq!(r.via_credential_id, expand_id(DIPLOMA_VIG));
        assert!(r.reason.contains("certified by"), "{}", r.reason);
    }
    assert!(gap.totals.unwrap().essential_coverage > 0.5);
}

#[tokio::test]
async fn an_empty_profile_is_a_valid_answer_with_zero_coverage() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;
    let gap = client.compute_skill_gap(gap_request(LASSER, pb::Profile::default())).await.unwrap().into_inner();
    let totals = gap.totals.unwrap();
    assert_eq!((totals.score, totals.essential_coverage), (0.0, 0.0));
    assert!(gap.covered.is_empty() && gap.partly_covered.is_empty());
    assert_eq!(gap.missing.len(), 14);

    let matched = client
        .match_occupations(pb::MatchOccupationsRequest { page_size: 100, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(matched.total_size, 40);
    assert!(matched.results.iter().all(|r| r.totals.as_ref().unwrap().score == 0.0));
}

#[tokio::test]
async fn bad_profiles_are_invalid_argument_naming_the_field() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;

    let person = profile(vec![
        claim(LASSEN, pb::EvidenceLevel::Assessed),
        claim("vaardig:skill/onbekend", pb::EvidenceLevel::Unspecified),
    ]);
    let status = client.compute_skill_gap(gap_request(LASSER, person)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("vaardig:skill/onbekend"), "{}", status.message());
    assert_eq!(bad_fields(&status), vec!["profile.skills[1].skill_id"]);

    let too_many = profile((0..2001).map(|_| claim(LASSEN, pb::EvidenceLevel::Unspecified)).collect());
    let status = client
        .match_occupations(pb::MatchOccupationsRequest { profile: Some(too_many), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["profile.skills"]);
    let at_limit = profile((0..2000).map(|_| claim(LASSEN, pb::EvidenceLevel::Unspecified)).collect());
    client.compute_skill_gap(gap_request(LASSER, at_limit)).await.unwrap();

    // A concept of another kind, a bad evidence value, a bad proficiency, a bad region.
    let mut person = profile(vec![claim(LASSER, pb::EvidenceLevel::Unspecified)]);
    person.skills.push(pb::SkillClaim { skill_id: LASSEN.into(), evidence: 42, proficiency: Some(9) });
    person.region = "Atlantis".into();
    person.credential_ids = vec![LASSEN.into()];
    let status = client.compute_skill_gap(gap_request(LASSER, person)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["profile.skills[1].evidence"]);
    let mut person = profile(vec![claim(LASSER, pb::EvidenceLevel::Unspecified)]);
    person.skills.push(pb::SkillClaim { skill_id: LASSEN.into(), evidence: 0, proficiency: Some(9) });
    person.region = "Atlantis".into();
    person.credential_ids = vec![LASSEN.into()];
    let status = client.compute_skill_gap(gap_request(LASSER, person)).await.unwrap_err();
    assert_eq!(
        bad_fields(&status),
        vec![
            "profile.skills[0].skill_id",
            "profile.skills[1].proficiency",
            "profile.credential_ids[0]",
            "profile.region"
        ]
    );

    // The subject occupation: unknown is NOT_FOUND, another kind is INVALID_ARGUMENT.
    let status =
        client.compute_skill_gap(gap_request("vaardig:occupation/geen", pb::Profile::default())).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().contains("https://id.vaardig.nl/occupation/geen"));
    let status = client.compute_skill_gap(gap_request(LASSEN, pb::Profile::default())).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["occupation_id"]);

    let status = client
        .match_occupations(pb::MatchOccupationsRequest {
            filter: Some(pb::OccupationFilter { isco_prefix: "7x".into(), kansberoep_only: false, min_score: 2.0 }),
            page_size: -1,
            explain_limit: 99,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&status), vec!["filter.isco_prefix", "filter.min_score", "page_size", "explain_limit"]);
    let status = client
        .related_occupations(pb::RelatedOccupationsRequest {
            occupation_id: LASSER.into(),
            limit: 101,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&status), vec!["limit"]);
}

/// A row with its words and what earned the credit left out, as the BASIC view sends it.
fn basic_row(row: &pb::RequirementCoverage) -> pb::RequirementCoverage {
    pb::RequirementCoverage { reason: String::new(), via_skill: None, via_credential_id: String::new(), ..row.clone() }
}

#[tokio::test]
async fn the_basic_view_is_the_default_and_leaves_out_only_the_words() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;
    let person = welder();
    let mut with_diploma = person.clone();
    with_diploma.credential_ids.push(DIPLOMA_VIG.to_string());
    for (occupation, person) in [(LASSER, person), (VERZORGENDE_IG, with_diploma)] {
        let full = client.compute_skill_gap(gap_request(occupation, person.clone())).await.unwrap().into_inner();
        let mut request = gap_request(occupation, person.clone());
        request.view = pb::ExplanationView::Unspecified as i32;
        let default = client.compute_skill_gap(request.clone()).await.unwrap().into_inner();
        request.view = pb::ExplanationView::Basic as i32;
        let basic = client.compute_skill_gap(request).await.unwrap().into_inner();
        assert_eq!(default, basic, "BASIC is the default");
        // FULL has the words and what earned each credit; BASIC the same rows, numbers and order.
        let rows = |g: &pb::ComputeSkillGapResponse| {
            g.covered.iter().chain(&g.partly_covered).chain(&g.missing).cloned().collect::<Vec<_>>()
        };
        assert!(rows(&full).iter().all(|r| !r.reason.is_empty()), "{occupation}");
        assert!(full.covered.iter().all(|r| r.via_skill.is_some()), "{occupation}");
        assert!(
            rows(&basic).iter().all(|r| r.reason.is_empty() && r.via_skill.is_none() && r.via_credential_id.is_empty())
        );
        assert_eq!(rows(&basic), rows(&full).iter().map(basic_row).collect::<Vec<_>>(), "{occupation}");
        assert_eq!((&basic.totals, &basic.occupation), (&full.totals, &full.occupation));
        assert_eq!(recompute(rows(&basic).iter()), basic.totals.as_ref().unwrap().score, "scores recompute from BASIC");
    }
    // The certifying credential is part of the words: FULL only.
    let mut diploma =
        gap_request(VERZORGENDE_IG, pb::Profile { credential_ids: vec![DIPLOMA_VIG.into()], ..Default::default() });
    let full = client.compute_skill_gap(diploma.clone()).await.unwrap().into_inner();
    assert!(full.covered.iter().any(|r| r.via_credential_id == expand_id(DIPLOMA_VIG)));
    diploma.view = pb::ExplanationView::Basic as i32;
    let basic = client.compute_skill_gap(diploma).await.unwrap().into_inner();
    assert!(!basic.covered.is_empty() && basic.covered.iter().all(|r| r.via_credential_id.is_empty()));

    // Transitions: the same results and numbers; the ranking's and the rows' words only in FULL.
    let related = |view: pb::ExplanationView| pb::RelatedOccupationsRequest {
        occupation_id: LASSER.into(),
        view: view as i32,
        ..Default::default()
    };
    let full = client.related_occupations(related(pb::ExplanationView::Full)).await.unwrap().into_inner();
    let basic = client.related_occupations(related(pb::ExplanationView::Unspecified)).await.unwrap().into_inner();
    assert!(!full.results.is_empty());
    assert_eq!(full.results.len(), basic.results.len());
    for (f, b) in full.results.iter().zip(&basic.results) {
        let (fr, br) = (f.ranking.as_ref().unwrap(), b.ranking.as_ref().unwrap());
        assert!(!fr.reasons.is_empty() && br.reasons.is_empty());
        assert!(br.shared_words.is_empty());
        assert_eq!(pb::TransitionRanking { reasons: Vec::new(), shared_words: Vec::new(), ..fr.clone() }, *br);
        let (ft, bt) = (f.target.as_ref().unwrap(), b.target.as_ref().unwrap());
        assert_eq!((&ft.occupation, &ft.totals), (&bt.occupation, &bt.totals));
        assert!(ft.top_contributions.iter().chain(&ft.top_missing).all(|r| !r.reason.is_empty()));
        assert_eq!(bt.top_contributions, ft.top_contributions.iter().map(basic_row).collect::<Vec<_>>());
        assert_eq!(bt.top_missing, ft.top_missing.iter().map(basic_row).collect::<Vec<_>>());
    }

    // Matching: the same page, the listed rows without words by default.
    let matches = |view: pb::ExplanationView| pb::MatchOccupationsRequest {
        profile: Some(profile(vec![claim(MIG_LASSEN, pb::EvidenceLevel::Experience)])),
        view: view as i32,
        ..Default::default()
    };
    let full = client.match_occupations(matches(pb::ExplanationView::Full)).await.unwrap().into_inner();
    let basic = client.match_occupations(matches(pb::ExplanationView::Unspecified)).await.unwrap().into_inner();
    assert!(full.results.iter().any(|r| !r.top_contributions.is_empty()));
    for (f, b) in full.results.iter().zip(&basic.results) {
        assert_eq!(b.top_contributions, f.top_contributions.iter().map(basic_row).collect::<Vec<_>>());
        assert!(f.top_contributions.iter().all(|r| !r.reason.is_empty()));
    }
    assert_eq!(full.results.len(), basic.results.len());
}

#[tokio::test]
async fn an_unknown_view_is_invalid_argument_naming_the_field() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;
    let mut gap = gap_request(LASSER, pb::Profile::default());
    gap.view = 7;
    let status = client.compute_skill_gap(gap).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["view"]);
    assert!(status.message().contains("EXPLANATION_VIEW_FULL"), "{}", status.message());
    let status = client
        .related_occupations(pb::RelatedOccupationsRequest {
            occupation_id: LASSER.into(),
            view: -1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!((status.code(), bad_fields(&status)), (Code::InvalidArgument, vec!["view".to_string()]));
    let status =
        client.match_occupations(pb::MatchOccupationsRequest { view: 3, ..Default::default() }).await.unwrap_err();
    assert_eq!((status.code(), bad_fields(&status)), (Code::InvalidArgument, vec!["view".to_string()]));
}

#[tokio::test]
async fn match_occupations_ranks_filters_and_pages() {
    let engines = embedded();
    let server = spawn_server(engines.clone()).await;
    let mut client = client(&server).await;
    let index = &engines.matching;
    let lasser = index.occupation_slot(index.snapshot().lookup(&expand_id(LASSER)).unwrap()).unwrap();
    let essentials: Vec<pb::SkillClaim> = index.occupations()[lasser]
        .requirements
        .iter()
        .filter(|r| r.importance == Importance::Essential)
        .map(|r| claim(&index.snapshot().concept(r.skill).id, pb::EvidenceLevel::Unspecified))
        .collect();
    let request = |page_size: i32, page_token: String, filter: pb::OccupationFilter| pb::MatchOccupationsRequest {
        profile: Some(profile(essentials.clone())),
        filter: Some(filter),
        page_size,
        page_token,
        explain_limit: 3,
        lang: String::new(),
        include_deprecated: false,
        view: pb::ExplanationView::Unspecified as i32,
    };
    let all = client.match_occupations(request(40, String::new(), Default::default())).await.unwrap().into_inner();
    let best = &all.results[0];
    assert_eq!(best.occupation.as_ref().unwrap().id, expand_id(LASSER));
    let totals = best.totals.as_ref().unwrap();
    assert_eq!(totals.essential_coverage, 1.0);
    assert!(totals.score >= 0.8);
    assert_eq!(totals.score, totals.matched_weight / totals.total_weight);
    assert!(best.top_contributions.len() <= 3 && best.top_missing.len() <= 3);
    let scores: Vec<f64> = all.results.iter().map(|r| r.totals.as_ref().unwrap().score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");

    // Every match score equals the skill gap's coverage of the same occupation, bit for bit.
    for result in &all.results {
        let id = result.occupation.as_ref().unwrap().id.clone();
        let gap = client.compute_skill_gap(gap_request(&id, profile(essentials.clone()))).await.unwrap().into_inner();
        assert_eq!(gap.totals.unwrap().score.to_bits(), result.totals.as_ref().unwrap().score.to_bits(), "{id}");
    }

    // Pages join up to the whole list.
    let first = client.match_occupations(request(5, String::new(), Default::default())).await.unwrap().into_inner();
    let second = client
        .match_occupations(request(5, first.next_page_token.clone(), Default::default()))
        .await
        .unwrap()
        .into_inner();
    let ids = |results: &[pb::OccupationMatch]| -> Vec<String> {
        results.iter().map(|r| r.occupation.as_ref().unwrap().id.clone()).collect()
    };
    assert_eq!([ids(&first.results), ids(&second.results)].concat(), ids(&all.results[..10]));
    assert_eq!(first.total_size, 40);

    // Filters: ISCO prefix, kansberoep, minimum score.
    let filter = pb::OccupationFilter { isco_prefix: "72".into(), kansberoep_only: true, min_score: 0.05 };
    let filtered = client.match_occupations(request(40, String::new(), filter)).await.unwrap().into_inner();
    assert!(!filtered.results.is_empty());
    for r in &filtered.results {
        assert!(r.isco_code.starts_with("72") && r.kansberoep && r.totals.as_ref().unwrap().score >= 0.05);
    }
    assert_eq!(filtered.total_size as usize, filtered.results.len());
}

#[tokio::test]
async fn cabin_crew_moves_into_care_work_across_isco_major_groups() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;
    let related = client
        .related_occupations(pb::RelatedOccupationsRequest { occupation_id: STEWARD.into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(related.results.len(), 10, "10 results unless the limit says otherwise");
    assert!(
        related
            .results
            .iter()
            .all(|t| t.target.as_ref().unwrap().occupation.as_ref().unwrap().id != expand_id(STEWARD))
    );
    let isco: Vec<String> = related.results.iter().map(|t| t.target.as_ref().unwrap().isco_code.clone()).collect();
    // Care work (5321 helpende / verzorgende IG, 3412 maatschappelijke zorg, 2221 verpleegkundige, …)
    assert!(isco[..5].iter().any(|c| c == "5321"), "{isco:?}");
    assert!(isco.iter().any(|c| !c.starts_with('5')), "a transition into another major group: {isco:?}");
    for t in &related.results {
        let target = t.target.as_ref().unwrap();
        let totals = target.totals.as_ref().unwrap();
        assert_eq!(totals.score, totals.matched_weight / totals.total_weight);
        assert_eq!(t.same_major_group, target.isco_code.starts_with('5'));
        assert_eq!(t.missing_essential, totals.essential_missing);
        assert!(t.missing >= t.missing_essential);
        assert!(totals.score > 0.0);
    }
    let switches = client
        .related_occupations(pb::RelatedOccupationsRequest {
            occupation_id: STEWARD.into(),
            other_major_group_only: true,
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(switches.results.len(), 5);
    assert!(switches.results.iter().all(|t| !t.same_major_group));
    assert!(
        switches
            .results
            .iter()
            .any(|t| ["3412", "2221", "3222"].contains(&t.target.as_ref().unwrap().isco_code.as_str())),
        "care work among the career switches"
    );
}

#[tokio::test]
async fn flight_attendant_transitions_on_full_esco_cross_major_groups() {
    let server = spawn_server(esco()).await;
    let mut client = client(&server).await;
    let related = client
        .related_occupations(pb::RelatedOccupationsRequest {
            occupation_id: FLIGHT_ATTENDANT.into(),
            lang: "en".into(),
            view: pb::ExplanationView::Full as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let labels: Vec<String> =
        related.results.iter().map(|t| t.target.as_ref().unwrap().occupation.as_ref().unwrap().label.clone()).collect();
    assert!(labels[..3].contains(&"cabin crew manager".to_string()), "{labels:?}");
    // The ranking follows what experts relate (the same field and level, issue 12): the first ten
    // are passenger and hospitality service work; career switches into other major groups are
    // asked for with `other_major_group_only` (below).
    let same_group = related.results.iter().filter(|t| t.same_major_group).count();
    assert!(same_group >= 8, "service work first: {labels:?}");
    assert!(related.results.iter().all(|t| t.ranking.as_ref().is_some_and(|r| !r.reasons.is_empty())));
    // How alike the two are described is evidence too, with the words that make them alike.
    let manager = related
        .results
        .iter()
        .find(|t| t.target.as_ref().unwrap().occupation.as_ref().unwrap().label == "cabin crew manager")
        .and_then(|t| t.ranking.clone())
        .unwrap();
    assert!(manager.description_similarity > 0.1 && manager.description_similarity <= 1.0, "{manager:?}");
    assert!(manager.shared_words.iter().any(|w| w == "cabin" || w == "crew"), "{manager:?}");
    assert!(manager.reasons.iter().any(|r| r.starts_with("description alike for")), "{manager:?}");
    // The transition into care work that ESCO's skills support: first aid and stress in emergency care.
    let switches = client
        .related_occupations(pb::RelatedOccupationsRequest {
            occupation_id: FLIGHT_ATTENDANT.into(),
            other_major_group_only: true,
            limit: 100,
            filter: Some(pb::OccupationFilter { isco_prefix: "32".into(), ..Default::default() }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!switches.results.is_empty(), "health associate professionals are reachable from cabin crew");
}

/// SplitMix64, so that every run checks the same random profiles.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random profile: part of a random occupation's requirements plus random skills, mixed evidence.
fn random_held(index: &MatchingIndex, skills: &[vaardig::ontology::ConceptIdx], rng: &mut Rng) -> Vec<Held> {
    let occupations = index.occupations();
    let origin = &occupations[rng.below(occupations.len())];
    let mut held = Vec::new();
    for r in &origin.requirements {
        if rng.below(3) > 0 {
            held.push(Held { skill: r.skill, basis: Basis::Claim(EvidenceLevel::ALL[rng.below(7)]) });
        }
    }
    for _ in 0..rng.below(6) {
        held.push(Held {
            skill: skills[rng.below(skills.len())],
            basis: Basis::Claim(EvidenceLevel::ALL[rng.below(7)]),
        });
    }
    held
}

fn skills_of(index: &MatchingIndex) -> Vec<vaardig::ontology::ConceptIdx> {
    index.snapshot().concepts_of(ConceptKind::Skill).map(|(idx, _)| idx).collect()
}

fn all_scores(index: &MatchingIndex, held: &[Held]) -> Vec<Scored> {
    matching::score_all(index, &Credits::expand(index, held))
}

#[test]
fn property_adding_a_skill_or_evidence_never_lowers_coverage() {
    for (engines, rounds) in [(embedded(), 200), (esco(), 120)] {
        let index = &engines.matching;
        let skills = skills_of(index);
        let mut rng = Rng(2024);
        for _ in 0..rounds {
            let held = random_held(index, &skills, &mut rng);
            let before = all_scores(index, &held);
            let mut more = held.clone();
            more.push(Held {
                skill: skills[rng.below(skills.len())],
                basis: Basis::Claim(EvidenceLevel::ALL[rng.below(7)]),
            });
            let mut stronger = held.clone();
            if let Some(first) = stronger.first_mut() {
                first.basis = Basis::Claim(EvidenceLevel::Diploma);
            }
            for after in [all_scores(index, &more), all_scores(index, &stronger)] {
                for (b, a) in before.iter().zip(&after) {
                    assert!(a.score >= b.score, "coverage fell from {} to {}", b.score, a.score);
                    assert!(a.essential_coverage >= b.essential_coverage);
                }
            }
        }
    }
}

#[test]
fn property_scores_are_exactly_their_explanations() {
    for engines in [embedded(), esco()] {
        let index = &engines.matching;
        let skills = skills_of(index);
        let mut rng = Rng(7);
        for _ in 0..100 {
            let held = random_held(index, &skills, &mut rng);
            let scores = all_scores(index, &held);
            let profile = Profile::of(held);
            for _ in 0..10 {
                let slot = rng.below(scores.len());
                let evaluation = matching::compute_gap(index, &profile, index.occupations()[slot].concept).unwrap();
                assert_eq!(evaluation.coverage().to_bits(), scores[slot].score.to_bits());
                let reversed: f64 = evaluation.outcomes.iter().rev().map(|o| o.contribution).sum();
                let total: f64 = evaluation.outcomes.iter().rev().map(|o| o.requirement.weight).sum();
                assert_eq!((reversed / total.max(f64::MIN_POSITIVE)).to_bits(), evaluation.coverage().to_bits());
                assert!((0.0..=1.0).contains(&evaluation.coverage()));
            }
        }
    }
}

/// Holding exactly an occupation's essential skills covers 100% of its essentials and ranks the
/// occupation at or near the top of MatchOccupations. Checked for every occupation.
#[test]
fn property_exactly_the_essentials_cover_them_all_and_rank_near_the_top() {
    for (engines, name) in [(embedded(), "embedded"), (esco(), "esco")] {
        let index = &engines.matching;
        let mut ranks = Vec::new();
        for (slot, entry) in index.occupations().iter().enumerate() {
            let held: Vec<Held> = entry
                .requirements
                .iter()
                .filter(|r| r.importance == Importance::Essential)
                .map(|r| Held { skill: r.skill, basis: Basis::Claim(EvidenceLevel::Ungraded) })
                .collect();
            if held.is_empty() {
                continue;
            }
            let scores = all_scores(index, &held);
            let own = scores[slot];
            assert_eq!(own.essential_coverage, 1.0, "{name}: occupation {slot}");
            assert!(own.score >= 0.8 - 1e-3, "{name}: essentials are at least 80% of an occupation: {}", own.score);
            let rank = 1 + scores
                .iter()
                .filter(|s| {
                    s.score > own.score || (s.score == own.score && s.essential_coverage > own.essential_coverage)
                })
                .count();
            ranks.push(rank);
        }
        let n = ranks.len() as f64;
        let top1 = ranks.iter().filter(|&&r| r == 1).count() as f64 / n;
        let top10 = ranks.iter().filter(|&&r| r <= 10).count() as f64 / n;
        let worst = ranks.iter().max().copied().unwrap_or(0);
        eprintln!("{name}: {} occupations, rank 1 {top1:.3}, top 10 {top10:.3}, worst {worst}", ranks.len());
        assert!(top1 >= 0.85 && top10 >= 0.99 && worst <= 50, "{name}: top1 {top1}, top10 {top10}, worst {worst}");
    }
}

#[tokio::test]
async fn rank_candidates_streams_profiles_and_keeps_the_exact_top_k() {
    let engines = embedded();
    let server = spawn_server(engines.clone()).await;
    let mut client = client(&server).await;
    let index = &engines.matching;
    let snapshot = index.snapshot();
    let skills = skills_of(index);
    let mut rng = Rng(99);
    let people: Vec<Vec<Held>> = (0..3000).map(|_| random_held(index, &skills, &mut rng)).collect();
    let candidate = |i: usize, held: &[Held]| pb::Candidate {
        id: format!("kandidaat-{i}"),
        profile: Some(profile(
            held.iter()
                .map(|h| {
                    let level = match h.basis {
                        Basis::Claim(level) => vaardig::server::response::evidence_to_pb(level),
                        _ => pb::EvidenceLevel::Unspecified,
                    };
                    claim(&snapshot.concept(h.skill).id, level)
                })
                .collect(),
        )),
    };
    let mut messages = vec![pb::RankCandidatesRequest {
        vacancy: Some(pb::Vacancy { occupation_id: LASSER.into(), requirements: vec![] }),
        top_k: 7,
        candidates: vec![candidate(0, &people[0])],
        lang: String::new(),
    }];
    for chunk in (1..people.len()).collect::<Vec<_>>().chunks(500) {
        messages.push(pb::RankCandidatesRequest {
            candidates: chunk.iter().map(|&i| candidate(i, &people[i])).collect(),
            ..Default::default()
        });
    }
    let ranking = client.rank_candidates(tokio_stream::iter(messages)).await.unwrap().into_inner();
    assert_eq!(ranking.received, 3000);
    assert_eq!(ranking.ranked.len(), 7);
    assert_eq!(ranking.occupation.unwrap().id, expand_id(LASSER));

    // The same top 7 as scoring every candidate one by one with ComputeSkillGap's engine.
    let lasser = snapshot.lookup(&expand_id(LASSER)).unwrap();
    let mut expected: Vec<(f64, f64, usize)> = people
        .iter()
        .enumerate()
        .map(|(i, held)| {
            let e = matching::compute_gap(index, &Profile::of(held.clone()), lasser).unwrap();
            (e.coverage(), e.essential_coverage(), i)
        })
        .collect();
    expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    for (rank, (got, want)) in ranking.ranked.iter().zip(&expected).enumerate() {
        assert_eq!(got.rank as usize, rank + 1);
        assert_eq!(got.id, format!("kandidaat-{}", want.2));
        let totals = got.totals.as_ref().unwrap();
        assert_eq!(totals.score.to_bits(), want.0.to_bits());
        assert_eq!(recompute(got.requirements.iter()).to_bits(), totals.score.to_bits(), "exact breakdown");
        assert_eq!(got.requirements.len(), 14);
    }
}

#[tokio::test]
async fn rank_candidates_with_explicit_requirements_and_bad_streams() {
    let server = spawn_server(embedded()).await;
    let mut client = client(&server).await;
    let vacancy = pb::Vacancy {
        occupation_id: String::new(),
        requirements: vec![
            pb::VacancyRequirement {
                skill_id: LASSEN.into(),
                importance: pb::Importance::Essential as i32,
                weight: None,
            },
            pb::VacancyRequirement {
                skill_id: TIG_LASSEN.into(),
                importance: pb::Importance::Optional as i32,
                weight: Some(0.5),
            },
        ],
    };
    let candidates = vec![
        pb::Candidate { id: "a".into(), profile: Some(profile(vec![claim(TIG_LASSEN, pb::EvidenceLevel::Assessed)])) },
        pb::Candidate { id: "b".into(), profile: Some(profile(vec![claim(LASSEN, pb::EvidenceLevel::Diploma)])) },
        pb::Candidate { id: "c".into(), profile: None },
    ];
    let first = pb::RankCandidatesRequest { vacancy: Some(vacancy.clone()), top_k: 2, candidates, lang: "en".into() };
    let ranking = client.rank_candidates(tokio_stream::iter(vec![first])).await.unwrap().into_inner();
    let ids: Vec<&str> = ranking.ranked.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["b", "a"], "top 2 of 3");
    let b = &ranking.ranked[0];
    assert_eq!(b.totals.as_ref().unwrap().score.to_bits(), recompute(b.requirements.iter()).to_bits());
    assert_eq!(b.requirements[1].reason, "via broader skill ‘welding’ (diploma)");

    // No vacancy; an unknown skill in a candidate; more than 100,000 candidates.
    let status =
        client.rank_candidates(tokio_stream::iter(vec![pb::RankCandidatesRequest::default()])).await.unwrap_err();
    assert_eq!(bad_fields(&status), vec!["vacancy"]);
    let bad = pb::RankCandidatesRequest {
        vacancy: Some(vacancy.clone()),
        candidates: vec![
            pb::Candidate { id: "ok".into(), profile: None },
            pb::Candidate {
                id: "x".into(),
                profile: Some(profile(vec![claim("esco:skill/bestaat-niet", pb::EvidenceLevel::Unspecified)])),
            },
        ],
        ..Default::default()
    };
    let status = client.rank_candidates(tokio_stream::iter(vec![bad])).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["candidates[1].profile.skills[0].skill_id"]);
    assert!(status.message().contains("esco:skill/bestaat-niet"));

    let mut messages = vec![pb::RankCandidatesRequest { vacancy: Some(vacancy), ..Default::default() }];
    for batch in 0..101 {
        messages.push(pb::RankCandidatesRequest {
            candidates: (0..1000).map(|i| pb::Candidate { id: format!("{batch}-{i}"), profile: None }).collect(),
            ..Default::default()
        });
    }
    let status = client.rank_candidates(tokio_stream::iter(messages)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), vec!["candidates"]);
    assert!(status.message().contains("100000"), "{}", status.message());
}

#[tokio::test]
async fn matching_service_reports_serving() {
    let server = spawn_server(embedded()).await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest { service: "vaardig.v1.MatchingService".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);
}

fn vaardig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vaardig"))
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn cli_gap_match_and_related_print_text_and_json() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");

    let output = vaardig()
        .args(["gap", "--target", LASSER, "--skill", MIG_LASSEN, VEILIG_WERKEN, "--json", "--server", &server])
        .output()
        .unwrap();
    let gap = json_of(&output);
    assert!(gap["coverage"].as_f64().unwrap() > 0.0);
    let covered: Vec<&str> = gap["covered"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(covered.contains(&expand_id(LASSEN).as_str()), "{covered:?}");
    let missing: Vec<&str> = gap["missing_essential"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(missing.contains(&expand_id(LASNADEN_CONTROLEREN).as_str()));
    let text = vaardig().args(["gap", "--target", LASSER, "--skill", LASSEN, "--server", &server]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("lasser") && text.contains("dekking") && text.contains("ontbreekt"), "{text}");

    let empty = json_of(&vaardig().args(["gap", "--target", LASSER, "--json", "--server", &server]).output().unwrap());
    assert_eq!(empty["coverage"], 0.0);
    assert_eq!(empty["missing_essential"].as_array().unwrap().len(), 7);

    let matched = json_of(
        &vaardig()
            .args(["match", "--skill", MIG_LASSEN, "--skill", VEILIG_WERKEN, "--json", "--server", &server])
            .output()
            .unwrap(),
    );
    let results = matched["results"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    assert_eq!(results[0]["id"], expand_id(LASSER));
    assert!(results.windows(2).all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64()));

    let related = json_of(&vaardig().args(["related", STEWARD, "--json", "--server", &server]).output().unwrap());
    assert_eq!(related["results"].as_array().unwrap().len(), 10);
    assert!(related["results"][0]["id"].is_string() && related["results"][0]["score"].is_number());
    let limited =
        json_of(&vaardig().args(["related", STEWARD, "--limit", "3", "--json", "--server", &server]).output().unwrap());
    assert_eq!(limited["results"].as_array().unwrap().len(), 3);
    let english = vaardig().args(["related", STEWARD, "--lang", "en", "--server", &server]).output().unwrap();
    assert!(String::from_utf8_lossy(&english.stdout).starts_with("transitions from cabin crew member"));

    let output = vaardig()
        .args(["gap", "--target", LASSER, "--skill", "esco:skill/bestaat-niet", "--server", &server])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "INVALID_ARGUMENT → exit code 5");
    assert!(String::from_utf8_lossy(&output.stderr).contains("esco:skill/bestaat-niet"));
    let output = vaardig().args(["related", "vaardig:occupation/geen", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(4), "NOT_FOUND → exit code 4");
    let output =
        vaardig().args(["match", "--skill", LASSEN, "--evidence", "hearsay", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "wrong usage → exit code 2");
}

#[test]
fn cli_works_on_full_esco() {
    let (addr, _stop) = spawn_server_thread(esco());
    let server = format!("http://{addr}");
    let related =
        json_of(&vaardig().args(["related", FLIGHT_ATTENDANT, "--json", "--server", &server]).output().unwrap());
    assert_eq!(related["results"].as_array().unwrap().len(), 10);
    let matched = json_of(
        &vaardig()
            .args([
                "match",
                "--skill",
                LASSEN,
                "esco:skill/a51adea8-bf02-488a-a0d8-b0961caca5b0",
                "--json",
                "--server",
                &server,
            ])
            .output()
            .unwrap(),
    );
    assert!(matched["results"][0]["score"].as_f64().unwrap() > 0.0);
    let gap = json_of(
        &vaardig().args(["gap", "--target", FLIGHT_ATTENDANT, "--json", "--server", &server]).output().unwrap(),
    );
    assert_eq!(gap["coverage"], 0.0);
    assert!(gap["missing_essential"].as_array().unwrap().len() > 20);
}
