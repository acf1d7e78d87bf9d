//! Deprecated concepts stay out of the way: Search, Suggest, ExtractConcepts, MatchOccupations and
//! RelatedOccupations leave them out unless `include_deprecated` (and then say so, with the
//! successor); GetConcept still answers them; the CLI's `--include-deprecated` shows them.

use std::process::Command;
use std::sync::Arc;

use vaardig::engine::Engines;
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::matching_service_client::MatchingServiceClient;
use vaardig::proto::v1::search_service_client::SearchServiceClient;

use crate::helpers::spawn_server;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/deprecated");
const OLD_SKILL: &str = "https://id.vaardig.nl/skill/dep-drone-vliegen";
const NEW_SKILL: &str = "https://id.vaardig.nl/skill/dep-drone-besturen";
const OLD_JOB: &str = "https://id.vaardig.nl/occupation/dep-dronevlieger";
const NEW_JOB: &str = "https://id.vaardig.nl/occupation/dep-dronepiloot";

fn engines() -> Arc<Engines> {
    let (snapshot, _) = ontology::load(&[SourceSpec::Path(DIR.into())]).unwrap();
    Arc::new(Engines::build(Arc::new(snapshot)))
}

fn ids<'a>(refs: impl Iterator<Item = &'a pb::ConceptRef>) -> Vec<&'a str> {
    refs.map(|c| c.id.as_str()).collect()
}

#[tokio::test]
async fn search_suggest_and_extract_leave_deprecated_concepts_out_unless_asked() {
    let server = spawn_server(engines()).await;
    let mut search = SearchServiceClient::new(server.channel().await);
    let ask = |include_deprecated| pb::SearchRequest {
        query: "drone vliegen".into(),
        include_deprecated,
        ..Default::default()
    };
    let live = search.search(ask(false)).await.unwrap().into_inner();
    let found = ids(live.hits.iter().filter_map(|h| h.concept.as_ref()));
    assert!(!found.contains(&OLD_SKILL) && found.contains(&NEW_SKILL), "{found:?}");
    let all = search.search(ask(true)).await.unwrap().into_inner();
    let old = all.hits.iter().filter_map(|h| h.concept.as_ref()).find(|c| c.id == OLD_SKILL).expect("asked for");
    assert!(old.deprecated);
    assert_eq!(old.replaced_by, NEW_SKILL);
    assert!(all.hits.iter().filter_map(|h| h.concept.as_ref()).filter(|c| c.id != OLD_SKILL).all(|c| !c.deprecated));

    let suggest = |include_deprecated| pb::SuggestRequest {
        prefix: "drone".into(),
        kinds: Vec::new(),
        lang: "nl".into(),
        limit: 10,
        include_deprecated,
    };
    let live = search.suggest(suggest(false)).await.unwrap().into_inner();
    let found = ids(live.suggestions.iter().filter_map(|s| s.concept.as_ref()));
    assert!(found.contains(&NEW_SKILL) && !found.contains(&OLD_SKILL) && !found.contains(&OLD_JOB), "{found:?}");
    let all = search.suggest(suggest(true)).await.unwrap().into_inner();
    let found = ids(all.suggestions.iter().filter_map(|s| s.concept.as_ref()));
    assert!(found.contains(&OLD_SKILL) && found.contains(&OLD_JOB), "{found:?}");

    let extract = |include_deprecated| pb::ExtractConceptsRequest {
        text: "Ik werkte als dronevlieger en kan kaartlezen.".into(),
        lang: "nl".into(),
        min_confidence: 0.0,
        include_deprecated,
    };
    let live = search.extract_concepts(extract(false)).await.unwrap().into_inner();
    let found = ids(live.mentions.iter().filter_map(|m| m.concept.as_ref()));
    assert!(!found.contains(&OLD_JOB) && found.contains(&"https://id.vaardig.nl/skill/dep-kaartlezen"), "{found:?}");
    let all = search.extract_concepts(extract(true)).await.unwrap().into_inner();
    let old = all.mentions.iter().filter_map(|m| m.concept.as_ref()).find(|c| c.id == OLD_JOB).expect("asked for");
    assert!(old.deprecated && old.replaced_by == NEW_JOB);

    // GetConcept still answers a deprecated id.
    let mut concepts = server.concepts().await;
    let concept = concepts
        .get_concept(pb::GetConceptRequest { id: OLD_JOB.into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner()
        .concept
        .unwrap();
    assert!(concept.deprecated && concept.replaced_by == NEW_JOB);
}

#[tokio::test]
async fn matching_and_transitions_leave_deprecated_occupations_out_unless_asked() {
    let server = spawn_server(engines()).await;
    let mut matching = MatchingServiceClient::new(server.channel().await);
    let skills = ["skill/dep-drone-besturen", "skill/dep-kaartlezen"];
    let profile = pb::Profile {
        skills: skills
            .iter()
            .map(|s| pb::SkillClaim { skill_id: format!("vaardig:{s}"), evidence: 0, proficiency: None })
            .collect(),
        ..Default::default()
    };
    let ask = |include_deprecated| pb::MatchOccupationsRequest {
        profile: Some(profile.clone()),
        include_deprecated,
        ..Default::default()
    };
    let live = matching.match_occupations(ask(false)).await.unwrap().into_inner();
    let found = ids(live.results.iter().filter_map(|r| r.occupation.as_ref()));
    assert_eq!(found.first(), Some(&NEW_JOB));
    assert!(!found.contains(&OLD_JOB), "{found:?}");
    let all = matching.match_occupations(ask(true)).await.unwrap().into_inner();
    let old = all.results.iter().filter_map(|r| r.occupation.as_ref()).find(|c| c.id == OLD_JOB).expect("asked for");
    assert!(old.deprecated && old.replaced_by == NEW_JOB);
    assert_eq!(all.total_size, live.total_size + 1);

    let related = |include_deprecated| pb::RelatedOccupationsRequest {
        occupation_id: NEW_JOB.into(),
        include_deprecated,
        ..Default::default()
    };
    let live = matching.related_occupations(related(false)).await.unwrap().into_inner();
    let found = ids(live.results.iter().filter_map(|t| t.target.as_ref()?.occupation.as_ref()));
    assert!(!found.contains(&OLD_JOB) && !found.is_empty(), "{found:?}");
    let all = matching.related_occupations(related(true)).await.unwrap().into_inner();
    let found = ids(all.results.iter().filter_map(|t| t.target.as_ref()?.occupation.as_ref()));
    assert!(found.contains(&OLD_JOB), "{found:?}");
}

#[test]
fn the_cli_shows_deprecated_concepts_only_with_the_flag() {
    let index = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_vaardig"))
            .args(["search", "drone vliegen", "--ontology", DIR, "--json"])
            .arg("--index-dir")
            .arg(index.path())
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(!run(&[]).contains("dep-drone-vliegen"));
    assert!(run(&["--include-deprecated"]).contains("dep-drone-vliegen"));
}
