//! Re-ranking of candidate labels: how well does this label match this query, and why.
//!
//! tantivy's BM25 finds candidates; this scorer decides the order, because BM25 alone cannot tell a
//! compound split from an accident or keep a fuzzy match below an exact one. Every query word is
//! matched against the label's words with a quality (exact 1.0 > same stem or variant 0.95 >
//! compound part 0.75–0.9 > fuzzy ≤ 0.7 > prefix 0.6); the label's score combines how much of the
//! query it explains and how much of the label the query explains, both weighted by the words'
//! IDF, times the weight of the label form (preferred > alternative > hidden > member occupation).
//! An exact label match gets a bonus no partial match can reach (a general mark such as `algemeen`
//! in the label may be left out).
//!
//! The candidates of one query share most of their words, so each distinct label word is compared
//! with the query's words once per query ([`ScoredQuery`]), not once per row.

use std::sync::Arc;

use super::labels::{LabelRow, LabelTable, Token};

/// Why a label matched, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The query is the label (after normalization).
    Exact,
    /// Matched an alternative label.
    AlternativeLabel,
    /// Matched a hidden (search-only) label.
    HiddenLabel,
    /// Matched through the same stem, a gender/plural variant, or a noun of action and its verb.
    Stemmed,
    /// Matched through compound splitting.
    Compound,
    /// Matched a label of a member occupation (ISCO groups).
    MemberOccupation,
    /// Matched a code (ISCO, crebo, ESCO code).
    Code,
    /// Matched the description only, or the description names query words that the matched label
    /// does not (a skill), or uses the words of a job title (an occupation in a title search).
    Description,
    /// Matched an English label through the learned Dutch–English lexicon.
    Translated,
    /// A title's modifier matched the occupation's field: its skills, knowledge or description, or
    /// the group of the skill the modifier names (`Frans` → `talen`).
    Field,
    /// Matched through a synonym learned from the labels (`docent` / `leraar`).
    Synonym,
    /// Matched through typo tolerance.
    Fuzzy,
    /// No word matched whole: the label shares its rarer stretches of letters with the query
    /// (`telecomtechniek` / `telecommunicatietechniek`; see [`super::similarity`]).
    Spelling,
    /// The last query word is the start of a label word.
    Prefix,
    /// The label names the phrase's object with another verb (`kamers reinigen` /
    /// `kamers schoonmaken`): the verbs count a little.
    OtherVerb,
    /// The label is the specialised variant of the title's head (`gespecialiseerd
    /// fysiotherapeut`), and the title names a specialty no label has (`fysiotherapeut
    /// bekkenbodem`): see [`SPECIALISATION_MARKS`].
    Specialisation,
    /// Found through another label of the query in a label vocabulary loaded beside the
    /// ontology (CompetentNL: `Bootspersoon` is also `Bootsman`; [`super::title::Equivalents`]).
    EquivalentLabel,
    /// Matched a title that a label vocabulary gives the occupation ([`super::labels::LabelKind::Vocabulary`]).
    VocabularyLabel,
}

/// Qualities of a word match.
const EXACT: f32 = 1.0;
const STEMMED: f32 = 0.95;
const COMPOUND_HEAD: f32 = 0.85;
const COMPOUND_PART: f32 = 0.75;
const COMPOUND_SPLIT: f32 = 0.8;
const FUZZY_1: f32 = 0.7;
const FUZZY_2: f32 = 0.6;
const PREFIX: f32 = 0.6;
/// Quality of a noun of action matched by its verb or the other way round (`verpakking` /
/// `verpakken`).
const DEVERBAL: f32 = 0.85;
/// Quality of a word matched through a learned synonym (`docent` for `leraar`).
const SYNONYM: f32 = 0.8;
/// Quality of a title's one-word skill matched by a label word naming its group (`Frans` by
/// `talen`): the label is right about the field but names no subject.
const BROADER: f32 = 0.6;
/// Quality of a query verb met by another verb of a label that names the same object (0.3–0.6
/// gave the skill phrases the same gain, 0.4 the most; BENCHMARKS.md, tenth round).
const OTHER_VERB: f32 = 0.4;
/// Quality of a title's modifier found in the occupation's field rather than its label.
const FIELD: f32 = 0.5;
/// Quality of a word of a skill phrase that the skill's label misses and its description names
/// (0.6–1.0 gave the skill phrases about the same gain, 0.8 the most; BENCHMARKS.md, eleventh
/// round).
const DESCRIBED: f32 = 0.8;
/// The share of its weight a frame word of the skill labels keeps against them (0.3–0.7 gave the
/// skill phrases the same gain; BENCHMARKS.md, eleventh round).
const FRAME_WEIGHT: f32 = 0.5;
/// The share of its weight a verb of the skill labels keeps against them: a skill phrase is about
/// its object (0.5–0.9 gave the skill phrases about the same gain, 0.8 the most; BENCHMARKS.md,
/// eleventh round).
const VERB_WEIGHT: f32 = 0.8;
/// The share of its score a skill label keeps when it matches a phrase of two or more words by the
/// closing verb alone (0.5–0.7 gave the skill phrases the same gain, in every quarter of the set;
/// BENCHMARKS.md, nineteenth round).
const VERB_ONLY_FACTOR: f32 = 0.6;
/// Share of the score from query coverage (the rest: label coverage).
const QUERY_SHARE: f32 = 0.65;
/// Share of the geometric mean in a label's score (the rest: the weighted sum); measured on the
/// realistic title and skill sets (BENCHMARKS.md).
const GEOMETRIC_SHARE: f32 = 0.5;
/// Bonus for an exact label match: above any partial match.
const EXACT_BONUS: f32 = 0.1;
/// Weight of a description-only match.
const DESCRIPTION_WEIGHT: f32 = 0.3;

