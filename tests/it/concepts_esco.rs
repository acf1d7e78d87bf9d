//! The concept API on the full ESCO v1.1.1 export.

use vaardig::model::{ConceptKind, RelationKind};
use vaardig::proto::v1 as pb;
use vaardig::search::SearchRequest;

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

/// Everything a snapshot serves, as text: its version, sources, statistics, every concept and every
/// concept's relations (in their stable order), and the lookup of every id.
fn served(snapshot: &vaardig::ontology::Snapshot) -> Vec<String> {
    use vaardig::ontology::Dir;
    let mut out =
        vec![snapshot.version().to_string(), format!("{:?}", snapshot.sources()), format!("{:?}", snapshot.stats())];
    for (idx, concept) in snapshot.concepts() {
        out.push(format!("{concept:?}"));
        out.push(format!("{:?}", snapshot.relations(idx, Dir::Outgoing, None)));
        out.push(format!("{:?}", snapshot.relations(idx, Dir::Incoming, None)));
        assert_eq!(snapshot.lookup(&concept.id), Some(idx));
    }
    out
}

#[test]
fn every_job_title_the_default_bundle_gives_esco_names_an_esco_occupation() {
    use vaardig::ontology::{self, SourceSpec};
    // On its own the default skips, and counts, the title lines for occupations it does not define…
    let (_, alone) = ontology::load(&[SourceSpec::Embedded]).unwrap();
    let skipped = alone.warning("bundle.labels_for_absent_concept").map(|w| w.count);
    assert!(skipped.is_some_and(|count| count > 100), "{alone}");
    // …and over ESCO every line applies: a mistyped id would be counted here.
    let sources = [SourceSpec::Path(crate::helpers::esco_dir()), SourceSpec::Embedded];
    let (snapshot, report) = ontology::load(&sources).unwrap();
    assert!(report.warning("bundle.labels_for_absent_concept").is_none(), "{report}");
    let heating = snapshot.get("http://data.europa.eu/esco/occupation/7259dc48-004a-4ceb-aa4e-5bbd548c2397").unwrap();
    assert_eq!(heating.pref_label("nl"), "verwarmingsmonteur", "ESCO's preferred label stays");
    assert!(heating.labels.iter().any(|l| &*l.text == "cv-monteur"), "{:?}", heating.labels);
}

#[test]
fn a_restart_on_the_same_sources_restores_the_snapshot_and_a_stale_or_corrupt_file_is_read_again() {
    use vaardig::ontology::SourceSpec;
    use vaardig::ontology::persisted::{FILE, load, persist};
    let dir = tempfile::tempdir().unwrap();
    let sources = [SourceSpec::Path(crate::helpers::esco_dir()), SourceSpec::Embedded];
    let first = load(&sources, dir.path()).unwrap();
    assert!(!first.restored, "nothing persisted yet");
    let key = first.key.clone().expect("the sources are hashed");
    let expected = served(&first.snapshot);
    assert!(expected.len() > 50_000, "the comparison covers full ESCO: {}", expected.len());
    let folder = dir.path().join(first.snapshot.version());
    let file = folder.join(FILE);
    // The file is written into the snapshot's index folder once the engines made it.
    std::fs::create_dir_all(&folder).unwrap();
    persist(dir.path(), &key, &first.snapshot, &first.report);
    assert!(file.exists());

    let again = load(&sources, dir.path()).unwrap();
    assert!(again.restored, "same build, same sources: read back");
    assert_eq!(served(&again.snapshot), expected, "a restored snapshot serves what a loaded one does");
    assert_eq!(again.report.to_string(), first.report.to_string(), "the load's warnings come along");
    assert!(again.report.warning("esco.occupationSkillRelations.unknown_concept").is_some());

    // Other sources (the embedded bundle alone): another key, so the file is not theirs.
    let other = load(&[SourceSpec::Embedded], dir.path()).unwrap();
    assert!(!other.restored);
    assert_ne!(other.key, Some(key.clone()));

    // Corrupt: one byte of the payload flipped.
    let bytes = std::fs::read(&file).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    std::fs::write(&file, &flipped).unwrap();
    let corrupt = load(&sources, dir.path()).unwrap();
    assert!(!corrupt.restored, "a corrupt file is never read");
    assert_eq!(served(&corrupt.snapshot), expected);

    // Truncated.
    std::fs::write(&file, &bytes[..bytes.len() / 3]).unwrap();
    assert!(!load(&sources, dir.path()).unwrap().restored, "a truncated file is never read");

    // A valid file, but written for other sources.
    vaardig::persist::write(&file, "other-sources", &vec![1u32, 2, 3]).unwrap();
    assert!(!load(&sources, dir.path()).unwrap().restored, "a file of other sources is never read");

    // Written again, it is read again.
    std::fs::write(&file, &bytes).unwrap();
    assert!(load(&sources, dir.path()).unwrap().restored);
}

/// The mentions extraction finds in `text`: the words it read, and the concept's English name.
fn mentions_in(engines: &vaardig::engine::Engines, text: &str) -> Vec<(String, String)> {
    engines
        .search
        .extract(text)
        .iter()
        .map(|m| {
            let concept = engines.snapshot.concept(m.concept);
            (text.chars().skip(m.start).take(m.end - m.start).collect(), concept.pref_label("en").to_string())
        })
        .collect()
}

