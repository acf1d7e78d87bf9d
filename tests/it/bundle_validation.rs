//! Validation of bundles: every error names the file, the line and the field.

use vaardig::ontology::{self, LoadError, SourceSpec};

const MANIFEST: &str = "name = \"test\"\nversion = \"1\"\n";

const SKILL: &str = r#"{"id": "vaardig:skill/lassen", "labels": {"nl": {"pref": "lassen"}}, "skill_type": "skill"}"#;
const PROVIDER: &str = r#"{"id": "vaardig:provider/p", "labels": {"nl": {"pref": "Aanbieder"}}}"#;

/// Writes a bundle with the given data files into a temporary folder.
fn bundle(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bundle.toml"), MANIFEST).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Loads a bundle that must be invalid and returns its errors as text lines.
fn load_errors(files: &[(&str, &str)]) -> Vec<String> {
    let dir = bundle(files);
    match ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]) {
        Err(LoadError::Invalid { report }) => report.errors.iter().map(|e| e.to_string()).collect(),
        Ok(_) => panic!("bundle {files:?} was accepted"),
        Err(other) => panic!("unexpected error {other}"),
    }
}

fn course(fields: &str) -> String {
    format!(
        r#"{{"id": "vaardig:course/c", "labels": {{"nl": {{"pref": "Cursus"}}}}, "provider": "vaardig:provider/p", "price_cents": 1000, "hours": 8, "weeks": 1, "delivery": "online", "schedule": "avond"{fields}}}"#
    )
}

fn assert_one(errors: &[String], file: &str, line: usize, field: &str, reason: &str) {
    let expected = format!("{file}:{line}: field `{field}`");
    assert!(
        errors.iter().any(|e| e.contains(&expected) && e.contains(reason)),
        "expected `{expected}` … `{reason}` in {errors:#?}"
    );
}

#[test]
fn a_valid_bundle_loads() {
    let dir = bundle(&[("skills.jsonl", SKILL), ("providers.jsonl", PROVIDER), ("courses.jsonl", &course(""))]);
    let (snapshot, report) = ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]).unwrap();
    assert_eq!(snapshot.len(), 3);
    assert!(!report.has_errors());
}

#[test]
fn duplicate_ids_are_errors() {
    let errors = load_errors(&[("skills.jsonl", &format!("{SKILL}\n{SKILL}\n"))]);
    assert_one(&errors, "skills.jsonl", 2, "id", "duplicate id");
}

