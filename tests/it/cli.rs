//! The `vaardig` binary end to end: `check`, and client commands against a real server.

use std::process::Command;

use crate::helpers::{embedded, esco, esco_dir, spawn_server_thread};

fn vaardig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vaardig"))
}

#[test]
fn check_accepts_esco_and_reports_its_quirks() {
    let output = vaardig().args(["check", "--ontology"]).arg(esco_dir()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("esco.occupationSkillRelations.unknown_concept"), "{stdout}");
    assert!(stdout.contains("(67×"), "{stdout}");
    assert!(stdout.contains("occupation           3007"), "{stdout}");
}

#[test]
fn check_fails_with_the_location_of_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bundle.toml"), "name = \"kapot\"\n").unwrap();
    std::fs::write(
        dir.path().join("skills.jsonl"),
        "{\"id\": \"vaardig:skill/a\", \"labels\": {\"nl\": {\"pref\": \"a\"}}, \"skill_type\": \"talent\"}\n",
    )
    .unwrap();
    let output = vaardig().args(["check", "--ontology"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("skills.jsonl:1: field `skill_type`: unknown value `talent`"), "{stderr}");
}

#[test]
fn stats_json_has_version_counts_and_relations() {
    let engines = esco();
    let snapshot = &*engines.snapshot;
    let (addr, _stop) = spawn_server_thread(engines.clone());
    let output = vaardig().args(["stats", "--json", "--server", &format!("http://{addr}")]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], snapshot.version());
    for (kind, count) in [
        ("occupation", 3007),
        ("skill", 13_896),
        ("isco_group", 619),
        ("skill_group", 640),
        ("course", 0),
        ("funding_scheme", 0),
    ] {
        assert_eq!(json["counts"][kind], count, "{kind}");
    }
    assert_eq!(json["relations"]["requires"], 123_788);
}

