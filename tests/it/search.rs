//! Search, Suggest and ExtractConcepts through the real server, on full ESCO and the default.

use tonic::Code;
use vaardig::proto::v1 as pb;
use vaardig::proto::v1::search_service_client::SearchServiceClient;

use crate::helpers::{embedded, esco, spawn_server};

const FORKLIFT_OPERATOR: &str = "http://data.europa.eu/esco/occupation/eeac6251-1974-42f5-91ed-513c6c883755";
const TRUCK_DRIVER: &str = "http://data.europa.eu/esco/occupation/45037d43-a8f5-4f46-b332-b2935bc305f4";
const WELDER: &str = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";

fn occupation_kinds() -> Vec<i32> {
    vec![pb::ConceptKind::Occupation as i32, pb::ConceptKind::IscoGroup as i32]
}

async fn top_ids(client: &mut SearchServiceClient<tonic::transport::Channel>, query: &str) -> Vec<String> {
    let request = pb::SearchRequest { query: query.into(), kinds: occupation_kinds(), ..Default::default() };
    let response = client.search(request).await.unwrap().into_inner();
    response.hits.into_iter().map(|h| h.concept.unwrap().id).collect()
}

#[tokio::test]
async fn dutch_variants_compounds_typos_and_english_find_the_occupation() {
    let server = spawn_server(esco()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    for (query, expected) in [
        ("heftruckchauffeur", FORKLIFT_OPERATOR),
        ("Heftruckchauffeurs", FORKLIFT_OPERATOR),
        ("heftrukchauffeur", FORKLIFT_OPERATOR),
        // The first two letters swapped: retrieval walks the keys of the swapped start too (the
        // word has no other part to be found by).
        ("alsser", WELDER),
        ("forklift driver", FORKLIFT_OPERATOR),
        ("vrachtwagenchauffeur", TRUCK_DRIVER),
        ("chauffeur vrachtwagen", TRUCK_DRIVER),
        ("Vrachtwagenchauffeur (m/v/x)", TRUCK_DRIVER),
    ] {
        let ids = top_ids(&mut client, query).await;
        assert_eq!(ids.first().map(String::as_str), Some(expected), "{query}: {ids:?}");
    }
}

#[tokio::test]
async fn a_title_naming_a_subject_finds_the_teacher_of_its_group() {
    const MODERN_LANGUAGES_TEACHER: &str = "http://data.europa.eu/esco/occupation/fb0c7da2-6d0e-4a3f-be3e-344f58f0e82d";
    let server = spawn_server(esco()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    // The grade of a teaching qualification says the school type; "Zweeds" is explained by its
    // skill group "talen", as the field of the occupation.
    let request = pb::SearchRequest {
        query: "Lerares Zweeds (eerstegraads)".into(),
        kinds: occupation_kinds(),
        ..Default::default()
    };
    let response = client.search(request).await.unwrap().into_inner();
    let first = &response.hits[0];
    assert_eq!(first.concept.as_ref().unwrap().id, MODERN_LANGUAGES_TEACHER, "{:?}", response.hits);
    assert!(first.reasons.contains(&(pb::MatchReason::Field as i32)), "{first:?}");
    // Over every kind, a title asks for an occupation: the skill "Frans" explains only its modifier.
    let request = pb::SearchRequest { query: "Docent Frans".into(), ..Default::default() };
    let response = client.search(request).await.unwrap().into_inner();
    let first = response.hits[0].concept.as_ref().unwrap();
    assert_eq!(first.kind, pb::ConceptKind::Occupation as i32, "{:?}", response.hits);
    assert!(first.label.contains("talen"), "{first:?}");
    // Without a head, the skill is the answer.
    let request = pb::SearchRequest { query: "Frans".into(), ..Default::default() };
    let response = client.search(request).await.unwrap().into_inner();
    assert_eq!(response.hits[0].concept.as_ref().unwrap().label, "Frans");
}

#[tokio::test]
async fn a_title_search_puts_the_occupation_before_its_isco_group() {
    let server = spawn_server(esco()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    // "Fysiotherapeuten" spells the ISCO group's label exactly and the occupation's in the plural: a
    // title search names an occupation, the group is the broader fallback and stays in the answer.
    let request =
        pb::SearchRequest { query: "Fysiotherapeuten".into(), kinds: occupation_kinds(), ..Default::default() };
    let hits = client.search(request).await.unwrap().into_inner().hits;
    let first = hits[0].concept.as_ref().unwrap();
    assert_eq!((first.kind, first.label.as_str()), (pb::ConceptKind::Occupation as i32, "fysiotherapeut"), "{hits:?}");
    assert!(
        hits.iter().any(|h| h.concept.as_ref().unwrap().kind == pb::ConceptKind::IscoGroup as i32
            && h.concept.as_ref().unwrap().label == "Fysiotherapeuten"),
        "{hits:?}"
    );
    // Asked for ISCO groups alone, the group is the answer.
    let request = pb::SearchRequest {
        query: "Fysiotherapeuten".into(),
        kinds: vec![pb::ConceptKind::IscoGroup as i32],
        ..Default::default()
    };
    let hits = client.search(request).await.unwrap().into_inner().hits;
    assert_eq!(hits[0].concept.as_ref().unwrap().label, "Fysiotherapeuten", "{hits:?}");
    // One title kind alone is still filtered (the title fields hold both kinds' labels).
    assert!(hits.iter().all(|h| h.concept.as_ref().unwrap().kind == pb::ConceptKind::IscoGroup as i32), "{hits:?}");
    let request = pb::SearchRequest {
        query: "Fysiotherapeuten".into(),
        kinds: vec![pb::ConceptKind::Occupation as i32],
        ..Default::default()
    };
    let hits = client.search(request).await.unwrap().into_inner().hits;
    assert!(hits.iter().all(|h| h.concept.as_ref().unwrap().kind == pb::ConceptKind::Occupation as i32), "{hits:?}");
}

#[tokio::test]
async fn an_exact_match_outranks_fuzzy_and_reasons_are_given() {
    let server = spawn_server(esco()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    let request = pb::SearchRequest { query: "lasser".into(), kinds: occupation_kinds(), ..Default::default() };
    let response = client.search(request).await.unwrap().into_inner();
    let first = &response.hits[0];
    assert_eq!(first.concept.as_ref().unwrap().label, "lasser");
    assert_eq!(first.reasons[0], pb::MatchReason::Exact as i32, "{first:?}");
    assert!(response.hits.iter().skip(1).all(|h| h.score < first.score));

    let request =
        pb::SearchRequest { query: "verpleegkudnige".into(), kinds: occupation_kinds(), ..Default::default() };
    let response = client.search(request).await.unwrap().into_inner();
    assert!(!response.hits.is_empty());
    assert!(response.hits[0].reasons.contains(&(pb::MatchReason::Fuzzy as i32)), "{:?}", response.hits[0]);
}

#[tokio::test]
async fn facets_filters_and_pagination() {
    let server = spawn_server(esco()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    let all = client
        .search(pb::SearchRequest { query: "chauffeur".into(), page_size: 5, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let facet = |kind: pb::ConceptKind| all.facets.iter().find(|f| f.kind == kind as i32).map(|f| f.count);
    assert!(facet(pb::ConceptKind::IscoGroup).unwrap_or(0) > 0, "{:?}", all.facets);
    assert!(facet(pb::ConceptKind::Occupation).unwrap_or(0) > 0, "{:?}", all.facets);
    assert_eq!(all.hits.len(), 5);
    let next = client
        .search(pb::SearchRequest {
            query: "chauffeur".into(),
            page_size: 5,
            page_token: all.next_page_token.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let first_page: Vec<_> = all.hits.iter().map(|h| h.concept.clone().unwrap().id).collect();
    assert!(next.hits.iter().all(|h| !first_page.contains(&h.concept.clone().unwrap().id)));

    let filtered = client
        .search(pb::SearchRequest { query: "chauffeur".into(), isco_prefix: "833".into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert!(!filtered.hits.is_empty());
    for hit in &filtered.hits {
        assert!(
            hit.concept.as_ref().unwrap().kind == pb::ConceptKind::Occupation as i32
                || hit.concept.as_ref().unwrap().kind == pb::ConceptKind::IscoGroup as i32
        );
    }
}

#[tokio::test]
async fn query_syntax_in_user_text_is_harmless_and_bad_input_is_rejected() {
    let server = spawn_server(embedded()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    for query in ["lasser AND (", "\"verpleeg*", "kok:~2 ^3 [a TO b]", "+-!{}/\\", "c++ c#"] {
        client.search(pb::SearchRequest { query: query.into(), ..Default::default() }).await.unwrap();
    }
    for (query, field) in [(String::new(), "query"), ("x".repeat(1025), "query")] {
        let status = client.search(pb::SearchRequest { query, ..Default::default() }).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().starts_with(field), "{}", status.message());
    }
    let status = client.suggest(pb::SuggestRequest { prefix: String::new(), ..Default::default() }).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = client
        .extract_concepts(pb::ExtractConceptsRequest { text: "a".repeat(100_001), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn suggest_completes_prefixes_per_keystroke() {
    let server = spawn_server(esco()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    let suggest = |prefix: &str| pb::SuggestRequest { prefix: prefix.into(), limit: 10, ..Default::default() };
    let response = client.suggest(suggest("heftruckch")).await.unwrap().into_inner();
    assert_eq!(response.suggestions[0].concept.as_ref().unwrap().id, FORKLIFT_OPERATOR);
    let response = client.suggest(suggest("vracht chauf")).await.unwrap().into_inner();
    assert!(response.suggestions.iter().any(|s| s.concept.as_ref().unwrap().id == TRUCK_DRIVER));
    let response = client.suggest(suggest("v")).await.unwrap().into_inner();
    assert_eq!(response.suggestions.len(), 10);
    // The prior: the commonest completion, occupations first at equal form (`verpl` → the nurse).
    let response = client.suggest(suggest("verpl")).await.unwrap().into_inner();
    assert!(response.suggestions[0].label.starts_with("verpleegkundig"), "{:?}", response.suggestions);
    assert_eq!(response.suggestions[0].concept.as_ref().unwrap().kind, pb::ConceptKind::Occupation as i32);
}

/// The mentions the server extracts from `text`.
async fn extract(
    client: &mut SearchServiceClient<tonic::transport::Channel>,
    text: &str,
) -> pb::ExtractConceptsResponse {
    client
        .extract_concepts(pb::ExtractConceptsRequest { text: text.into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn a_named_credential_comes_with_the_skills_it_certifies() {
    const FIRST_AID: &str = "http://data.europa.eu/esco/skill/1d21f6ad-340f-45da-a0a3-4e83867f47a6";
    let server = spawn_server(embedded()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    let text = "Ik werk in de kinderopvang. Ik heb mijn BHV-diploma, Kinder-EHBO en een heftruckcertificaat.";
    let response = extract(&mut client, text).await;
    let chars: Vec<char> = text.chars().collect();
    let credentials: Vec<(&str, &str)> =
        response.credentials.iter().map(|c| (c.text.as_str(), c.credential.as_ref().unwrap().id.as_str())).collect();
    assert_eq!(
        credentials,
        [
            ("BHV-diploma", "https://id.vaardig.nl/credential/bhv-certificaat"),
            ("Kinder-EHBO", "https://id.vaardig.nl/credential/ehbo-aan-kinderen"),
            ("heftruckcertificaat", "https://id.vaardig.nl/credential/heftruckcertificaat"),
        ],
        "in text order, each as written: {credentials:?}"
    );
    for c in &response.credentials {
        let span: String = chars[c.start as usize..c.end as usize].iter().collect();
        assert_eq!(span, c.text);
        assert!(!c.matched_label.is_empty());
        assert!(c.certifies.iter().all(|s| s.kind == pb::ConceptKind::Skill as i32), "{c:?}");
    }
    // A diploma that names no skill certifies one: the BHV-diploma and the children's first aid
    // both certify providing first aid.
    for c in &response.credentials[..2] {
        assert!(c.certifies.iter().any(|s| s.id == FIRST_AID), "{c:?}");
    }
    // Found beside the mentions, which still never overlap (the proof compound names its skill).
    assert!(response.mentions.iter().any(|m| m.text == "heftruckcertificaat"), "{:?}", response.mentions);
    for window in response.mentions.windows(2) {
        assert!(window[0].end <= window[1].start, "mentions never overlap");
    }
    // `BHV` alone, as CVs list it, names the certificate (and still the skill of the same name).
    let response = extract(&mut client, "Certificaten: VCA, BHV").await;
    let bhv = response.credentials.iter().find(|c| c.text == "BHV").expect("BHV names its certificate");
    assert!(bhv.certifies.iter().any(|s| s.id == FIRST_AID), "{bhv:?}");
    // A word that only begins a credential's name names none (`certificaat` alone, `EHBO` alone).
    let response = extract(&mut client, "Ik haal dit jaar een certificaat. EHBO vind ik belangrijk.").await;
    assert!(response.credentials.is_empty(), "{:?}", response.credentials);
}

#[tokio::test]
async fn extraction_finds_skills_and_occupations_with_spans() {
    let server = spawn_server(esco()).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    let text = "Werkervaring: 5 jaar als heftruckchauffeur. Ervaring met lassen en Python. Ik spreek Engels.";
    let response = extract(&mut client, text).await;
    let chars: Vec<char> = text.chars().collect();
    let found: Vec<String> = response.mentions.iter().map(|m| m.text.clone()).collect();
    for expected in ["heftruckchauffeur", "lassen", "Python"] {
        assert!(found.contains(&expected.to_string()), "{expected} in {found:?}");
    }
    for m in &response.mentions {
        let span: String = chars[m.start as usize..m.end as usize].iter().collect();
        assert_eq!(span, m.text);
        assert!(m.confidence > 0.0 && m.confidence <= 1.0);
    }
    for window in response.mentions.windows(2) {
        assert!(window[0].end <= window[1].start, "mentions never overlap");
    }
    let forklift = response.mentions.iter().find(|m| m.text == "heftruckchauffeur").unwrap();
    assert_eq!(forklift.concept.as_ref().unwrap().id, FORKLIFT_OPERATOR);

    // The verbs of working a machine stand for each other ("reed" for the label's "bedienen"), one
    // verb serves a list of objects, and a proof compound names the skill it proves.
    let text = "Daar reed ik elke dag heftruck en kraan. Ik heb een kraandiploma. Ik spreek Nederlands, Duits en Frans. Ik doe de triage.";
    let response = extract(&mut client, text).await;
    let labels: Vec<(&str, &str)> =
        response.mentions.iter().map(|m| (m.text.as_str(), m.concept.as_ref().unwrap().label.as_str())).collect();
    assert!(
        labels.iter().any(|(text, label)| text.ends_with("heftruck") && *label == "heftrucks bedienen"),
        "{labels:?}"
    );
    assert!(labels.contains(&("kraan", "kranen bedienen")), "{labels:?}");
    assert!(labels.contains(&("kraandiploma", "kranen bedienen")), "{labels:?}");
    // A label whose other words are stop words is not its one content word ("was doen" is no "doe").
    assert!(labels.iter().all(|(_, label)| *label != "was doen"), "{labels:?}");
    // An enumeration after a comma goes on with the verb of its clause.
    for language in ["Duits", "Frans"] {
        assert!(
            labels
                .iter()
                .any(|(text, label)| *text == language && label.starts_with(&format!("mondeling in het {language} "))),
            "{language}: {labels:?}"
        );
    }
    for window in response.mentions.windows(2) {
        assert!(window[0].end <= window[1].start, "mentions never overlap, a shared verb neither: {labels:?}");
    }

    // So do the verbs of putting a thing in place ("plaatsen" / "leggen"), of putting it up
    // ("bouwen" / "opzetten"), of arranging ("beheren" / "inplannen") and of giving.
    for (text, object, label) in [
        ("Vorig jaar legde ik laminaatvloeren in een kantoor.", "laminaatvloeren", "laminaatvloeren plaatsen"),
        ("Samen met mijn ploeg zette ik de steigers op.", "steigers", "steiger bouwen"),
        ("Op de polikliniek plande ik afspraken in.", "afspraken", "afspraken beheren"),
        // Giving ("geven" / "bieden"), with an object of two words.
        ("Op de camping geef ik eerste hulp bij kleine ongelukken.", "eerste hulp", "eerste hulp bieden"),
    ] {
        let response = extract(&mut client, text).await;
        assert!(
            response.mentions.iter().any(|m| m.text.ends_with(object) && m.concept.as_ref().unwrap().label == label),
            "{text}: {:?}",
            response.mentions
        );
    }

    // A one-word skill that is a verb is named by the verb, not by a noun of the same stem.
    let response = extract(&mut client, "Wij houden rekening met ieders wensen.").await;
    assert!(
        response.mentions.iter().all(|m| m.concept.as_ref().unwrap().label != "rekenen"),
        "{:?}",
        response.mentions
    );

    let filler = "de het een en van voor met en ook nog wel";
    let response = extract(&mut client, filler).await;
    assert!(response.mentions.is_empty(), "stop words never make a mention: {:?}", response.mentions);
}

#[test]
fn the_index_is_persisted_per_snapshot_and_a_corrupt_one_is_rebuilt() {
    use std::sync::Arc;
    use vaardig::engine::Engines;
    let dir = tempfile::tempdir().unwrap();
    let snapshot = embedded().snapshot.clone();
    let first = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(!first.search.index_reused());
    drop(first);
    let second = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(second.search.index_reused(), "same snapshot: no rebuild");
    drop(second);
    // Corrupt the folder: the marker no longer matches what the snapshot needs.
    let folder = dir.path().join(snapshot.version());
    std::fs::write(folder.join("vaardig-index.json"), b"{\"broken\": true}").unwrap();
    let third = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(!third.search.index_reused(), "a corrupt index is rebuilt, never served");
    drop(third);
    // A partial folder (segment files deleted) is detected too.
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "idx") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let fourth = Engines::build_persisted(snapshot, dir.path()).unwrap();
    let results = fourth
        .search
        .search(
            &fourth.snapshot,
            &vaardig::search::SearchRequest {
                query: "heftruck".into(),
                kinds: vec![],
                lang: "nl".into(),
                filters: Default::default(),
                offset: 0,
                limit: 5,
                facets: false,
            },
        )
        .unwrap();
    assert!(!results.hits.is_empty());
    let _ = Arc::clone(&fourth.snapshot);
}

/// What an engine answers, to compare a restored engine with a built one.
fn answers(engines: &vaardig::engine::Engines) -> Vec<String> {
    let mut out = Vec::new();
    for query in ["heftruck", "lasser", "verzorgende ig", "software ontwikkelaar", "kok"] {
        let request = vaardig::search::SearchRequest {
            query: query.into(),
            kinds: vec![],
            lang: "nl".into(),
            filters: Default::default(),
            offset: 0,
            limit: 10,
            facets: true,
        };
        let results = engines.search.search(&engines.snapshot, &request).unwrap();
        out.push(format!("{query}: {:?} {:?}", results.facets, results.total));
        out.extend(results.hits.iter().map(|h| format!("  {:?} {} {:?}", h.concept, h.score, h.reasons)));
    }
    for prefix in ["v", "ver", "heft", "zorg", "medewerker k"] {
        let suggestions = engines.search.suggest(prefix, &[], "nl", 10, false);
        out.extend(suggestions.iter().map(|s| format!("{prefix}: {:?} {} {}", s.concept, s.row, s.score)));
    }
    let text = "Ik heb als heftruckchauffeur gewerkt en kan lassen en koken.";
    out.extend(engines.search.extract(text).iter().map(|m| format!("{m:?}")));
    out
}

/// Flips one bit in the middle of a file (a damaged payload).
fn flip_middle_byte(path: &std::path::Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    std::fs::write(path, &bytes).unwrap();
}

#[test]
fn the_search_engine_is_persisted_beside_the_index_and_a_stale_or_corrupt_file_is_rebuilt() {
    use vaardig::engine::Engines;
    let dir = tempfile::tempdir().unwrap();
    let snapshot = embedded().snapshot.clone();
    let file = dir.path().join(snapshot.version()).join(vaardig::search::PERSISTED_FILE);
    let built = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(!built.search.restored());
    assert!(file.exists(), "written after the build");
    let expected = answers(&built);
    assert!(expected.len() > 20, "the comparison covers real answers: {expected:?}");
    drop(built);

    let restored = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(restored.search.restored() && restored.search.index_reused(), "same binary, same snapshot: read back");
    assert_eq!(answers(&restored), expected, "a restored engine answers as the built one");
    drop(restored);

    // Corrupt: one byte of the payload flipped.
    flip_middle_byte(&file);
    let rebuilt = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(!rebuilt.search.restored(), "a corrupt file is never read");
    assert_eq!(answers(&rebuilt), expected);
    drop(rebuilt);
    let again = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(again.search.restored(), "the rebuild wrote the file again");
    drop(again);

    // Stale: a valid file, but written for another snapshot.
    vaardig::persist::write(&file, "another-snapshot", &vec![1u32, 2, 3]).unwrap();
    let stale = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(!stale.search.restored(), "a file of another snapshot is never read");
    assert_eq!(answers(&stale), expected);
    drop(stale);

    // The second file (autocomplete, gazetteer, field words) corrupt: rebuilt as well.
    flip_middle_byte(&file.with_file_name(vaardig::search::PERSISTED_LOOKUPS_FILE));
    let rebuilt = Engines::build_persisted(snapshot.clone(), dir.path()).unwrap();
    assert!(!rebuilt.search.restored(), "both files are needed");
    assert_eq!(answers(&rebuilt), expected);
    drop(rebuilt);

    // Truncated (a crash of whatever copied it): rebuilt too.
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 3]).unwrap();
    let truncated = Engines::build_persisted(snapshot, dir.path()).unwrap();
    assert!(!truncated.search.restored());
    assert_eq!(answers(&truncated), expected);
}