#[test]
fn dangling_references_name_the_field() {
    let text = course(r#", "teaches": [{"skill": "vaardig:skill/lassen"}, {"skill": "vaardig:skill/onbekend"}]"#);
    let errors = load_errors(&[("skills.jsonl", SKILL), ("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert_one(
        &errors,
        "courses.jsonl",
        1,
        "teaches[1].skill",
        "unknown concept `https://id.vaardig.nl/skill/onbekend`",
    );
}

#[test]
fn references_of_the_wrong_kind_are_errors() {
    let text = course(r#", "leads_to": "vaardig:skill/lassen""#);
    let errors = load_errors(&[("skills.jsonl", SKILL), ("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert_one(&errors, "courses.jsonl", 1, "leads_to", "is a skill, expected credential");
}

#[test]
fn cycles_in_broader_and_prerequisites_are_errors() {
    let skills = r#"{"id": "vaardig:skill/a", "labels": {"nl": {"pref": "a"}}, "skill_type": "skill", "broader": ["vaardig:skill/b"]}
{"id": "vaardig:skill/b", "labels": {"nl": {"pref": "b"}}, "skill_type": "skill", "broader": ["vaardig:skill/a"]}"#;
    let errors = load_errors(&[("skills.jsonl", skills)]);
    assert!(errors.iter().any(|e| e.contains("cycle in the `broader` hierarchy")), "{errors:#?}");

    let courses = [
        course(r#", "prerequisites": ["vaardig:course/d"]"#),
        course(r#", "prerequisites": ["vaardig:course/c"]"#).replace("course/c\"", "course/d\""),
    ];
    let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &courses.join("\n"))]);
    assert!(errors.iter().any(|e| e.contains("cycle in the `prerequisite` hierarchy")), "{errors:#?}");
}

#[test]
fn invalid_levels_prices_and_dates_name_the_field() {
    let qualification = r#"{"id": "vaardig:qualification/q", "labels": {"nl": {"pref": "Q"}}, "crebo": "1234", "mbo_level": 5, "leerwegen": []}"#;
    let errors = load_errors(&[("qualifications.jsonl", qualification)]);
    assert_one(&errors, "qualifications.jsonl", 1, "crebo", "5-digit");
    assert_one(&errors, "qualifications.jsonl", 1, "mbo_level", "out of range 1–4");
    assert_one(&errors, "qualifications.jsonl", 1, "leerwegen", "at least one");

    let text = course(r#", "start_dates": ["2024-02-30"]"#).replace("\"price_cents\": 1000", "\"price_cents\": -5");
    let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert_one(&errors, "courses.jsonl", 1, "start_dates[0]", "not a valid date");

    let text = course("").replace("\"price_cents\": 1000", "\"price_cents\": -5");
    let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert_one(&errors, "courses.jsonl", 1, "price_cents", "≥ 0");

    let text = course(
        r#", "registers": [{"register": "stap_scholingsregister", "valid_from": "2023-01-01", "valid_to": "2022-01-01"}]"#,
    );
    let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert_one(&errors, "courses.jsonl", 1, "registers[0].valid_to", "not after valid_from");

    let micro = r#"{"id": "vaardig:credential/m", "labels": {"nl": {"pref": "M"}}, "credential_kind": "microcredential", "issuer": "HS", "ec": 45}"#;
    let errors = load_errors(&[("credentials.jsonl", micro)]);
    assert_one(&errors, "credentials.jsonl", 1, "ec", "3–30 EC");
}

#[test]
fn start_patterns_load_and_their_errors_name_the_field() {
    let patterns = r#", "start_dates": ["2026-02-02"], "start_patterns": [{"pattern": "yearly", "months": [9, 2], "valid_from": "2026-02-03"}, {"pattern": "on_request", "lead_days": 14}], "ontwikkelpaden": ["zorg", "groen"]"#;
    let dir = bundle(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &course(patterns))]);
    let (snapshot, report) = ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]).unwrap();
    assert!(!report.has_errors(), "{report:?}");
    let idx = snapshot.lookup("https://id.vaardig.nl/course/c").unwrap();
    let vaardig::model::Details::Course(details) = &snapshot.concept(idx).details else { panic!() };
    assert_eq!(details.start_patterns.len(), 2);
    assert_eq!(details.ontwikkelpaden.len(), 2);
    let d = |s: &str| s.parse::<vaardig::model::Date>().unwrap();
    // The dated start, then September and February from the pattern; on request: 14 days later.
    assert_eq!(details.first_start(d("2026-01-01"), None), Some(d("2026-01-15")));
    assert_eq!(
        details.starts_between(d("2026-01-20"), Some(d("2026-10-01"))),
        [
            d("2026-02-02"),
            d("2026-02-03"),
            d("2026-03-01"),
            d("2026-04-01"),
            d("2026-05-01"),
            d("2026-06-01"),
            d("2026-07-01"),
            d("2026-08-01"),
            d("2026-09-01")
        ]
    );

    for (fields, field, reason) in [
        (r#", "start_patterns": [{"pattern": "weekly"}]"#, "start_patterns[0].pattern", "not a start pattern"),
        (r#", "start_patterns": [{"pattern": "yearly"}]"#, "start_patterns[0].months", "at least one month"),
        (r#", "start_patterns": [{"pattern": "yearly", "months": [13]}]"#, "start_patterns[0].months", "1–12"),
        (r#", "start_patterns": [{"pattern": "monthly", "day": 32}]"#, "start_patterns[0].day", "1–31"),
        (r#", "start_patterns": [{"pattern": "any_time", "day": 1}]"#, "start_patterns[0].day", "not a parameter"),
        (
            r#", "start_patterns": [{"pattern": "monthly", "valid_from": "2026-01-01", "valid_to": "2025-01-01"}]"#,
            "start_patterns[0].valid_to",
            "not after valid_from",
        ),
    ] {
        let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &course(fields))]);
        assert_one(&errors, "courses.jsonl", 1, field, reason);
    }
}

#[test]
fn unknown_fields_and_enum_values_are_errors() {
    let text = course("").replace("\"delivery\": \"online\"", "\"delivery\": \"per post\"");
    let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert_one(&errors, "courses.jsonl", 1, "delivery", "unknown value `per post`");

    let text = course(r#", "prijs": 12"#);
    let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert!(errors.iter().any(|e| e.contains("courses.jsonl:1") && e.contains("unknown field `prijs`")), "{errors:#?}");

    let text = course(r#", "region": "Atlantis""#);
    let errors = load_errors(&[("providers.jsonl", PROVIDER), ("courses.jsonl", &text)]);
    assert_one(&errors, "courses.jsonl", 1, "region", "arbeidsmarktregio");
}

#[test]
fn malformed_lines_and_unknown_files_are_errors_and_comments_are_not() {
    let skills = format!("# vaardigheden\n\n{SKILL}\n{{\"id\": \n");
    let errors = load_errors(&[("skills.jsonl", &skills), ("misc.jsonl", SKILL)]);
    assert!(errors.iter().any(|e| e.contains("skills.jsonl:4") && e.contains("invalid JSON")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("misc.jsonl") && e.contains("unknown file kind")), "{errors:#?}");
}

#[test]
fn labels_files_add_to_earlier_concepts_only() {
    let labels = r#"{"id": "vaardig:skill/lassen", "labels": {"en": {"pref": "welding"}, "nl": {"pref": "lasen"}}}"#;
    let dir = bundle(&[("skills.jsonl", SKILL), ("labels.jsonl", labels)]);
    let (snapshot, _) = ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]).unwrap();
    let skill = snapshot.get("https://id.vaardig.nl/skill/lassen").unwrap();
    assert_eq!(skill.pref_label("en"), "welding");
    assert_eq!(
        skill.pref_label("nl"),
        "lassen",
        "an existing preferred label stays; the new one becomes an alternative"
    );

    let errors = load_errors(&[("labels.jsonl", labels)]);
    assert_one(&errors, "labels.jsonl", 1, "id", "unknown concept");
}

#[test]
fn an_optional_labels_file_skips_and_counts_the_concepts_no_source_defines() {
    // The embedded default gives ESCO's occupations Dutch titles this way and still loads alone.
    let labels = concat!(
        r#"{"id": "vaardig:skill/lassen", "labels": {"nl": {"alt": ["laswerk"]}}}"#,
        "\n",
        r#"{"id": "vaardig:skill/onbekend", "labels": {"nl": {"alt": ["iets"]}}}"#,
        "\n"
    );
    let dir = bundle(&[("skills.jsonl", SKILL), ("labels-titels.jsonl", labels)]);
    let manifest = format!("{MANIFEST}optional_labels = [\"labels-titels.jsonl\"]\n");
    std::fs::write(dir.path().join("bundle.toml"), manifest).unwrap();
    let (snapshot, report) = ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]).unwrap();
    let skill = snapshot.get("https://id.vaardig.nl/skill/lassen").unwrap();
    assert!(skill.labels.iter().any(|l| &*l.text == "laswerk"), "{:?}", skill.labels);
    let skipped = report.warning("bundle.labels_for_absent_concept").expect("the skipped line is counted");
    assert_eq!(skipped.count, 1);
    assert!(skipped.expected, "a skip the bundle asks for is a note, not a warning");
    assert!(skipped.examples[0].ends_with("labels-titels.jsonl:2"), "{skipped:?}");

    // A skipped line is still checked: a bad one is an error on the bundle alone.
    let bad = concat!(
        r#"{"id": "vaardig:skill/onbekend", "labels": {"NL": {"alt": ["iets"]}}}"#,
        "\n",
        r#"{"id": "vaardig:skill/ook-onbekend", "labels": {"nl": {"pref": " "}}}"#,
        "\n"
    );
    let dir = bundle(&[("skills.jsonl", SKILL), ("labels-titels.jsonl", bad)]);
    std::fs::write(dir.path().join("bundle.toml"), format!("{MANIFEST}optional_labels = [\"labels-titels.jsonl\"]\n"))
        .unwrap();
    match ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]) {
        Err(LoadError::Invalid { report }) => {
            let errors: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
            let named = |at: &str, field: &str| errors.iter().any(|e| e.contains(at) && e.contains(field));
            assert!(named("labels-titels.jsonl:1", "labels.NL"), "{errors:#?}");
            assert!(named("labels-titels.jsonl:2", "labels.nl.pref"), "{errors:#?}");
            assert_eq!(report.warning("bundle.labels_for_absent_concept").map(|w| w.count), None);
        }
        other => panic!("bad lines of an optional labels file were accepted: {:?}", other.map(|_| ())),
    }

    // Only a labels file of the bundle can be named optional.
    let dir = bundle(&[("skills.jsonl", SKILL)]);
    std::fs::write(dir.path().join("bundle.toml"), format!("{MANIFEST}optional_labels = [\"skills.jsonl\"]\n"))
        .unwrap();
    match ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]) {
        Err(LoadError::Invalid { report }) => {
            let errors: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
            let expected = "bundle.toml: field `optional_labels`";
            assert!(errors.iter().any(|e| e.contains(expected) && e.contains("no labels file")), "{errors:#?}");
        }
        other => panic!("a concepts file named optional was accepted: {:?}", other.map(|_| ())),
    }
}