#[test]
fn extraction_reads_labels_with_their_small_words_heads_capitals_and_objects_before_a_closing_verb() {
    let engines = crate::helpers::esco_and_embedded();
    let found = |text: &str| mentions_in(&engines, text);
    // An occupation label with stop words is written with them (once only its content words were
    // compared with all of the label's words, so no such label was ever found).
    let mentions = found("Sinds vorig jaar ben ik functionaris voor gegevensbescherming bij een ziekenhuis.");
    let officer = ("functionaris voor gegevensbescherming".to_string(), "data protection officer".to_string());
    assert!(mentions.contains(&officer), "{mentions:?}");
    // Without them it is not that label: a word left out makes another phrase.
    let mentions = found("Sinds vorig jaar ben ik functionaris gegevensbescherming bij een ziekenhuis.");
    assert!(mentions.iter().all(|(_, label)| label != "data protection officer"), "{mentions:?}");
    // An alternative label of two occupations (`CNC-frezer`: *draaier* and *frezer*) names the one
    // whose own name is its last word.
    let mentions = found("Werkervaring: CNC-frezer bij een machinebouwer.");
    assert!(mentions.contains(&("CNC-frezer".to_string(), "milling machine operator".to_string())), "{mentions:?}");
    // An infinitive that closes the clause takes the objects before it, coordinated ones too.
    let mentions = found("Bij klanten thuis moet je soms kranen of douchekoppen vervangen.");
    assert!(mentions.iter().any(|(_, label)| label == "replace faucets"), "{mentions:?}");
    // A short label with a capital inside is an acronym: `MaaS` is named as written, the river
    // Maas names no mobility service.
    let mentions = found("Ons bedrijf levert MaaS aan gemeenten.");
    assert!(mentions.iter().any(|(_, label)| label == "mobility as a service"), "{mentions:?}");
    let mentions = found("We fietsen langs de Maas naar het werk.");
    assert!(mentions.iter().all(|(_, label)| label != "mobility as a service"), "{mentions:?}");
    // `anders` (otherwise) is no word of `anderen` (others).
    let mentions = found("Heb je geen diploma, dan leiden we je anders zelf op.");
    assert!(mentions.iter().all(|(_, label)| label != "lead others"), "{mentions:?}");
}