/// The largest edit distance tolerated for a word of `len` characters: none for short words, where
/// one edit makes another word.
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Levenshtein distance with transpositions counted as one, or `None` when above `max`.
///
/// Called for every pair of an unknown query word and a candidate's label word (twice: query and
/// label coverage), so it allocates nothing for words of up to [`STACK_WORD`] characters and works
/// on bytes when both words are ASCII (a tenth of a search's time went to collecting `Vec<char>`s).
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        if a.len().abs_diff(b.len()) > max || letters_apart(a.as_bytes(), b.as_bytes()) > max {
            return None;
        }
        return bounded_distance(a.as_bytes(), b.as_bytes(), max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    bounded_distance(&a, &b, max)
}

/// A lower bound of the edit distance of two ASCII words, from the letters one has and the other
/// lacks: each such letter costs at least one edit (a deletion or substitution of it, one per
/// letter whatever its count), and a transposition changes no letter. Most pairs that scoring
/// compares (an unknown query word and every word of every candidate label) are told apart by this
/// alone, without the dynamic programme (which was a seventh of a search's instructions).
fn letters_apart(a: &[u8], b: &[u8]) -> usize {
    // Letters share bits beyond 64 (a weaker bound, never a wrong one).
    let letters = |word: &[u8]| word.iter().fold(0u64, |set, byte| set | 1u64 << (byte & 63));
    let (in_a, in_b) = (letters(a), letters(b));
    (in_a & !in_b).count_ones().max((in_b & !in_a).count_ones()) as usize
}

/// Longest word whose distance rows live on the stack.
const STACK_WORD: usize = 48;

fn bounded_distance<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if b.len() < STACK_WORD {
        let mut rows = [[0usize; STACK_WORD]; 3];
        let [prev2, prev, cur] = &mut rows;
        return distance_rows(a, b, max, &mut prev2[..=b.len()], &mut prev[..=b.len()], &mut cur[..=b.len()]);
    }
    let (mut prev2, mut prev, mut cur) = (vec![0; b.len() + 1], vec![0; b.len() + 1], vec![0; b.len() + 1]);
    distance_rows(a, b, max, &mut prev2, &mut prev, &mut cur)
}

/// The dynamic programme of [`edit_distance`] over three rows of `b.len() + 1` cells.
fn distance_rows<'r, T: PartialEq>(
    a: &[T],
    b: &[T],
    max: usize,
    mut prev2: &'r mut [usize],
    mut prev: &'r mut [usize],
    mut cur: &'r mut [usize],
) -> Option<usize> {
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= max).then_some(prev[b.len()])
}

/// The number of characters of a word (its length in bytes when ASCII, as most are).
fn char_len(word: &str) -> usize {
    if word.is_ascii() { word.len() } else { word.chars().count() }
}

/// How well query word `q` is matched by label word `l`. Typo tolerance applies only to words
/// no label contains (`fuzzy_ok`): a known word is not a typo of another known word.
fn word_match(q: &Token, l: &Token, prefix_ok: bool, fuzzy_ok: bool) -> Option<(f32, Reason)> {
    if q.word == l.word {
        return Some((EXACT, Reason::Exact));
    }
    if q.key == l.key {
        return Some((STEMMED, Reason::Stemmed));
    }
    if q.verb.as_ref().is_some_and(|v| *v == l.key) || l.verb.as_ref().is_some_and(|v| *v == q.key) {
        return Some((DEVERBAL, Reason::Stemmed));
    }
    if l.parts.last() == Some(&q.key) {
        return Some((COMPOUND_HEAD, Reason::Compound));
    }
    if l.parts.contains(&q.key) {
        return Some((COMPOUND_PART, Reason::Compound));
    }
    if !fuzzy_ok && !prefix_ok {
        return None;
    }
    // Counted only here: most calls have neither typo tolerance nor a prefix to try.
    let len = char_len(&q.word);
    if fuzzy_ok {
        let max = max_edits(len).min(max_edits(char_len(&l.word)));
        if max > 0 {
            if let Some(d) = edit_distance(&q.word, &l.word, max) {
                return Some((if d <= 1 { FUZZY_1 } else { FUZZY_2 }, Reason::Fuzzy));
            }
        }
    }
    if prefix_ok && len >= 3 && l.word.starts_with(&*q.word) {
        return Some((PREFIX, Reason::Prefix));
    }
    None
}

