//! The profile file: a person's skills as a small JSON document that commands read with
//! `--profile FILE` (and the format for `vaardig profile` to write). One format, defined here only:
//!
//! ```json
//! {"version": 1, "skills": ["esco:skill/…", "vaardig:skill/…"], "current_occupation": "esco:occupation/…"}
//! ```
//!
//! - `version` — must be 1;
//! - `skills` — the skills the person has, as concept ids (full URIs or compact `esco:`/`vaardig:`
//!   forms), counted as ungraded claims;
//! - `current_occupation` — the person's current occupation id, or `null`.
//!
//! Unknown fields are an error, so a misspelt key is reported rather than ignored. The file stays
//! on the advisor's machine: the command sends its skills with each request, and the server never
//! stores or logs them.

use std::path::Path;

use super::{EXIT_INVALID_ARGUMENT, Failure};
use crate::proto::v1 as pb;

/// The only version of the format.
pub const PROFILE_FILE_VERSION: u32 = 1;

/// A profile file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub version: u32,
    pub skills: Vec<String>,
    #[serde(default)]
    pub current_occupation: Option<String>,
}

impl ProfileFile {
    /// Parses the text of a profile file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<ProfileFile, Failure> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let file: ProfileFile = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let at = if path == "." { String::new() } else { format!(" field `{path}`:") };
            Failure::new(EXIT_INVALID_ARGUMENT, format!("{origin}:{at} {}", e.inner()))
        })?;
        if file.version != PROFILE_FILE_VERSION {
            return Err(Failure::new(
                EXIT_INVALID_ARGUMENT,
                format!(
                    "{origin}: field `version`: {} is not supported (expected {PROFILE_FILE_VERSION})",
                    file.version
                ),
            ));
        }
        Ok(file)
    }

    /// Reads and parses a profile file.
    pub fn read(path: &Path) -> Result<ProfileFile, Failure> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::new(EXIT_INVALID_ARGUMENT, format!("cannot read {}: {e}", path.display())))?;
        ProfileFile::parse(&text, &path.display().to_string())
    }

    /// The profile to send: every skill as an ungraded claim.
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_format_round_trips() {
        let text = r#"{"version": 1, "skills": ["esco:skill/a", "vaardig:skill/b"], "current_occupation": null}"#;
        let file = ProfileFile::parse(text, "p.json").unwrap();
        assert_eq!(file.skills, vec!["esco:skill/a", "vaardig:skill/b"]);
        assert_eq!(file.current_occupation, None);
        let again = ProfileFile::parse(&serde_json::to_string(&file).unwrap(), "p.json").unwrap();
        assert_eq!(again, file);
        assert_eq!(file.to_pb().skills.len(), 2);
    }

    #[test]
    fn bad_files_name_the_field() {
        let error = ProfileFile::parse(r#"{"version": 1, "skill": []}"#, "p.json").unwrap_err();
        assert!(error.message.contains("unknown field `skill`"), "{}", error.message);
        let error = ProfileFile::parse(r#"{"version": 2, "skills": []}"#, "p.json").unwrap_err();
        assert!(error.message.contains("field `version`: 2 is not supported"), "{}", error.message);
        let error = ProfileFile::parse(r#"{"version": 1, "skills": [3]}"#, "p.json").unwrap_err();
        assert!(error.message.contains("field `skills[0]`"), "{}", error.message);
        assert_eq!(error.code, EXIT_INVALID_ARGUMENT);
    }
}