#[test]
fn extraction_on_esco_and_the_bundle_reads_roles_acronyms_and_coordinated_objects() {
    let engines = crate::helpers::esco_and_embedded();
    let found = |text: &str| mentions_in(&engines, text);
    // `nu` (now) is no finite verb of an English word: once it was read as "nun" (`monnik/non`).
    for text in ["Nu wil ik graag verder.", "Ik werk nu in de zorg."] {
        let mentions = found(text);
        assert!(mentions.iter().all(|(_, label)| label != "monk/nun"), "{text}: {mentions:?}");
    }
    // An acronym in capitals names its skill even when its key is part of many labels (`MySQL`,
    // `SQL Server`); written in lower case it names nothing.
    let mentions = found("Ik haal data uit de bronnen met SQL.");
    assert!(mentions.contains(&("SQL".to_string(), "SQL".to_string())), "{mentions:?}");
    let mentions = found("Ik haal data uit de bronnen met sql.");
    assert!(mentions.iter().all(|(_, label)| label != "SQL"), "{mentions:?}");
    // `als` makes the noun after it a role: the nurse is an occupation, not an object of `werken`
    // (once "work with nurses", a skill, took the whole span).
    let mentions = found("Ik werk als verpleegster en kan wonden verzorgen.");
    assert!(
        mentions.contains(&("verpleegster".to_string(), "nurse responsible for general care".to_string())),
        "{mentions:?}"
    );
    assert!(mentions.iter().all(|(_, label)| label != "work with nursing staff"), "{mentions:?}");
    // A text names one of a label's two coordinated objects (`sauzen en soepen bereiden`), and an
    // enumeration carries its verb's class too ("maakte … desserts" → `desserts bereiden`).
    let mentions = found("Ik maakte verse pasta, sauzen en desserts.");
    let labels: Vec<&str> = mentions.iter().map(|(_, label)| label.as_str()).collect();
    assert!(labels.contains(&"cook sauce products"), "{mentions:?}");
    assert!(labels.contains(&"prepare desserts"), "{mentions:?}");
    // A two-word occupation label written as one Dutch compound (*web developer*), and a role
    // qualified before it or offered with `gezocht` after it.
    let mentions = found("Ik werk als webdeveloper.");
    assert!(mentions.contains(&("webdeveloper".to_string(), "web developer".to_string())), "{mentions:?}");
    let mentions = found("Ervaren lasser gezocht!");
    assert!(mentions.contains(&("lasser".to_string(), "welder".to_string())), "{mentions:?}");
    // After `en` and before a preposition a word is the verb of the next clause ("zorg voor"),
    // no object of the verb before it (once *zorg plannen* through `plan`).
    let mentions = found("Ik plan de afspraken en zorg voor de back-ups.");
    assert!(mentions.iter().all(|(text, _)| text != "zorg"), "{mentions:?}");
    // The object of a two-word skill label names the skill alone when its word is rare in the labels
    // and names that one skill ("camerabeelden" → *camerabeelden uitkijken*), with another verb or
    // none; a common object does not ("klanten" is in the labels of many skills).
    let mentions = found("Ik houd de camerabeelden in de gaten.");
    assert!(mentions.iter().any(|(_, label)| label == "monitor surveillance equipment"), "{mentions:?}");
    // ("Ik zorg voor de klanten" may still name customer service, through the lexicon).
    let mentions = found("Ik zorg voor de klanten.");
    assert!(mentions.iter().all(|(text, _)| text != "klanten"), "{mentions:?}");
    // Before a verb that takes no object, or as an adjective, the first word says how (`klantvriendelijk
    // werken`): alone it names a manner, not the task.
    let mentions = found("- Klantvriendelijk en flexibel");
    assert!(mentions.iter().all(|(_, label)| label != "ensure customer orientation"), "{mentions:?}");
    // A word the labels know as a noun (`doe`) is also read as the finite verb it is.
    let mentions = found("Voor mijn buurvrouw doe ik boodschappen.");
    assert!(mentions.iter().any(|(_, label)| label == "buy groceries"), "{mentions:?}");
    // A particle before a preposition closes its verb: "rekent af aan tafel" settles the bill (no
    // arithmetic), "werkt samen met collega's" cooperates.
    let mentions = found("Je rekent af aan tafel en werkt nauw samen met collega's.");
    let labels: Vec<&str> = mentions.iter().map(|(_, label)| label.as_str()).collect();
    assert!(!labels.contains(&"apply numeracy skills"), "{mentions:?}");
    assert!(labels.contains(&"cooperate with colleagues"), "{mentions:?}");
    // As before a preposition or conjunction that opens the next phrase ("dien … toe volgens het
    // schema", "los … op als er iets misgaat").
    let mentions = found("In de nachtdienst dien ik de medicatie toe volgens het schema.");
    assert!(mentions.iter().any(|(_, label)| label == "administer prescribed medication"), "{mentions:?}");
    // A language's name before a noun is a nationality ("een Italiaans restaurant", "Franse
    // gerechten"); in a list of languages, or with `taal`, it is the language.
    let mentions = found("Ik werkte in een Italiaans restaurant en kook graag Franse gerechten.");
    assert!(mentions.iter().all(|(_, label)| label != "Italian" && label != "French"), "{mentions:?}");
    let mentions = found("Talen: Italiaans, Frans. Ik beheers de Duitse taal.");
    let labels: Vec<&str> = mentions.iter().map(|(_, label)| label.as_str()).collect();
    assert!(["Italian", "French", "German"].iter().all(|l| labels.contains(l)), "{mentions:?}");
    // A role written as it is outweighs a skill that only the learned translation reads into its
    // word (`kleermaker` → *dressmaking*).
    let mentions = found("Als kleermaker naai ik jurken.");
    assert!(mentions.iter().all(|(_, label)| label != "dressmaking"), "{mentions:?}");
    assert!(mentions.iter().any(|(text, label)| text == "kleermaker" && label == "dressmaker"), "{mentions:?}");
    // An inflected adjective before its noun is no verb's object ("zorgt voor een veilige
    // speelplek" manages no health and safety), and a compound's part written with a hyphen is no
    // word of its own (`cloudgegevens en -opslag beheren` is not `opslag beheren`).
    let mentions = found("Je organiseert spelactiviteiten en zorgt voor een veilige speelplek.");
    assert!(mentions.iter().all(|(_, label)| label != "manage health and safety"), "{mentions:?}");
    let mentions = found("Hij beheert de opslag van de voorraad.");
    let labels: Vec<&str> = mentions.iter().map(|(_, label)| label.as_str()).collect();
    assert!(!labels.contains(&"manage cloud data and storage"), "{mentions:?}");
    // A finite verb read as its infinitive names no occupation (`sorteert` → `sorteren` is no
    // *sorter*), and one word alone needs a strong translation (`object` is no *texture*).
    let mentions = found("Sorteert onderdelen in volgorde van montage.");
    assert!(mentions.iter().all(|(_, label)| !label.contains("sorter")), "{mentions:?}");
    let mentions = found("Richt de werkplek in en bereidt het object voor op de montage.");
    assert!(mentions.iter().all(|(_, label)| label != "design principles"), "{mentions:?}");
    // The noun of a fixed expression is no object: "houdt rekening met" takes something into
    // account (no invoices), "draagt zorg voor" sees to it (no nursing care).
    let mentions =
        found("Hij houdt rekening met de opstellingen. Stelt een plan op en draagt zorg voor de realisatie.");
    assert!(
        mentions.iter().all(|(_, label)| label != "allocate bills" && label != "plan nursing care"),
        "{mentions:?}"
    );
    // A word after an article is a noun, not a finite verb: "het gebruik" is no `gebruiken`, so no
    // other verb of working a machine (`rijden`) meets `veiligheid`.
    let mentions = found("Voor de hoogwerker gelden regels voor het gebruik en de veiligheid.");
    assert!(mentions.iter().all(|(_, label)| label != "perform defensive driving"), "{mentions:?}");
    // With every reading of such a word: `las` is a weld, and a form of both `lassen` and `lezen`.
    let mentions = found("Ik las voornamelijk MIG en TIG op staal.");
    let labels: Vec<&str> = mentions.iter().map(|(_, label)| label.as_str()).collect();
    let welding = ["perform metal inert gas welding", "perform tungsten inert gas welding"];
    assert!(welding.iter().all(|w| labels.contains(w)), "{mentions:?}");
    // A diminutive is read as the word it is made from (`boompjes` → `bomen snoeien`), and a plural
    // in `-ies` as its singular (`reparaties` → `onderhoud en reparatie`).
    let mentions = found("Ik snoei de boompjes en zorg voor onderhoud en reparaties.");
    let labels: Vec<&str> = mentions.iter().map(|(_, label)| label.as_str()).collect();
    assert!(labels.contains(&"lop trees") && labels.contains(&"maintenance operations"), "{mentions:?}");
    // A compound is also read as its head, a little less surely: a `tweeploegendienst` is a
    // `ploegendienst` (`werken in ploegendienst`, the bundle's Dutch label of *work in shifts*).
    let mentions = found("Je werkt graag in een tweeploegendienst.");
    assert!(
        mentions.iter().any(|(text, label)| label == "work in shifts" && text.ends_with("tweeploegendienst")),
        "{mentions:?}"
    );
    // A female form of a title no label spells (`frisdrankfabrikante`) is the title, not a
    // finite verb of a plural noun (`frisdrankfabrikanten`); a plural is no typo of its singular
    // (once read as a verb, so the occupation was refused); and a title's two-letter word written
    // as the label writes it is part of the title (`CE`, the licence).
    let mentions = found("Ik ben frisdrankfabrikante.");
    assert!(mentions.contains(&("frisdrankfabrikante".into(), "blender operator".into())), "{mentions:?}");
    let mentions = found("Wij zoeken beveiligers voor de nachtdienst.");
    assert!(mentions.contains(&("beveiligers".into(), "security guard".into())), "{mentions:?}");
    let mentions = found("- Vrachtwagenchauffeur CE");
    assert!(mentions.iter().any(|(text, _)| text == "Vrachtwagenchauffeur CE"), "{mentions:?}");
    // Objects coordinated after the verb's first one share it, however far ("af en toe Frans" is
    // spoken too); a people's plural is no language ("Roemenen").
    let mentions = found("Ik spreek dagelijks Duits met de gasten en af en toe Frans.");
    assert!(mentions.contains(&("Frans".into(), "interact verbally in French".into())), "{mentions:?}");
    let mentions = found("In de kas werk ik met veel Polen en Roemenen.");
    assert!(mentions.iter().all(|(_, label)| !label.contains("Romanian")), "{mentions:?}");
}