/// The best quality with which word `q` is matched anywhere in `label` without typo or prefix,
/// including its compound parts being spread over several label words (weighed as against a skill
/// label with `frames`). Scoring asks it of a label word against the query's words.
fn best_match(table: &LabelTable, q: &Token, label: &[Token], frames: bool) -> Option<(f32, Reason)> {
    let best = first_best(label.iter().filter(|l| !l.stop).filter_map(|l| word_match(q, l, false, false)));
    // Each part counts with its IDF (see [`or_split`]).
    let (mut covered, mut total) = (0.0f32, 0.0f32);
    for p in q.parts.iter() {
        let w = part_weight(table, p, frames);
        total += w;
        if label.iter().any(|l| !l.stop && (&l.key == p || l.parts.contains(p))) {
            covered += w;
        }
    }
    or_split(best, covered, total)
}

/// The best of `matches`, the first of equals.
fn first_best(matches: impl Iterator<Item = (f32, Reason)>) -> Option<(f32, Reason)> {
    matches.fold(None, |best, m| if best.is_none_or(|b| m.0 > b.0) { Some(m) } else { best })
}

/// `best`, or a compound's split over the other side's words when that is better: the parts it
/// finds there, `covered` of their `total` weight, at [`COMPOUND_SPLIT`]. Each part counts with its
/// IDF: a compound that shares only its common part (`…bedrijf`) with a label is matched much less
/// than one that shares its telling part.
fn or_split(best: Option<(f32, Reason)>, covered: f32, total: f32) -> Option<(f32, Reason)> {
    if covered <= 0.0 {
        return best;
    }
    let quality = COMPOUND_SPLIT * covered / total;
    if best.is_none_or(|b| quality > b.0) { Some((quality, Reason::Compound)) } else { best }
}

/// The weight of a compound's part: [`skill_part_weight`] against a skill label (`frames`), else
/// [`key_weight`].
fn part_weight(table: &LabelTable, part: &str, frames: bool) -> f32 {
    if frames { skill_part_weight(table, part) } else { key_weight(table, part) }
}

/// The share of a compound's weight its head carries (its parts weighed by IDF).
fn head_share(table: &LabelTable, l: &Token) -> f32 {
    let total: f32 = l.parts.iter().map(|p| key_weight(table, p)).sum();
    match l.parts.last() {
        Some(head) if total > 0.0 => key_weight(table, head) / total,
        _ => 1.0,
    }
}

/// Other words that stand for one content word of a query: its learned synonyms and, for a
/// one-word skill, the words of its groups.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordAlternatives<'a> {
    pub synonyms: &'a [Arc<str>],
    pub broader: &'a [Arc<str>],
}

/// The alternatives of each content word of a query, looked up once per query.
pub fn query_alternatives<'a>(table: &'a LabelTable, query: &[Token]) -> Vec<WordAlternatives<'a>> {
    query
        .iter()
        .filter(|t| !t.stop)
        .map(|t| WordAlternatives { synonyms: table.synonyms.of(&t.key), broader: table.broader.of(&t.key) })
        .collect()
}

/// Words that mark an occupation label as the general variant of its head (`algemeen directeur`,
/// `allround monteur`, Flemish `polyvalent`): a title that names the head alone means that variant.
/// `meewerkend` (a foreman who works along) says as little about which occupation is meant: ESCO
/// gives `meewerkend voorman …` labels to a few trades, which outranked the trade a title names
/// (BENCHMARKS.md, nineteenth round).
const GENERAL_MARKS: &[&str] =
    &["algemeen", "algemene", "allround", "polyvalent", "polyvalente", "meewerkend", "meewerkende"];
/// The share of its IDF weight a general mark keeps in the query's and the label's coverage
/// (BENCHMARKS.md, eighth round).
const GENERAL_MARK_WEIGHT: f32 = 0.2;

fn is_general_mark(t: &Token) -> bool {
    GENERAL_MARKS.contains(&&*t.word)
}

/// Words that mark an occupation label as the specialised variant of its head (`gespecialiseerd
/// fysiotherapeut`, `gespecialiseerd boekverkoper`): the mirror of a general mark. A title that
/// names the head and a specialty no label has (`fysiotherapeut bekkenbodem`, or in one compound
/// `bekkenfysiotherapeut`) names such a variant, so the mark counts as said by the label's side,
/// and the title's strongest modifier word the label misses meets it at [`SPECIALISED`] (reason
/// [`Reason::Specialisation`]). Before, the variant came after labels that share the head with
/// another qualifier (BENCHMARKS.md, twentieth round).
const SPECIALISATION_MARKS: &[&str] = &["gespecialiseerd", "gespecialiseerde"];
/// The quality at which a title's modifier meets a label's specialisation mark: a specialty is a
/// specialisation, but the label does not say which one. 0.3–0.5 gave the same answers.
const SPECIALISED: f32 = 0.5;

