//! The profile file: the one place a person's profile is kept — a local JSON file the career
//! advisor chooses, never the server.
//!
//! `vaardig profile` writes it; `vaardig advise` and `vaardig courses` read it (`--profile FILE`).
//! Version 1 is exactly:
//!
//! ```json
//! {
//!   "version": 1,
//!   "skills": ["http://data.europa.eu/esco/skill/…", "https://id.vaardig.nl/skill/mig-mag-lassen"],
//!   "current_occupation": "http://data.europa.eu/esco/occupation/…"
//! }
//! ```
//!
//! - `version` (required): the format version, `1`.
//! - `skills` (required): concept ids of the skills the person has, each once, sent as ungraded
//!   claims. Compact ids (`esco:…`, `vaardig:…`) are accepted and expanded on reading.
//! - `current_occupation` (optional, may be `null`): the concept id of the person's occupation now.
//!
//! Any other field is an error, so a misspelt key (`skils`) is reported rather than silently read
//! as an empty profile; a later format bumps `version`. Reading validates everything and names the
//! field of every problem (`skills[2]`, `current_occupation`), in Dutch or English.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Failure;
use crate::model::{Lang, parse_id};
use crate::proto::v1 as pb;

/// The format version this code reads and writes.
pub const PROFILE_FILE_VERSION: u32 = 1;

/// A person's profile as stored in a profile file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    /// Always [`PROFILE_FILE_VERSION`] when written by this code.
    pub version: u32,
    /// Full concept ids of the person's skills, in the order they were added, without duplicates.
    pub skills: Vec<String>,
    /// Full concept id of the person's occupation now, if known.
    #[serde(default)]
    pub current_occupation: Option<String>,
    /// Labels of the ids above for showing the profile, from the ontology; not part of the file.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
}

impl Default for ProfileFile {
    fn default() -> ProfileFile {
        ProfileFile {
            version: PROFILE_FILE_VERSION,
            skills: Vec::new(),
            current_occupation: None,
            labels: BTreeMap::new(),
        }
    }
}

/// Why a profile file cannot be used.
#[derive(Debug)]
pub enum ProfileFileError {
    /// The file does not exist.
    Missing { path: PathBuf },
    /// The file exists but cannot be read or written.
    Io { path: PathBuf, error: std::io::Error },
    /// The text is not JSON; `origin` names the file.
    NotJson { origin: String, line: usize, column: usize, detail: String },
    /// A field is missing, unknown, has the wrong type or a bad value.
    Field { origin: String, field: String, problem: Problem },
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required field is absent.
    Absent,
    /// A field this format does not have (a misspelt key, or a later version's field).
    Unknown,
    /// The JSON value has the wrong type; `detail` is the parser's description.
    WrongType { detail: String },
    /// A version this code does not read.
    UnsupportedVersion { found: u64 },
    /// Not a concept id.
    BadId { value: String, reason: String },
    /// The same skill twice.
    Duplicate { first: usize },
}

