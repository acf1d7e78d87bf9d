//! The career advisor's client end to end: `vaardig profile` (from a story, by flags and
//! interactively) and `vaardig advise` (the Dutch terminal report against a golden file, offline and
//! against a server alike, its errors and exit codes, and the HTML development plan as Chromium
//! renders it).
//!
//! Set `UPDATE_GOLDEN=1` to rewrite the golden files after an intended change of the report.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use vaardig::cli::profile_file::ProfileFile;

use crate::browser::dump_dom;
use crate::helpers::{embedded, spawn_server_thread};

const VERPLEEGKUNDIGE: &str = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50";
const VERZORGENDE_IG: &str = "http://data.europa.eu/esco/occupation/87d0795a-d41f-47ee-979f-0ab7d73836e7";
const ADL: &str = "http://data.europa.eu/esco/skill/24f980ba-b44f-4739-b563-205104c3190d";
const MEDICATIE: &str = "http://data.europa.eu/esco/skill/1fd57242-267e-46df-bd8c-849fdd593a50";
const COMMUNICEREN: &str = "https://id.vaardig.nl/skill/communiceren";
const SAMENWERKEN: &str = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0";
const VERPLEEGTECHNISCH: &str = "https://id.vaardig.nl/skill/verpleegtechnische-handelingen-uitvoeren";

/// The person of the golden report: a helpende zorg en welzijn who wants to become a nurse.
const PERSON: [&str; 10] = [
    "--date",
    "2023-03-01",
    "--age",
    "35",
    "--education",
    "mbo2",
    "--labour-market-tie",
    "yes",
    "--no-other-public-finance",
    "--alternatives=5",
];

const STORY: &str = "Ik ben Fatima, 35 jaar. Ik heb tien jaar als helpende zorg en welzijn in een verpleeghuis gewerkt.\n\
Ik help bewoners bij persoonlijke verzorging, ik kan medicatie toedienen en ik let op hygiëne.\n\
Ik communiceer graag met cliënten en hun familie.\n";

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn profile_fixture() -> PathBuf {
    golden_dir().join("advise-profile.json")
}

fn vaardig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vaardig"))
}

/// `vaardig ARGS… --ontology embedded --index-dir INDEX`: the offline client.
fn offline(index: &Path, args: &[&str]) -> Output {
    vaardig().args(args).args(["--ontology", "embedded", "--index-dir"]).arg(index).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn advise_args<'a>(profile: &'a str, target: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["advise", "--profile", profile, "--target", target];
    args.extend(PERSON);
    args.extend(extra);
    args
}

/// Compares `actual` with the golden file `name`, with the snapshot version written as
/// `<snapshot>` (so an unrelated change of the embedded ontology's bytes does not count);
/// `UPDATE_GOLDEN=1` rewrites it.
fn assert_golden(name: &str, actual: &str) {
    let version = embedded().snapshot.version().to_string();
    let actual = actual.replace(&version, "<snapshot>");
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(e, a)| e != a).unwrap_or(0);
        panic!(
            "the report differs from {} from line {}:\nexpected: {:?}\nactual:   {:?}\n(UPDATE_GOLDEN=1 rewrites it after an intended change)\n\n{actual}",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line),
        );
    }
}

#[test]
fn the_dutch_report_matches_the_golden_file() {
    let index = tempfile::tempdir().unwrap();
    let fixture = profile_fixture();
    let output = offline(index.path(), &advise_args(fixture.to_str().unwrap(), "verpleegkundige", &[]));
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    // What the golden file must show, so that rewriting it cannot hide a broken report.
    for expected in [
        "ONTWIKKELADVIES",
        "Doelberoep: verpleegkundige",
        "1. Wat u al kunt voor verpleegkundige",
        "2. Andere beroepen die bij u passen",
        "3. Opleidingspaden naar verpleegkundige",
        "4. Financiering op 1 maart 2023",
        "medicatie toedienen",
        "STAP-budget",
        "€ ",
    ] {
        assert!(report.contains(expected), "missing “{expected}”:\n{report}");
    }
    assert!(!report.contains('{'), "tables, not JSON:\n{report}");
    assert_golden("advise-verpleegkundige.nl.txt", &report);
}

