//! Importer for vaardig bundles: JSON Lines files, one concept kind per file, plus `bundle.toml`.
//! The format is specified in `docs/bundle-format.md`.
//!
//! Every line is parsed in two steps: the fields every concept has (`id`, `labels`, …) and then the
//! kind-specific rest, each with unknown fields rejected, so that an error can name the exact field
//! (`teaches[2].level`) and line. References to other concepts are resolved when the whole
//! ontology has been read, because a line may refer to a concept a later line defines.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::LoadError;
use super::builder::SnapshotBuilder;
use super::report::Location;
use super::snapshot::{SourceFormat, SourceInfo};
use crate::model::{
    ARBEIDSMARKTREGIOS, Concept, ConceptKind, CourseDetails, CredentialDetails, CredentialKind, Date, Delivery,
    Details, EducationType, FundingSchemeDetails, Importance, Instrument, LabelForm, Leerweg, OccupationDetails,
    PolicySource, ProviderDetails, QualificationDetails, QualityMark, QualityMarkGrant, Recurrence, Register,
    RegisterMembership, Relation, RelationKind, ReuseLevel, Schedule, SchemeLevel, Sector, SkillDetails, SkillType,
    StartPattern, Status, Validity, parse_id,
};

/// The text of a bundle: its manifest and its data files, sorted by name.
pub struct BundleFiles {
    /// Where the bundle came from, used as the prefix of every error location.
    pub origin: String,
    pub manifest: String,
    pub files: Vec<(String, String)>,
}

impl BundleFiles {
    /// Reads `bundle.toml` and every `*.jsonl` file of a folder.
    pub fn read_dir(dir: &Path) -> Result<BundleFiles, LoadError> {
        let origin = dir.display().to_string();
        let io = |path: &Path, source| LoadError::Io { path: path.display().to_string(), source };
        let manifest_path = dir.join("bundle.toml");
        let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| io(&manifest_path, e))?;
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
            let path = entry.map_err(|e| io(dir, e))?.path();
            if path.extension().is_some_and(|e| e == "jsonl") {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
                let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
                files.push((name, text));
            }
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(BundleFiles { origin, manifest, files })
    }
}

/// `bundle.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    name: String,
    title: Option<String>,
    version: Option<String>,
    licence: Option<String>,
    attribution: Option<String>,
    #[serde(default)]
    synthetic: bool,
    /// Labels files whose lines may name a concept that no loaded source defines: such a line is
    /// skipped and counted as a warning instead of an error. The embedded default adds Dutch job
    /// titles to ESCO's occupations this way, and also runs on its own, without ESCO.
    #[serde(default)]
    optional_labels: Vec<String>,
}

/// What a data file holds, from the part of its name before the first `-` or `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Concepts(ConceptKind),
    Relations,
    Labels,
}

fn file_kind(name: &str) -> Option<FileKind> {
    let prefix = name.split(['-', '.']).next().unwrap_or_default();
    Some(match prefix {
        "occupations" => FileKind::Concepts(ConceptKind::Occupation),
        "skills" => FileKind::Concepts(ConceptKind::Skill),
        "skill_groups" => FileKind::Concepts(ConceptKind::SkillGroup),
        "isco_groups" => FileKind::Concepts(ConceptKind::IscoGroup),
        "qualifications" => FileKind::Concepts(ConceptKind::Qualification),
        "credentials" => FileKind::Concepts(ConceptKind::Credential),
        "courses" => FileKind::Concepts(ConceptKind::Course),
        "providers" => FileKind::Concepts(ConceptKind::Provider),
        "funding_schemes" => FileKind::Concepts(ConceptKind::FundingScheme),
        "relations" => FileKind::Relations,
        "labels" => FileKind::Labels,
        _ => return None,
    })
}

