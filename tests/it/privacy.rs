//! No personal data in the logs: the real binary, logging JSON at DEBUG for every crate (tonic, h2,
//! hyper included), receives profiles and person facts through every RPC that takes them; its
//! whole log must not hold one of their skill ids, credential ids, candidate ids or facts — while it
//! does hold a finish line for each of those RPCs, so the test cannot pass on an empty log.

use serde_json::Value;
use vaardig::model::ConceptKind;
use vaardig::ontology::Dir;
use vaardig::proto::v1 as pb;

use crate::helpers::embedded;
use crate::served_binary::ServedBinary;

/// An occupation of the embedded default whose essential skills make the profile.
const DATA_ANALIST: &str = "esco:occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2";
/// Facts chosen to be recognisable in any log line.
const BIRTH_DATE: &str = "1983-11-27";
const CANDIDATE_IDS: [&str; 2] = ["kandidaat-jansen-7c1e", "kandidaat-de-vries-9b2d"];
/// A skill id no ontology holds, as a person might type it; the INVALID_ARGUMENT message quotes it.
const PRIVATE_SKILL: &str = "esco:skill/prive-vaardigheid-van-jansen-4711";
/// JSON keys that would mean a person's data was logged as a field.
const PERSONAL_KEYS: [&str; 12] = [
    "age",
    "birth_date",
    "highest_education",
    "labour_market_tie",
    "labour_status",
    "person",
    "profile",
    "skills",
    "skill_id",
    "credential_ids",
    "candidates",
    "already_granted_this_year_cents",
];

/// The profile: part of the data analyst's skills, and a credential.
fn profile_ids() -> (Vec<String>, String) {
    let engines = embedded();
    let snapshot = &engines.snapshot;
    let occupation = snapshot.lookup(&vaardig::model::expand_id(DATA_ANALIST)).expect("data analyst");
    let skills: Vec<String> = snapshot
        .relations(occupation, Dir::Outgoing, Some(vaardig::model::RelationKind::Requires))
        .iter()
        .map(|r| snapshot.concept(r.other).id.to_string())
        .step_by(2)
        .collect();
    assert!(skills.len() >= 3, "{skills:?}");
    let credential = snapshot.concepts_of(ConceptKind::Credential).next().expect("a credential").1.id.to_string();
    (skills, credential)
}

fn profile(skills: &[String], credential: &str) -> pb::Profile {
    pb::Profile {
        skills: skills
            .iter()
            .map(|id| pb::SkillClaim {
                skill_id: id.clone(),
                evidence: pb::EvidenceLevel::Experience as i32,
                proficiency: None,
            })
            .collect(),
        credential_ids: vec![credential.to_string()],
        region: String::new(),
        hours_per_week: Some(16),
    }
}

fn person() -> pb::PersonFacts {
    pb::PersonFacts {
        birth_date: BIRTH_DATE.into(),
        labour_market_tie: Some(true),
        highest_education: "mbo3".into(),
        studiefinanciering_for_course: Some(false),
        lerarenbeurs_for_course: Some(false),
        tegemoetkoming_for_course: Some(false),
        already_granted_this_year_cents: Some(43_217),
        ..Default::default()
    }
}

/// Every key of every object in a JSON value, at any depth, with its value.
fn fields<'a>(value: &'a Value, out: &mut Vec<(&'a str, &'a Value)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                out.push((key, inner));
                fields(inner, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|inner| fields(inner, out)),
        _ => {}
    }
}

/// A field that holds a person's data: any value of `age`, and for the other personal keys any
/// value but a count (the planner may log how many candidate courses it weighed).
fn is_personal(key: &str, value: &Value) -> bool {
    key == "age" || (PERSONAL_KEYS.contains(&key) && !value.is_u64())
}