/// The score of one label for one analyzed query, with the reasons; `None` when nothing matches.
pub struct LabelScore {
    pub score: f32,
    pub reasons: Vec<Reason>,
    /// How much of the query the label explains, in [0, 1].
    pub query_coverage: f32,
    /// The query's content words the label does not match, or matches only as another verb
    /// ([`Reason::OtherVerb`]), with their weights and the quality of that match (0 for none).
    pub unmatched: Vec<(std::sync::Arc<str>, f32, f32)>,
    /// The total weight of the query's content words.
    pub query_weight: f32,
    /// Which of the query's content words the label's own words match (bit `i` for the `i`-th,
    /// the first 64): what the label explains of the query, apart from how well
    /// ([`super::diversity`]).
    pub matched: u64,
}

impl LabelScore {
    /// Credits unmatched query words that `found` in the concept's field (see
    /// [`super::field`]): each earns [`FIELD`] of its weight in the query coverage (less what it
    /// had).
    pub fn credit_field(&mut self, label_weight: f32, found: impl Fn(&str) -> bool) {
        self.credit(label_weight, FIELD, Reason::Field, found);
    }

    /// Credits unmatched query words that `found` in the skill's own description: each earns
    /// [`DESCRIBED`] of its weight in the query coverage (less what it had: a verb the label says
    /// otherwise, `reinigen` for *kamers schoonmaken*, is credited too when the description says
    /// it).
    pub fn credit_description(&mut self, label_weight: f32, found: impl FnMut(&str) -> bool) {
        self.credit(label_weight, DESCRIBED, Reason::Description, found);
    }

    fn credit(&mut self, label_weight: f32, quality: f32, reason: Reason, mut found: impl FnMut(&str) -> bool) {
        let credited: f32 = self
            .unmatched
            .iter()
            .filter(|(key, _, had)| *had < quality && found(key))
            .map(|(_, w, had)| w * (quality - had))
            .sum();
        if credited > 0.0 && self.query_weight > 0.0 {
            self.score += label_weight * QUERY_SHARE * credited / self.query_weight;
            self.query_coverage += credited / self.query_weight;
            self.reasons.push(reason);
        }
    }
}

/// IDF weight of a query word or a compound's part: its own key's, or when no label has it (a
/// typo, the unknown modifier of a word read by its head) a typical weight, so that it neither
/// dominates nor vanishes.
fn key_weight(table: &LabelTable, key: &str) -> f32 {
    table.idf_if_known(key).unwrap_or(UNKNOWN_WEIGHT)
}

/// The weight of a compound's part against a skill label: [`key_weight`], halved for a frame word
/// of the skill labels, as whole words are ([`weights`]). A compound that shares only its
/// frame head with a label (any `…technieken` with *lastechnieken*) is matched less than one that
/// shares its modifier.
fn skill_part_weight(table: &LabelTable, key: &str) -> f32 {
    match table.word_stats(key) {
        Some(stats) if stats.frame => FRAME_WEIGHT * stats.idf,
        Some(stats) => stats.idf,
        None => UNKNOWN_WEIGHT,
    }
}

/// The weight of a word no label has ([`key_weight`]).
const UNKNOWN_WEIGHT: f32 = 6.0;

/// The weight of a query's or a label's word in its coverage: its IDF, or for a general mark
/// (`allround`, Flemish `polyvalent`), which says little about which occupation is meant, a fifth
/// of it.
fn weight(table: &LabelTable, t: &Token) -> f32 {
    weights(table, t).0
}

/// [`weight`] of a word, and its weight in its coverage against a skill label: the same, but half
/// of it for a frame word of the skill labels (`eigenschappen van`, `technieken voor`), so that a
/// label sharing only the frame does not outrank one naming what the phrase is about, and
/// [`VERB_WEIGHT`] of it for a verb of the skill labels: a skill phrase is about its object (see
/// [`LabelTable::word_stats`]). Titles keep the whole weight: in `civiele techniek` the word names a
/// field. From one lookup.
fn weights(table: &LabelTable, t: &Token) -> (f32, f32) {
    // A word no label has gets a typical weight (see `key_weight`), and is no frame word or verb.
    let stats = table.word_stats(&t.key);
    let idf = stats.map_or(UNKNOWN_WEIGHT, |s| s.idf);
    let w = if is_general_mark(t) { GENERAL_MARK_WEIGHT * idf } else { idf };
    let mut skill = w;
    if stats.is_some_and(|s| s.frame) {
        skill *= FRAME_WEIGHT;
    }
    if stats.is_some_and(|s| s.verb) {
        skill *= VERB_WEIGHT;
    }
    (w, skill)
}