#[test]
fn a_folder_that_is_no_ontology_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let error = ontology::load(&[SourceSpec::Path(dir.path().to_path_buf())]).unwrap_err();
    assert!(matches!(error, LoadError::UnknownFormat { .. }), "{error}");
    let error = ontology::load(&[SourceSpec::Path(dir.path().join("missing"))]).unwrap_err();
    assert!(matches!(error, LoadError::Io { .. }), "{error}");
}

#[test]
fn a_later_bundle_restating_a_scheme_replaces_its_rules() {
    let scheme = r#"{"id": "vaardig:scheme/stap-budget", "labels": {"nl": {"pref": "STAP-budget (herzien)"}}, "scheme_level": "person", "instrument": "subsidy", "valid_from": "2022-03-01", "valid_to": "2030-01-01", "sources": [{"document": "testbrief", "date": "2026-01-01", "reference": "L1"}]}"#;
    let dir = bundle(&[("funding_schemes.jsonl", scheme)]);
    let (snapshot, _) = ontology::load(&[SourceSpec::Embedded, SourceSpec::Path(dir.path().to_path_buf())]).unwrap();
    let stap = snapshot.get("https://id.vaardig.nl/scheme/stap-budget").unwrap();
    let vaardig::model::Details::FundingScheme(details) = &stap.details else { panic!("not a scheme") };
    assert_eq!(details.validity.to.map(|d| d.to_string()), Some("2030-01-01".to_string()));
    assert_eq!(details.sources[0].document, "testbrief");
    assert!(details.rules.is_none(), "the later definition is taken whole, rules included");
}