#[tokio::test]
async fn profiles_and_person_facts_never_reach_the_log() {
    let (skills, credential) = profile_ids();
    let server = ServedBinary::start(&[], &[("VAARDIG_LOG_LEVEL", "debug")]);
    let channel = tonic::transport::Channel::from_shared(server.url()).unwrap().connect().await.unwrap();
    let mut matching = pb::matching_service_client::MatchingServiceClient::new(channel.clone());
    let mut planning = pb::planning_service_client::PlanningServiceClient::new(channel.clone());
    let mut funding = pb::funding_service_client::FundingServiceClient::new(channel.clone());
    let profile = profile(&skills, &credential);

    let gap = matching
        .compute_skill_gap(pb::ComputeSkillGapRequest {
            profile: Some(profile.clone()),
            occupation_id: DATA_ANALIST.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!gap.covered.is_empty(), "the profile was used: {gap:?}");
    let matches = matching
        .match_occupations(pb::MatchOccupationsRequest { profile: Some(profile.clone()), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert!(!matches.results.is_empty());
    let ranked = matching
        .rank_candidates(tokio_stream::iter(vec![
            pb::RankCandidatesRequest {
                vacancy: Some(pb::Vacancy { occupation_id: DATA_ANALIST.into(), requirements: vec![] }),
                top_k: 2,
                candidates: vec![pb::Candidate { id: CANDIDATE_IDS[0].into(), profile: Some(profile.clone()) }],
                lang: String::new(),
            },
            pb::RankCandidatesRequest {
                candidates: vec![pb::Candidate {
                    id: CANDIDATE_IDS[1].into(),
                    profile: Some(pb::Profile { skills: profile.skills[..1].to_vec(), ..Default::default() }),
                }],
                ..Default::default()
            },
        ]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ranked.received, 2);
    let path = planning
        .suggest_training_path(pb::SuggestTrainingPathRequest {
            profile: Some(profile.clone()),
            target_occupation_id: DATA_ANALIST.into(),
            person: Some(person()),
            start_date: "2023-02-01".into(),
            constraints: Some(pb::PlanConstraints { horizon_years: 2, ..Default::default() }),
            lang: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(path.options.len(), 3);
    let eligibility = funding
        .check_eligibility(pb::CheckEligibilityRequest {
            scheme_id: "vaardig:scheme/stap-budget".into(),
            course_id: "vaardig:course/lassen-mig-mag-basis".into(),
            date: "2022-09-05".into(),
            course_start_date: "2022-10-10".into(),
            person: Some(person()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(eligibility.decision != pb::EligibilityDecision::Unspecified as i32);
    // A rejected profile: the error message quotes the id back to the caller, never to the log.
    let rejected = matching
        .compute_skill_gap(pb::ComputeSkillGapRequest {
            profile: Some(pb::Profile {
                skills: vec![pb::SkillClaim { skill_id: PRIVATE_SKILL.into(), ..Default::default() }],
                ..Default::default()
            }),
            occupation_id: DATA_ANALIST.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(rejected.message().contains("prive-vaardigheid"), "{rejected:?}");

    let log = server.stop();

    // Not vacuous: DEBUG lines of the transport and one finish line per RPC that saw the data.
    assert!(log.lines().count() > 20, "{log}");
    assert!(log.contains("\"level\":\"DEBUG\""), "{log}");
    for rpc in [
        "vaardig.v1.MatchingService/ComputeSkillGap",
        "vaardig.v1.MatchingService/MatchOccupations",
        "vaardig.v1.MatchingService/RankCandidates",
        "vaardig.v1.PlanningService/SuggestTrainingPath",
        "vaardig.v1.FundingService/CheckEligibility",
    ] {
        let finished = log.lines().any(|line| line.contains("rpc finished") && line.contains(rpc));
        assert!(finished, "no finish line for {rpc}:\n{log}");
    }
    assert!(log.contains("INVALID_ARGUMENT"), "{log}");

    let mut secrets: Vec<String> = skills.clone();
    // The distinctive tail of each id too, in case something logs it compacted.
    secrets.extend(skills.iter().map(|id| id.rsplit('/').next().unwrap().to_string()).filter(|tail| tail.len() >= 6));
    secrets.push(credential.clone());
    secrets.extend(CANDIDATE_IDS.iter().map(|id| id.to_string()));
    secrets.push("prive-vaardigheid".into());
    secrets.push(BIRTH_DATE.into());
    secrets.push("mbo3".into());
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "personal data {secret:?} in the log:\n{log}");
    }
    for line in log.lines() {
        let event: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"));
        let mut found = Vec::new();
        fields(&event, &mut found);
        for (key, value) in found {
            assert!(!is_personal(key, value), "personal field {key:?} in log line: {line}");
        }
    }
}