/// The three best hits of a Dutch search on full ESCO + `embedded`: preferred label and reasons.
fn top_three_with_reasons(query: &str, kinds: Vec<ConceptKind>) -> Vec<(String, Vec<vaardig::search::Reason>)> {
    top_with_reasons(query, kinds, 3)
}

fn top_with_reasons(query: &str, kinds: Vec<ConceptKind>, limit: usize) -> Vec<(String, Vec<vaardig::search::Reason>)> {
    let engines = crate::helpers::esco_and_embedded();
    let snapshot = &*engines.snapshot;
    let request = SearchRequest {
        query: query.into(),
        kinds,
        lang: "nl".into(),
        filters: Default::default(),
        offset: 0,
        limit,
        facets: false,
    };
    let results = engines.search.search(snapshot, &request).unwrap();
    results.hits.iter().map(|h| (snapshot.concept(h.concept).pref_label("nl").to_string(), h.reasons.clone())).collect()
}

#[test]
fn a_skill_search_weighs_shared_stretches_of_letters_where_no_word_matches_whole() {
    let ask = top_three_with_reasons;
    // `telecom…` is the start of `telecommunicatie…`, a stretch no other label with `techniek` has;
    // by words alone each `…techniek` label matched the head as well.
    let hits = ask("telecomtechniek", vec![ConceptKind::Skill]);
    assert_eq!(hits[0].0, "telecommunicatietechniek", "{hits:?}");
    // A concept no word of the query matches joins by spelling alone, and says so.
    // (`archivistiek`, the study of archives, is no label word; `archieven` and `archiveren` share
    // its stem's letters: managing archives, or the filing skill whose labels say `archiveren`.)
    let hits = ask("archivistiek", vec![ConceptKind::Skill]);
    assert!(["archie", "archiv"].iter().any(|stem| hits[0].0.contains(stem)), "{hits:?}");
    assert_eq!(hits[0].1, vec![vaardig::search::Reason::Spelling], "{hits:?}");
    // Where occupations are asked for, the similarity stays out: a title's shortest similar label
    // is no better answer (`Docent Frans` is a teacher, not the skill Frans).
    let hits = ask("Docent Frans", vec![]);
    assert!(hits[0].0.starts_with("docent"), "a teacher first: {hits:?}");
}

#[test]
fn a_dutch_skill_phrase_reaches_a_skill_with_only_an_english_label_through_a_common_verb() {
    // `meten` meets `measure` in many concepts but so do many other words, so the co-occurrence
    // measure (Dice) left it out; the alignment model (IBM Model 1) gives it `measure`.
    let hits = top_three_with_reasons("temperatuur meten", vec![ConceptKind::Skill]);
    let measure = hits.iter().find(|(label, _)| label == "measure temperature");
    assert!(measure.is_some_and(|(_, reasons)| reasons.contains(&vaardig::search::Reason::Translated)), "{hits:?}");
}