/// A query's content words with what scoring needs of each, looked up once per query rather than
/// once per candidate label (the IDF lookups were a twentieth of a search's time), and what each
/// label word met so far is to them ([`WordFacts`]).
///
/// A candidate's label words recur in many candidate rows (most are the words the query retrieved
/// them by), and scoring compared every one with every query word by their strings, row after row:
/// half of a long title's search. Now each distinct label word (one shared [`Token`]) is compared
/// once per query, and a row is scored from what its words were found to be.
pub struct ScoredQuery<'a> {
    /// Every analyzed word, stop words too (a label's compound may be spread over them).
    tokens: &'a [Token],
    content: Vec<&'a Token>,
    /// IDF weight of each content word ([`weight`]).
    weights: Vec<f32>,
    /// The same against skill labels ([`weights`]).
    skill_weights: Vec<f32>,
    /// True for a content word no label has (typo tolerance applies to it alone).
    unknown: Vec<bool>,
    /// True for a content word that is a verb of the skill labels ([`LabelTable::is_label_verb`]).
    verbs: Vec<bool>,
    /// True when any content word is such a verb: most titles have none, and skip the check.
    has_verb: bool,
    /// True when the query says a general mark itself (`allround monteur`).
    says_general: bool,
    /// The other words per content word ([`query_alternatives`]), or nothing.
    alternatives: Vec<WordAlternatives<'a>>,
    /// The last query word may be the start of a label word.
    prefix_last: bool,
    /// The compound parts of the content words, one after another, and the range of each content
    /// word's parts in it.
    parts: Vec<&'a Arc<str>>,
    part_ranges: Vec<std::ops::Range<usize>>,
    /// [`part_weight`] of each part, against a title's label and against a skill's.
    part_weights: Vec<(f32, f32)>,
    /// The slot in `facts` of each label word met so far, by its [`Token::address`].
    seen: rustc_hash::FxHashMap<usize, u32>,
    facts: Vec<WordFacts>,
    /// Per label word met, one [`PairFacts`] per content word.
    pairs: Vec<PairFacts>,
    /// Per label word met, whether it holds each of `parts`.
    covers: Vec<bool>,
    /// The slots of the row being scored (kept to spare an allocation per row).
    row_slots: Vec<u32>,
}

/// What one label word is to a query, as [`score_row`] used to find it for every row.
struct WordFacts {
    /// Where its [`PairFacts`] start in [`ScoredQuery::pairs`].
    pairs: usize,
    /// Where its flags per compound part start in [`ScoredQuery::covers`].
    covers: usize,
    stop: bool,
    /// A general mark ([`GENERAL_MARKS`]).
    general: bool,
    /// A specialisation mark ([`SPECIALISATION_MARKS`]).
    specialisation: bool,
    /// A verb of the skill labels ([`LabelTable::is_label_verb`]).
    label_verb: bool,
    /// [`weights`] of the label word: against a title's label, against a skill's.
    weight: f32,
    skill_weight: f32,
    /// How well the query explains the label word: by one query word, by the query's words as the
    /// parts of this compound (against a title's label, against a skill's), by an alternative of a
    /// query word. Zero for a stop word (the label coverage leaves them out).
    by_word: f32,
    by_parts: f32,
    by_parts_skill: f32,
    by_synonym: f32,
}

/// What one label word is to one content word of the query.
#[derive(Clone, Copy)]
struct PairFacts {
    /// [`word_match`] of the query word by the label word (none for a stop word).
    matched: Option<(f32, Reason)>,
    /// The label word matches the query word without a typo or a prefix.
    strict: bool,
    /// The query word is the label word's key or its compound's head.
    head: bool,
    /// The same normalized word.
    same_word: bool,
    /// A synonym of the query word is the label word's key.
    synonym_key: bool,
    /// Another synonym of the query word is the head of the label word's compound.
    synonym_head: bool,
    /// A group of the query word is the label word's key (a whole word: a compound that ends in
    /// it names something narrower, a `moedertaal` is no `talen`).
    group: bool,
}

