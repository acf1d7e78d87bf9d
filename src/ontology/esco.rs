//! Importer for the ESCO classification as the European Commission distributes it: the CSV export
//! (v1.1.x layout), files plain or gzip-compressed, one file per concept type and language
//! (`occupations_en.csv`, `occupations_nl.csv.gz`, …) plus language-neutral relation files.
//!
//! Files may sit in the folder itself or one level below (`en/`, `nl/`, `relations/`). Languages are
//! merged by concept URI: the first file of a concept type creates the concepts (English first, as it
//! is the complete one), later languages add labels and descriptions. Skill collections
//! (`digitalSkillsCollection_nl.csv`, …) and a `skills_en_nl_labels.csv` table add labels only.
//!
//! Known quirks are warnings with counts: ESCO v1.1.1 ships 67 occupation–skill relations to an
//! occupation missing from its own export, and a handful of broader relations to hierarchy roots that
//! are not in the skill-group file.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::LoadError;
use super::builder::SnapshotBuilder;
use super::report::Location;
use super::snapshot::{SourceFormat, SourceInfo};
use crate::model::{
    Concept, ConceptKind, Details, Importance, LabelForm, OccupationDetails, Relation, RelationKind, ReuseLevel,
    SkillDetails, SkillType, Status,
};

/// The attribution ESCO's reuse policy requires.
pub const ESCO_ATTRIBUTION: &str = "This service uses the ESCO classification of the European Commission.";

/// One CSV file of the export, with the concept type (`stem`) and language its name gives.
#[derive(Debug, Clone)]
struct EscoFile {
    stem: String,
    lang: Option<String>,
    path: PathBuf,
    /// The path within the export (`nl/occupations_nl.csv.gz`): what the snapshot's content hash
    /// names the file by, so the same export read from another folder is the same version.
    name: String,
}

/// True when `dir` looks like an ESCO CSV export (it has an `occupations_<lang>.csv` somewhere).
pub fn looks_like_esco(dir: &Path) -> bool {
    list_files(dir).map(|files| files.iter().any(|f| f.stem == "occupations" && f.lang.is_some())).unwrap_or(false)
}

fn list_files(dir: &Path) -> std::io::Result<Vec<EscoFile>> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            dirs.push(entry.path());
        }
    }
    for d in dirs {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            let Some(base) = name.strip_suffix(".csv.gz").or_else(|| name.strip_suffix(".csv")) else { continue };
            let (stem, lang) = match base.rsplit_once('_') {
                Some((stem, lang)) if (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase()) => {
                    (stem.to_string(), Some(lang.to_string()))
                }
                _ => (base.to_string(), None),
            };
            let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            out.push(EscoFile { stem, lang, path, name });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// A CSV file read into memory, with its header.
struct CsvFile {
    display: String,
    reader: csv::Reader<Box<dyn Read>>,
    columns: HashMap<String, usize>,
}

impl CsvFile {
    fn open(builder: &mut SnapshotBuilder, file: &EscoFile) -> Result<CsvFile, LoadError> {
        let display = file.path.display().to_string();
        let bytes = std::fs::read(&file.path).map_err(|source| LoadError::Io { path: display.clone(), source })?;
        builder.hash_input(&file.name, &bytes);
        let input: Box<dyn Read> = if display.ends_with(".gz") {
            Box::new(flate2::read::GzDecoder::new(std::io::Cursor::new(bytes)))
        } else {
            Box::new(std::io::Cursor::new(bytes))
        };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers = reader.headers().map_err(|e| LoadError::Csv { path: display.clone(), message: e.to_string() })?;
        let columns =
            headers.iter().enumerate().map(|(i, h)| (h.trim_start_matches('\u{feff}').to_string(), i)).collect();
        Ok(CsvFile { display, reader, columns })
    }

    /// The index of a required column, or an error naming the file and the column.
    fn column(&self, builder: &mut SnapshotBuilder, name: &str) -> Option<usize> {
        let found = self.columns.get(name).copied();
        if found.is_none() {
            builder.report.error(Location::file(&self.display).with_field(name), "missing column");
        }
        found
    }

    fn optional_column(&self, name: &str) -> Option<usize> {
        self.columns.get(name).copied()
    }

    /// Calls `row` for every record with its line number; a malformed record is an error.
    fn for_each(
        mut self,
        builder: &mut SnapshotBuilder,
        mut row: impl FnMut(&mut SnapshotBuilder, &csv::StringRecord, usize, &str),
    ) {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => {
                    let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
                    row(builder, &record, line, &self.display);
                }
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                    builder.report.error(Location::line(&self.display, line), format!("malformed CSV: {e}"));
                    break;
                }
            }
        }
    }
}