#[test]
fn a_skill_phrase_is_about_its_object_more_than_its_verb() {
    let hits = top_three_with_reasons("kamers reinigen", vec![ConceptKind::Skill]);
    // No label says `kamers reinigen`. The label that names the rooms with another verb is meant,
    // not one that shares only the verb (`materiaal reinigen` came first by words alone), and the
    // hit says why: the other verb, the synonym the labels teach (`sanitair reinigen` /
    // `sanitair schoonmaken`), or since the lexicon knows `reinigen` as *clean*, its English label
    // *clean rooms*.
    assert_eq!(hits[0].0, "kamers schoonmaken", "{hits:?}");
    let why = &hits[0].1;
    assert!(
        [vaardig::search::Reason::OtherVerb, vaardig::search::Reason::Synonym, vaardig::search::Reason::Translated]
            .iter()
            .any(|reason| why.contains(reason)),
        "{hits:?}"
    );
    // The verb weighs less than the object against skill labels: with the verb's whole weight,
    // *systeemprestaties bewaken* (the verb alone) came before every label about cold stores. The
    // first hit names the object: a cold store, or the temperature the phrase watches.
    let hits = top_three_with_reasons("de temperatuur van koelcellen bewaken", vec![ConceptKind::Skill]);
    assert!(hits[0].0.contains("koel") || hits[0].0.contains("temperatuur"), "{hits:?}");
    assert!(hits.iter().any(|(label, _)| label.contains("koel")), "{hits:?}");
    // A label that shares only the closing verb says nothing of the object: with its whole score
    // *programmeringen uitwerken* came first for any plan worked out, *beoordeling opvolgen* for any
    // list followed up.
    let hits = top_three_with_reasons("een evacuatieplan uitwerken", vec![ConceptKind::Skill]);
    assert!(hits[0].0.contains("evacuatie"), "{hits:?}");
    let hits = top_three_with_reasons("de voorraadlijst opvolgen", vec![ConceptKind::Skill]);
    assert!(!hits[0].0.ends_with("opvolgen"), "{hits:?}");
}

#[test]
fn the_first_page_shows_more_than_one_way_a_phrase_is_explained() {
    // Many skill labels repair something else (engines, patterns, jewellery, water pipes) and match
    // the phrase's verb only, alike; after three of them, the labels about its object (clockwork
    // inspected, designed) come first. By score alone, the first ten held four labels about clocks.
    let engines = crate::helpers::esco_and_embedded();
    let snapshot = &*engines.snapshot;
    let request = SearchRequest {
        query: "Klokken repareren".into(),
        kinds: vec![ConceptKind::Skill],
        lang: "nl".into(),
        filters: Default::default(),
        offset: 0,
        limit: 10,
        facets: false,
    };
    let hits = engines.search.search(snapshot, &request).unwrap().hits;
    let labels: Vec<String> = hits.iter().map(|h| snapshot.concept(h.concept).pref_label("nl").to_string()).collect();
    let about_clocks = labels.iter().filter(|l| l.contains("klok") || l.contains("uurwerk")).count();
    assert!(about_clocks >= 6, "{labels:?}");
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "scores still fall down the list");
}

#[test]
fn a_skill_phrase_that_shares_only_its_frame_with_a_label_is_about_something_else() {
    // `eigenschappen van …` and `technieken voor …` open many skill labels: a phrase is about what
    // follows them. By words alone, every `eigenschappen van X` label came before any about wood,
    // and the ICT labels with `technieken voor` came second and third for welding.
    let hits = top_three_with_reasons("eigenschappen van hout", vec![ConceptKind::Skill]);
    assert!(!hits[0].0.starts_with("eigenschappen van"), "{hits:?}");
    let hits = top_three_with_reasons("technieken voor het lassen", vec![ConceptKind::Skill]);
    let welding = |label: &str| {
        let label = label.to_lowercase();
        label.contains("lassen") || label.contains("lastechniek") || label.starts_with("las")
    };
    assert!(hits.iter().all(|(label, _)| welding(label)), "{hits:?}");
    // A label that names the same thing keeps its place.
    let hits = top_three_with_reasons("eigenschappen van textiel", vec![ConceptKind::Skill]);
    assert_eq!(hits[0].0, "eigenschappen van textiel evalueren", "{hits:?}");
    // A compound's frame head weighs half as well: milling before every label ending in
    // `…technieken` (all three were such labels by IDF alone), baking before `systeemtheorie`
    // (through its label `algemene principes`).
    let hits = top_three_with_reasons("freestechnieken", vec![ConceptKind::Skill]);
    assert!(hits[0].0.contains("frees"), "{hits:?}");
    let hits = top_three_with_reasons("bakprincipes", vec![ConceptKind::Skill]);
    assert!(hits[0].0.contains("bak"), "{hits:?}");
}

#[test]
fn a_skill_whose_description_names_what_its_label_misses_ranks_up_and_says_so() {
    // The skill of assessing students matches `toetsen` through an alternative label (`toetsen
    // afnemen`), and its description speaks of students (`leerlingen`, through the lexicon). By
    // labels alone a label with `toetsen` and nothing about students came first (*bouwprojecten
    // toetsen*). With the skill's Dutch labels the lexicon also reads `leerlingen` as *students*, so
    // its English label may explain the phrase as well.
    let hits = top_three_with_reasons("leerlingen toetsen", vec![ConceptKind::Skill]);
    assert_eq!(hits[0].0, "studenten beoordelen", "{hits:?}");
    assert!(
        [vaardig::search::Reason::Description, vaardig::search::Reason::Translated]
            .iter()
            .any(|reason| hits[0].1.contains(reason)),
        "{hits:?}"
    );
    // A label that names the task but not its object (`inpakken`) is explained by a description
    // that names the object (boxes), and the hit says so.
    let hits = top_three_with_reasons("dozen inpakken", vec![ConceptKind::Skill]);
    assert!(hits[0].0.ends_with("verpakken"), "{hits:?}");
    assert!(hits[0].1.contains(&vaardig::search::Reason::Description), "{hits:?}");
}

