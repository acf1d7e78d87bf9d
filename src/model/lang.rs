//! The display language of an answer: which labels to show and in which language the service
//! words its own sentences (reasons, traces, captions).
//!
//! One type, parsed once at the edge (a request's `lang` field, the CLI's `--lang`), so that every
//! part of one answer agrees: before this type there were language codes as strings compared with
//! `== "en"` in one place and `starts_with("en")` in another, and an `en-GB` request got an English
//! reason next to a Dutch "why" in the same step of a path. The default and the fallbacks live here:
//!
//! - an empty language means Dutch, the first language of the data;
//! - labels are looked up in the full tag (`en-gb`), then its primary language (`en`), then Dutch,
//!   then English ([`Lang::label_fallbacks`]);
//! - the service's own wording exists in Dutch and English: a language whose primary subtag is `en`
//!   gets English, every other language Dutch ([`Lang::is_english`]).

use std::fmt;
use std::str::FromStr;

/// The longest language tag accepted (`nl`, `en`, `nl-BE`, `en-GB`, `pt-BR`, …).
const MAX_LEN: usize = 8;

/// A validated display language (a BCP-47-like tag, lowercased). Small and `Copy`, so it is passed
/// by value to everything that words or labels.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang {
    tag: [u8; MAX_LEN],
    len: u8,
}

/// Why a text is not a language tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a language code such as `nl` or `en`")]
pub struct LangError(pub String);

impl Lang {
    /// Dutch: the default, and the wording of every language other than English.
    pub const DUTCH: Lang = Lang::from_ascii(b"nl");
    /// English.
    pub const ENGLISH: Lang = Lang::from_ascii(b"en");

    const fn from_ascii(code: &[u8]) -> Lang {
        let mut tag = [0u8; MAX_LEN];
        let mut i = 0;
        while i < code.len() {
            tag[i] = code[i];
            i += 1;
        }
        Lang { tag, len: code.len() as u8 }
    }

    /// Parses a language tag; empty means Dutch. Letters, digits and `-` only, at most 8 characters;
    /// the tag is lowercased (`en-GB` → `en-gb`).
    pub fn parse(raw: &str) -> Result<Lang, LangError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Lang::DUTCH);
        }
        let valid = raw.len() <= MAX_LEN
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && raw.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
        if !valid {
            let shown: String = raw.chars().take(40).collect();
            return Err(LangError(shown));
        }
        Ok(Lang::from_ascii(raw.to_ascii_lowercase().as_bytes()))
    }

    /// The full tag, lowercased (`en-gb`).
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.tag[..usize::from(self.len)]).unwrap_or("nl")
    }

    /// The primary language subtag (`en` of `en-gb`).
    pub fn primary(&self) -> &str {
        let tag = self.as_str();
        tag.split('-').next().unwrap_or(tag)
    }

    /// True when the service's own sentences are written in English for this language.
    pub fn is_english(self) -> bool {
        self.primary() == "en"
    }

    /// The language of the service's own sentences: English or Dutch.
    pub fn wording(self) -> Lang {
        if self.is_english() { Lang::ENGLISH } else { Lang::DUTCH }
    }

    /// Picks the Dutch or the English wording of a sentence or caption.
    pub fn pick<'a>(self, dutch: &'a str, english: &'a str) -> &'a str {
        if self.is_english() { english } else { dutch }
    }

    /// The label languages to try, in order, for a tag as the data or a request gives it: the
    /// tag itself, its primary language, Dutch, English.
    pub fn label_fallbacks(tag: &str) -> impl Iterator<Item = &str> {
        let primary = tag.split('-').next().unwrap_or(tag);
        [tag, primary, "nl", "en"].into_iter()
    }
}

impl Default for Lang {
    fn default() -> Lang {
        Lang::DUTCH
    }
}

impl FromStr for Lang {
    type Err = LangError;
    fn from_str(raw: &str) -> Result<Lang, LangError> {
        Lang::parse(raw)
    }
}

/// A language is used as its tag wherever labels are looked up (`concept.pref_label(&lang)`), so
/// it reads as the `&str` those lookups and the search engine take.
impl std::ops::Deref for Lang {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

/// Written as its tag (`"en-gb"`), as the CLI's JSON reports show it.
impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_dutch_and_tags_are_lowercased() {
        assert_eq!(Lang::parse("").unwrap(), Lang::DUTCH);
        assert_eq!(Lang::parse("en-GB").unwrap().as_str(), "en-gb");
        assert_eq!(Lang::parse("en-GB").unwrap().primary(), "en");
    }

    #[test]
    fn english_wording_for_every_english_tag_and_dutch_for_the_rest() {
        assert!(Lang::parse("en-GB").unwrap().is_english());
        assert!(Lang::parse("EN").unwrap().is_english());
        assert!(!Lang::parse("nl-BE").unwrap().is_english());
        assert!(!Lang::parse("de").unwrap().is_english());
        assert_eq!(Lang::parse("en-US").unwrap().pick("ja", "yes"), "yes");
        assert_eq!(Lang::parse("fr").unwrap().wording(), Lang::DUTCH);
    }

    #[test]
    fn odd_tags_are_refused() {
        assert!(Lang::parse("english-please").is_err());
        assert!(Lang::parse("e n").is_err());
        assert!(Lang::parse("-en").is_err());
        assert!(Lang::parse("é").is_err());
    }

    #[test]
    fn label_fallbacks_go_from_the_tag_to_its_language_to_dutch_and_english() {
        let order: Vec<&str> = Lang::label_fallbacks("en-gb").collect();
        assert_eq!(order, ["en-gb", "en", "nl", "en"]);
    }
}