fn cell(record: &csv::StringRecord, column: Option<usize>) -> &str {
    column.and_then(|c| record.get(c)).map(str::trim).unwrap_or("")
}

/// Splits ESCO's multi-valued label cells: newline-separated in the main files, ` | ` in collections.
fn split_labels(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '|']).map(str::trim).filter(|s| !s.is_empty())
}

/// Imports an ESCO CSV export from `dir` into `builder` as one source.
pub fn import(builder: &mut SnapshotBuilder, dir: &Path) -> Result<(), LoadError> {
    let display = dir.display().to_string();
    let files = list_files(dir).map_err(|source| LoadError::Io { path: display.clone(), source })?;
    let version = dir.file_name().and_then(|n| n.to_str()).and_then(|n| n.find("v1").map(|i| n[i..].to_string()));
    builder.begin_source(SourceInfo {
        name: "ESCO".into(),
        format: SourceFormat::Esco,
        location: display,
        version,
        licence: Some("European Commission reuse policy (Decision 2011/833/EU)".into()),
        attribution: Some(ESCO_ATTRIBUTION.into()),
        synthetic: false,
        concepts: 0,
        relations: 0,
        label_sets: 0,
    });

    for (stem, kind) in [
        ("ISCOGroups", ConceptKind::IscoGroup),
        ("skillGroups", ConceptKind::SkillGroup),
        ("occupations", ConceptKind::Occupation),
        ("skills", ConceptKind::Skill),
    ] {
        let mut of_stem: Vec<&EscoFile> = files.iter().filter(|f| f.stem == stem && f.lang.is_some()).collect();
        // English first: it is the complete language of the export; others add labels.
        of_stem.sort_by_key(|f| (f.lang.as_deref() != Some("en"), f.lang.clone()));
        for file in of_stem {
            import_concepts(builder, file, kind)?;
        }
    }
    for file in files.iter().filter(|f| f.stem.ends_with("Collection") && f.lang.is_some()) {
        import_collection_labels(builder, file)?;
    }
    for file in files.iter().filter(|f| f.stem == "skills_en_nl_labels") {
        import_derived_nl_labels(builder, file)?;
    }
    for stem in
        ["occupationSkillRelations", "skillSkillRelations", "broaderRelationsOccPillar", "broaderRelationsSkillPillar"]
    {
        // Relation files are language-neutral; some exports repeat them per language: read one.
        let mut candidates: Vec<&EscoFile> = files.iter().filter(|f| f.stem == stem).collect();
        candidates.sort_by_key(|f| (f.lang.is_some(), f.lang.as_deref() != Some("en")));
        if let Some(file) = candidates.first() {
            import_relations(builder, file)?;
        }
    }
    if builder.sources().last().is_some_and(|s| s.concepts == 0) {
        builder.report.error(Location::file(dir.display().to_string()), "no ESCO concept files found");
    }
    Ok(())
}

