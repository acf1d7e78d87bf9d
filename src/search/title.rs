//! The readings of a job title as people and employment services write it.
//!
//! Titles join alternatives and qualifiers in a few fixed ways, and a label matches one of the
//! readings rather than the whole string:
//!
//! - alternatives joined by `/` (or `,`) that share a head or a tail:
//!   `Verkoper / adviseur fietsen` reads as `verkoper fietsen` and `adviseur fietsen`;
//!   `Decorbouwer theater / film` as `decorbouwer theater` and `decorbouwer film`;
//! - a parenthetical qualifier (`Docent muziek (eerstegraads)`, `Glazenwasser (particuliere woningen)`)
//!   that may name the level or the setting, or nothing a label has.
//!
//! - a qualifier with a fixed meaning: a teacher's grade of qualification (`1e graads`,
//!   `tweedegraads`) says the school type the labels name (`voortgezet onderwijs`).
//!
//! - a title that another classification loaded beside the ontology names, with its other labels
//!   there ([`Equivalents`]): CompetentNL calls one occupation `Bootsman` and `Bootspersoon`.
//!
//! Search scores every reading and keeps, per concept, the best (a derived reading a little below
//! the title itself, so the whole title wins when it matches as well).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use super::analysis;
use super::labels::{LabelKind, LabelRow};
use crate::model::ConceptKind;
use crate::ontology::LabelSet;

/// How much a derived reading counts against the title as written.
pub const DERIVED_FACTOR: f32 = 0.97;
/// Qualifiers with a fixed meaning in Dutch titles, and the words labels use for it. A first- or
/// second-grade teaching qualification (eerstegraads/tweedegraads bevoegdheid, Wet op het
/// voortgezet onderwijs) is a qualification to teach in secondary education; Flemish titles count
/// the grades (graden) of secondary education itself (`1e graad`).
const QUALIFIERS: &[(&str, &str)] = &[
    ("1e graads", "voortgezet onderwijs"),
    ("2e graads", "voortgezet onderwijs"),
    ("eerstegraads", "voortgezet onderwijs"),
    ("tweedegraads", "voortgezet onderwijs"),
    ("1e graad", "secundair onderwijs"),
    ("2e graad", "secundair onderwijs"),
    ("3e graad", "secundair onderwijs"),
];
/// Most readings made of one title (a long enumeration is not multiplied out further).
const MAX_READINGS: usize = 6;
/// How much a title's equivalent label counts against the title as written. Another
/// classification's editors say the two name the same work, but its label may match a broader or
/// a neighbouring concept, so the title as written wins where it matches as well (0.8, 0.9 and 0.95
/// in BENCHMARKS.md, issue 12, twenty-third round).
pub const EQUIVALENT_FACTOR: f32 = 0.9;
/// Most equivalent labels read per title, the shortest first: a short label is the common name
/// (`Koffiebrander` beside `Hoofd koffiebranderij en proeflokaal`), and each one is a search of its
/// own.
const MAX_EQUIVALENTS: usize = 4;

/// The title itself (factor 1) and its derived readings (factor [`DERIVED_FACTOR`]), without
/// duplicates.
pub fn readings(title: &str) -> Vec<(String, f32)> {
    let mut out: Vec<(String, f32)> = vec![(title.to_string(), 1.0)];
    let push = |text: String, out: &mut Vec<(String, f32)>| {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && out.len() < MAX_READINGS && !out.iter().any(|(t, _)| t.eq_ignore_ascii_case(&text)) {
            out.push((text, DERIVED_FACTOR));
        }
    };
    if let Some(meant) = with_qualifier_meaning(title) {
        out.push((meant, 1.0));
    }
    let plain = without_parentheses(title);
    if plain.trim() != title.trim() {
        push(plain.clone(), &mut out);
    }
    for alternative in alternatives(&plain) {
        push(alternative, &mut out);
    }
    out
}

/// The other labels of a title in the label vocabularies loaded beside the ontology
/// ([`crate::ontology::vocabulary`]). A title is looked up whole, as written but for case, accents,
/// punctuation and spacing: the vocabulary says what its own labels mean, not what a part of one
/// does.
#[derive(Debug, Default)]
pub struct Equivalents {
    /// A label, normalized → the sets that hold it.
    sets_of: HashMap<Box<str>, Vec<u32>>,
    /// Per set, its labels as written, each with its normalized form.
    sets: Vec<Vec<(Box<str>, Arc<str>)>>,
}

impl Equivalents {
    pub fn build(sets: &[LabelSet]) -> Equivalents {
        let mut equivalents = Equivalents::default();
        for (i, set) in sets.iter().enumerate() {
            let labels: Vec<(Box<str>, Arc<str>)> =
                set.labels.iter().map(|label| (key(label), Arc::from(label.as_str()))).collect();
            for (normalized, _) in &labels {
                let held = equivalents.sets_of.entry(normalized.clone()).or_default();
                if !held.contains(&(i as u32)) {
                    held.push(i as u32);
                }
            }
            equivalents.sets.push(labels);
        }
        equivalents
    }