#[test]
fn a_title_no_label_word_matches_is_answered_by_spelling_and_says_so() {
    // A compound whose head no label has (a plumber's hand): the occupation whose label looks most
    // alike, with reason SPELLING, rather than no answer.
    let hits = top_three_with_reasons("Loodgietersknecht", vec![ConceptKind::Occupation]);
    assert_eq!(hits[0].0, "loodgieter", "{hits:?}");
    assert_eq!(hits[0].1[0], vaardig::search::Reason::Spelling, "{hits:?}");
    // A title that some label word matches is answered by its word matches first.
    let hits = top_three_with_reasons("kaasboer", vec![ConceptKind::Occupation]);
    assert!(!hits[0].1.contains(&vaardig::search::Reason::Spelling), "{hits:?}");
}

#[test]
fn the_occupations_closest_in_spelling_join_a_titles_word_matches_and_say_so() {
    // The workshop named where ESCO names its maker: no label has `orgelbouwerij`, so the words
    // find only the many `medewerker …` labels, and the organ builder is the occupation whose
    // label looks most alike. It joins the first ten, below the word matches, with reason SPELLING.
    let title = "Medewerker orgelbouwerij";
    let kinds = vec![ConceptKind::Occupation, ConceptKind::IscoGroup];
    let hits = top_with_reasons(title, kinds, 10);
    let (place, (_, reasons)) = hits
        .iter()
        .enumerate()
        .find(|(_, (label, _))| label == "orgelbouwer")
        .expect("the organ builder in the first ten");
    assert_eq!(reasons[0], vaardig::search::Reason::Spelling, "{hits:?}");
    assert!(place > 0 && !hits[0].1.contains(&vaardig::search::Reason::Spelling), "{hits:?}");
}

#[test]
fn of_two_occupations_that_share_a_title_the_one_whose_description_uses_its_words_comes_first() {
    // `directeur jeugdcentrum` is an alternative label of a youth information worker and of the
    // manager of a youth centre; only the manager's description speaks of a centre. By labels
    // alone the two tied, and the order of the export decided.
    let hits = top_three_with_reasons("directeur jeugdcentrum", vec![ConceptKind::Occupation, ConceptKind::IscoGroup]);
    assert_eq!(hits[0].0, "manager jongerencentrum", "{hits:?}");
    assert!(hits[0].1.contains(&vaardig::search::Reason::Description), "{hits:?}");
    assert!(!hits[1].1.contains(&vaardig::search::Reason::Description), "{hits:?}");
}

#[test]
fn a_title_without_its_general_mark_names_the_general_occupation_exactly() {
    let engines = crate::helpers::esco_and_embedded();
    let snapshot = &*engines.snapshot;
    let ask = |query: &str| {
        let request = SearchRequest {
            query: query.into(),
            kinds: vec![ConceptKind::Occupation],
            lang: "nl".into(),
            filters: Default::default(),
            offset: 0,
            limit: 3,
            facets: false,
        };
        engines.search.search(snapshot, &request).unwrap().hits
    };
    let labels = |hits: &[vaardig::search::Hit]| -> Vec<String> {
        hits.iter().map(|h| snapshot.concept(h.concept).pref_label("nl").to_string()).collect()
    };
    // ESCO's preferred label says `algemeen directeur vliegveld`; another occupation has the words
    // of the title as an alternative label. The preferred label of the general variant comes first.
    let hits = ask("directeur vliegveld");
    assert_eq!(labels(&hits)[0], "algemeen directeur vliegveld", "{:?}", labels(&hits));
    assert!(hits[0].reasons.contains(&vaardig::search::Reason::Exact), "{hits:?}");
    assert!(!hits[0].reasons.contains(&vaardig::search::Reason::AlternativeLabel), "{hits:?}");
    // A general mark says little about which occupation a title names: `allround schilder` is a
    // painter, not the sign maker whose alternative label shares only the mark (`allround
    // signmaker`).
    let hits = ask("allround schilder");
    assert!(labels(&hits)[0].contains("schilder"), "{:?}", labels(&hits));
}

#[test]
fn a_title_whose_head_opens_with_a_particle_is_not_answered_by_the_rank_without_it() {
    // An `onderofficier` is a non-commissioned officer (ESCO: `sergeant`), not an `officier`, though
    // ESCO's officer labels share the title's service (`officier koninklijke landmacht`) and the
    // sergeant's label shares only the head.
    for title in ["Onderofficier koninklijke landmacht", "Onderofficier infanterie koninklijke landmacht"] {
        let hits = top_three_with_reasons(title, vec![ConceptKind::Occupation, ConceptKind::IscoGroup]);
        assert_eq!(hits[0].0, "sergeant", "{title}: {hits:?}");
        assert!(hits.iter().any(|(label, _)| label == "officier"), "the officer still follows: {hits:?}");
    }
}