impl ProfileFileError {
    /// The exit code of the command line: 4 for a missing file, 5 for bad content, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            ProfileFileError::Missing { .. } => super::EXIT_NOT_FOUND,
            ProfileFileError::Io { .. } => super::EXIT_FAILURE,
            ProfileFileError::NotJson { .. } | ProfileFileError::Field { .. } => super::EXIT_INVALID_ARGUMENT,
        }
    }

    /// The field at fault, if the content is.
    pub fn field(&self) -> Option<&str> {
        match self {
            ProfileFileError::Field { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A plain-language description in `lang`'s wording.
    pub fn describe(&self, lang: Lang) -> String {
        let pick = |nl: String, en: String| if lang.is_english() { en } else { nl };
        match self {
            ProfileFileError::Missing { path } => pick(
                format!("het profielbestand {} bestaat niet; maak het met `vaardig profile --out {0}`", path.display()),
                format!(
                    "the profile file {} does not exist; create it with `vaardig profile --out {0}`",
                    path.display()
                ),
            ),
            ProfileFileError::Io { path, error } => pick(
                format!("kan het profielbestand {} niet lezen of schrijven: {error}", path.display()),
                format!("cannot read or write the profile file {}: {error}", path.display()),
            ),
            ProfileFileError::NotJson { origin, line, column, detail } => pick(
                format!("het profielbestand {origin} is geen geldige JSON (regel {line}, kolom {column}): {detail}"),
                format!("the profile file {origin} is not valid JSON (line {line}, column {column}): {detail}"),
            ),
            ProfileFileError::Field { origin, field, problem: Problem::Unknown } => pick(
                format!(
                    "profielbestand {origin}: onbekend veld `{field}` (verwacht: version, skills, current_occupation)"
                ),
                format!(
                    "profile file {origin}: unknown field `{field}` (expected version, skills, current_occupation)"
                ),
            ),
            ProfileFileError::Field { origin, field, problem } => {
                let what = match problem {
                    Problem::Absent | Problem::Unknown => pick("ontbreekt".into(), "is missing".into()),
                    Problem::WrongType { detail } => {
                        pick(format!("heeft een verkeerd type ({detail})"), format!("has the wrong type ({detail})"))
                    }
                    Problem::UnsupportedVersion { found } => pick(
                        format!(
                            "versie {found} wordt niet ondersteund; deze vaardig leest versie {PROFILE_FILE_VERSION}"
                        ),
                        format!("version {found} is not supported; this vaardig reads version {PROFILE_FILE_VERSION}"),
                    ),
                    Problem::BadId { value, reason } => pick(
                        format!("`{value}` is geen concept-id ({reason})"),
                        format!("`{value}` is not a concept id ({reason})"),
                    ),
                    Problem::Duplicate { first } => pick(
                        format!("staat er al eerder in (skills[{first}])"),
                        format!("is already listed (skills[{first}])"),
                    ),
                };
                pick(
                    format!("profielbestand {origin}: veld `{field}` {what}"),
                    format!("profile file {origin}: field `{field}` {what}"),
                )
            }
        }
    }
}

/// For commands whose messages are in English (e.g. `courses`): `ProfileFile::read(path)?`.
impl From<ProfileFileError> for Failure {
    fn from(error: ProfileFileError) -> Failure {
        Failure::new(error.exit_code(), error.describe(Lang::ENGLISH))
    }
}

impl std::fmt::Display for ProfileFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Lang::ENGLISH))
    }
}

impl std::error::Error for ProfileFileError {}