    /// The other labels of every set that holds `title`, or else the title without its
    /// parenthetical qualifiers (`Bootspersoon (m/v/x)`, as vacancies write it), the shortest
    /// first, at most [`MAX_EQUIVALENTS`].
    pub fn of(&self, title: &str) -> Vec<Arc<str>> {
        if self.sets.is_empty() {
            return Vec::new();
        }
        let found = self
            .sets_of
            .get_key_value(&key(title))
            .or_else(|| self.sets_of.get_key_value(&key(&without_parentheses(title))));
        let Some((title, sets)) = found else { return Vec::new() };
        let mut out: Vec<&(Box<str>, Arc<str>)> = Vec::new();
        for label in sets.iter().flat_map(|&i| &self.sets[i as usize]) {
            if label.0 != *title && !out.iter().any(|o| o.0 == label.0) {
                out.push(label);
            }
        }
        out.sort_by_key(|(_, label)| label.chars().count());
        out.into_iter().take(MAX_EQUIVALENTS).map(|(_, label)| label.clone()).collect()
    }
}

/// A label as [`Equivalents`] looks it up, and as a vocabulary's titles are matched to the
/// ontology's labels (`labels::vocabulary_labels`): ignoring case, accents, punctuation and spacing.
pub(super) fn key(label: &str) -> Box<str> {
    analysis::normalize(label).split_whitespace().collect::<Vec<_>>().join(" ").into_boxed_str()
}

/// The nouns that name the work in Dutch occupation labels (`docent`, `medewerker`, `kok`,
/// `adviseur`): the head of a title. A title reads as adjectives, a head and modifiers
/// (`Ervaren zelfstandig lasser`, `Docent Frans`, `Medewerker ontvangst hotel`); a label that does
/// not name the head (or a synonym of it) names other work, however many modifiers it shares, and
/// a skill that explains only a modifier ("Frans" for "Docent Frans") is not what the title asks.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Heads {
    #[serde(with = "crate::persist::shared_seq")]
    keys: HashSet<Arc<str>>,
}

/// Labels a word must start for it to count as a head by position alone.
const MIN_HEAD_LABELS: usize = 5;
/// Further endings of Dutch adjectives, beside [`analysis::has_adjective_ending`]'s, which also
/// start many labels (`commercieel`, `universitair`, `eerste`) but do not name the work: among the
/// first words of occupation labels they are adjectives, though nouns end so too (`materiaal`).
const MORE_ADJECTIVE_ENDINGS: &[&str] = &["ieel", "eel", "aal", "air", "ief", "e"];

impl Heads {
    /// Heads are the words of one-word occupation labels, the last words of longer ones (the head
    /// of `zelfstandig lasser`), and the first words of many labels that are not adjectives (the head
    /// of `docent muziek`).
    pub fn build(rows: &[LabelRow]) -> Heads {
        let mut starts: HashMap<&Arc<str>, usize> = HashMap::default();
        let mut nouns: HashSet<&Arc<str>> = HashSet::default();
        for row in rows.iter().filter(|r| r.kind == ConceptKind::Occupation && &*r.lang == "nl") {
            if !matches!(row.label_kind, LabelKind::Preferred | LabelKind::Alternative | LabelKind::Hidden) {
                continue;
            }
            let content: Vec<&Arc<str>> = row.tokens.iter().filter(|t| !t.stop).map(|t| &t.key).collect();
            if let Some(last) = content.last() {
                nouns.insert(last);
            }
            if content.len() >= 2 {
                *starts.entry(content[0]).or_default() += 1;
            }
        }
        let starting = starts.into_iter().filter(|(key, n)| {
            *n >= MIN_HEAD_LABELS
                && (nouns.contains(key)
                    || !(analysis::has_adjective_ending(key)
                        || MORE_ADJECTIVE_ENDINGS.iter().any(|end| key.ends_with(end))))
        });
        let keys = nouns.iter().copied().chain(starting.map(|(key, _)| key)).cloned().collect();
        Heads { keys }
    }

    /// The head of an analyzed title: its first content word that names work, when the title has
    /// more than one content word.
    pub fn of<'a>(&self, title: &'a [super::labels::Token]) -> Option<&'a Arc<str>> {
        let content: Vec<&super::labels::Token> = title.iter().filter(|t| !t.stop).collect();
        if content.len() < 2 {
            return None;
        }
        content.into_iter().map(|t| &t.key).find(|key| self.keys.contains(*key))
    }

    /// True when an analyzed Dutch label's own head (its first content word that names work) is
    /// `head` without the particle it opens with: `officier` for `onderofficier`. Such a noun is no
    /// kind of its tail ([`analysis::particle_tail`]), so the label names other work.
    pub fn names_head_without_particle(&self, label: &[super::labels::Token], head: &str) -> bool {
        let Some(tail) = analysis::particle_tail(head) else {
            return false;
        };
        label
            .iter()
            .filter(|t| !t.stop)
            .map(|t| &t.key)
            .find(|key| self.keys.contains(*key))
            .is_some_and(|own| &**own == tail)
    }
}