impl<'a> ScoredQuery<'a> {
    /// The query `tokens` with the `alternatives` of its content words (or none), and whether its
    /// last word may be a prefix.
    pub fn new(
        table: &LabelTable,
        tokens: &'a [Token],
        alternatives: Vec<WordAlternatives<'a>>,
        prefix_last: bool,
    ) -> ScoredQuery<'a> {
        let content: Vec<&Token> = tokens.iter().filter(|t| !t.stop).collect();
        let (weights, skill_weights) = content.iter().map(|t| weights(table, t)).unzip();
        let unknown = content.iter().map(|t| table.df(&t.key) == 0).collect();
        let verbs: Vec<bool> = content.iter().map(|t| table.is_label_verb(&t.key)).collect();
        let has_verb = verbs.contains(&true);
        let says_general = content.iter().any(|q| is_general_mark(q));
        let (mut parts, mut part_ranges) = (Vec::new(), Vec::new());
        for q in &content {
            let start = parts.len();
            parts.extend(q.parts.iter());
            part_ranges.push(start..parts.len());
        }
        let part_weights = parts.iter().map(|p| (part_weight(table, p, false), part_weight(table, p, true))).collect();
        ScoredQuery {
            tokens,
            content,
            weights,
            skill_weights,
            unknown,
            verbs,
            has_verb,
            says_general,
            alternatives,
            prefix_last,
            parts,
            part_ranges,
            part_weights,
            seen: rustc_hash::FxHashMap::default(),
            facts: Vec::new(),
            pairs: Vec::new(),
            covers: Vec::new(),
            row_slots: Vec::new(),
        }
    }

    /// The slot of label word `l`'s facts, found on its first meeting.
    fn facts_of(&mut self, table: &LabelTable, l: &Token) -> u32 {
        if let Some(slot) = self.seen.get(&l.address()) {
            return *slot;
        }
        let slot = self.facts.len() as u32;
        let pairs = self.pairs.len();
        let head = l.parts.last();
        for (i, q) in self.content.iter().enumerate() {
            let prefix_ok = self.prefix_last && i + 1 == self.content.len();
            let of_q = self.alternatives.get(i).copied().unwrap_or_default();
            self.pairs.push(PairFacts {
                matched: if l.stop { None } else { word_match(q, l, prefix_ok, self.unknown[i]) },
                strict: word_match(q, l, false, false).is_some(),
                head: q.key == l.key || head == Some(&q.key),
                same_word: q.word == l.word,
                synonym_key: of_q.synonyms.contains(&l.key),
                synonym_head: of_q.synonyms.iter().any(|s| *s != l.key && head == Some(s)),
                group: of_q.broader.contains(&l.key),
            });
        }
        let covers = self.covers.len();
        self.covers.extend(self.parts.iter().map(|p| !l.stop && (l.key == **p || l.parts.contains(p))));
        let (weight, skill_weight) = weights(table, l);
        let mut facts = WordFacts {
            pairs,
            covers,
            stop: l.stop,
            general: is_general_mark(l),
            specialisation: SPECIALISATION_MARKS.contains(&&*l.word),
            label_verb: table.is_label_verb(&l.key),
            weight,
            skill_weight,
            by_word: 0.0,
            by_parts: 0.0,
            by_parts_skill: 0.0,
            by_synonym: 0.0,
        };
        if !l.stop {
            // A label word is explained by one query word, or (a compound) by its parts spread over
            // several query words.
            facts.by_word = self
                .content
                .iter()
                .zip(&self.unknown)
                .filter_map(|(q, unknown)| word_match(l, q, false, *unknown))
                .map(|(quality, _)| quality)
                .fold(0.0f32, f32::max);
            let by_parts = |frames| best_match(table, l, self.tokens, frames).map_or(0.0, |(quality, _)| quality);
            facts.by_parts = by_parts(false);
            // (Without parts the weights of the parts do not enter.)
            facts.by_parts_skill = if l.parts.is_empty() { facts.by_parts } else { by_parts(true) };
            facts.by_synonym = self
                .alternatives
                .iter()
                .map(|of_q| {
                    if of_q.synonyms.contains(&l.key) {
                        SYNONYM
                    } else if head.is_some_and(|head| of_q.synonyms.contains(head)) {
                        // The synonym is the compound's head: the modifier stays unexplained, as a
                        // compound's parts count with their weights.
                        SYNONYM * head_share(table, l)
                    } else if of_q.broader.contains(&l.key) {
                        BROADER
                    } else {
                        0.0
                    }
                })
                .fold(0.0f32, f32::max);
        }
        self.facts.push(facts);
        self.seen.insert(l.address(), slot);
        slot
    }
}

/// Scores one label row against the query (analyzed in the row's language): how much of the
/// query it explains, and how much of it the query explains.
pub fn score_row(table: &LabelTable, query: &mut ScoredQuery, row: &LabelRow) -> Option<LabelScore> {
    if query.content.is_empty() {
        return None;
    }
    let mut slots = std::mem::take(&mut query.row_slots);
    slots.clear();
    for l in &row.tokens {
        let slot = query.facts_of(table, l);
        slots.push(slot);
    }
    let score = score_words(query, row, &slots);
    query.row_slots = slots;
    score
}