/// Imports one bundle into `builder` as one source.
pub fn import(builder: &mut SnapshotBuilder, bundle: &BundleFiles) {
    // Inputs are hashed under their names within the bundle, not where it was read from: the same
    // bundle in another folder is the same snapshot version (and reuses its search index).
    builder.hash_input("bundle.toml", bundle.manifest.as_bytes());
    let manifest_location = format!("{}/bundle.toml", bundle.origin);
    let manifest = match toml::from_str::<Manifest>(&bundle.manifest) {
        Ok(manifest) => manifest,
        Err(e) => {
            let line = e.span().map(|span| bundle.manifest[..span.start].lines().count().max(1));
            let location = Location { file: manifest_location.clone(), line, field: None };
            builder.report.error(location, format!("invalid manifest: {}", e.message()));
            Manifest {
                name: bundle.origin.clone(),
                title: None,
                version: None,
                licence: None,
                attribution: None,
                synthetic: false,
                optional_labels: Vec::new(),
            }
        }
    };
    for name in &manifest.optional_labels {
        if !bundle.files.iter().any(|(file, _)| file == name && file_kind(file) == Some(FileKind::Labels)) {
            let location = Location::file(&manifest_location).with_field("optional_labels");
            builder.report.error(location, format!("`{name}` is no labels file of this bundle"));
        }
    }
    builder.begin_source(SourceInfo {
        name: manifest.name.clone(),
        format: SourceFormat::Bundle,
        location: bundle.origin.clone(),
        version: manifest.version.clone(),
        licence: manifest.licence.clone(),
        attribution: manifest.attribution.clone().or(manifest.title.clone()),
        synthetic: manifest.synthetic,
        concepts: 0,
        relations: 0,
        label_sets: 0,
    });

    let mut later = Vec::new();
    for (name, text) in &bundle.files {
        let file = format!("{}/{name}", bundle.origin);
        builder.hash_input(name, text.as_bytes());
        match file_kind(name) {
            None => builder.report.error(
                Location::file(&file),
                "unknown file kind: a bundle file name starts with occupations, skills, skill_groups, isco_groups, \
                 qualifications, credentials, courses, providers, funding_schemes, relations or labels",
            ),
            Some(FileKind::Concepts(kind)) => {
                for (line, value) in json_lines(builder, &file, text) {
                    import_concept(builder, kind, value, Location::line(&file, line));
                }
            }
            Some(kind) => later.push(LaterFile { kind, optional: manifest.optional_labels.contains(name), file, text }),
        }
    }
    // Labels apply to concepts defined before (by earlier sources or this bundle's concept files).
    for LaterFile { kind, optional, file, text } in later {
        for (line, value) in json_lines(builder, &file, text) {
            let location = Location::line(&file, line);
            match kind {
                FileKind::Labels => import_labels(builder, value, location, optional),
                _ => import_relation(builder, value, location),
            }
        }
    }
}

/// A labels or relations file, read after the bundle's concept files: its lines refer to them.
struct LaterFile<'a> {
    kind: FileKind,
    /// Named in the manifest's `optional_labels`.
    optional: bool,
    /// Where it was read from, for locations.
    file: String,
    text: &'a str,
}

/// The JSON objects of a JSON Lines text with their 1-based line numbers; blank and `#` lines skipped.
fn json_lines(builder: &mut SnapshotBuilder, file: &str, text: &str) -> Vec<(usize, Map<String, Value>)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(map)) => out.push((i + 1, map)),
            Ok(_) => builder.report.error(Location::line(file, i + 1), "expected a JSON object"),
            Err(e) => builder.report.error(Location::line(file, i + 1), format!("invalid JSON: {e}")),
        }
    }
    out
}

/// Deserializes `value` into `T`, reporting the failing field's path on error.
fn parse<T: DeserializeOwned>(builder: &mut SnapshotBuilder, value: Value, location: &Location) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(parsed) => Some(parsed),
        Err(e) => {
            let path = e.path().to_string();
            let mut at = location.clone();
            if path != "." {
                at = at.with_field(path);
            }
            builder.report.error(at, e.into_inner().to_string());
            None
        }
    }
}

/// Fields every concept line has.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommonFields {
    id: String,
    labels: BTreeMap<String, LangLabels>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    #[serde(default)]
    status: Option<StatusName>,
    #[serde(default)]
    replaced_by: Option<String>,
}