#[test]
fn concept_command_prints_dutch_text_and_json() {
    let (addr, _stop) = spawn_server_thread(esco());
    let server = format!("http://{addr}");
    let id = "esco:occupation/eeac6251-1974-42f5-91ed-513c6c883755";
    let output = vaardig().args(["concept", id, "--server", &server]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(text.starts_with("heftruckchauffeur  [occupation]"), "{text}");
    assert!(text.contains("ISCO: 8344"), "{text}");

    let output = vaardig().args(["concept", id, "--server", &server, "--json", "--lang", "en"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["label"], "forklift operator");
    assert_eq!(json["kind"], "occupation");
    assert_eq!(json["details"]["isco_code"], "8344");

    let output = vaardig().args(["concept", "vaardig:skill/bestaat-niet", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(4), "NOT_FOUND → exit code 4");
    let output = vaardig().args(["concept", "geen id", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(5), "INVALID_ARGUMENT → exit code 5");
}

#[test]
fn client_commands_fail_clearly_without_a_server() {
    let output = vaardig().args(["stats", "--server", "http://127.0.0.1:9"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot reach the vaardig server"));
}

#[test]
fn relations_and_hierarchy_commands_work_on_the_default() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let output = vaardig()
        .args(["relations", "vaardig:provider/roc-denkbeeldig", "--direction", "both", "--json", "--server", &server])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["relations"].is_array());
    let output = vaardig().args(["relations", "x", "--kind", "owns", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn batch_search_writes_one_json_line_per_input_line_in_order() {
    use std::io::Write;
    let index = tempfile::tempdir().unwrap();
    let mut child = vaardig()
        .args(["search", "--json", "--kind", "occupation", "--ontology", "embedded", "--index-dir"])
        .arg(index.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input = "heftruckchauffeur\n\nverpleegkundige\nlasser AND (\n";
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "nothing accepted is lost");
    let queries: Vec<&str> = lines.iter().map(|l| l["query"].as_str().unwrap()).collect();
    assert_eq!(queries, ["heftruckchauffeur", "", "verpleegkundige", "lasser AND ("]);
    assert_eq!(lines[0]["hits"][0]["label"], "heftruckchauffeur");
    assert!(lines[0]["hits"][0]["score"].as_f64().unwrap() > 0.0);
    assert_eq!(lines[0]["hits"][0]["reasons"][0], "exact", "every hit says why it matched");
    assert!(lines[1]["error"].as_str().unwrap().contains("query"), "an empty line gets its error");
    assert!(lines[2]["hits"][0]["id"].as_str().unwrap().starts_with("http"));
}

#[test]
fn suggest_and_extract_work_offline() {
    let index = tempfile::tempdir().unwrap();
    let output = vaardig()
        .args(["suggest", "heftr", "--json", "--ontology", "embedded", "--index-dir"])
        .arg(index.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!json["suggestions"].as_array().unwrap().is_empty());

    // A completed alternative label shows the concept's preferred label beside it: several
    // concepts can share an alternative label.
    let output = vaardig()
        .args(["suggest", "intern tr", "--kind", "skill", "--ontology", "embedded", "--index-dir"])
        .arg(index.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.lines()
            .next()
            .unwrap_or_default()
            .starts_with("intern transport  (intern transportmaterieel bedienen)  [skill]"),
        "{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let cv = dir.path().join("cv.txt");
    std::fs::write(&cv, "Ik werkte als heftruckchauffeur en vrachtwagenchauffeur.").unwrap();
    let output = vaardig()
        .args(["extract", "--json", "--ontology", "embedded", "--index-dir"])
        .arg(index.path())
        .arg(&cv)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let texts: Vec<&str> = json["mentions"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert!(texts.contains(&"heftruckchauffeur"), "{texts:?}");
}

#[test]
fn skills_given_as_text_are_resolved_through_extraction() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let output = vaardig()
        .args(["match", "--skill-text", "heftruck rijden, orders verzamelen", "--json", "--server", &server])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["results"][0]["id"], "http://data.europa.eu/esco/occupation/eeac6251-1974-42f5-91ed-513c6c883755");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("“heftruck rijden” →"),
        "the advisor sees what was recognised"
    );

    let output = vaardig().args(["match", "--skill-text", "de het een", "--server", &server]).output().unwrap();
    assert_eq!(output.status.code(), Some(5), "nothing recognised is an invalid argument");
}

#[test]
fn crosswalk_writes_a_layerable_bundle_with_evidence_and_skos_triples() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("vocab.csv");
    std::fs::write(
        &input,
        "concept_uri,pref_label,label,label_type\n\
         https://example.org/beroep/1,Heftruckchauffeur,Heftruckchauffeur,prefLabel\n\
         https://example.org/beroep/1,Heftruckchauffeur,Vorkheftruckchauffeur,altLabel\n\
         https://example.org/beroep/2,Qwxyz,Qwxyz,prefLabel\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = vaardig()
        .args(["crosswalk", "--ontology", "embedded", "--index-dir"])
        .arg(dir.path().join("index"))
        .arg("--input")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("2 concepts: 1 exact_match, 0 close_match, 1 unmapped"), "{summary}");
    let tsv = std::fs::read_to_string(out.join("mappings.tsv")).unwrap();
    assert!(tsv.contains("https://example.org/beroep/1\tHeftruckchauffeur\texact_match"), "{tsv}");
    let triples = std::fs::read_to_string(out.join("mappings.nt")).unwrap();
    assert!(
        triples.starts_with("<https://example.org/beroep/1> <http://www.w3.org/2004/02/skos/core#exactMatch> <http")
    );
    let check = vaardig().args(["check", "--ontology", "embedded", "--ontology"]).arg(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{stdout}{}", String::from_utf8_lossy(&check.stderr));
    assert!(stdout.contains("exact_match"), "{stdout}");
}

#[test]
fn path_json_has_three_options_with_steps_and_funding_and_rejects_bad_input() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let target = "esco:occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2";
    let output = vaardig()
        .args(["path", "--target", target, "--age", "40", "--education", "mbo4", "--start", "2023-03-01"])
        .args(["--labour-market-tie", "yes", "--no-other-public-finance", "--json", "--server", &server])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["version"].is_string());
    let options = json["options"].as_array().unwrap();
    let kinds: Vec<&str> = options.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["cheapest", "fastest", "most_complete"]);
    for option in options {
        assert!(option["covered_essential"].is_array() && option["missing_essential"].is_array());
        assert!(option["total_own_cents"].is_i64());
        for step in option["steps"].as_array().unwrap() {
            assert!(step["course"].as_str().unwrap().contains("/course/"), "{step}");
            assert!(step["year"].is_i64());
            let funded: i64 = step["funding"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    assert!(f["scheme"].is_string());
                    f["amount_cents"].as_i64().unwrap()
                })
                .sum();
            assert_eq!(
                funded + step["own_contribution_cents"].as_i64().unwrap(),
                step["price_cents"].as_i64().unwrap()
            );
        }
    }
    assert!(!options[2]["steps"].as_array().unwrap().is_empty());

    let text = vaardig()
        .args(["path", "--target", target, "--age", "40", "--start", "2024-08-01", "--server", &server])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(text.status.success());
    let header = |line: &str| line.split_whitespace().take(4).eq(["opleiding", "periode", "uren", "prijs"]);
    assert!(stdout.contains("MEEST VOLLEDIG") && stdout.lines().any(header), "{stdout}");

    let bad = vaardig()
        .args(["path", "--target", "esco:occupation/nope", "--start", "2024-08-01", "--server", &server])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(5), "INVALID_ARGUMENT → exit code 5");
    // Named as the flag that was typed.
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("--target: ") && !stderr.contains("target_occupation_id"), "{stderr}");
}