/// [`score_row`] from the facts of the row's words (`slots`, in the row's order).
fn score_words(query: &ScoredQuery, row: &LabelRow, slots: &[u32]) -> Option<LabelScore> {
    let content = &query.content;
    let words = || slots.iter().map(|slot| &query.facts[*slot as usize]);
    let pair = |facts: &WordFacts, i: usize| &query.pairs[facts.pairs + i];
    let free_words = || words().filter(|f| !f.stop);
    // The query has a verb ([`ScoredQuery::verbs`]) that no word of the label matches, and the
    // label a verb that no query word matches: then the label names the phrase's object with
    // another verb, and the verbs meet at OTHER_VERB. A skill phrase is about its object, and the
    // verbs people and labels use for one task vary (`controleren`, `testen`, `inspecteren`,
    // `onderhouden`; BENCHMARKS.md, tenth round). Most titles have no verb.
    let other_verbs = query.has_verb
        && (0..content.len()).any(|i| query.verbs[i] && !words().any(|f| pair(f, i).strict))
        && free_words().any(|f| f.label_verb && !(0..content.len()).any(|o| pair(f, o).strict));
    let is_skill = row.kind == crate::model::ConceptKind::Skill;
    let weights: &[f32] = if is_skill { &query.skill_weights } else { &query.weights };
    let mut reasons = Vec::new();
    let mut unmatched = Vec::new();
    let (mut q_total, mut q_matched) = (0.0f32, 0.0f32);
    let mut matched_words = 0usize;
    let mut matched = 0u64;
    let mut modifier_missed = false;
    for (i, q) in content.iter().enumerate() {
        let w = weights[i];
        q_total += w;
        let of_q = query.alternatives.get(i).copied().unwrap_or_default();
        // The best match of one label word, or of the query word's compound parts spread over
        // several label words ([`or_split`]).
        let (mut covered, mut total) = (0.0f32, 0.0f32);
        let parts = query.part_ranges[i].clone();
        // A compound of which the label has the head only (`bekkenfysiotherapeut` against
        // `fysiotherapeut`): its modifier is a specialty the label does not name.
        let mut head_only = parts.len() > 1;
        for p in parts.clone() {
            let (title_w, skill_w) = query.part_weights[p];
            let w = if is_skill { skill_w } else { title_w };
            total += w;
            let part_covered = words().any(|f| query.covers[f.covers + p]);
            if part_covered {
                covered += w;
            }
            let is_head = p + 1 == parts.end;
            head_only &= if is_head { part_covered } else { !part_covered };
        }
        modifier_missed |= head_only;
        let best = or_split(first_best(free_words().filter_map(|f| pair(f, i).matched)), covered, total);
        // A synonym or a group stands for a label word that no other query word names itself:
        // "assistent medewerker" does not match a label's `medewerker` twice because `assistent`
        // and `medewerker` are synonyms. Of a compound, the synonym takes only the head: another
        // query word may name its modifier ("assistent bediening" is a `bedieningsmedewerker`).
        let free = |f: &WordFacts, head_only: bool| {
            !(0..content.len()).any(|j| j != i && if head_only { pair(f, j).head } else { pair(f, j).strict })
        };
        let synonym = || {
            !of_q.synonyms.is_empty()
                && free_words().any(|f| {
                    let p = pair(f, i);
                    (p.synonym_key && free(f, false)) || (p.synonym_head && free(f, true))
                })
        };
        let group = || !of_q.broader.is_empty() && free_words().any(|f| pair(f, i).group && free(f, false));
        let found = best
            .or_else(|| synonym().then_some((SYNONYM, Reason::Synonym)))
            .or_else(|| group().then_some((BROADER, Reason::Field)))
            // (A query word that reaches this point is matched by no label word.)
            .or_else(|| (query.verbs[i] && other_verbs).then_some((OTHER_VERB, Reason::OtherVerb)));
        if let Some((quality, reason)) = found {
            if reason != Reason::OtherVerb && i < 64 {
                matched |= 1 << i;
            }
            matched_words += 1;
            q_matched += w * quality;
            if reason != Reason::Exact && !reasons.contains(&reason) {
                reasons.push(reason);
            }
            if reason == Reason::OtherVerb {
                unmatched.push((q.key.clone(), w, quality));
            }
        } else {
            unmatched.push((q.key.clone(), w, 0.0));
        }
    }
    if q_matched <= 0.0 {
        return None;
    }
    // An occupation label's specialisation mark the title does not say, facing a modifier of the
    // title the label misses (a word, or a compound's modifier): the title names a specialty of
    // the head. A missed word meets the mark; a compound's modifier is part of a matched word.
    let mut specialty = false;
    if !is_skill && free_words().any(|f| f.specialisation && f.by_word == 0.0) {
        let missed_words = unmatched.iter_mut().filter(|(_, _, had)| *had == 0.0);
        if let Some(modifier) = missed_words.max_by(|a, b| a.1.total_cmp(&b.1)) {
            q_matched += modifier.1 * SPECIALISED;
            modifier.2 = SPECIALISED;
            specialty = true;
        }
        specialty |= modifier_missed;
    }
    if specialty {
        reasons.push(Reason::Specialisation);
    }
    let query_coverage = q_matched / q_total;
    let (mut l_total, mut l_matched) = (0.0f32, 0.0f32);
    for f in free_words() {
        let w = if is_skill { f.skill_weight } else { f.weight };
        l_total += w;
        // A label verb no query word names, facing a query verb no label word names.
        let by_other_verb = if other_verbs && f.by_word == 0.0 && f.label_verb { OTHER_VERB } else { 0.0 };
        let by_parts = if is_skill { f.by_parts_skill } else { f.by_parts };
        let by_specialty = if specialty && f.specialisation { EXACT } else { 0.0 };
        let quality = f.by_word.max(by_parts).max(f.by_synonym).max(by_other_verb).max(by_specialty);
        l_matched += w * quality;
    }
    let label_coverage = if l_total > 0.0 { l_matched / l_total } else { 0.0 };
    // Half a weighted sum, half a weighted geometric mean of the two coverages: the geometric half
    // keeps a short label that the query merely contains ("medewerker") from scoring on label
    // coverage alone.
    let sum = QUERY_SHARE * query_coverage + (1.0 - QUERY_SHARE) * label_coverage;
    let geometric = query_coverage.powf(QUERY_SHARE) * label_coverage.max(f32::MIN_POSITIVE).powf(1.0 - QUERY_SHARE);
    let mut score = row.label_kind.weight() * (GEOMETRIC_SHARE * geometric + (1.0 - GEOMETRIC_SHARE) * sum);
    // A skill label that shares nothing with the phrase but its closing infinitive, its own closing
    // word too, says nothing of what the phrase is about ("een evacuatieplan uitwerken" is no
    // *programmeringen uitwerken*). Dutch puts the verb last, so position tells it on both sides,
    // as `labels::learn_label_verbs` reads it: many verbs (`uitwerken`, `opvolgen`, `opstellen`)
    // are too rare or stand too often elsewhere in labels to be learned ones ([`ScoredQuery::verbs`]).
    let last = content.len() - 1;
    if is_skill
        && row.language == super::analysis::Lang::Nl
        && last > 0
        && matched_words == 1
        && content[last].word.ends_with("en")
        && free_words().next_back().is_some_and(|f| pair(f, last).matched.is_some())
    {
        score *= VERB_ONLY_FACTOR;
    }
    // The query is the label word for word, but for a general mark the label has and the query
    // leaves out (`directeur` for `algemeen directeur`).
    let label_content = || free_words().filter(|f| query.says_general || !f.general);
    let exact =
        content.len() == label_content().count() && label_content().enumerate().all(|(i, f)| pair(f, i).same_word);
    if exact {
        // (Both coverages are whole: a general mark the query leaves out counts as said.)
        score = score.max(row.label_kind.weight()) + EXACT_BONUS;
        matched = u64::MAX.checked_shr(64u32.saturating_sub(content.len() as u32)).unwrap_or(0);
        reasons.clear();
        reasons.push(Reason::Exact);
    }
    use super::labels::LabelKind;
    let form_reason = match row.label_kind {
        LabelKind::Alternative => Some(Reason::AlternativeLabel),
        LabelKind::Hidden => Some(Reason::HiddenLabel),
        LabelKind::Vocabulary => Some(Reason::VocabularyLabel),
        LabelKind::Member => Some(Reason::MemberOccupation),
        LabelKind::Code => Some(Reason::Code),
        LabelKind::Preferred => None,
    };
    if let Some(reason) = form_reason {
        reasons.insert(0, reason);
    }
    Some(LabelScore { score, reasons, query_coverage, unmatched, query_weight: q_total, matched })
}