const COMMON_KEYS: [&str; 5] = ["id", "labels", "description", "status", "replaced_by"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LangLabels {
    pref: Option<String>,
    #[serde(default)]
    alt: Vec<String>,
    #[serde(default)]
    hidden: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum StatusName {
    Released,
    Deprecated,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OccupationRow {
    isco: Option<String>,
    #[serde(default)]
    kansberoep: bool,
    #[serde(default)]
    sectors: Vec<Sector>,
    #[serde(default)]
    requires: Vec<RequirementRow>,
    #[serde(default)]
    broader: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementRow {
    skill: String,
    importance: Importance,
    weight: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkillRow {
    skill_type: SkillType,
    reuse_level: Option<ReuseLevel>,
    #[serde(default)]
    broader: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupRow {
    code: Option<String>,
    #[serde(default)]
    broader: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QualificationRow {
    crebo: String,
    mbo_level: i64,
    nlqf_level: Option<i64>,
    eqf_level: Option<i64>,
    leerwegen: Vec<Leerweg>,
    #[serde(default)]
    certifies: Vec<String>,
    #[serde(default)]
    leads_to: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialRow {
    credential_kind: CredentialKind,
    issuer: String,
    ec: Option<f32>,
    nlqf_level: Option<i64>,
    part_of: Option<String>,
    #[serde(default)]
    certifies: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderRow {
    #[serde(default)]
    quality_marks: Vec<MarkRow>,
    kvk: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkRow {
    mark: QualityMark,
    valid_from: Date,
    valid_to: Option<Date>,
}

/// A recurring start of a course (`docs/bundle-format.md`, *Start patterns*).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartPatternRow {
    pattern: String,
    months: Option<Vec<i64>>,
    day: Option<i64>,
    lead_days: Option<i64>,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseRow {
    provider: String,
    price_cents: i64,
    hours: i64,
    weeks: i64,
    delivery: Delivery,
    schedule: Schedule,
    region: Option<String>,
    #[serde(default)]
    start_dates: Vec<Date>,
    #[serde(default)]
    start_patterns: Vec<StartPatternRow>,
    #[serde(default)]
    ontwikkelpaden: Vec<Sector>,
    leads_to: Option<String>,
    #[serde(default)]
    teaches: Vec<TeachRow>,
    #[serde(default)]
    prerequisites: Vec<String>,
    #[serde(default)]
    registers: Vec<RegisterRow>,
    education_type: Option<EducationType>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeachRow {
    skill: String,
    level: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterRow {
    register: Register,
    valid_from: Date,
    valid_to: Option<Date>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FundingSchemeRow {
    scheme_level: SchemeLevel,
    instrument: Instrument,
    valid_from: Date,
    valid_to: Option<Date>,
    sources: Vec<PolicySource>,
    /// Who qualifies, for what, how much: see `super::rules`.
    rules: Option<super::rules::RulesRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationRow {
    from: String,
    kind: RelationKind,
    to: String,
    importance: Option<Importance>,
    weight: Option<f32>,
    level: Option<i64>,
    confidence: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelsRow {
    id: String,
    #[serde(default)]
    labels: BTreeMap<String, LangLabels>,
    #[serde(default)]
    description: BTreeMap<String, String>,
}

/// Collects the problems of one line, so that all of them are reported, not just the first.
struct LineCheck<'a> {
    builder: &'a mut SnapshotBuilder,
    location: &'a Location,
    ok: bool,
}

impl LineCheck<'_> {
    fn fail(&mut self, field: &str, reason: impl Into<String>) {
        self.builder.report.error(self.location.clone().with_field(field), reason);
        self.ok = false;
    }

    /// Checks `value` lies in `range` and returns it as a `u8`.
    fn level(&mut self, field: &str, value: i64, range: std::ops::RangeInclusive<i64>) -> u8 {
        if !range.contains(&value) {
            self.fail(field, format!("level {value} out of range {}–{}", range.start(), range.end()));
            return *range.start() as u8;
        }
        value as u8
    }

    fn id(&mut self, field: &str, raw: &str) -> Option<String> {
        match parse_id(raw) {
            Ok(id) => Some(id),
            Err(e) => {
                self.fail(field, format!("`{raw}`: {e}"));
                None
            }
        }
    }

    fn validity(&mut self, field: &str, from: Date, to: Option<Date>) -> Validity {
        if let Some(to) = to {
            if to <= from {
                self.fail(field, format!("valid_to {to} is not after valid_from {from}"));
            }
        }
        Validity { from, to }
    }

    /// Records a relation from `from` to the id in `raw` (resolved at the end of the load).
    fn relation(&mut self, from: &str, field: &str, raw: &str, relation: Relation, expect: &'static [ConceptKind]) {
        if let Some(to) = self.id(field, raw) {
            let location = self.location.clone().with_field(field);
            self.builder.add_relation(from, &to, relation, Some(expect), location);
        }
    }
}

const SKILLISH: &[ConceptKind] = &[ConceptKind::Skill, ConceptKind::SkillGroup];

fn import_concept(builder: &mut SnapshotBuilder, kind: ConceptKind, mut map: Map<String, Value>, location: Location) {
    let rest: Map<String, Value> = map
        .keys()
        .filter(|k| !COMMON_KEYS.contains(&k.as_str()))
        .cloned()
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|k| map.remove_entry(&k))
        .collect();
    let Some(common) = parse::<CommonFields>(builder, Value::Object(map), &location) else { return };
    let mut check = LineCheck { builder, location: &location, ok: true };
    let Some(id) = check.id("id", &common.id) else { return };
    let mut concept = Concept {
        id: id.as_str().into(),
        kind,
        labels: Vec::new(),
        descriptions: Vec::new(),
        status: Status::Released,
        source: 0,
        details: Details::SkillGroup { code: None },
    };
    apply_labels(&mut check, &mut concept, &common.labels, &common.description);
    if !concept.labels.iter().any(|l| l.form == LabelForm::Preferred) {
        check.fail("labels", "at least one language needs a `pref` label");
    }
    match (common.status, common.replaced_by) {
        (Some(StatusName::Deprecated), replaced_by) => {
            let replaced_by = replaced_by.and_then(|raw| check.id("replaced_by", &raw)).map(Into::into);
            concept.status = Status::Deprecated { replaced_by };
        }
        (_, Some(_)) => check.fail("replaced_by", "only a deprecated concept has `replaced_by`"),
        _ => {}
    }

    let value = Value::Object(rest);
    let details = match kind {
        ConceptKind::Occupation => occupation_details(&mut check, &id, value),
        ConceptKind::Skill => skill_details(&mut check, &id, value),
        ConceptKind::SkillGroup | ConceptKind::IscoGroup => group_details(&mut check, &id, kind, value),
        ConceptKind::Qualification => qualification_details(&mut check, &id, value),
        ConceptKind::Credential => credential_details(&mut check, &id, value),
        ConceptKind::Provider => provider_details(&mut check, value),
        ConceptKind::Course => course_details(&mut check, &id, value),
        ConceptKind::FundingScheme => funding_scheme_details(&mut check, value),
    };
    let Some(details) = details else { return };
    if check.ok {
        concept.details = details;
        builder.add_concept(concept, || location.clone());
    }
}

fn apply_labels(
    check: &mut LineCheck<'_>,
    concept: &mut Concept,
    labels: &BTreeMap<String, LangLabels>,
    descriptions: &BTreeMap<String, String>,
) {
    for (lang, set) in labels {
        if !valid_lang(lang) {
            check.fail(&format!("labels.{lang}"), "language must be a code like `nl` or `en`");
            continue;
        }
        if let Some(pref) = &set.pref {
            if pref.trim().is_empty() {
                check.fail(&format!("labels.{lang}.pref"), "empty label");
            }
            concept.add_label(lang, LabelForm::Preferred, pref);
        }
        for alt in &set.alt {
            concept.add_label(lang, LabelForm::Alternative, alt);
        }
        for hidden in &set.hidden {
            concept.add_label(lang, LabelForm::Hidden, hidden);
        }
    }
    for (lang, text) in descriptions {
        if !valid_lang(lang) {
            check.fail(&format!("description.{lang}"), "language must be a code like `nl` or `en`");
            continue;
        }
        concept.set_description(lang, text);
    }
}

fn valid_lang(lang: &str) -> bool {
    let (base, region) = lang.split_once('-').unwrap_or((lang, ""));
    (2..=3).contains(&base.len())
        && base.bytes().all(|b| b.is_ascii_lowercase())
        && region.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn occupation_details(check: &mut LineCheck<'_>, id: &str, value: Value) -> Option<Details> {
    let row: OccupationRow = parse(check.builder, value, check.location)?;
    if let Some(isco) = &row.isco {
        if isco.len() != 4 || !isco.bytes().all(|b| b.is_ascii_digit()) {
            check.fail("isco", format!("`{isco}` is not a 4-digit ISCO-08 unit group code"));
        }
    }
    for (i, requirement) in row.requires.iter().enumerate() {
        if let Some(weight) = requirement.weight {
            if !(0.0..=1.0).contains(&weight) {
                check.fail(&format!("requires[{i}].weight"), format!("weight {weight} outside 0..1"));
            }
        }
        let relation = Relation {
            weight: requirement.weight,
            ..Relation::with_importance(RelationKind::Requires, requirement.importance)
        };
        check.relation(id, &format!("requires[{i}].skill"), &requirement.skill, relation, SKILLISH);
    }
    for (i, broader) in row.broader.iter().enumerate() {
        let expect = &[ConceptKind::Occupation, ConceptKind::IscoGroup];
        check.relation(id, &format!("broader[{i}]"), broader, Relation::plain(RelationKind::Broader), expect);
    }
    Some(Details::Occupation(OccupationDetails {
        isco_code: row.isco.map(Into::into),
        esco_code: None,
        kansberoep: row.kansberoep,
        sectors: row.sectors,
        regulated: None,
    }))
}

fn skill_details(check: &mut LineCheck<'_>, id: &str, value: Value) -> Option<Details> {
    let row: SkillRow = parse(check.builder, value, check.location)?;
    for (i, broader) in row.broader.iter().enumerate() {
        check.relation(id, &format!("broader[{i}]"), broader, Relation::plain(RelationKind::Broader), SKILLISH);
    }
    for (i, related) in row.related.iter().enumerate() {
        let expect = &[ConceptKind::Skill];
        check.relation(id, &format!("related[{i}]"), related, Relation::plain(RelationKind::Related), expect);
    }
    Some(Details::Skill(SkillDetails { skill_type: row.skill_type, reuse_level: row.reuse_level }))
}

fn group_details(check: &mut LineCheck<'_>, id: &str, kind: ConceptKind, value: Value) -> Option<Details> {
    let row: GroupRow = parse(check.builder, value, check.location)?;
    let expect: &'static [ConceptKind] =
        if kind == ConceptKind::IscoGroup { &[ConceptKind::IscoGroup] } else { &[ConceptKind::SkillGroup] };
    for (i, broader) in row.broader.iter().enumerate() {
        check.relation(id, &format!("broader[{i}]"), broader, Relation::plain(RelationKind::Broader), expect);
    }
    if kind == ConceptKind::SkillGroup {
        return Some(Details::SkillGroup { code: row.code.map(Into::into) });
    }
    match row.code {
        Some(code) if (1..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) => {
            Some(Details::IscoGroup { code: code.into() })
        }
        Some(code) => {
            check.fail("code", format!("`{code}` is not an ISCO-08 code (1–4 digits)"));
            None
        }
        None => {
            check.fail("code", "an ISCO group needs its `code`");
            None
        }
    }
}

fn qualification_details(check: &mut LineCheck<'_>, id: &str, value: Value) -> Option<Details> {
    let row: QualificationRow = parse(check.builder, value, check.location)?;
    if row.crebo.len() != 5 || !row.crebo.bytes().all(|b| b.is_ascii_digit()) {
        check.fail("crebo", format!("`{}` is not a 5-digit crebo code", row.crebo));
    }
    let mbo_level = check.level("mbo_level", row.mbo_level, 1..=4);
    let nlqf_level = row.nlqf_level.map_or(mbo_level, |l| check.level("nlqf_level", l, 1..=8));
    let eqf_level = row.eqf_level.map_or(nlqf_level, |l| check.level("eqf_level", l, 1..=8));
    if row.leerwegen.is_empty() {
        check.fail("leerwegen", "at least one leerweg (bol or bbl)");
    }
    for (i, skill) in row.certifies.iter().enumerate() {
        check.relation(id, &format!("certifies[{i}]"), skill, Relation::plain(RelationKind::Certifies), SKILLISH);
    }
    for (i, occupation) in row.leads_to.iter().enumerate() {
        let expect = &[ConceptKind::Occupation];
        check.relation(id, &format!("leads_to[{i}]"), occupation, Relation::plain(RelationKind::LeadsTo), expect);
    }
    Some(Details::Qualification(Box::new(QualificationDetails {
        crebo: row.crebo.into(),
        mbo_level,
        nlqf_level,
        eqf_level,
        leerwegen: row.leerwegen,
    })))
}

/// Microcredentials are 3 to 30 EC (Kamerbrief LLO 23-09-2022, 001 L1530-1531).
const MICROCREDENTIAL_EC: std::ops::RangeInclusive<f32> = 3.0..=30.0;

fn credential_details(check: &mut LineCheck<'_>, id: &str, value: Value) -> Option<Details> {
    let row: CredentialRow = parse(check.builder, value, check.location)?;
    if row.issuer.trim().is_empty() {
        check.fail("issuer", "empty issuer");
    }
    match (row.credential_kind, row.ec) {
        (CredentialKind::Microcredential, None) => check.fail("ec", "a microcredential needs its size in EC"),
        (CredentialKind::Microcredential, Some(ec)) if !MICROCREDENTIAL_EC.contains(&ec) => {
            check.fail("ec", format!("a microcredential is 3–30 EC, not {ec}"))
        }
        (_, Some(ec)) if !(ec > 0.0 && ec.is_finite()) => check.fail("ec", format!("EC must be positive, not {ec}")),
        _ => {}
    }
    let nlqf_level = row.nlqf_level.map(|l| check.level("nlqf_level", l, 1..=8));
    if let Some(part_of) = &row.part_of {
        let expect = &[ConceptKind::Qualification];
        check.relation(id, "part_of", part_of, Relation::plain(RelationKind::PartOf), expect);
    }
    for (i, skill) in row.certifies.iter().enumerate() {
        check.relation(id, &format!("certifies[{i}]"), skill, Relation::plain(RelationKind::Certifies), SKILLISH);
    }
    Some(Details::Credential(Box::new(CredentialDetails {
        credential_kind: row.credential_kind,
        issuer: row.issuer.into(),
        ec: row.ec,
        nlqf_level,
    })))
}

fn provider_details(check: &mut LineCheck<'_>, value: Value) -> Option<Details> {
    let row: ProviderRow = parse(check.builder, value, check.location)?;
    if let Some(kvk) = &row.kvk {
        if kvk.len() != 8 || !kvk.bytes().all(|b| b.is_ascii_digit()) {
            check.fail("kvk", format!("`{kvk}` is not an 8-digit KvK number"));
        }
    }
    let quality_marks = row
        .quality_marks
        .iter()
        .enumerate()
        .map(|(i, m)| QualityMarkGrant {
            mark: m.mark,
            validity: check.validity(&format!("quality_marks[{i}].valid_to"), m.valid_from, m.valid_to),
        })
        .collect();
    Some(Details::Provider(Box::new(ProviderDetails { quality_marks, kvk: row.kvk.map(Into::into) })))
}

fn course_details(check: &mut LineCheck<'_>, id: &str, value: Value) -> Option<Details> {
    let row: CourseRow = parse(check.builder, value, check.location)?;
    if row.price_cents < 0 {
        check.fail("price_cents", format!("price must be ≥ 0, not {}", row.price_cents));
    }
    let positive = |check: &mut LineCheck<'_>, field: &str, n: i64| -> u32 {
        if n <= 0 || n > i64::from(u32::MAX) {
            check.fail(field, format!("must be a positive whole number, not {n}"));
            return 1;
        }
        n as u32
    };
    let hours = positive(check, "hours", row.hours);
    let weeks = positive(check, "weeks", row.weeks);
    if let Some(region) = &row.region {
        if !ARBEIDSMARKTREGIOS.contains(&region.as_str()) {
            check.fail("region", format!("`{region}` is not one of the 35 arbeidsmarktregio's"));
        }
    }
    let provider = check.id("provider", &row.provider);
    if let Some(provider) = &provider {
        let location = check.location.clone().with_field("provider");
        check.builder.expect_reference(provider, &[ConceptKind::Provider], location);
    }
    if let Some(leads_to) = &row.leads_to {
        let expect = &[ConceptKind::Credential];
        check.relation(id, "leads_to", leads_to, Relation::plain(RelationKind::LeadsTo), expect);
    }
    for (i, teach) in row.teaches.iter().enumerate() {
        let level = teach.level.map(|l| check.level(&format!("teaches[{i}].level"), l, 1..=4));
        let relation = Relation { level, ..Relation::plain(RelationKind::Teaches) };
        check.relation(id, &format!("teaches[{i}].skill"), &teach.skill, relation, SKILLISH);
    }
    for (i, prerequisite) in row.prerequisites.iter().enumerate() {
        let expect = &[ConceptKind::Course, ConceptKind::Skill];
        let relation = Relation::plain(RelationKind::Prerequisite);
        check.relation(id, &format!("prerequisites[{i}]"), prerequisite, relation, expect);
    }
    let registers = row
        .registers
        .iter()
        .enumerate()
        .map(|(i, r)| RegisterMembership {
            register: r.register,
            validity: check.validity(&format!("registers[{i}].valid_to"), r.valid_from, r.valid_to),
        })
        .collect();
    let mut start_dates = row.start_dates;
    start_dates.sort();
    let start_patterns = row
        .start_patterns
        .iter()
        .enumerate()
        .filter_map(|(i, p)| start_pattern(check, &format!("start_patterns[{i}]"), p))
        .collect();
    Some(Details::Course(Box::new(CourseDetails {
        provider: provider.unwrap_or_default().into(),
        price_cents: row.price_cents.max(0) as u64,
        hours,
        weeks,
        delivery: row.delivery,
        schedule: row.schedule,
        region: row.region.map(Into::into),
        start_dates,
        start_patterns,
        ontwikkelpaden: row.ontwikkelpaden,
        registers,
        education_type: row.education_type,
    })))
}

/// Checks one start pattern: the parameters its kind takes, in range, and an ordered period.
fn start_pattern(check: &mut LineCheck<'_>, field: &str, row: &StartPatternRow) -> Option<StartPattern> {
    let allowed: &[&str] = match row.pattern.as_str() {
        "yearly" => &["months", "day"],
        "monthly" => &["day"],
        "on_request" => &["lead_days"],
        "any_time" => &[],
        other => {
            check.fail(
                &format!("{field}.pattern"),
                format!("`{other}` is not a start pattern (yearly, monthly, on_request, any_time)"),
            );
            return None;
        }
    };
    let given = [("months", row.months.is_some()), ("day", row.day.is_some()), ("lead_days", row.lead_days.is_some())];
    let mut ok = true;
    for (name, present) in given {
        if present && !allowed.contains(&name) {
            check.fail(&format!("{field}.{name}"), format!("not a parameter of the `{}` pattern", row.pattern));
            ok = false;
        }
    }
    let day = |check: &mut LineCheck<'_>| -> Option<u8> {
        match row.day {
            None => Some(1),
            Some(d) if (1..=31).contains(&d) => Some(d as u8),
            Some(d) => {
                check.fail(&format!("{field}.day"), format!("must be 1–31, not {d}"));
                None
            }
        }
    };
    let rule = match row.pattern.as_str() {
        "yearly" => {
            let day = day(check);
            let months = row.months.as_deref().unwrap_or_default();
            let bad: Vec<String> = months.iter().filter(|m| !(1..=12).contains(*m)).map(|m| m.to_string()).collect();
            let months = if months.is_empty() {
                check.fail(&format!("{field}.months"), "a yearly pattern needs at least one month (1–12)");
                None
            } else if !bad.is_empty() {
                check.fail(&format!("{field}.months"), format!("months are 1–12, not {}", bad.join(", ")));
                None
            } else {
                Some(months.iter().map(|m| *m as u8).collect())
            };
            months.zip(day).map(|(months, day)| Recurrence::Yearly { months, day })
        }
        "monthly" => day(check).map(|day| Recurrence::Monthly { day }),
        "on_request" => match row.lead_days {
            None => Some(Recurrence::OnRequest { lead_days: 0 }),
            Some(n) if (0..=365).contains(&n) => Some(Recurrence::OnRequest { lead_days: n as u16 }),
            Some(n) => {
                check.fail(&format!("{field}.lead_days"), format!("must be 0–365 days, not {n}"));
                None
            }
        },
        _ => Some(Recurrence::AnyTime),
    };
    if let (Some(from), Some(to)) = (row.valid_from, row.valid_to) {
        if to <= from {
            check.fail(&format!("{field}.valid_to"), format!("{to} is not after valid_from {from}"));
            ok = false;
        }
    }
    rule.filter(|_| ok).map(|rule| StartPattern { rule, from: row.valid_from, to: row.valid_to })
}

fn funding_scheme_details(check: &mut LineCheck<'_>, value: Value) -> Option<Details> {
    let row: FundingSchemeRow = parse(check.builder, value, check.location)?;
    if row.sources.is_empty() {
        check.fail("sources", "a funding scheme cites at least one policy source");
    }
    let validity = check.validity("valid_to", row.valid_from, row.valid_to);
    let rules = row.rules.map(|rules_row| {
        let (rules, problems) = super::rules::build(rules_row);
        for (field, reason) in problems {
            check.fail(&field, reason);
        }
        for (i, scheme) in rules.combines_with.iter().enumerate() {
            let location = check.location.clone().with_field(format!("rules.combination.with[{i}]"));
            check.builder.expect_reference(scheme, &[ConceptKind::FundingScheme], location);
        }
        Box::new(rules)
    });
    Some(Details::FundingScheme(Box::new(FundingSchemeDetails {
        scheme_level: row.scheme_level,
        instrument: row.instrument,
        validity,
        sources: row.sources,
        rules,
    })))
}

fn import_relation(builder: &mut SnapshotBuilder, map: Map<String, Value>, location: Location) {
    let Some(row) = parse::<RelationRow>(builder, Value::Object(map), &location) else { return };
    let mut check = LineCheck { builder, location: &location, ok: true };
    let from = check.id("from", &row.from);
    let to = check.id("to", &row.to);
    let level = row.level.map(|l| check.level("level", l, 1..=4));
    for (field, value) in [("weight", row.weight), ("confidence", row.confidence)] {
        if let Some(v) = value {
            if !(0.0..=1.0).contains(&v) {
                check.fail(field, format!("{v} outside 0..1"));
            }
        }
    }
    if let (Some(from), Some(to), true) = (from, to, check.ok) {
        let relation = Relation {
            kind: row.kind,
            importance: row.importance,
            weight: row.weight,
            level,
            confidence: row.confidence,
        };
        builder.add_relation(&from, &to, relation, None, location.with_field("to"));
    }
}

/// Adds a labels line to the concept it names. In an `optional` file (the manifest's
/// `optional_labels`) a line naming a concept no loaded source defines is counted, not an error.
fn import_labels(builder: &mut SnapshotBuilder, map: Map<String, Value>, location: Location, optional: bool) {
    let Some(row) = parse::<LabelsRow>(builder, Value::Object(map), &location) else { return };
    let mut check = LineCheck { builder, location: &location, ok: true };
    let Some(id) = check.id("id", &row.id) else { return };
    let Some(idx) = check.builder.lookup(&id) else {
        if optional {
            // Checked as any line is (language codes, empty labels), on a scratch concept, so a
            // bad line shows on the bundle alone, not only once the source it names is loaded.
            // (Its kind does not matter: only its labels are looked at, then it is dropped.)
            let mut scratch = Concept {
                id: id.as_str().into(),
                kind: ConceptKind::SkillGroup,
                labels: Vec::new(),
                descriptions: Vec::new(),
                status: Default::default(),
                source: 0,
                details: Details::SkillGroup { code: None },
            };
            apply_labels(&mut check, &mut scratch, &row.labels, &row.description);
            if !check.ok {
                return;
            }
            check.builder.report.note_expected(
                "bundle.labels_for_absent_concept",
                "labels line of an optional labels file for a concept no loaded source defines; skipped \
                 (it applies when that source is loaded)",
                || location.to_string(),
            );
        } else {
            check.fail("id", format!("unknown concept `{id}`: labels files add to concepts defined before"));
        }
        return;
    };
    // Apply to a copy first so that a line with an error changes nothing.
    let mut concept = check.builder.concept(idx).clone();
    let has_pref: Vec<String> =
        concept.labels.iter().filter(|l| l.form == LabelForm::Preferred).map(|l| l.lang.to_string()).collect();
    let mut labels = row.labels;
    for (lang, set) in labels.iter_mut() {
        // A concept keeps one preferred label per language: an extra one becomes an alternative.
        if has_pref.contains(lang) {
            if let Some(pref) = set.pref.take() {
                set.alt.insert(0, pref);
            }
        }
    }
    apply_labels(&mut check, &mut concept, &labels, &row.description);
    if check.ok {
        *builder.concept_mut(idx) = concept;
    }
}
