//! The export: CSV in ESCO's layout reads back into the same concepts and relations (full ESCO),
//! the RDF files hold every concept, and a server streams the very files an offline export writes.
//! (scripts/check-export loads the RDF of full ESCO + `embedded` into Oxigraph and queries it.)

use std::process::Command;

use tonic::Code;
use vaardig::export::{DirSink, Format, export};
use vaardig::model::LabelForm;
use vaardig::ontology::{self, Dir, Snapshot, SourceSpec};
use vaardig::proto::v1 as pb;

use crate::helpers::{embedded, esco, spawn_server, spawn_server_thread};

/// Everything a concept is and relates to, in a form that does not depend on load order.
fn content(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .list(&Default::default())
        .into_iter()
        .map(|idx| {
            let c = snapshot.concept(idx);
            let mut labels: Vec<(String, LabelForm, String)> =
                c.labels.iter().map(|l| (l.lang.to_string(), l.form, l.text.to_string())).collect();
            labels.sort();
            let mut descriptions: Vec<(String, String)> =
                c.descriptions.iter().map(|d| (d.lang.to_string(), d.text.to_string())).collect();
            descriptions.sort();
            let mut relations: Vec<String> = snapshot
                .relations(idx, Dir::Outgoing, None)
                .iter()
                .map(|v| format!("{} {:?} {}", v.relation.kind, v.relation.importance, snapshot.concept(v.other).id))
                .collect();
            relations.sort();
            format!("{} {} {labels:?} {descriptions:?} {:?} {:?} {relations:?}", c.id, c.kind, c.status, c.details)
        })
        .collect()
}

#[test]
fn csv_in_escos_layout_reads_back_into_the_same_esco() {
    let engines = esco();
    let original = &*engines.snapshot;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = DirSink::new(dir.path()).unwrap();
    export(original, Format::Csv, &mut sink).unwrap();
    let names: Vec<String> =
        sink.written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for expected in ["occupations_en.csv", "occupations_nl.csv", "skills_en.csv", "occupationSkillRelations.csv"] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    let (read_back, report) = ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]).unwrap();
    // ESCO's own gaps (5 skills without a reuse level) come back as they were; nothing else does.
    assert!(report.warnings().all(|w| w.code.contains("reuse_level")), "{report}");
    let (before, after) = (content(original), content(&read_back));
    assert_eq!(before.len(), after.len());
    let differ: Vec<(&String, &String)> = before.iter().zip(&after).filter(|(a, b)| a != b).take(3).collect();
    assert!(differ.is_empty(), "{differ:#?}");
}

#[test]
fn rdf_files_describe_every_concept_and_source() {
    let engines = embedded();
    let snapshot = &*engines.snapshot;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = DirSink::new(dir.path()).unwrap();
    export(snapshot, Format::Skos, &mut sink).unwrap();
    export(snapshot, Format::JsonLd, &mut sink).unwrap();
    let turtle = std::fs::read_to_string(dir.path().join("vaardig.ttl")).unwrap();
    let blocks = turtle.lines().filter(|l| l.contains(" a skos:Concept, ")).count();
    assert_eq!(blocks, snapshot.len());
    assert!(turtle.contains("skos:prefLabel \"loodgieter\"@nl"));
    let jsonld: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("vaardig.jsonld")).unwrap()).unwrap();
    let graph = jsonld["@graph"].as_array().unwrap();
    assert_eq!(graph.len(), snapshot.len() + snapshot.sources().len());
    assert_eq!(jsonld["@context"]["skos"], "http://www.w3.org/2004/02/skos/core#");
    let course = graph.iter().find(|n| n["@type"][1] == "vdg:Course").expect("a course node");
    assert!(course["vdg:priceCents"][0]["@value"].as_str().is_some_and(|v| v.parse::<u64>().is_ok()));
    assert!(course["dct:source"][0]["@id"].as_str().unwrap().starts_with("https://id.vaardig.nl/source/"));
}

#[test]
fn crosswalk_matches_become_skos_matches_with_their_source() {
    let crosswalk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/crosswalk");
    let (snapshot, _) = ontology::load(&[SourceSpec::Embedded, SourceSpec::Path(crosswalk)]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    export(&snapshot, Format::Skos, &mut DirSink::new(dir.path()).unwrap()).unwrap();
    let turtle = std::fs::read_to_string(dir.path().join("vaardig.ttl")).unwrap();
    let block = |id: &str| -> String {
        let start = turtle.find(&format!("\n<{id}> a ")).unwrap_or_else(|| panic!("no block for {id}"));
        let end = turtle[start..].find(" .\n").map_or(turtle.len(), |e| start + e);
        turtle[start..end].to_string()
    };
    let plumber = "<http://data.europa.eu/esco/occupation/ed3cf43d-c2c1-4c46-82fc-1375e27e0290>";
    let exact = block("https://id.vaardig.nl/occupation/xw-loodgieter");
    assert!(exact.contains(&format!("skos:exactMatch {plumber}")), "{exact}");
    assert!(exact.contains("dct:source <https://id.vaardig.nl/source/crosswalk-test>"), "{exact}");
    assert!(exact.contains("dct:license \"CC-BY-4.0\""), "{exact}");
    let close = block("https://id.vaardig.nl/occupation/xw-installatiemonteur-sanitair");
    assert!(close.contains(&format!("skos:closeMatch {plumber}")), "{close}");
    assert!(turtle.contains("<https://id.vaardig.nl/source/crosswalk-test> a vdg:Source"));
}

#[test]
fn the_server_streams_the_files_an_offline_export_writes() {
    let bin = env!("CARGO_BIN_EXE_vaardig");
    let (addr, _stop) = spawn_server_thread(embedded());
    let (remote, local) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = format!("http://{addr}");
    let run = |args: &[&str], out: &std::path::Path| {
        let output = Command::new(bin).args(args).arg("--out").arg(out).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    run(&["export", "--server", &server, "--format", "skos", "--format", "csv"], remote.path());
    run(&["export", "--ontology", "embedded", "--format", "skos", "--format", "csv"], local.path());
    let mut names: Vec<_> = std::fs::read_dir(local.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() > 5, "{names:?}");
    for name in names {
        let a = std::fs::read(local.path().join(&name)).unwrap();
        let b = std::fs::read(remote.path().join(&name)).unwrap();
        assert!(a == b, "{name:?} differs between server and offline export");
    }
    let output = Command::new(bin)
        .args(["export", "--ontology", "embedded", "--format", "rdfxml", "--out"])
        .arg(local.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format"));
}

#[tokio::test]
async fn an_unknown_format_is_invalid_argument_naming_the_field() {
    let server = spawn_server(embedded()).await;
    let mut client = server.concepts().await;
    let status = client.export_ontology(pb::ExportOntologyRequest { format: "xml".into() }).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("format"), "{}", status.message());
}