#[test]
fn a_title_naming_a_specialty_of_its_head_finds_the_specialised_variant_and_says_so() {
    // No ESCO label names a physiotherapist for pelvic floors or a nurse for heart monitoring; the
    // specialised variant of the head does, where labels sharing the head with another qualifier,
    // or the head alone, came first.
    for (title, variant) in [
        ("Fysiotherapeut bekkenbodem", "gespecialiseerd fysiotherapeut"),
        ("Verpleegkundige hartbewaking", "gespecialiseerd verpleegkundige"),
    ] {
        let hits = top_three_with_reasons(title, vec![ConceptKind::Occupation, ConceptKind::IscoGroup]);
        assert_eq!(hits[0].0, variant, "{title}: {hits:?}");
        assert!(hits[0].1.contains(&vaardig::search::Reason::Specialisation), "{title}: {hits:?}");
    }
    // Written as one compound, the specialty is the compound's modifier.
    let hits = top_three_with_reasons("Bekkenfysiotherapeut", vec![ConceptKind::Occupation, ConceptKind::IscoGroup]);
    assert_eq!(hits[0].0, "gespecialiseerd fysiotherapeut", "{hits:?}");
    assert!(hits[0].1.contains(&vaardig::search::Reason::Specialisation), "{hits:?}");
    // The head alone names no specialty.
    let hits = top_three_with_reasons("fysiotherapeut", vec![ConceptKind::Occupation]);
    assert_eq!(hits[0].0, "fysiotherapeut", "{hits:?}");
    assert!(hits.iter().all(|(_, reasons)| !reasons.contains(&vaardig::search::Reason::Specialisation)), "{hits:?}");
}

#[test]
fn initials_joined_by_an_ampersand_are_matched_as_one_word() {
    // `P&O` (personeel en organisatie) is one word: ESCO's `manager p&o` answers it (`hoofd` and
    // `manager` name the same rank), and labels with a lone `o` or `p` (`O&P technician`, an
    // orthotics technician) no longer do.
    let hits = top_three_with_reasons("Hoofd P&O", vec![ConceptKind::Occupation, ConceptKind::IscoGroup]);
    assert_eq!(hits[0].0, "hoofd personeelszaken", "{hits:?}");
    assert!(hits.iter().all(|(label, _)| label != "orthopedisch technicus"), "{hits:?}");
}

#[test]
fn a_label_holding_every_word_of_a_title_is_found_among_the_many_that_hold_its_commonest_word() {
    let engines = crate::helpers::esco_and_embedded();
    let snapshot = &*engines.snapshot;
    let first_three = |query: &str| -> Vec<String> {
        let request = SearchRequest {
            query: query.into(),
            kinds: vec![ConceptKind::Occupation, ConceptKind::IscoGroup],
            lang: "nl".into(),
            filters: Default::default(),
            offset: 0,
            limit: 3,
            facets: false,
        };
        let hits = engines.search.search(snapshot, &request).unwrap().hits;
        hits.iter().map(|h| snapshot.concept(h.concept).pref_label("nl").to_string()).collect()
    };
    // Thousands of labels hold `medewerker`; the one compound that holds both words was not among
    // the candidates (before: a spa employee and an ICT technician via `IT-medewerker`).
    assert_eq!(first_three("medewerker toilet")[0], "toiletmedewerker");
    assert_eq!(first_three("medewerker kleedkamer")[0], "kleedkamerbediende");
    // `bediening` shares its key with `bedienen`, whose learned synonym `beheren` is the head of
    // `bosbeheer`: a synonym of a compound's head explains only the head's share of it, and the
    // waiter's `bedieningsmedewerker` is a candidate (before: a forester and a recycling worker).
    let hits = first_three("medewerker bediening");
    assert!(hits.contains(&"ober/serveerster".to_string()), "{hits:?}");
    assert!(!hits.contains(&"bosbouwer".to_string()), "{hits:?}");
}

#[test]
fn an_alternative_label_that_names_another_occupation_first_is_suggested_after_it() {
    let engines = esco();
    let suggestions = engines.search.suggest("lass", &[ConceptKind::Occupation, ConceptKind::Skill], "nl", 10, false);
    let labels: Vec<(String, &str)> = suggestions
        .iter()
        .map(|s| {
            let concept = engines.snapshot.concept(s.concept);
            (concept.pref_label("nl").to_string(), &*engines.search.labels.rows[s.row as usize].text)
        })
        .collect();
    assert_eq!(labels[0], ("lasser".to_string(), "lasser"), "{labels:?}");
    // The occupations that have `lasser` only as an alternative label come after the skill
    // `lassen`, whose label is its own.
    let skill = labels.iter().position(|(pref, _)| pref == "lassen").expect("the skill is suggested");
    let shadowed: Vec<usize> = labels
        .iter()
        .enumerate()
        .filter(|(_, (pref, text))| *text == "lasser" && pref != "lasser")
        .map(|(i, _)| i)
        .collect();
    assert!(!shadowed.is_empty(), "{labels:?}");
    assert!(shadowed.iter().all(|i| *i > skill), "{labels:?}");
}