fn import_concepts(builder: &mut SnapshotBuilder, file: &EscoFile, kind: ConceptKind) -> Result<(), LoadError> {
    let lang = file.lang.clone().unwrap_or_else(|| "en".into());
    let csv = CsvFile::open(builder, file)?;
    let Some(uri_col) = csv.column(builder, "conceptUri") else { return Ok(()) };
    let Some(pref_col) = csv.column(builder, "preferredLabel") else { return Ok(()) };
    let alt_col = csv.optional_column("altLabels");
    let hidden_col = csv.optional_column("hiddenLabels");
    let description_col = csv.optional_column("description");
    let status_col = csv.optional_column("status");
    let code_col = csv.optional_column("code");
    let isco_col = csv.optional_column("iscoGroup");
    let regulated_col = csv.optional_column("regulatedProfessionNote");
    let skill_type_col = csv.optional_column("skillType");
    let reuse_col = csv.optional_column("reuseLevel");

    csv.for_each(builder, |builder, record, line, display| {
        let uri = cell(record, Some(uri_col));
        if uri.is_empty() {
            builder.report.error(Location::line(display, line).with_field("conceptUri"), "empty concept URI");
            return;
        }
        let idx = match builder.lookup(uri) {
            Some(idx) => idx,
            None => {
                let details = match kind {
                    ConceptKind::Occupation => Details::Occupation(OccupationDetails {
                        isco_code: non_empty(cell(record, isco_col)),
                        esco_code: non_empty(cell(record, code_col)),
                        regulated: match cell(record, regulated_col) {
                            "" => None,
                            note => Some(!note.ends_with("/unregulated")),
                        },
                        ..OccupationDetails::default()
                    }),
                    ConceptKind::Skill => Details::Skill(SkillDetails {
                        skill_type: parse_skill_type(builder, cell(record, skill_type_col), display, line),
                        reuse_level: parse_reuse_level(builder, cell(record, reuse_col), display, line),
                    }),
                    ConceptKind::SkillGroup => Details::SkillGroup { code: non_empty(cell(record, code_col)) },
                    _ => Details::IscoGroup { code: cell(record, code_col).into() },
                };
                let status = match cell(record, status_col) {
                    "" | "released" => Status::Released,
                    _ => Status::Deprecated { replaced_by: None },
                };
                let concept = Concept {
                    id: uri.into(),
                    kind,
                    labels: Vec::new(),
                    descriptions: Vec::new(),
                    status,
                    source: 0,
                    details,
                };
                match builder.add_concept(concept, || Location::line(display, line)) {
                    Some(idx) => idx,
                    None => return,
                }
            }
        };
        let concept = builder.concept_mut(idx);
        if concept.kind != kind {
            let existing = concept.kind;
            builder.report.error(
                Location::line(display, line).with_field("conceptUri"),
                format!("`{uri}` is already a {existing}, not a {kind}"),
            );
            return;
        }
        concept.add_label(&lang, LabelForm::Preferred, cell(record, Some(pref_col)));
        for alt in split_labels(cell(record, alt_col)) {
            concept.add_label(&lang, LabelForm::Alternative, alt);
        }
        for hidden in split_labels(cell(record, hidden_col)) {
            concept.add_label(&lang, LabelForm::Hidden, hidden);
        }
        concept.set_description(&lang, cell(record, description_col));
    });
    Ok(())
}

fn non_empty(text: &str) -> Option<Box<str>> {
    (!text.is_empty()).then(|| text.into())
}

fn parse_skill_type(builder: &mut SnapshotBuilder, text: &str, file: &str, line: usize) -> SkillType {
    match text {
        "skill/competence" | "skill" => SkillType::Skill,
        "knowledge" => SkillType::Knowledge,
        "attitude" => SkillType::Attitude,
        other => {
            builder.report.warn(
                "esco.skill_type_missing",
                "skill without a known skillType; read as skill/competence",
                || format!("{file}:{line} `{other}`"),
            );
            SkillType::Skill
        }
    }
}

fn parse_reuse_level(builder: &mut SnapshotBuilder, text: &str, file: &str, line: usize) -> Option<ReuseLevel> {
    match text {
        "transversal" => Some(ReuseLevel::Transversal),
        "cross-sector" => Some(ReuseLevel::CrossSector),
        "sector-specific" => Some(ReuseLevel::SectorSpecific),
        "occupation-specific" => Some(ReuseLevel::OccupationSpecific),
        other => {
            builder.report.warn("esco.reuse_level_missing", "skill without a known reuseLevel; left empty", || {
                format!("{file}:{line} `{other}`")
            });
            None
        }
    }
}

/// Collections repeat concepts of the main files with labels in their language.
fn import_collection_labels(builder: &mut SnapshotBuilder, file: &EscoFile) -> Result<(), LoadError> {
    let lang = file.lang.clone().unwrap_or_else(|| "en".into());
    let csv = CsvFile::open(builder, file)?;
    let Some(uri_col) = csv.column(builder, "conceptUri") else { return Ok(()) };
    let pref_col = csv.optional_column("preferredLabel");
    let alt_col = csv.optional_column("altLabels");
    let description_col = csv.optional_column("description");
    csv.for_each(builder, |builder, record, line, display| {
        let uri = cell(record, Some(uri_col));
        let Some(idx) = builder.lookup(uri) else {
            builder.report.warn(
                "esco.collection_unknown_concept",
                "collection row for a concept missing from the main files; its labels were not used",
                || format!("{display}:{line} {uri}"),
            );
            return;
        };
        add_labels_if_absent(
            builder.concept_mut(idx),
            &lang,
            cell(record, pref_col),
            cell(record, alt_col),
            cell(record, description_col),
        );
    });
    Ok(())
}

