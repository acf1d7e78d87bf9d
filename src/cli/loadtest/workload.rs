//! Realistic, varied requests for the load generator, drawn from the ontology the server holds.
//!
//! Everything is asked of the server itself (no data files): occupations, skills and courses by
//! autocompleting every letter, each occupation's required skills by `ListRelations`, the funding
//! schemes by `ListFundingSchemes`. From those a seeded generator builds pools of requests: search
//! queries that are real labels (some lower-cased, some with a typo), autocomplete prefixes of 1–8
//! characters, and profiles like the matching benchmark's — someone from an occupation holding about
//! 70% of its required skills plus a few unrelated ones, with mixed evidence — and person facts of
//! every age and education level. Texts to extract from are sentences around two or three labels;
//! course searches ask for a skill by name, for skills by id, or for a target occupation's gap. The
//! same server and seed give the same requests.

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use tonic::transport::Channel;

use crate::model::EducationLevel;
use crate::proto::v1 as pb;

/// How many requests of each kind a pool holds (cycled through during a run).
const POOL: usize = 2000;
/// How many occupations' requirements are fetched to build profiles from.
const PROFILE_OCCUPATIONS: usize = 200;

/// A concept found while exploring the server: its id and label.
#[derive(Debug, Clone)]
struct Found {
    id: String,
    label: String,
}

/// Pools of requests, one per RPC the load generator drives.
#[derive(Debug, Default)]
pub struct Workload {
    pub get_concept: Vec<pb::GetConceptRequest>,
    pub search: Vec<pb::SearchRequest>,
    pub suggest: Vec<pb::SuggestRequest>,
    pub gap: Vec<pb::ComputeSkillGapRequest>,
    pub matches: Vec<pb::MatchOccupationsRequest>,
    pub related: Vec<pb::RelatedOccupationsRequest>,
    pub rank: Vec<pb::RankCandidatesRequest>,
    pub path: Vec<pb::SuggestTrainingPathRequest>,
    pub eligibility: Vec<pb::CheckEligibilityRequest>,
    pub batch_get: Vec<pb::BatchGetConceptsRequest>,
    pub relations: Vec<pb::ListRelationsRequest>,
    pub hierarchy: Vec<pb::GetHierarchyRequest>,
    pub extract: Vec<pb::ExtractConceptsRequest>,
    pub stepping_stones: Vec<pb::SuggestSteppingStonesRequest>,
    pub courses: Vec<pb::SearchCoursesRequest>,
    pub schemes: Vec<pb::ListFundingSchemesRequest>,
    pub scheme: Vec<pb::GetFundingSchemeRequest>,
    pub resolve: Vec<pb::ResolveIdsRequest>,
}

/// Concepts in one BatchGetConcepts or ResolveIds call: a page of stored ids.
const BATCH: usize = 20;