impl ProfileFile {
    /// Reads and validates the profile file at `path`; ids come back in full.
    pub fn read(path: &Path) -> Result<ProfileFile, ProfileFileError> {
        let text = std::fs::read_to_string(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => ProfileFileError::Missing { path: path.to_path_buf() },
            _ => ProfileFileError::Io { path: path.to_path_buf(), error },
        })?;
        ProfileFile::parse(&text, &path.display().to_string())
    }

    /// Parses and validates the text of a profile file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<ProfileFile, ProfileFileError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ProfileFileError::NotJson {
            origin: origin.to_string(),
            line: e.line(),
            column: e.column(),
            detail: e.to_string(),
        })?;
        let field_error = |field: &str, problem: Problem| ProfileFileError::Field {
            origin: origin.to_string(),
            field: field.to_string(),
            problem,
        };
        if !value.is_object() {
            return Err(field_error("(top)", Problem::WrongType { detail: "expected a JSON object".into() }));
        }
        // The version decides how to read the rest, so it is checked first.
        match value.get("version") {
            None => return Err(field_error("version", Problem::Absent)),
            Some(v) => match v.as_u64() {
                Some(n) if n == u64::from(PROFILE_FILE_VERSION) => {}
                Some(n) => return Err(field_error("version", Problem::UnsupportedVersion { found: n })),
                None => {
                    return Err(field_error("version", Problem::WrongType { detail: format!("expected 1, not {v}") }));
                }
            },
        }
        let mut profile: ProfileFile = serde_path_to_error::deserialize(value).map_err(|e| {
            let detail = e.inner().to_string();
            let quoted =
                |prefix: &str| detail.strip_prefix(prefix).and_then(|rest| rest.split('`').next()).map(str::to_string);
            if let Some(name) = quoted("missing field `") {
                field_error(&name, Problem::Absent)
            } else if let Some(name) = quoted("unknown field `") {
                field_error(&name, Problem::Unknown)
            } else {
                field_error(&e.path().to_string(), Problem::WrongType { detail })
            }
        })?;
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, raw) in profile.skills.iter_mut().enumerate() {
            let field = format!("skills[{i}]");
            let id = parse_id(raw)
                .map_err(|e| field_error(&field, Problem::BadId { value: raw.clone(), reason: e.to_string() }))?;
            if let Some(first) = seen.insert(id.clone(), i) {
                return Err(field_error(&field, Problem::Duplicate { first }));
            }
            *raw = id;
        }
        if let Some(raw) = &profile.current_occupation {
            let id = parse_id(raw).map_err(|e| {
                field_error("current_occupation", Problem::BadId { value: raw.clone(), reason: e.to_string() })
            })?;
            profile.current_occupation = Some(id);
        }
        Ok(profile)
    }

    /// The profile to send with a request: every skill as an ungraded claim (the file states no
    /// evidence).
    pub fn to_pb(&self) -> pb::Profile {
        pb::Profile {
            skills: self
                .skills
                .iter()
                .map(|id| pb::SkillClaim {
                    skill_id: id.clone(),
                    evidence: pb::EvidenceLevel::Unspecified as i32,
                    proficiency: None,
                })
                .collect(),
            ..Default::default()
        }
    }

    /// The file's text: pretty JSON with a final newline, fields in the documented order.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the profile to `path`, replacing the file at once: a failed write never leaves half a
    /// profile behind (written beside it first, then renamed).
    pub fn write(&self, path: &Path) -> Result<(), ProfileFileError> {
        let io = |error| ProfileFileError::Io { path: path.to_path_buf(), error };
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let (temporary, mut file) = tempfile_in(dir, path).map_err(io)?;
        let written = file.write_all(self.to_json().as_bytes()).and_then(|_| file.sync_all());
        drop(file);
        if let Err(error) = written.and_then(|_| std::fs::rename(&temporary, path)) {
            let _ = std::fs::remove_file(&temporary);
            return Err(io(error));
        }
        Ok(())
    }

    /// Adds a skill id (full form) with its label; false when it was already there.
    pub fn add_skill(&mut self, id: &str, label: &str) -> bool {
        if !label.is_empty() {
            self.labels.insert(id.to_string(), label.to_string());
        }
        if self.skills.iter().any(|s| s == id) {
            return false;
        }
        self.skills.push(id.to_string());
        true
    }

    /// Removes a skill id; false when it was not there.
    pub fn remove_skill(&mut self, id: &str) -> bool {
        let before = self.skills.len();
        self.skills.retain(|s| s != id);
        let removed = self.skills.len() < before;
        if removed && self.current_occupation.as_deref() != Some(id) {
            self.labels.remove(id);
        }
        removed
    }

    /// The label of an id, or the compact id when no label is known.
    pub fn label_of(&self, id: &str) -> String {
        self.labels.get(id).cloned().unwrap_or_else(|| crate::model::compact_id(id))
    }
}