/// The title with its first qualifier of fixed meaning ([`QUALIFIERS`]) replaced by that meaning,
/// or `None` when it has none.
fn with_qualifier_meaning(title: &str) -> Option<String> {
    let lower = title.to_lowercase();
    let (qualifier, meaning) = QUALIFIERS.iter().find(|(q, _)| {
        lower.match_indices(q).any(|(at, _)| {
            let after = lower[at + q.len()..].chars().next();
            !after.is_some_and(char::is_alphanumeric)
        })
    })?;
    let replaced = lower.replacen(qualifier, meaning, 1).replace(['(', ')', '[', ']'], " ");
    Some(replaced.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The title without its parenthetical parts.
fn without_parentheses(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The alternatives of a title joined by `/` or `,`, each completed with the head or tail the
/// parts share; empty when the title has no alternatives.
fn alternatives(title: &str) -> Vec<String> {
    let parts: Vec<Vec<&str>> = title
        .split(['/', ','])
        .map(|p| p.split_whitespace().filter(|w| !matches!(*w, "en" | "of" | "en/of")).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return Vec::new();
    }
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    let middle_single = parts[1..parts.len() - 1].iter().all(|p| p.len() == 1);
    let mut out = Vec::new();
    if first.len() >= 2 && last.len() == 1 && middle_single {
        // A shared head: "decorbouwer theater / film" → "decorbouwer film".
        let head = &first[..first.len() - 1];
        out.push(first.join(" "));
        for part in &parts[1..] {
            out.push(format!("{} {}", head.join(" "), part.join(" ")));
        }
    } else if last.len() >= 2 && first.len() == 1 && middle_single {
        // A shared tail: "verkoper / adviseur fietsen" → "verkoper fietsen".
        let tail = &last[1..];
        for part in &parts[..parts.len() - 1] {
            out.push(format!("{} {}", part.join(" "), tail.join(" ")));
        }
        out.push(last.join(" "));
    } else {
        out.extend(parts.iter().map(|p| p.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(title: &str) -> Vec<String> {
        readings(title).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn a_title_reads_as_its_other_labels_in_a_vocabulary_the_shortest_first() {
        let set = |id: &str, labels: &[&str]| LabelSet {
            id: id.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
        };
        let equivalents = Equivalents::build(&[
            set("u:1", &["Hoofd koffiebranderij en proeflokaal", "Chef branderij", "Koffiebrander"]),
            set("u:2", &["Bootsman", "Bootspersoon"]),
        ]);
        let of = |title: &str| equivalents.of(title).iter().map(|l| l.to_string()).collect::<Vec<_>>();
        assert_eq!(of("chef  Branderij"), ["Koffiebrander", "Hoofd koffiebranderij en proeflokaal"]);
        assert_eq!(of("Bootspersoon"), ["Bootsman"]);
        assert!(of("Chef").is_empty(), "a part of a label is no label");
        assert_eq!(of("Bootspersoon (m/v/x)"), ["Bootsman"], "a vacancy's qualifier left out");
    }

    #[test]
    fn alternatives_share_their_tail_or_head() {
        assert_eq!(
            texts("Verkoper / adviseur fietsen"),
            ["Verkoper / adviseur fietsen", "Verkoper fietsen", "adviseur fietsen"]
        );
        assert_eq!(
            texts("Decorbouwer theater / film"),
            ["Decorbouwer theater / film", "Decorbouwer theater", "Decorbouwer film"]
        );
        assert_eq!(texts("Timmerman / kozijnmaker"), ["Timmerman / kozijnmaker", "Timmerman", "kozijnmaker"]);
    }

    #[test]
    fn a_parenthetical_qualifier_may_be_left_out() {
        assert_eq!(
            texts("Glazenwasser (particuliere woningen)"),
            ["Glazenwasser (particuliere woningen)", "Glazenwasser"]
        );
        assert_eq!(texts("Lasser"), ["Lasser"]);
    }

    #[test]
    fn a_teaching_grade_reads_as_the_school_type() {
        assert_eq!(
            texts("Docent muziek (eerstegraads)"),
            ["Docent muziek (eerstegraads)", "docent muziek voortgezet onderwijs", "Docent muziek"]
        );
        assert_eq!(texts("Leraar biologie 2e graad")[1], "leraar biologie secundair onderwijs");
        // Only whole qualifiers: "2e graadsmeter" is not one.
        assert_eq!(texts("Docent 2e graadsmeter"), ["Docent 2e graadsmeter"]);
    }
}