/// What went wrong while exploring the server.
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    #[error("{rpc}: {status}")]
    Rpc { rpc: &'static str, status: tonic::Status },
    #[error("the ontology has no {0}: cannot build requests that need them")]
    Missing(&'static str),
}

fn rpc_error(rpc: &'static str) -> impl Fn(tonic::Status) -> WorkloadError {
    move |status| WorkloadError::Rpc { rpc, status }
}

/// Every concept of `kind` that autocompleting single letters and digits finds (up to 50 each).
async fn explore(channel: &Channel, kind: pb::ConceptKind, lang: &str) -> Result<Vec<Found>, WorkloadError> {
    let mut client = pb::search_service_client::SearchServiceClient::new(channel.clone());
    let mut found = std::collections::BTreeMap::new();
    for prefix in ('a'..='z').chain('0'..='9') {
        let request = pb::SuggestRequest {
            prefix: prefix.to_string(),
            kinds: vec![kind as i32],
            lang: lang.into(),
            limit: 50,
            include_deprecated: false,
        };
        let response = client.suggest(request).await.map_err(rpc_error("Suggest"))?.into_inner();
        for suggestion in response.suggestions {
            if let Some(concept) = suggestion.concept {
                found.entry(concept.id.clone()).or_insert(Found { id: concept.id, label: concept.label });
            }
        }
    }
    Ok(found.into_values().collect())
}

/// The skills an occupation requires (both essential and optional).
async fn requirements(channel: &Channel, occupation: &str) -> Result<Vec<String>, WorkloadError> {
    let mut client = pb::concept_service_client::ConceptServiceClient::new(channel.clone());
    let request = pb::ListRelationsRequest {
        id: occupation.into(),
        kind: pb::RelationKind::Requires as i32,
        direction: pb::Direction::Outgoing as i32,
        page_size: 1000,
        ..Default::default()
    };
    let response = client.list_relations(request).await.map_err(rpc_error("ListRelations"))?.into_inner();
    Ok(response.relations.into_iter().filter_map(|r| r.concept.map(|c| c.id)).collect())
}

/// A copy of `text` with two neighbouring letters swapped (a typing error), when it is long enough.
fn with_typo(text: &str, rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.len() >= 5 {
        let at = rng.random_range(1..chars.len() - 2);
        chars.swap(at, at + 1);
    }
    chars.into_iter().collect()
}

fn evidence(rng: &mut StdRng) -> i32 {
    use pb::EvidenceLevel as E;
    *[E::Unspecified, E::SelfDeclared, E::Experience, E::Experience, E::Assessed, E::Diploma]
        .choose(rng)
        .expect("non-empty") as i32
}

/// A profile of someone from an occupation: ~70% of its requirements and 2–6 other skills.
fn profile(requirements: &[String], skills: &[Found], rng: &mut StdRng) -> pb::Profile {
    let mut held: Vec<String> = requirements.iter().filter(|_| rng.random_bool(0.7)).cloned().collect();
    for _ in 0..rng.random_range(2..=6) {
        if let Some(skill) = skills.choose(rng) {
            held.push(skill.id.clone());
        }
    }
    held.sort();
    held.dedup();
    held.shuffle(rng);
    pb::Profile {
        skills: held
            .into_iter()
            .map(|skill_id| pb::SkillClaim { skill_id, evidence: evidence(rng), proficiency: None })
            .collect(),
        ..Default::default()
    }
}

/// A date `YYYY-MM-DD` between 2022-03-01 and 2023-12-28 (the STAP-budget's life).
fn date(rng: &mut StdRng) -> String {
    let year = rng.random_range(2022..=2023);
    let month = if year == 2022 { rng.random_range(3..=12) } else { rng.random_range(1..=12) };
    format!("{year}-{month:02}-{:02}", rng.random_range(1..=28))
}

fn person(rng: &mut StdRng) -> pb::PersonFacts {
    let education = EducationLevel::ALL.choose(rng).expect("education levels").as_str();
    pb::PersonFacts {
        age: Some(rng.random_range(18..=66)),
        labour_market_tie: Some(rng.random_bool(0.9)),
        highest_education: education.into(),
        studiefinanciering_for_course: Some(rng.random_bool(0.05)),
        lerarenbeurs_for_course: Some(false),
        tegemoetkoming_for_course: Some(false),
        already_granted_this_year_cents: Some(*[0, 0, 0, 50_000, 100_000].choose(rng).expect("amounts")),
        ..Default::default()
    }
}

impl Workload {
    /// Explores the server on `channel` and builds every pool with the generator seeded by `seed`.
    /// `candidates` is the number of profiles in one RankCandidates call.
    pub async fn build(channel: &Channel, lang: &str, seed: u64, candidates: usize) -> Result<Workload, WorkloadError> {
        let mut rng = StdRng::seed_from_u64(seed);
        let occupations = explore(channel, pb::ConceptKind::Occupation, lang).await?;
        let skills = explore(channel, pb::ConceptKind::Skill, lang).await?;
        let courses = explore(channel, pb::ConceptKind::Course, lang).await?;
        if occupations.is_empty() {
            return Err(WorkloadError::Missing("occupations"));
        }
        if skills.is_empty() {
            return Err(WorkloadError::Missing("skills"));
        }
        let mut funding = pb::funding_service_client::FundingServiceClient::new(channel.clone());
        let schemes: Vec<String> = funding
            .list_funding_schemes(pb::ListFundingSchemesRequest::default())
            .await
            .map_err(rpc_error("ListFundingSchemes"))?
            .into_inner()
            .schemes
            .into_iter()
            .filter_map(|s| s.scheme.map(|c| c.id))
            .collect();

        // Occupations with requirements, to draw people from.
        let mut sampled: Vec<&Found> = occupations.choose_multiple(&mut rng, PROFILE_OCCUPATIONS).collect();
        sampled.sort_by(|a, b| a.id.cmp(&b.id));
        let mut origins: Vec<(String, Vec<String>)> = Vec::new();
        for occupation in sampled {
            let required = requirements(channel, &occupation.id).await?;
            if !required.is_empty() {
                origins.push((occupation.id.clone(), required));
            }
        }
        if origins.is_empty() {
            return Err(WorkloadError::Missing("occupations with required skills"));
        }

        let mut workload = Workload::default();
        let lang = lang.to_string();
        let labelled: Vec<&Found> = occupations.iter().chain(&skills).collect();
        let everything: Vec<&Found> = labelled.iter().copied().chain(&courses).collect();
        for _ in 0..POOL {
            let concept = everything.choose(&mut rng).expect("non-empty");
            workload.get_concept.push(pb::GetConceptRequest {
                id: concept.id.clone(),
                lang: lang.clone(),
                ..Default::default()
            });

            let label = &labelled.choose(&mut rng).expect("non-empty").label;
            let query = match rng.random_range(0..4) {
                0 => label.to_lowercase(),
                1 => with_typo(label, &mut rng),
                _ => label.clone(),
            };
            workload.search.push(pb::SearchRequest { query, lang: lang.clone(), page_size: 10, ..Default::default() });

            let label: Vec<char> = labelled.choose(&mut rng).expect("non-empty").label.chars().collect();
            let cut = rng.random_range(1..=8.min(label.len()).max(1));
            let prefix: String = label[..cut.min(label.len())].iter().collect();
            workload.suggest.push(pb::SuggestRequest { prefix, lang: lang.clone(), limit: 10, ..Default::default() });

            let (origin, required) = origins.choose(&mut rng).expect("non-empty");
            let person_profile = profile(required, &skills, &mut rng);
            // Half the gaps are for the person's own occupation, half for another one.
            let target =
                if rng.random_bool(0.5) { origin.clone() } else { origins.choose(&mut rng).expect("").0.clone() };
            // As a default caller asks (the BASIC view for gaps, matches and transitions).
            workload.gap.push(pb::ComputeSkillGapRequest {
                profile: Some(person_profile.clone()),
                occupation_id: target.clone(),
                lang: lang.clone(),
                ..Default::default()
            });
            workload.matches.push(pb::MatchOccupationsRequest {
                profile: Some(person_profile.clone()),
                page_size: 20,
                lang: lang.clone(),
                ..Default::default()
            });
            workload.related.push(pb::RelatedOccupationsRequest {
                occupation_id: origin.clone(),
                limit: 10,
                lang: lang.clone(),
                ..Default::default()
            });
            workload.path.push(pb::SuggestTrainingPathRequest {
                profile: Some(person_profile.clone()),
                target_occupation_id: target.clone(),
                person: Some(person(&mut rng)),
                start_date: date(&mut rng),
                constraints: Some(pb::PlanConstraints { horizon_years: 2, ..Default::default() }),
                lang: lang.clone(),
            });
            let ids: Vec<String> =
                (0..BATCH).map(|_| everything.choose(&mut rng).expect("non-empty").id.clone()).collect();
            workload.batch_get.push(pb::BatchGetConceptsRequest {
                ids: ids.clone(),
                lang: lang.clone(),
                ..Default::default()
            });
            workload.resolve.push(pb::ResolveIdsRequest { ids, lang: lang.clone() });
            let related_to = labelled.choose(&mut rng).expect("non-empty");
            workload.relations.push(pb::ListRelationsRequest {
                id: related_to.id.clone(),
                direction: pb::Direction::Both as i32,
                page_size: 50,
                lang: lang.clone(),
                ..Default::default()
            });
            workload.hierarchy.push(pb::GetHierarchyRequest {
                id: labelled.choose(&mut rng).expect("non-empty").id.clone(),
                depth: 2,
                max_nodes: 100,
                lang: lang.clone(),
            });
            let named: Vec<&str> = (0..rng.random_range(2..=3))
                .map(|_| skills.choose(&mut rng).expect("non-empty").label.as_str())
                .collect();
            workload.extract.push(pb::ExtractConceptsRequest {
                text: format!("Ervaring met {}. Verder: {}.", named[0], named[1..].join(" en ")),
                lang: lang.clone(),
                min_confidence: 0.0,
                ..Default::default()
            });
            workload.stepping_stones.push(pb::SuggestSteppingStonesRequest {
                profile: Some(person_profile.clone()),
                from_occupation_id: origin.clone(),
                target_occupation_id: target.clone(),
                lang: lang.clone(),
                max_moves: 0,
            });
            let mut course_search = pb::SearchCoursesRequest {
                person: Some(person(&mut rng)),
                date: date(&mut rng),
                page_size: 20,
                lang: lang.clone(),
                ..Default::default()
            };
            match rng.random_range(0..3) {
                0 => course_search.query = skills.choose(&mut rng).expect("non-empty").label.clone(),
                1 => {
                    course_search.skill_ids =
                        (0..rng.random_range(1..=4)).map(|_| skills.choose(&mut rng).expect("").id.clone()).collect()
                }
                _ => {
                    course_search.profile = Some(person_profile.clone());
                    course_search.target_occupation_id = target.clone();
                }
            }
            workload.courses.push(course_search);
            workload.schemes.push(pb::ListFundingSchemesRequest {
                date: if rng.random_bool(0.5) { date(&mut rng) } else { String::new() },
                lang: lang.clone(),
                ..Default::default()
            });
            if let Some(scheme) = schemes.choose(&mut rng) {
                workload.scheme.push(pb::GetFundingSchemeRequest { id: scheme.clone(), lang: lang.clone() });
            }
            if let (Some(scheme), Some(course)) = (schemes.choose(&mut rng), courses.choose(&mut rng)) {
                let application = date(&mut rng);
                workload.eligibility.push(pb::CheckEligibilityRequest {
                    scheme_id: scheme.clone(),
                    course_id: course.id.clone(),
                    date: application.clone(),
                    course_start_date: application,
                    person: Some(person(&mut rng)),
                    lang: lang.clone(),
                    ..Default::default()
                });
            }
        }
        // Fewer, heavier RankCandidates calls: each carries a batch of candidates.
        for _ in 0..(POOL / 10).max(1) {
            let (vacancy, _) = origins.choose(&mut rng).expect("non-empty");
            let batch = (0..candidates)
                .map(|i| {
                    let (_, required) = origins.choose(&mut rng).expect("non-empty");
                    pb::Candidate { id: format!("c{i}"), profile: Some(profile(required, &skills, &mut rng)) }
                })
                .collect();
            workload.rank.push(pb::RankCandidatesRequest {
                vacancy: Some(pb::Vacancy { occupation_id: vacancy.clone(), requirements: vec![] }),
                top_k: 10,
                candidates: batch,
                lang: lang.clone(),
            });
        }
        Ok(workload)
    }
}