#[test]
fn the_english_report_matches_the_golden_file() {
    let index = tempfile::tempdir().unwrap();
    let fixture = profile_fixture();
    let output = offline(index.path(), &advise_args(fixture.to_str().unwrap(), VERPLEEGKUNDIGE, &["--lang", "en"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("DEVELOPMENT ADVICE") && report.contains("Target occupation: nurse"), "{report}");
    assert!(report.contains("4. Funding on 1 March 2023"), "{report}");
    assert_golden("advise-verpleegkundige.en.txt", &report);
}

/// The golden person without `--date` (and `--alternatives`), for reports on other days.
const TODAY_PERSON: [&str; 7] =
    ["--age", "35", "--education", "mbo2", "--labour-market-tie", "yes", "--no-other-public-finance"];

/// `vaardig advise` for the golden person on `date` (`None`: today) against `ontology`.
fn advise_on(index: &Path, ontology: &str, date: Option<&str>) -> Output {
    let fixture = profile_fixture();
    let mut args = vec!["advise", "--profile", fixture.to_str().unwrap(), "--target", "verpleegkundige"];
    args.extend(TODAY_PERSON);
    if let Some(date) = date {
        args.extend(["--date", date]);
    }
    vaardig().args(&args).args(["--ontology", ontology, "--index-dir"]).arg(index).output().unwrap()
}

/// The report with its snapshot version (of any ontology) written as `<snapshot>`.
fn without_version(report: &str) -> String {
    let version = report.rsplit("snapshot ").next().unwrap_or_default().trim();
    report.replace(version, "<snapshot>")
}

/// The bar of issue 17: on any day of 2026–2028, and without `--date`, the embedded ontology gives
/// a path with steps and a funding section (the embedded courses' start patterns do not expire).
#[test]
fn advise_answers_with_paths_and_funding_on_any_day_of_2026_to_2028_and_today() {
    let index = tempfile::tempdir().unwrap();
    for date in
        [Some("2026-01-15"), Some("2026-12-04"), Some("2027-06-30"), Some("2028-02-29"), Some("2028-12-31"), None]
    {
        let output = advise_on(index.path(), "embedded", date);
        assert!(output.status.success(), "{date:?}: exit {:?}: {}", output.status.code(), stderr(&output));
        let report = stdout(&output);
        assert!(report.contains("3. Opleidingspaden naar verpleegkundige"), "{date:?}:\n{report}");
        assert!(report.contains("A. ") && report.contains("periode"), "{date:?}: a path with steps:\n{report}");
        assert!(!report.contains("Geen opleidingspad"), "{date:?}:\n{report}");
        assert!(report.contains("4. Financiering op"), "{date:?}:\n{report}");
        assert!(report.contains("Levenlanglerenkrediet"), "{date:?}: the loan is checked:\n{report}");
    }
}

/// A recent day: STAP is gone, the SLIM scholingssubsidie is between windows, the loan is checked
/// on the first course of the path.
#[test]
fn the_report_of_a_recent_day_matches_its_golden_file() {
    let index = tempfile::tempdir().unwrap();
    let output = advise_on(index.path(), "embedded", Some("2026-12-04"));
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("4. Financiering op 4 december 2026"), "{report}");
    assert!(!report.contains("STAP-budget  "), "STAP ended on 2024-01-01:\n{report}");
    assert_golden("advise-verpleegkundige-2026-12-04.nl.txt", &report);
}

/// A day in 2025: the SLIM scholingssubsidie (STAP's leftover budget) is checked, with its source.
#[test]
fn the_funding_check_in_2025_shows_the_slim_scholingssubsidie_with_its_source() {
    let index = tempfile::tempdir().unwrap();
    let output = advise_on(index.path(), "embedded", Some("2025-05-01"));
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    let section = report.split("4. Financiering op 1 mei 2025").nth(1).unwrap_or_else(|| panic!("{report}"));
    let slim = section.split("\n  SLIM scholingssubsidie — ").nth(1).unwrap_or_else(|| panic!("{section}"));
    let slim = slim.split("\n\n").next().unwrap_or_default();
    assert!(slim.contains("bron: [niet uit de brieven] Rijksoverheid"), "{slim}");
    assert!(slim.contains("rijksoverheid.nl/actueel/nieuws/2024/11/22"), "{slim}");
    assert!(slim.contains("Als de werkgever de aanvraag doet") || slim.contains("de werkgever"), "{slim}");
}

/// No start left: the embedded courses without their patterns, on a day after their last dated
/// start. The report says what is missing and which courses would fit later, still checks the
/// schemes that need no course, and reports those about a course as "needs a course".
#[test]
fn without_starts_the_report_says_what_is_missing_and_still_checks_funding() {
    let index = tempfile::tempdir().unwrap();
    let bundle = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ontology")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if name.starts_with("courses") {
            text.lines()
                .map(|line| match serde_json::from_str::<serde_json::Value>(line) {
                    Ok(mut course) if course.is_object() => {
                        course.as_object_mut().unwrap().remove("start_patterns");
                        course.to_string()
                    }
                    _ => line.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            text
        };
        std::fs::write(bundle.path().join(name), text).unwrap();
    }
    let output = advise_on(index.path(), bundle.path().to_str().unwrap(), Some("2028-06-01"));
    assert!(output.status.success(), "exit {:?}: {}", output.status.code(), stderr(&output));
    let report = stdout(&output);
    for expected in [
        "Geen opleidingspad: geen van de opleidingen die de ontbrekende vaardigheden leren, heeft nog een",
        "Zou passen als de opleiding later start:",
        "Wat u nu kunt doen:",
        "4. Financiering op 1 juni 2028",
        "Getoetst zonder opleiding",
        "Levenlanglerenkrediet           opleiding nodig",
        "gaat over de opleiding, te toetsen zodra die gekozen is: erkende-opleiding, hbo-wo-of-mbo-bol",
    ] {
        assert!(report.contains(expected), "missing “{expected}”:\n{report}");
    }
    assert_golden("advise-no-starts.nl.txt", &without_version(&report));
}

#[test]
fn offline_and_server_give_the_same_report_and_json() {
    let index = tempfile::tempdir().unwrap();
    let fixture = profile_fixture();
    let profile = fixture.to_str().unwrap();
    let (addr, _stop) = spawn_server_thread(embedded());
    let server = format!("http://{addr}");
    for extra in [&[][..], &["--json"][..]] {
        let local = offline(index.path(), &advise_args(profile, "verpleegkundige", extra));
        let remote = vaardig()
            .args(advise_args(profile, "verpleegkundige", extra))
            .args(["--server", &server])
            .output()
            .unwrap();
        assert!(local.status.success(), "{}", stderr(&local));
        assert!(remote.status.success(), "{}", stderr(&remote));
        assert_eq!(stdout(&local), stdout(&remote), "offline and server differ ({extra:?})");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&offline(index.path(), &advise_args(profile, "verpleegkundige", &["--json"])).stdout)
            .unwrap();
    assert_eq!(json["target"]["id"], VERPLEEGKUNDIGE);
    assert_eq!(json["date"], "2023-03-01");
    assert!(json["paths"]["options"].as_array().is_some_and(|o| !o.is_empty()), "{json}");
    assert!(
        json["funding"]["schemes"].as_array().is_some_and(|s| s.iter().any(|s| s["scheme"]["label"] == "STAP-budget"))
    );
    let alternatives = json["alternatives"].as_array().unwrap();
    assert_eq!(alternatives.len(), 5);
    assert!(
        alternatives.iter().all(|a| a["occupation"]["id"] != VERPLEEGKUNDIGE),
        "the target is not its own alternative"
    );
}

#[test]
fn advise_errors_are_plain_dutch_with_documented_exit_codes() {
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixture = profile_fixture();
    let profile = fixture.to_str().unwrap();

    let missing = dir.path().join("bestaat-niet.json");
    let output = offline(index.path(), &advise_args(missing.to_str().unwrap(), "verpleegkundige", &[]));
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(stderr(&output).contains("bestaat niet"), "{}", stderr(&output));

    let malformed = dir.path().join("kapot.json");
    std::fs::write(&malformed, r#"{"version": 1, "skills": ["esco:skill/x", 7], "current_occupation": null}"#).unwrap();
    let output = offline(index.path(), &advise_args(malformed.to_str().unwrap(), "verpleegkundige", &[]));
    assert_eq!(output.status.code(), Some(5));
    assert!(stderr(&output).contains("veld `skills[1]`"), "the field is named: {}", stderr(&output));

    let old_version = dir.path().join("versie.json");
    std::fs::write(&old_version, r#"{"version": 2, "skills": []}"#).unwrap();
    let output = offline(index.path(), &advise_args(old_version.to_str().unwrap(), "verpleegkundige", &[]));
    assert_eq!(output.status.code(), Some(5));
    assert!(stderr(&output).contains("veld `version`"), "{}", stderr(&output));

    let unknown_skill = dir.path().join("onbekend.json");
    std::fs::write(&unknown_skill, r#"{"version": 1, "skills": ["esco:skill/bestaat-niet"]}"#).unwrap();
    let output = offline(index.path(), &advise_args(unknown_skill.to_str().unwrap(), "verpleegkundige", &[]));
    assert_eq!(output.status.code(), Some(4));
    assert!(stderr(&output).contains("`skills[0]`"), "{}", stderr(&output));

    let output = offline(index.path(), &advise_args(profile, "astronaut", &[]));
    assert_eq!(output.status.code(), Some(4), "unknown target → 4: {}", stderr(&output));
    assert!(stderr(&output).contains("geen beroep gevonden voor “astronaut”"), "{}", stderr(&output));

    let output = offline(index.path(), &advise_args(profile, "esco:occupation/bestaat-niet", &[]));
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));

    let output = offline(index.path(), &advise_args(profile, "monteur", &[]));
    assert_eq!(output.status.code(), Some(5), "ambiguous target: {}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("past bij meerdere concepten"), "{message}");
    assert!(message.contains("monteur warmtepompen") && message.contains("monteur werktuigbouwkunde"), "{message}");

    let output = offline(index.path(), &advise_args(profile, MEDICATIE, &[]));
    assert_eq!(output.status.code(), Some(5), "a skill is no target: {}", stderr(&output));
    assert!(stderr(&output).contains("is geen beroep"), "{}", stderr(&output));

    let output = offline(index.path(), &advise_args(profile, "verpleegkundige", &["--labour-status", "astronaut"]));
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert!(stderr(&output).contains("labour_status"), "the bad fact is named: {}", stderr(&output));

    let output = vaardig()
        .args(advise_args(profile, "verpleegkundige", &[]))
        .args(["--server", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("kan de vaardig-server niet bereiken"), "{}", stderr(&output));

    let help = stdout(&vaardig().args(["advise", "--help"]).output().unwrap());
    assert!(help.contains("4 not found") && help.contains("5 invalid argument"), "{help}");
}

#[test]
fn profile_from_a_story_and_flags_is_saved_only_to_the_chosen_file() {
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("verhaal.txt");
    std::fs::write(&story, STORY).unwrap();
    let out = dir.path().join("fatima.json");
    let output = offline(
        index.path(),
        &[
            "profile",
            story.to_str().unwrap(),
            "--add",
            "samenwerken",
            "--remove",
            "communiceren",
            "--occupation",
            "verzorgende IG",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = stdout(&output);
    // What was recognised, with the words of the story it was recognised in.
    assert!(shown.contains("“persoonlijke verzorging”") && shown.contains("ondersteunen bij ADL"), "{shown}");
    assert!(shown.contains("“helpende zorg en welzijn”"), "{shown}");
    let span = STORY.find("medicatie toedienen").map(|b| STORY[..b].chars().count()).unwrap();
    assert!(shown.contains(&format!("{span}–{}", span + "medicatie toedienen".len())), "the span is shown: {shown}");

    let saved = ProfileFile::read(&out).unwrap();
    assert_eq!(saved.skills, [ADL, MEDICATIE, SAMENWERKEN], "{saved:?}");
    assert_eq!(saved.current_occupation.as_deref(), Some(VERZORGENDE_IG), "--occupation overrides the story");
    let raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(raw["version"], 1);
    assert_eq!(raw.as_object().unwrap().len(), 3, "exactly version, skills and current_occupation: {raw}");

    // Without --out nothing is written; with --json the profile goes to stdout.
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    let output = offline(index.path(), &["profile", story.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = ProfileFile::parse(&stdout(&output), "-").unwrap();
    assert_eq!(printed.skills, [ADL, MEDICATIE, COMMUNICEREN]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before.len());

    // A name that fits several skills is never guessed in a script.
    let output =
        offline(index.path(), &["profile", "--add", "zorg", "--out", dir.path().join("x.json").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert!(stderr(&output).contains("  1. ") && stderr(&output).contains("zorg coördineren"), "{}", stderr(&output));
    assert!(!dir.path().join("x.json").exists());

    let output = offline(index.path(), &["profile", "--from", out.to_str().unwrap(), "--remove", "lassen"]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(stderr(&output).contains("staat niet in het profiel"), "{}", stderr(&output));

    let output = offline(index.path(), &["profile", dir.path().join("geen.txt").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
}

#[test]
fn profile_from_a_cv_holds_the_skills_its_credentials_certify() {
    const FIRST_AID: &str = "http://data.europa.eu/esco/skill/1d21f6ad-340f-45da-a0a3-4e83867f47a6";
    const BHV: &str = "https://id.vaardig.nl/skill/bedrijfshulpverlening";
    const EVACUATE: &str = "http://data.europa.eu/esco/skill/992b79df-dc2b-4c64-ab1c-c43e610e62f8";
    const EXTINGUISHERS: &str = "http://data.europa.eu/esco/skill/fb1203d0-7a3e-44f9-bed0-a3652bfbc6f8";
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cv = dir.path().join("cv.txt");
    std::fs::write(&cv, "- Vrijwilliger bij de voetbalclub (2019-2024)\n- Certificaten: BHV-diploma\n").unwrap();
    let out = dir.path().join("profiel.json");
    let output = offline(index.path(), &["profile", cv.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The advisor sees which words of the CV the skill came through.
    let shown = stdout(&output);
    let line = shown.lines().find(|l| l.contains("eerste hulp")).unwrap_or_default();
    assert!(line.contains("“BHV-diploma”") && line.contains("via certificaat"), "{shown}");
    // The diploma's name is the skill of emergency response; it certifies first aid, evacuating a
    // building and fire extinguishers as well, which the CV does not name.
    let saved = ProfileFile::read(&out).unwrap();
    assert_eq!(saved.skills, [BHV, FIRST_AID, EVACUATE, EXTINGUISHERS], "{saved:?}");
}

#[test]
fn profile_is_edited_interactively_with_numbered_suggestions() {
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bewerkt.json");
    let mut child = vaardig()
        .args(["profile", "-i", "--from"])
        .arg(profile_fixture())
        .arg("--out")
        .arg(&out)
        .args(["--ontology", "embedded", "--index-dir"])
        .arg(index.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `verpl` is the start of several skills: choose the second suggestion. Then remove by name and
    // by number, set the occupation, try nonsense, save and quit.
    let commands = "+ verpl\n2\n- medicatie toedienen\n?\n- 1\n= verzorgende IG\n+ xyzzy\nonzin\n7\nw\nq\n";
    child.stdin.take().unwrap().write_all(commands.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(shown.contains("Kies een nummer"), "{shown}");
    assert!(shown.contains("   2. verpleegtechnische handelingen uitvoeren"), "{shown}");
    assert!(shown.contains("toegevoegd: verpleegtechnische handelingen uitvoeren"), "{shown}");
    assert!(
        shown.contains("verwijderd: medicatie toedienen") && shown.contains("verwijderd: ondersteunen bij ADL"),
        "{shown}"
    );
    assert!(shown.contains("niets gevonden voor “xyzzy”"), "{shown}");
    assert!(shown.contains("onbekende opdracht “onzin”"), "{shown}");
    assert!(shown.contains("opgeslagen in"), "{shown}");
    let saved = ProfileFile::read(&out).unwrap();
    assert_eq!(saved.skills, [COMMUNICEREN, SAMENWERKEN, VERPLEEGTECHNISCH], "{saved:?}");
    assert_eq!(saved.current_occupation.as_deref(), Some(VERZORGENDE_IG));
    assert_eq!(ProfileFile::read(&profile_fixture()).unwrap().skills.len(), 4, "the file started from is untouched");

    // The story cannot come from stdin when the commands do.
    let output = offline(index.path(), &["profile", "-", "-i"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The text between `<pre id="measured">` and `</pre>` of a dumped DOM, unescaped.
fn measured(dom: &str) -> serde_json::Value {
    let start = dom.find("<pre id=\"measured\">").expect("the measuring script ran") + "<pre id=\"measured\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let text =
        dom[start..end].replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u{a0}").replace("&amp;", "&");
    serde_json::from_str(&text).unwrap()
}

fn euro(cents: i64) -> String {
    vaardig::model::Money::from_cents(cents).nl()
}

/// Writes the golden person's development plan into `dir`.
fn write_plan(index: &Path, dir: &Path) -> PathBuf {
    let fixture = profile_fixture();
    let plan = dir.join("ontwikkelplan.html");
    let output =
        offline(index, &advise_args(fixture.to_str().unwrap(), "verpleegkundige", &["--html", plan.to_str().unwrap()]));
    assert!(output.status.success(), "{}", stderr(&output));
    plan
}

#[test]
fn the_html_plan_shows_the_chart_the_steps_and_the_amounts_in_chromium() {
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(index.path(), dir.path());
    // The model the page was made from, to compare what the person sees with.
    let fixture = profile_fixture();
    let advice: serde_json::Value = serde_json::from_slice(
        &offline(index.path(), &advise_args(fixture.to_str().unwrap(), "verpleegkundige", &["--json"])).stdout,
    )
    .unwrap();
    let html = std::fs::read_to_string(&plan).unwrap();
    for external in ["<script", "<link", " src=", " href=", "url(", "@import"] {
        assert!(!html.contains(external), "self-contained: found `{external}`");
    }

    // Chromium lays the page out; a script added for the test only reads what is on screen.
    let probe = r#"<script>
window.addEventListener('load', () => {
  const size = el => { const r = el.getBoundingClientRect(); return {w: r.width, h: r.height}; };
  const result = {
    text: document.body.innerText,
    chart: size(document.getElementById('skills-chart')),
    bars: [...document.querySelectorAll('#skills-chart rect.bar')].map(r => ({cls: r.getAttribute('class'), count: Number(r.dataset.count), w: r.getBoundingClientRect().width})),
    timeline: size(document.getElementById('timeline')),
    stepBars: [...document.querySelectorAll('#timeline rect.step-bar')].map(r => r.getBoundingClientRect().width),
    steps: [...document.querySelectorAll('tr.step')].map(tr => tr.innerText),
    sources: [...document.querySelectorAll('#funding-by-source tr.source')].map(tr => tr.innerText),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
  const pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>"#;
    let probed = dir.path().join("probed.html");
    std::fs::write(&probed, html.replace("</body>", &format!("{probe}</body>"))).unwrap();
    let seen = measured(&dump_dom(&format!("file://{}", probed.display()), Duration::from_secs(5)));
    let text = seen["text"].as_str().unwrap();

    assert!(text.contains("Naar verpleegkundige") && text.contains("1 maart 2023"), "{text}");
    // The chart: visible, one segment per status, widths in proportion to the counts.
    assert!(seen["chart"]["w"].as_f64().unwrap() > 300.0 && seen["chart"]["h"].as_f64().unwrap() > 30.0, "{seen}");
    let gap = &advice["gap"]["essential"];
    let bars: Vec<&serde_json::Value> =
        seen["bars"].as_array().unwrap().iter().filter(|b| b["cls"].as_str().unwrap().contains("essential")).collect();
    let total_width: f64 = bars.iter().map(|b| b["w"].as_f64().unwrap()).sum();
    let total = gap["total"].as_f64().unwrap();
    for (status, field) in [("covered", "covered"), ("partly_covered", "partly_covered"), ("missing", "missing")] {
        let count = gap[field].as_f64().unwrap();
        let bar = bars.iter().find(|b| b["cls"].as_str().unwrap().split(' ').any(|c| c == status));
        match bar {
            Some(bar) => {
                assert_eq!(bar["count"].as_f64().unwrap(), count, "{status}");
                let share = bar["w"].as_f64().unwrap() / total_width;
                assert!((share - count / total).abs() < 0.01, "{status}: width share {share} for {count} of {total}");
            }
            None => assert_eq!(count, 0.0, "{status} has no segment"),
        }
    }
    assert!(text.contains(&format!("{} gedekt", gap["covered"])), "the count is written in the chart: {text}");
    // The lists under the chart name the skills.
    assert!(text.contains("Dit kunt u al") && text.contains("medicatie toedienen"), "{text}");
    assert!(text.contains("Dit ontbreekt nog") && text.contains("wondverzorging"), "{text}");

    // The steps: one bar on the timeline and one table row per step, with its price in euro.
    let option = &advice["paths"]["options"][0];
    let steps = option["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    assert_eq!(seen["stepBars"].as_array().unwrap().len(), steps.len());
    assert!(seen["stepBars"].as_array().unwrap().iter().all(|w| w.as_f64().unwrap() >= 3.0), "{seen}");
    assert!(seen["timeline"]["w"].as_f64().unwrap() > 300.0, "{seen}");
    let rows = seen["steps"].as_array().unwrap();
    assert_eq!(rows.len(), steps.len());
    for (row, step) in rows.iter().zip(steps) {
        let row = row.as_str().unwrap();
        assert!(row.contains(step["course"]["label"].as_str().unwrap()), "{row}");
        assert!(row.contains(&euro(step["price_cents"].as_i64().unwrap())), "{row}");
    }
    for year in steps.iter().map(|s| s["year"].as_i64().unwrap()) {
        assert!(text.contains(&year.to_string()), "the year {year} is shown");
    }
    // The amounts: the path's total, the funding per source and the own contribution.
    assert!(text.contains(&euro(option["total_price_cents"].as_i64().unwrap())), "{text}");
    let sources: Vec<&str> = seen["sources"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert!(sources.iter().any(|s| s.starts_with("STAP-budget")), "{sources:?}");
    let own = sources.iter().find(|s| s.starts_with("Eigen bijdrage")).expect("own contribution row");
    assert!(own.contains(&euro(option["total_own_cents"].as_i64().unwrap())), "{own}");
    // The schemes checked on the day, with their decision.
    assert!(text.contains("Regelingen op 1 maart 2023"), "{text}");
    assert!(text.contains("STAP-ontwikkeladvies") && text.contains("in aanmerking"), "{text}");
    assert!(seen["overflow"].as_f64().unwrap() <= 1.0, "nothing sticks out sideways: {seen}");
}

#[test]
fn the_html_plan_prints_to_pdf() {
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(index.path(), dir.path());
    let pdf = dir.path().join("ontwikkelplan.pdf");
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(crate::browser::chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", plan.display()))
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let pages = bytes
        .windows(b"/Type /Page\n".len())
        .filter(|w| w.starts_with(b"/Type /Page") && !w.starts_with(b"/Type /Pages"))
        .count();
    assert!(pages >= 2, "the plan fills more than one A4 page ({pages})");
}
