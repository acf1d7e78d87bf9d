//! The validation report: precise errors (file, line, field, reason) and counted warnings.
//!
//! Errors make a load fail. Warnings are the known quirks of real data (ESCO v1.1.1 ships relations
//! to an occupation missing from its own export): they never fail a load, and they are never
//! dropped silently either — each warning carries how many records it affected and a few examples.

use std::collections::BTreeMap;
use std::fmt;

/// Where in the sources something was found.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// Source file (path as given, or `embedded:<name>` for the built-in default).
    pub file: String,
    /// 1-based line number, where the format has lines.
    pub line: Option<usize>,
    /// Field (JSON path or CSV column), where known.
    pub field: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Location {
        Location { file: file.into(), line: None, field: None }
    }

    pub fn line(file: impl Into<String>, line: usize) -> Location {
        Location { file: file.into(), line: Some(line), field: None }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Location {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        Ok(())
    }
}

/// One validation error.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationError {
    pub location: Location,
    pub reason: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

/// A class of tolerated data quirk, with how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    /// Stable machine-readable code (e.g. `esco.relation_to_unknown_concept`).
    pub code: String,
    /// What happened and what was done about it.
    pub message: String,
    pub count: usize,
    /// Up to [`MAX_EXAMPLES`] examples (locations or ids).
    pub examples: Vec<String>,
    /// A skip the data itself asks for (a line of a bundle's optional labels file for a source
    /// that is not loaded), not a quirk: logged as information, shown as a note.
    #[serde(default)]
    pub expected: bool,
}

/// How many examples a warning keeps.
pub const MAX_EXAMPLES: usize = 3;

/// How many errors are kept; past that only the count grows (a broken file can have millions).
pub const MAX_ERRORS: usize = 1000;

/// Errors and warnings of one load.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub errors: Vec<ValidationError>,
    /// Errors beyond [`MAX_ERRORS`] that were counted but not kept.
    pub errors_not_kept: usize,
    warnings: BTreeMap<String, Warning>,
}

impl Report {
    pub fn error(&mut self, location: Location, reason: impl Into<String>) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(ValidationError { location, reason: reason.into() });
        } else {
            self.errors_not_kept += 1;
        }
    }

    /// Counts one occurrence of the quirk `code`; `message` describes the class, `example` this case.
    pub fn warn(&mut self, code: &str, message: &str, example: impl FnOnce() -> String) {
        self.count(code, message, false, example);
    }

    /// Counts one occurrence of a skip the data asks for (see [`Warning::expected`]).
    pub fn note_expected(&mut self, code: &str, message: &str, example: impl FnOnce() -> String) {
        self.count(code, message, true, example);
    }

    fn count(&mut self, code: &str, message: &str, expected: bool, example: impl FnOnce() -> String) {
        let warning = self.warnings.entry(code.to_string()).or_insert_with(|| Warning {
            code: code.to_string(),
            message: message.to_string(),
            count: 0,
            examples: Vec::new(),
            expected,
        });
        warning.count += 1;
        if warning.examples.len() < MAX_EXAMPLES {
            warning.examples.push(example());
        }
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        self.warnings.values()
    }

    pub fn warning(&self, code: &str) -> Option<&Warning> {
        self.warnings.get(code)
    }

    pub fn error_count(&self) -> usize {
        self.errors.len() + self.errors_not_kept
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.errors {
            writeln!(f, "error: {error}")?;
        }
        if self.errors_not_kept > 0 {
            writeln!(f, "error: … and {} more errors", self.errors_not_kept)?;
        }
        for warning in self.warnings.values() {
            writeln!(
                f,
                "{} [{}]: {} ({}×; e.g. {})",
                if warning.expected { "note" } else { "warning" },
                warning.code,
                warning.message,
                warning.count,
                warning.examples.join("; ")
            )?;
        }
        Ok(())
    }
}