#[test]
fn synth_register_writes_identical_files_for_one_seed_that_check_accepts() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for dir in &dirs {
        let output = vaardig()
            .args(["synth-register", "--ontology", "embedded", "--seed", "5", "--courses", "120", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    for file in ["bundle.toml", "providers-synth.jsonl", "courses-synth.jsonl"] {
        let a = std::fs::read(dirs[0].path().join(file)).unwrap();
        assert_eq!(a, std::fs::read(dirs[1].path().join(file)).unwrap(), "{file}");
    }
    let output =
        vaardig().args(["check", "--ontology", "embedded", "--ontology"]).arg(dirs[0].path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("vaardig-synth-5"), "{stdout}");
}

#[test]
fn imported_catalogues_become_layerable_bundles_with_linked_skills() {
    let dir = tempfile::tempdir().unwrap();
    let data = crate::helpers::shared_data();
    for (format, input) in [
        ("sbb", data.join("sbb-kwalificaties-sample/mbo_kwalificatieprofielen_sample.json")),
        ("coursera", data.join("courses/coursera-2024-jenyagl/coursera_courses_normalized.csv.gz")),
    ] {
        let out = dir.path().join(format);
        let output = vaardig()
            .args(["import", "--format", format, "--ontology", "embedded", "--index-dir"])
            .arg(dir.path().join("index"))
            .arg("--input")
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(output.status.success(), "{format}: {}", String::from_utf8_lossy(&output.stderr));
        let summary = String::from_utf8_lossy(&output.stdout);
        let linked: usize = summary.split("; ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        assert!(linked > 0, "{format}: some skills are linked: {summary}");
        let check = vaardig().args(["check", "--ontology", "embedded", "--ontology"]).arg(&out).output().unwrap();
        assert!(check.status.success(), "{format}: {}", String::from_utf8_lossy(&check.stderr));
    }
}

#[test]
fn eval_measures_search_transitions_and_extraction_from_plain_and_gzip_files() {
    use std::io::Write;
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lasser = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";
    let heftruck_rijden = "esco:skill/28cb374e-6261-4133-8371-f9a5470145da";
    // Search, queries gzip-compressed: one found at rank 1, one never.
    let queries = dir.path().join("q.tsv.gz");
    let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&queries).unwrap(), flate2::Compression::fast());
    gz.write_all(b"1\tlasser\n2\tastronaut\n").unwrap();
    gz.finish().unwrap();
    let qrels = dir.path().join("qrels.tsv");
    std::fs::write(&qrels, format!("1 0 {lasser} 1\n2 0 {lasser} 1\n")).unwrap();
    let run = |args: &[&str]| {
        let output = vaardig()
            .args(args)
            .args(["--json", "--ontology", "embedded", "--index-dir"])
            .arg(index.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let (q, r) = (queries.to_str().unwrap(), qrels.to_str().unwrap());
    let search = run(&["eval", "--queries", q, "--qrels", r, "--kind", "occupation"]);
    assert_eq!(search["queries"], 2);
    assert_eq!(search["success_at_1"], 0.5, "{search}");

    // Transitions: the welder's own transitions judged against themselves and against nothing.
    let related = run(&["related", lasser, "--limit", "3"]);
    let first = related["results"][0]["id"].as_str().unwrap().to_string();
    assert!(!related["results"][0]["ranking"]["reasons"].as_array().unwrap().is_empty(), "{related}");
    let pairs = dir.path().join("related.tsv");
    std::fs::write(&pairs, format!("origin\trelevant\n{lasser}\t{first}\n")).unwrap();
    let transitions = run(&["eval", "--task", "related", "--pairs", pairs.to_str().unwrap()]);
    assert_eq!(transitions["origins"], 1);
    assert_eq!(transitions["success_at_10"], 1.0, "{transitions}");
    assert_eq!(transitions["median_first_relevant_rank"], 1, "{transitions}");

    // Extraction: a separable verb, a one-word occupation, a verb that names no occupation, and a
    // credential whose certified skills (first aid, evacuating a building, fire extinguishers) the
    // text does not name.
    let eerste_hulp = "esco:skill/1d21f6ad-340f-45da-a0a3-4e83867f47a6";
    let evacueren = "esco:skill/992b79df-dc2b-4c64-ab1c-c43e610e62f8";
    let blussen = "esco:skill/fb1203d0-7a3e-44f9-bed0-a3652bfbc6f8";
    let texts = dir.path().join("texts.jsonl");
    let line = serde_json::json!({
        "id": "t1",
        "text": "Ik ben lasser en ik reed elke dag heftruck. Ik verzorg mijn moeder. Mijn BHV-diploma is geldig.",
        "skills": [heftruck_rijden, eerste_hulp, evacueren, blussen],
        "occupations": [lasser],
    });
    std::fs::write(&texts, format!("{line}\n")).unwrap();
    let extraction = run(&["eval", "--task", "extract", "--texts", texts.to_str().unwrap()]);
    assert_eq!(extraction["per_kind"]["skill"]["true_positives"], 4, "{extraction}");
    assert_eq!(extraction["mentions_only"]["per_kind"]["skill"]["true_positives"], 1, "{extraction}");
    // `BHV-diploma` also names our own skill *bedrijfshulpverlening*, outside the annotations' ESCO.
    assert_eq!(extraction["per_kind"]["skill"]["unjudged"], 1, "{extraction}");
    assert_eq!(extraction["per_kind"]["skill"]["false_positives"], 0, "{extraction}");
    assert_eq!(extraction["per_kind"]["occupation"]["true_positives"], 1, "{extraction}");
    assert_eq!(
        extraction["per_kind"]["occupation"]["false_positives"], 0,
        "no occupation from `verzorg`: {extraction}"
    );
}

#[test]
fn our_annotated_extraction_set_is_well_formed() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/extract/texts.jsonl");
    let texts = vaardig::eval::extract::read_texts(path, &std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(texts.len() >= 50, "{} texts", texts.len());
    let esco = esco();
    for text in &texts {
        assert!(!text.gold["skill"].is_empty(), "{} has no skills", text.id);
        for id in text.gold.values().flatten() {
            assert!(esco.snapshot.lookup(id).is_some(), "{}: {id} is not an ESCO concept", text.id);
        }
    }
}

/// A reader that goes away (`vaardig related … | head -1`) ends the command quietly, the way Unix
/// tools end: by SIGPIPE or with success, never with a panic. The pipe is closed before the
/// command writes, so the write surely fails.
#[test]
fn commands_end_quietly_when_stdout_is_closed() {
    use std::os::unix::process::ExitStatusExt;

    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let lasser = "esco:occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b";
    for args in [
        vec!["related", lasser, "--limit", "100"],
        vec!["related", lasser, "--limit", "100", "--json"],
        vec!["schemes"],
        vec!["stats"],
        vec!["serve", "--print-settings"],
    ] {
        let server_flag = if args[0] == "serve" { vec![] } else { vec!["--server", server.as_str()] };
        let mut child = vaardig()
            .args(&args)
            .args(server_flag)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(
            output.status.success() || output.status.signal() == Some(libc::SIGPIPE),
            "{args:?}: {:?} {stderr}",
            output.status
        );
    }
}

/// A limit the server refuses is reported as the flag that was typed, not the request field.
#[test]
fn server_refusals_name_the_flag() {
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    let output = vaardig().args(["search", "lasser", "--limit", "200", "--server", &server]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("--limit: must be between 1 and 100, not 200") && !stderr.contains("page_size"),
        "{stderr}"
    );
}

/// The nurse occupation of the embedded default (an ESCO id).
const NURSE: &str = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50";

/// A label vocabulary in CompetentNL's layout, of one concept: `Zorgheld` (our own title, no
/// occupation's label) and `other`.
fn zorgheld_vocabulary(other: &str) -> tempfile::TempDir {
    let vocabulary = tempfile::tempdir().unwrap();
    std::fs::write(
        vocabulary.path().join("titles.csv"),
        format!(
            "concept_uri,pref_label,label,label_type\n\
             vaardig:test/zorgheld,Zorgheld,Zorgheld,prefLabel\n\
             vaardig:test/zorgheld,Zorgheld,{other},altLabel\n"
        ),
    )
    .unwrap();
    vocabulary
}

/// A label vocabulary loaded beside the ontology (CompetentNL's layout) makes a title that it
/// knows read as its other labels too, and the answer says through which one; the snapshot
/// persisted beside the index keeps the vocabulary for the next start.
#[test]
fn a_title_in_a_label_vocabulary_is_searched_as_its_other_labels_and_says_so() {
    // No label of the set is an occupation's own (that set would name the occupation outright:
    // see the next test), so the other label is searched as a reading of the title.
    let vocabulary = zorgheld_vocabulary("Verpleegster ziekenhuis");
    let index = tempfile::tempdir().unwrap();
    let search = |with_vocabulary: bool| {
        let mut command = vaardig();
        command.args(["search", "--kind", "occupation", "--json", "--ontology", "embedded"]);
        if with_vocabulary {
            command.arg("--ontology").arg(vocabulary.path());
        }
        let output = command.arg("--index-dir").arg(index.path()).arg("Zorgheld").output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        answer["hits"][0].clone()
    };
    let without = search(false);
    assert_ne!(without["id"], NURSE, "{without}");
    for start in ["first start", "restart on the persisted snapshot"] {
        let first = search(true);
        assert_eq!(first["id"], NURSE, "{start}: {first}");
        assert_eq!(first["via_label"], "Verpleegster ziekenhuis", "{start}: {first}");
        assert_eq!(first["reasons"][0], "equivalent_label", "{start}: {first}");
    }
}

#[test]
fn a_vocabulary_title_of_one_occupation_is_searched_suggested_and_extracted_as_its_label() {
    // `Verpleegster` is a label of the nurse and of no other occupation: the set names the nurse,
    // and its other title is the nurse's too.
    let vocabulary = zorgheld_vocabulary("Verpleegster");
    let index = tempfile::tempdir().unwrap();
    let texts = tempfile::tempdir().unwrap();
    let story = texts.path().join("story.txt");
    std::fs::write(&story, "Ik werk al jaren als zorgheld op een afdeling interne geneeskunde.").unwrap();
    let run = |with_vocabulary: bool, args: &[&str]| -> String {
        let mut command = vaardig();
        command.args(args).args(["--ontology", "embedded"]);
        if with_vocabulary {
            command.arg("--ontology").arg(vocabulary.path());
        }
        let output = command.arg("--index-dir").arg(index.path()).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    for with_vocabulary in [false, true] {
        let answer: serde_json::Value =
            serde_json::from_str(&run(with_vocabulary, &["search", "--kind", "occupation", "--json", "Zorgheld"]))
                .unwrap();
        let first = &answer["hits"][0];
        let extracted = run(with_vocabulary, &["extract", "--json", story.to_str().unwrap()]);
        let suggested = run(with_vocabulary, &["suggest", "--json", "zorghe"]);
        if !with_vocabulary {
            assert_ne!(first["id"], NURSE, "{first}");
            assert!(!extracted.contains(NURSE), "{extracted}");
            assert!(!suggested.contains(NURSE), "{suggested}");
            continue;
        }
        assert_eq!(first["id"], NURSE, "{first}");
        assert_eq!(first["reasons"][0], "vocabulary_label", "{first}");
        assert_eq!(first["matched_label"], "Zorgheld", "{first}");
        let mentions: serde_json::Value = serde_json::from_str(&extracted).unwrap();
        let nurse = mentions["mentions"].as_array().unwrap().iter().find(|m| m["id"] == NURSE);
        assert_eq!(nurse.map(|m| m["text"].clone()), Some("zorgheld".into()), "{mentions}");
        assert!(suggested.contains(NURSE), "{suggested}");
    }
}