/// Adds labels in `lang` to a concept; the preferred label only when the concept has none in
/// that language yet (a main file's preferred label wins over a secondary table's).
fn add_labels_if_absent(concept: &mut Concept, lang: &str, pref: &str, alts: &str, description: &str) {
    let has_pref = concept.labels.iter().any(|l| l.form == LabelForm::Preferred && &*l.lang == lang);
    if has_pref {
        if !pref.is_empty() {
            concept.add_label(lang, LabelForm::Alternative, pref);
        }
    } else {
        concept.add_label(lang, LabelForm::Preferred, pref);
    }
    for alt in split_labels(alts) {
        concept.add_label(lang, LabelForm::Alternative, alt);
    }
    if !concept.descriptions.iter().any(|d| &*d.lang == lang) {
        concept.set_description(lang, description);
    }
}

/// `skills_en_nl_labels.csv`: Dutch labels for skills assembled from ESCO's Dutch collections and the
/// ESCO–VDAB crosswalk (an adapted version of ESCO; see the data README).
fn import_derived_nl_labels(builder: &mut SnapshotBuilder, file: &EscoFile) -> Result<(), LoadError> {
    let csv = CsvFile::open(builder, file)?;
    let Some(uri_col) = csv.column(builder, "conceptUri") else { return Ok(()) };
    let Some(pref_col) = csv.column(builder, "preferredLabel_nl") else { return Ok(()) };
    let alt_col = csv.optional_column("altLabels_nl");
    let description_col = csv.optional_column("description_nl");
    csv.for_each(builder, |builder, record, line, display| {
        let pref = cell(record, Some(pref_col));
        if pref.is_empty() {
            return;
        }
        let uri = cell(record, Some(uri_col));
        let Some(idx) = builder.lookup(uri) else {
            builder.report.warn(
                "esco.label_table_unknown_concept",
                "label-table row for a skill missing from the main files; its labels were not used",
                || format!("{display}:{line} {uri}"),
            );
            return;
        };
        add_labels_if_absent(
            builder.concept_mut(idx),
            "nl",
            pref,
            cell(record, alt_col),
            cell(record, description_col),
        );
    });
    Ok(())
}

fn import_relations(builder: &mut SnapshotBuilder, file: &EscoFile) -> Result<(), LoadError> {
    let csv = CsvFile::open(builder, file)?;
    let (from_name, to_name) = match file.stem.as_str() {
        "occupationSkillRelations" => ("occupationUri", "skillUri"),
        "skillSkillRelations" => ("originalSkillUri", "relatedSkillUri"),
        _ => ("conceptUri", "broaderUri"),
    };
    let Some(from_col) = csv.column(builder, from_name) else { return Ok(()) };
    let Some(to_col) = csv.column(builder, to_name) else { return Ok(()) };
    let type_col = csv.optional_column("relationType");
    let stem = file.stem.clone();
    csv.for_each(builder, |builder, record, line, display| {
        let from = cell(record, Some(from_col));
        let to = cell(record, Some(to_col));
        let (Some(from_idx), Some(to_idx)) = (builder.lookup(from), builder.lookup(to)) else {
            let missing = if builder.contains(from) { to } else { from };
            builder.report.warn(
                &format!("esco.{stem}.unknown_concept"),
                &format!("{stem}: relation to a concept missing from the export; relation skipped"),
                || format!("{display}:{line} {missing}"),
            );
            return;
        };
        let relation = match stem.as_str() {
            "occupationSkillRelations" | "skillSkillRelations" => {
                let kind =
                    if stem == "occupationSkillRelations" { RelationKind::Requires } else { RelationKind::Related };
                match cell(record, type_col) {
                    "essential" => Relation::with_importance(kind, Importance::Essential),
                    "optional" => Relation::with_importance(kind, Importance::Optional),
                    other => {
                        builder.report.error(
                            Location::line(display, line).with_field("relationType"),
                            format!("unknown relation type `{other}` (expected essential or optional)"),
                        );
                        return;
                    }
                }
            }
            _ => Relation::plain(RelationKind::Broader),
        };
        builder.add_edge(from_idx, to_idx, relation);
    });
    Ok(())
}