#[tokio::test]
async fn the_skills_most_occupations_require_are_named_in_dutch_and_keep_their_english_label() {
    // Half of ESCO's skills have no Dutch label offline; `skills-esco-nl.jsonl` in the embedded
    // bundle writes one for the 390 that most occupations require, so a Dutch gap analysis no
    // longer shows them in English.
    use vaardig::ontology::Dir;
    const GUIDELINES: &str = "http://data.europa.eu/esco/skill/aa238394-8126-4ada-be2f-9dfe065cf314";
    let engines = crate::helpers::esco_and_embedded();
    let snapshot = &*engines.snapshot;
    let has_dutch = |idx| snapshot.concept(idx).labels.iter().any(|l| &*l.lang == "nl");
    let widely_required: Vec<_> = snapshot
        .concepts_of(ConceptKind::Skill)
        .filter(|(idx, _)| snapshot.relations(*idx, Dir::Incoming, Some(RelationKind::Requires)).len() >= 100)
        .map(|(idx, _)| idx)
        .collect();
    assert!(widely_required.len() > 40, "{}", widely_required.len());
    let without: Vec<&str> =
        widely_required.iter().filter(|idx| !has_dutch(**idx)).map(|idx| snapshot.pref_label(*idx, "en")).collect();
    assert!(without.is_empty(), "skills 100+ occupations require, without a Dutch label: {without:?}");

    // Through the API: an occupation that requires the skill lists it in Dutch, or in English.
    let skill = snapshot.lookup(GUIDELINES).unwrap();
    assert_eq!(snapshot.pref_label(skill, "en"), "adhere to organisational guidelines");
    let occupation = snapshot.relations(skill, Dir::Incoming, Some(RelationKind::Requires))[0].other;
    let occupation_id = snapshot.concept(occupation).id.to_string();
    let server = spawn_server(engines.clone()).await;
    let mut client = server.concepts().await;
    for (lang, expected) in
        [("nl", "zich houden aan de richtlijnen van de organisatie"), ("en", "adhere to organisational guidelines")]
    {
        let page = client
            .list_relations(pb::ListRelationsRequest {
                id: occupation_id.clone(),
                kind: pb::RelationKind::Requires as i32,
                lang: lang.into(),
                page_size: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        let label =
            page.relations.iter().map(|r| r.concept.clone().unwrap()).find(|c| c.id == GUIDELINES).unwrap().label;
        assert_eq!(label, expected, "{lang}");
    }
}

/// The CompetentNL label cache loads as a label vocabulary beside ESCO: every UWV occupation (and
/// human capability) as one set of titles, no concepts added. Through the gRPC API a title that is
/// one of its labels is searched as its other labels too, and the hit says which one matched: the
/// gender-neutral `Bootspersoon` is CompetentNL's other label of `Bootsman`, the boatswain, where
/// ESCO's labels alone answer a shipbuilder.
#[tokio::test]
async fn a_competentnl_title_finds_the_occupation_of_its_other_label_and_says_which() {
    use std::sync::Arc;
    use vaardig::engine::Engines;
    use vaardig::ontology::{self, SourceSpec};
    use vaardig::proto::v1::search_service_client::SearchServiceClient;
    const BOATSWAIN: &str = "http://data.europa.eu/esco/occupation/2e46a2a3-4d33-469e-8d50-588cc17e6bed";
    let data = crate::helpers::shared_data();
    let sources = [SourceSpec::Path(data.join("esco-v1.1.1")), SourceSpec::Path(data.join("competentnl"))];
    let (snapshot, report) = ontology::load(&sources).expect("ESCO and CompetentNL load");
    assert!(!report.has_errors());
    // Labels whose accents were decoded as code page 850 (`Co├Ârdinator`) are repaired and counted.
    assert_eq!(report.warning("vocabulary.mis_decoded_label").map(|w| w.count), Some(145));
    assert_eq!(snapshot.stats().concepts[&ConceptKind::Occupation], 3007, "a vocabulary adds no concepts");
    // 3,262 UWV occupations, 112 human capabilities, 6 knowledge areas.
    assert_eq!(snapshot.label_sets().len(), 3262 + 112 + 6);
    let vocabulary = &snapshot.sources()[1];
    assert_eq!((vocabulary.format.as_str(), vocabulary.label_sets, vocabulary.concepts), ("vocabulary", 3380, 0));
    let engines = Arc::new(Engines::build(Arc::new(snapshot)));
    let search = |engines: &Engines| {
        let request = SearchRequest {
            query: "Bootspersoon".into(),
            kinds: vec![ConceptKind::Occupation, ConceptKind::IscoGroup],
            lang: "nl".into(),
            filters: vaardig::search::Filters::default(),
            offset: 0,
            limit: 10,
            facets: false,
        };
        engines.search.search(&engines.snapshot, &request).unwrap().hits[0].concept
    };
    let alone = esco();
    assert_ne!(&*alone.snapshot.concept(search(&alone)).id, BOATSWAIN, "ESCO's labels alone");
    let server = spawn_server(engines).await;
    let mut client = SearchServiceClient::new(server.channel().await);
    let request = pb::SearchRequest {
        query: "Bootspersoon".into(),
        kinds: vec![pb::ConceptKind::Occupation as i32, pb::ConceptKind::IscoGroup as i32],
        ..Default::default()
    };
    let response = client.search(request).await.unwrap().into_inner();
    let first = &response.hits[0];
    assert_eq!(first.concept.as_ref().unwrap().id, BOATSWAIN, "{:?}", response.hits);
    assert_eq!(first.via_label, "Bootsman");
    assert_eq!(first.reasons[0], pb::MatchReason::EquivalentLabel as i32);
    // A set one of whose titles is an ESCO occupation's own label (`Varkenshouder`) names that
    // occupation, and its other titles are found in running text: ESCO has no `varkensmester`.
    const PIG_FARMER: &str = "http://data.europa.eu/esco/occupation/ea3db1b3-7c03-4306-9e3d-7e20eb7f1826";
    let story = "Ik ben al twintig jaar varkensmester op een gemengd bedrijf in de Peel.";
    let found_alone = alone.search.extract(story).iter().any(|m| &*alone.snapshot.concept(m.concept).id == PIG_FARMER);
    assert!(!found_alone, "ESCO's labels alone");
    let request = pb::ExtractConceptsRequest { text: story.into(), ..Default::default() };
    let response = client.extract_concepts(request).await.unwrap().into_inner();
    let mention = response.mentions.iter().find(|m| m.concept.as_ref().unwrap().id == PIG_FARMER);
    assert_eq!(mention.map(|m| m.matched_label.as_str()), Some("Varkensmester"), "{:?}", response.mentions);
}
