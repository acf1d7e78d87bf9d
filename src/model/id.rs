//! Concept identifiers.
//!
//! Every concept has a stable id: the ESCO URI where the concept exists in ESCO, otherwise a URI in
//! the vaardig namespace. People and bundle files may write ids compactly (`esco:occupation/…`,
//! `vaardig:course/…`); [`expand_id`] turns those into the full URI that is stored and returned, so
//! one concept never has two spellings inside a snapshot.

/// The ESCO namespace. ESCO URIs are the ids of ESCO concepts.
pub const ESCO_NS: &str = "http://data.europa.eu/esco/";
/// The vaardig namespace, for concepts that ESCO does not have.
pub const VAARDIG_NS: &str = "https://id.vaardig.nl/";

const PREFIXES: [(&str, &str); 2] = [("esco:", ESCO_NS), ("vaardig:", VAARDIG_NS)];

/// Expands a compact id (`esco:…`, `vaardig:…`) to its full URI; other ids are returned trimmed.
pub fn expand_id(raw: &str) -> String {
    let raw = raw.trim();
    for (prefix, namespace) in PREFIXES {
        if let Some(rest) = raw.strip_prefix(prefix) {
            return format!("{namespace}{rest}");
        }
    }
    raw.to_string()
}

/// Writes a full URI in its compact form where a known namespace applies (for human output).
pub fn compact_id(full: &str) -> String {
    for (prefix, namespace) in PREFIXES {
        if let Some(rest) = full.strip_prefix(namespace) {
            return format!("{prefix}{rest}");
        }
    }
    full.to_string()
}

/// Why a string cannot be a concept id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id is empty")]
    Empty,
    #[error("id is longer than {max} characters")]
    TooLong { max: usize },
    #[error("id contains whitespace or control characters")]
    BadCharacter,
    #[error("id is not a URI (expected http(s)://…, esco:… or vaardig:…)")]
    NotAUri,
}

/// The longest id accepted anywhere; real ids are under 100 characters.
pub const MAX_ID_LEN: usize = 512;

/// Checks and expands an id given by a user or a data file.
pub fn parse_id(raw: &str) -> Result<String, IdError> {
    let expanded = expand_id(raw);
    if expanded.is_empty() {
        return Err(IdError::Empty);
    }
    if expanded.len() > MAX_ID_LEN {
        return Err(IdError::TooLong { max: MAX_ID_LEN });
    }
    // Ids are ASCII nearly always: there, whitespace or control means a byte below 0x21 or DEL
    // (a byte at a time; the char walk with Unicode tables cost ~1,500 instructions per id, for
    // every skill of every profile).
    let bad = if expanded.is_ascii() {
        expanded.bytes().any(|b| b <= b' ' || b == 0x7f)
    } else {
        expanded.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    if bad {
        return Err(IdError::BadCharacter);
    }
    let scheme_end = expanded.find(':').ok_or(IdError::NotAUri)?;
    let scheme = &expanded[..scheme_end];
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return Err(IdError::NotAUri);
    }
    Ok(expanded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_forms_expand_and_round_trip() {
        let full = expand_id("esco:occupation/45037d43-a8f5-4f46-b332-b2935bc305f4");
        assert_eq!(full, "http://data.europa.eu/esco/occupation/45037d43-a8f5-4f46-b332-b2935bc305f4");
        assert_eq!(compact_id(&full), "esco:occupation/45037d43-a8f5-4f46-b332-b2935bc305f4");
        assert_eq!(expand_id(" vaardig:course/x "), "https://id.vaardig.nl/course/x");
    }

    #[test]
    fn bad_ids_are_rejected_with_a_reason() {
        assert_eq!(parse_id(""), Err(IdError::Empty));
        assert_eq!(parse_id("lassen"), Err(IdError::NotAUri));
        assert_eq!(parse_id("esco:skill/a b"), Err(IdError::BadCharacter));
        assert!(matches!(parse_id(&"x:".repeat(400)), Err(IdError::TooLong { .. })));
        assert!(parse_id("urn:isbn:123").is_ok());
    }
}