/// Scores a description against the query: query coverage only, at a low weight.
pub fn score_description(table: &LabelTable, query: &[Token], description: &[Token]) -> Option<f32> {
    let content: Vec<&Token> = query.iter().filter(|t| !t.stop).collect();
    let total: f32 = content.iter().map(|q| weight(table, q)).sum();
    let matched: f32 =
        content.iter().filter(|q| description.iter().any(|d| d.key == q.key)).map(|q| weight(table, q)).sum();
    (matched > 0.0 && total > 0.0).then(|| DESCRIPTION_WEIGHT * matched / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_is_bounded_and_counts_transpositions_once() {
        assert_eq!(edit_distance("lasser", "laser", 1), Some(1));
        assert_eq!(edit_distance("verpleegkundige", "verpleegkudnige", 2), Some(1));
        assert_eq!(edit_distance("kok", "kip", 1), None);
        assert_eq!(edit_distance("abc", "abcdef", 2), None);
        // Non-ASCII words are compared by character, and long words off the stack.
        assert_eq!(edit_distance("inspiciënt", "inspicient", 1), Some(1));
        assert_eq!(edit_distance("ëë", "ee", 1), None);
        let long = "a".repeat(60);
        assert_eq!(edit_distance(&long, &format!("{long}b"), 1), Some(1));
        assert_eq!(edit_distance(&format!("b{long}"), &format!("{long}b"), 1), None);
    }

    #[test]
    fn the_letter_bound_never_exceeds_the_edit_distance() {
        let words = [
            "lasser",
            "laser",
            "lassen",
            "bakker",
            "bakkers",
            "kabkers",
            "monteur",
            "monteru",
            "mointeur",
            "kok",
            "kip",
            "verkoper",
            "verkoopster",
            "ab",
            "ba",
            "abc",
            "cab",
            "aabb",
            "bbaa",
        ];
        for a in words {
            for b in words {
                let exact = bounded_distance(a.as_bytes(), b.as_bytes(), 20).expect("within 20");
                assert!(letters_apart(a.as_bytes(), b.as_bytes()) <= exact, "{a} / {b}");
            }
        }
        // Words whose letters differ by more than the bound are rejected before the programme.
        assert_eq!(letters_apart(b"monteur", b"kapster"), 4);
        assert_eq!(edit_distance("monteur", "kapster", 2), None);
    }

    #[test]
    fn short_words_get_no_typo_tolerance() {
        assert_eq!(max_edits(3), 0);
        assert_eq!(max_edits(5), 1);
        assert_eq!(max_edits(10), 2);
    }
}