/// A new file beside `target` (`.name.tmp-<pid>-<n>`), created exclusively.
fn tempfile_in(dir: &Path, target: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "profile".into());
    for attempt in 0..100 {
        let candidate = dir.join(format!(".{name}.tmp-{}-{attempt}", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ProfileFile, ProfileFileError> {
        ProfileFile::parse(text, "p.json")
    }

    #[test]
    fn a_valid_file_round_trips_with_ids_expanded() {
        let profile = parse(
            r#"{"version": 1, "skills": ["vaardig:skill/mig-mag-lassen", "http://data.europa.eu/esco/skill/x"],
                "current_occupation": null}"#,
        )
        .unwrap();
        assert_eq!(profile.skills[0], "https://id.vaardig.nl/skill/mig-mag-lassen");
        assert_eq!(profile.current_occupation, None);
        assert_eq!(parse(&profile.to_json()).unwrap(), profile);
        let json: serde_json::Value = serde_json::from_str(&profile.to_json()).unwrap();
        assert!(json.get("current_occupation").is_some_and(|v| v.is_null()), "written as null, not left out");
        assert_eq!(json.as_object().unwrap().len(), 3, "exactly the three fields: {json}");
        assert_eq!(profile.to_pb().skills.len(), 2);
        let mut labelled = profile.clone();
        labelled.add_skill("https://id.vaardig.nl/skill/b", "b");
        assert!(!labelled.to_json().contains("\"b\""), "labels stay out of the file");
    }

    #[test]
    fn every_problem_names_its_field() {
        let field = |text: &str| parse(text).unwrap_err().field().map(str::to_string);
        assert_eq!(field(r#"{"skills": []}"#).as_deref(), Some("version"));
        assert_eq!(field(r#"{"version": 2, "skills": []}"#).as_deref(), Some("version"));
        assert_eq!(field(r#"{"version": "1", "skills": []}"#).as_deref(), Some("version"));
        assert_eq!(field(r#"{"version": 1}"#).as_deref(), Some("skills"));
        assert_eq!(field(r#"{"version": 1, "skils": []}"#).as_deref(), Some("skils"));
        assert_eq!(field(r#"{"version": 1, "skills": ["esco:skill/a", 3]}"#).as_deref(), Some("skills[1]"));
        assert_eq!(field(r#"{"version": 1, "skills": ["geen id"]}"#).as_deref(), Some("skills[0]"));
        assert_eq!(field(r#"{"version": 1, "skills": ["esco:a", "esco:a"]}"#).as_deref(), Some("skills[1]"));
        assert_eq!(
            field(r#"{"version": 1, "skills": [], "current_occupation": 7}"#).as_deref(),
            Some("current_occupation")
        );
        assert_eq!(
            field(r#"{"version": 1, "skills": [], "current_occupation": "lasser"}"#).as_deref(),
            Some("current_occupation")
        );
        let error = parse(r#"{"version": 1, "skills": [1]}"#).unwrap_err();
        assert!(error.describe(Lang::DUTCH).contains("veld `skills[0]`"), "{}", error.describe(Lang::DUTCH));
        let error = parse(r#"{"version": 1, "skils": []}"#).unwrap_err();
        assert!(error.describe(Lang::ENGLISH).contains("unknown field `skils`"), "{}", error.describe(Lang::ENGLISH));
        assert!(error.describe(Lang::DUTCH).contains("onbekend veld `skils`"), "{}", error.describe(Lang::DUTCH));
        assert_eq!(Failure::from(error).code, crate::cli::EXIT_INVALID_ARGUMENT);
        assert!(matches!(parse("{\"version\": 1,"), Err(ProfileFileError::NotJson { line: 1, .. })));
    }

    #[test]
    fn writing_replaces_the_file_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        let mut profile = ProfileFile::default();
        profile.add_skill("https://id.vaardig.nl/skill/a", "a");
        profile.write(&path).unwrap();
        profile.add_skill("https://id.vaardig.nl/skill/b", "b");
        profile.write(&path).unwrap();
        let read = ProfileFile::read(&path).unwrap();
        assert_eq!(read.skills, profile.skills);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(matches!(ProfileFile::read(&dir.path().join("nee.json")), Err(ProfileFileError::Missing { .. })));
    }

    #[test]
    fn adding_twice_keeps_one_and_removing_drops_the_label() {
        let mut profile = ProfileFile::default();
        assert!(profile.add_skill("https://id.vaardig.nl/skill/a", "a"));
        assert!(!profile.add_skill("https://id.vaardig.nl/skill/a", "a"));
        assert!(profile.remove_skill("https://id.vaardig.nl/skill/a"));
        assert!(!profile.remove_skill("https://id.vaardig.nl/skill/a"));
        assert!(profile.skills.is_empty() && profile.labels.is_empty());
    }
}
