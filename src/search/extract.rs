//! Extraction of skill and occupation mentions from free text (a CV, a vacancy).
//!
//! A gazetteer maps the analyzed content words of every skill and occupation label (in the label's
//! language) to its label rows. The text is cut into segments at sentence and list punctuation, and
//! in each segment the longest run of content words that spells a label is a mention: in label order
//! (`heftruck besturen`), or for short labels in any order (`besturen van een heftruck`) at a lower
//! confidence. A verb may stand apart from its object (`ik reed elke dag heftruck`), objects
//! coordinated after it share it ("ik spreek Duits met klanten en af en toe Frans"), and the verbs of
//! working a machine stand for each other (`rijden`, `bedienen`, `besturen`: "ik reed heftruck" →
//! heftrucks bedienen), as does a proof compound (`heftruckcertificaat`); a compound also stands for
//! its head in a skill label of several words (`tweeploegendienst` → werken in ploegendienst). An
//! occupation label of two words is found written as one, as Dutch writes compounds
//! (`webdeveloper` → web developer). The object of a two-word skill label names the skill alone
//! when its word is rare in the labels ("ik houd de camerabeelden in de gaten" → camerabeelden
//! uitkijken), as people name a task by its thing with another verb or none. Overlapping mentions are
//! resolved longest first, then by confidence; a verb found apart from its objects may serve each
//! of them ("heftruck en kraan"). Stop words and filler never make a mention: a label needs a
//! content word, and single common words are skipped.
//!
//! Dutch grammar keeps words in their role: a word right after an article is a noun ("het
//! gebruik"), an inflected adjective before its noun is no object ("een veilige speelplek"), a
//! language's name before a noun is a nationality ("een Italiaans restaurant"), and the noun of a
//! fixed expression belongs to its verb ("houdt rekening met"). A role written as it is ("als
//! kleermaker") outweighs a skill that only the learned translation reads into its word.
//!
//! In the same pass the credentials the text names are found by their labels (`BHV-diploma`,
//! `Kinder-EHBO`), beside the mentions and never instead of one: what a credential certifies is
//! what its holder can be taken to do, though the text may not name it.

use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use super::analysis::{self, Lang};
use super::labels::{LabelKind, LabelTable, token};
use super::verbs;
use crate::model::ConceptKind;
use crate::ontology::ConceptIdx;

/// The longest label (in content words) the gazetteer holds.
const MAX_WORDS: usize = 8;
/// Labels of up to this many words also match in any word order.
const MAX_UNORDERED: usize = 4;
/// A single word is a mention only if at most this many labels use it (else it is filler such as
/// `werken` or `klant`).
const MAX_SINGLE_WORD_DF: u32 = 40;
/// Most words between a verb and its object for a two-word skill label.
const MAX_GAP: usize = 3;
/// Confidence factor of a verb and object found apart.
const GAP_FACTOR: f32 = 0.8;
/// Most content words between a verb and an object coordinated after its first one ("ik spreek
/// Duits met klanten en af en toe Frans").
const MAX_COORDINATED: usize = 8;
/// A one-word occupation label is a mention only if at most this many labels use the word: a
/// head such as `medewerker`, `monteur` or `docent` is some occupation's alternative label but
/// names none on its own.
const MAX_OCCUPATION_WORD_DF: u32 = 300;
/// A one-word label of at most this many characters must be written as it is, not as a variant or
/// stem (`Den` is not `Deens`, `let` is not `Lets`).
const MAX_SHORT_WORD: usize = 5;
/// The word that makes the noun after it a role rather than an object ("ik werk als kok").
const ROLE_MARK: &str = "als";
/// Confidence factor of a mention that names one of a label's two coordinated objects.
const PARTIAL_FACTOR: f32 = 0.85;
/// Fewest letters of a word read as a typo of a known word (shorter words make other words).
const MIN_TYPO_WORD: usize = 7;
/// Most bytes of a known word also read as a finite verb (`vertaal`, `oogst`, `doe`).
const MAX_FINITE_VERB: usize = 8;
/// Prepositions that open a phrase after a separable verb's particle ("voor op", "toe aan", "vast
/// in", "toe volgens").
const AFTER_PARTICLE: &[&str] = &[
    "op", "aan", "in", "met", "bij", "naar", "voor", "van", "tot", "volgens", "tijdens", "zonder", "sinds", "via",
    "per", "tussen",
];
/// Confidence factor of an occupation named by its two-word label written as one word
/// (`webdeveloper` for *web developer*, [`Gazetteer::joined`]).
const JOINED_FACTOR: f32 = 0.95;
/// Confidence factor of a skill named by the object of its two-word label alone (`camerabeelden`
/// for *camerabeelden uitkijken*, [`Gazetteer::object_alone`]).
const OBJECT_ALONE_FACTOR: f32 = 0.7;
/// An object names its skill alone only if at most this many labels use its word.
const MAX_OBJECT_ALONE_DF: u32 = 3;
/// Fewest letters of an object that names its skill alone.
const MIN_OBJECT_ALONE: usize = 6;
/// Confidence factor of a mention found through a compound's head (`tweeploegendienst` for
/// `ploegendienst`).
const COMPOUND_HEAD_FACTOR: f32 = 0.85;
/// Lowest score of the learned translation that makes one text word alone a mention: a one-word
/// mention rests on that one entry (0.3–0.5 kept every right one on our texts; on the SBB
/// qualification profiles 0.5 dropped `object` → *texture* and `analyse` → *Python*).
const MIN_WORD_TRANSLATION: f32 = 0.5;
/// Confidence factor of a mention found through the learned Dutch–English lexicon (the
/// translations co-occurrence attests, [`super::lexicon::Lexicon::translate_attested`]).
const TRANSLATED_FACTOR: f32 = 0.9;
/// Verbs that stand for each other within a class: a label uses one, a person another.
///
/// - working a machine or vehicle: `heftrucks bedienen`, `vrachtwagen besturen` — "ik reed elke dag
///   heftruck", "kraan rijden";
/// - making a thing: `jaarrekeningen opstellen`, `desserts bereiden` — "ik maak jaarrekeningen";
/// - putting a thing in place: `laminaatvloeren plaatsen`, `stopcontacten installeren` — "ik leg
///   laminaatvloeren", "ik sluit stopcontacten aan";
/// - putting a thing up: `steiger bouwen` — "ik zet de steigers op";
/// - arranging: `afspraken beheren`, `activiteiten organiseren` — "ik plan afspraken", "ik regel de
///   afspraken";
/// - receiving people: `gasten begroeten` — "ik ontvang gasten";
/// - giving: `eerste hulp bieden` — "ik geef eerste hulp" (an object of two words right after the
///   verb counts too).
///
/// (Carrying out a task — `doen`, `uitvoeren`, `verrichten` — changed nothing on our texts and is
/// left out; so is helping — `helpen`, `ondersteunen`, `verzorgen`: "je verzorgt lessen in klas 4"
/// supports no teacher.)
const VERB_CLASSES: &[&[&str]] = &[
    &["bedienen", "besturen", "rijden", "gebruiken", "hanteren"],
    &["maken", "opstellen", "bereiden", "vervaardigen"],
    &["installeren", "plaatsen", "aanleggen", "leggen", "aansluiten", "monteren"],
    &["opzetten", "opbouwen", "bouwen"],
    &["beheren", "plannen", "inplannen", "regelen", "organiseren"],
    &["ontvangen", "begroeten", "verwelkomen"],
    &["geven", "bieden", "verlenen", "verstrekken"],
];

/// The class of `verb` among [`VERB_CLASSES`], if it is in one.
fn verb_class(verb: &str) -> Option<usize> {
    VERB_CLASSES.iter().position(|class| class.contains(&verb))
}

/// The class of [`VERB_CLASSES`] a proof compound is read with (working a machine).
const OPERATE_CLASS: usize = 0;
/// Endings of a compound that names a proof of being able to work its first part
/// (`heftruckcertificaat`, `kraandiploma`): read as that part with an operating verb.
const PROOF_ENDINGS: &[&str] = &["certificaat", "certificering", "diploma", "bewijs"];
/// Confidence factor of a skill found through another operating verb or a proof compound.
const OPERATE_FACTOR: f32 = 0.7;
/// Mentions below this confidence are dropped.
pub const MIN_CONFIDENCE: f32 = 0.45;

/// The kinds extraction looks for.
pub const EXTRACTED_KINDS: [ConceptKind; 2] = [ConceptKind::Skill, ConceptKind::Occupation];

/// One mention found in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Character (Unicode scalar) offsets in the text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub concept: ConceptIdx,
    /// The label row it matched.
    pub row: u32,
    pub confidence: f32,
    /// Other concepts with the same label (an ambiguous mention).
    pub alternatives: Vec<ConceptIdx>,
    /// The character span no other mention may overlap: the whole mention, or for a verb found
    /// apart from its object only the object, so that one verb serves a list of objects ("ik reed
    /// heftruck en kraan").
    own: (usize, usize),
    /// Found through the learned translation of the text's words.
    translated: bool,
}

/// Label keys → label rows.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Gazetteer {
    ordered: HashMap<String, Vec<u32>>,
    unordered: HashMap<String, Vec<u32>>,
    /// Each object alone of a Dutch skill label with two coordinated objects (`sauzen en soepen
    /// bereiden` → `sauzen bereiden`, `soepen bereiden`), keys in any order.
    partial: HashMap<String, Vec<u32>>,
    /// The content keys of every credential label, in order (`bhv diploma`, `heftruckcertificaat`):
    /// a credential the text names certifies skills the text may not name ([`CredentialMention`]).
    credentials: HashMap<String, Vec<u32>>,
    /// An occupation label of two words keyed by the one word they make written together
    /// (`webdeveloper` for *web developer*): Dutch joins a compound that ESCO writes apart. Only
    /// where the joined word is no word of the labels already (it would mean that word).
    #[serde(default)]
    joined: HashMap<String, Vec<u32>>,
    /// The object of a Dutch skill label of two words, verb last (`camerabeelden uitkijken`), when
    /// that word is rare in the labels and names one concept: a text that names the object with
    /// another verb or none ("hield zijn hartslag in de gaten", "- Bestelbus") names the skill.
    #[serde(default)]
    object_alone: HashMap<String, Vec<u32>>,
}

/// A credential the text names (`BHV-diploma`, `heftruckcertificaat`, `Kinder-EHBO`). It is found
/// beside the mentions, never instead of one: the skills it certifies are what its holder can be
/// taken to do, though the text may not name them, and its words may name a skill as well (`EHBO`).
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialMention {
    /// Character (Unicode scalar) offsets in the text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub concept: ConceptIdx,
    /// The label row it matched.
    pub row: u32,
}

/// Analyzed keys of a text's words, per language, each computed once (stemming and compound
/// splitting are most of an extraction's time, and a text repeats its words).
struct KeyCache<'a> {
    table: &'a LabelTable,
    /// Word → what has been worked out about it. One entry per word, whatever is asked of it (a
    /// map per question held a copy of the word in each, and freeing them was a twentieth of an
    /// extraction).
    words: std::cell::RefCell<HashMap<String, WordReading>>,
}

/// What [`KeyCache`] has worked out about one word; `None` where it has not been asked yet.
#[derive(Default)]
struct WordReading {
    /// The key for Dutch, English and other (normalized only) readings. Shared, not copied: each
    /// reading of each clause takes its words' keys.
    keys: [Option<Rc<str>>; Lang::COUNT],
    /// The key of its compound head, if any.
    head: Option<Option<Rc<str>>>,
    /// Every infinitive it may be a finite form of ([`verbs::infinitive_candidates`]): the verb
    /// class and the infinitives the labels know are both read from it, so a word's candidates (a
    /// dozen strings) are guessed once.
    candidates: Option<Rc<[String]>>,
    /// The infinitives the labels know that it may be a finite form of.
    infinitives: Option<Rc<[String]>>,
    /// The first infinitive it may be a finite form of that is in a verb class, with the class
    /// ([`VERB_CLASSES`]): asked for every content word of every clause.
    class_verb: Option<Option<(usize, String)>>,
}

impl<'a> KeyCache<'a> {
    fn new(table: &'a LabelTable) -> KeyCache<'a> {
        KeyCache { table, words: Default::default() }
    }

    /// What is known of `word` already, through `read`.
    fn known<T>(&self, word: &str, read: impl FnOnce(&WordReading) -> Option<T>) -> Option<T> {
        self.words.borrow().get(word).and_then(read)
    }

    /// Records something worked out about `word` (the word is copied on its first record only).
    fn record(&self, word: &str, write: impl FnOnce(&mut WordReading)) {
        let mut words = self.words.borrow_mut();
        match words.get_mut(word) {
            Some(reading) => write(reading),
            None => write(words.entry(word.to_string()).or_default()),
        }
    }

    /// The verb class and infinitive of a finite verb form ("reed" → working a machine, `rijden`),
    /// computed once per word of a text: guessing a word's infinitives makes a dozen strings.
    fn class_verb(&self, word: &str) -> Option<(usize, String)> {
        if let Some(found) = self.known(word, |r| r.class_verb.clone()) {
            return found;
        }
        let found = self
            .candidates(word)
            .iter()
            .find_map(|infinitive| verb_class(infinitive).map(|class| (class, infinitive.clone())));
        self.record(word, |r| r.class_verb = Some(found.clone()));
        found
    }

    /// Every infinitive `word` may be a finite form of, guessed once per word of a text.
    fn candidates(&self, word: &str) -> Rc<[String]> {
        if let Some(found) = self.known(word, |r| r.candidates.clone()) {
            return found;
        }
        let found: Rc<[String]> = verbs::infinitive_candidates(word).into();
        self.record(word, |r| r.candidates = Some(found.clone()));
        found
    }

    /// The infinitives the labels know (`known`) that `word` may be a finite form of, in the order
    /// of [`Self::candidates`], once per word of a text.
    fn infinitives(&self, word: &str, known: impl Fn(&str) -> bool) -> Rc<[String]> {
        if let Some(found) = self.known(word, |r| r.infinitives.clone()) {
            return found;
        }
        let mut found: Vec<String> = self.candidates(word).iter().filter(|c| known(c)).cloned().collect();
        found.dedup();
        let found: Rc<[String]> = found.into();
        self.record(word, |r| r.infinitives = Some(found.clone()));
        found
    }

    /// The key of the last part of a compound word (`tweeploegendienst` → `ploegendienst`), when it
    /// splits into known words and the last has four letters or more.
    fn head(&self, word: &str) -> Option<Rc<str>> {
        if let Some(head) = self.known(word, |r| r.head.clone()) {
            return head;
        }
        self.key(word, Lang::Nl);
        self.known(word, |r| r.head.clone()).flatten()
    }

    fn key(&self, word: &str, lang: Lang) -> Rc<str> {
        if let Some(key) = self.known(word, |r| r.keys[lang.index()].clone()) {
            return key;
        }
        let (key, head) = self.analyse(word, lang);
        self.record(word, |r| {
            r.keys[lang.index()] = Some(key.clone());
            if let Some(head) = head {
                r.head = Some(head);
            }
        });
        key
    }

    /// A word's key in `lang` and, for Dutch, the key of its compound head if it has one.
    fn analyse(&self, word: &str, lang: Lang) -> (Rc<str>, Option<Option<Rc<str>>>) {
        // A label word's analysis is the table's (most words of a text about work).
        if let Some(token) = self.table.label_token(word, lang) {
            let head = (lang == Lang::Nl).then(|| match &token.parts[..] {
                [_, .., last] => Some(Rc::from(&**last)).filter(|k: &Rc<str>| k.chars().count() >= 4),
                _ => None,
            });
            return (Rc::from(&*token.key), head);
        }
        // A word of the Dutch labels that no English label has is read in English as it is:
        // stemmed in English it seldom meets an English label's key, and stemming a Dutch text's
        // words in English was a fifteenth of an extraction.
        if lang == Lang::En && self.table.label_token(word, Lang::Nl).is_some() {
            return (Rc::from(word), None);
        }
        // (As `labels::token` analyzes a word, less what extraction does not use.)
        let stop = analysis::is_stop_word(word);
        let base = if lang == Lang::Nl && !stop { self.table.decompounder.diminutive_base(word) } else { None };
        let read = base.as_deref().unwrap_or(word);
        let key: Rc<str> = self.table.stemmers.key(read, lang).into();
        let head = (lang == Lang::Nl).then(|| {
            let parts = if stop { Vec::new() } else { self.table.decompounder.split(read) };
            match &parts[..] {
                [_, .., last] => {
                    Some(self.table.stemmers.key(last, Lang::Nl)).filter(|k| k.chars().count() >= 4).map(Rc::from)
                }
                _ => None,
            }
        });
        (key, head)
    }
}

/// The labels within a Dutch skill label that names two objects joined by `en` / `of` before
/// the rest (`sauzen en soepen bereiden`): each object with the rest, as content keys. A text
/// often names one of them ("ik maak sauzen").
fn coordinated_parts(row: &super::labels::LabelRow) -> Vec<Vec<&str>> {
    let t = &row.tokens;
    let coordinated = row.kind == ConceptKind::Skill
        && &*row.lang == "nl"
        && t.len() >= 4
        && !t[0].stop
        && matches!(&*t[1].word, "en" | "of")
        && !t[2].stop;
    let rest = if coordinated { content_keys(&t[3..]) } else { Vec::new() };
    if rest.is_empty() || rest.len() + 1 > MAX_UNORDERED {
        return Vec::new();
    }
    // A compound's part written with a hyphen (`veiligheids- en bewakingsapparatuur`, `cloudgegevens
    // en -opslag`) is not a word of its own: `opslag beheren` is not *cloudopslag beheren*.
    let text = row.text.to_lowercase();
    let first_cut = text.contains("- en ") || text.contains("- of ");
    let second_cut = text.contains(" en -") || text.contains(" of -");
    [(&t[0], first_cut), (&t[2], second_cut)]
        .into_iter()
        .filter(|(_, cut)| !cut)
        .map(|(object, _)| std::iter::once(&*object.key).chain(rest.iter().copied()).collect())
        .collect()
}

fn content_keys(tokens: &[super::labels::Token]) -> Vec<&str> {
    tokens.iter().filter(|t| !t.stop).map(|t| &*t.key).collect()
}

fn unordered_key(keys: &[&str]) -> String {
    // Sorted on the stack for the short windows it serves (one allocation fewer per lookup).
    let mut buffer = [""; MAX_UNORDERED];
    let mut heap = Vec::new();
    let sorted: &mut [&str] = if keys.len() <= MAX_UNORDERED {
        buffer[..keys.len()].copy_from_slice(keys);
        &mut buffer[..keys.len()]
    } else {
        heap.extend_from_slice(keys);
        &mut heap
    };
    sorted.sort_unstable();
    let mut key = String::with_capacity(sorted.iter().map(|k| k.len() + 1).sum());
    for (i, k) in sorted.iter().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(k);
    }
    key
}

impl Gazetteer {
    pub fn build(table: &LabelTable) -> Gazetteer {
        let mut g = Gazetteer::default();
        for (i, row) in table.rows.iter().enumerate() {
            if !EXTRACTED_KINDS.contains(&row.kind) || matches!(row.label_kind, LabelKind::Member | LabelKind::Code) {
                continue;
            }
            let keys = content_keys(&row.tokens);
            if keys.is_empty() || keys.len() > MAX_WORDS {
                continue;
            }
            // A single common word is filler (`werken`, `klant`), except an occupation's name,
            // which must then be written as a noun (see `names_occupation`).
            // An acronym is no filler: it is found only where the text writes it in capitals (`SQL`,
            // whose key many labels share: `MySQL`, `SQL Server`).
            let filler =
                table.df(keys[0]) > MAX_SINGLE_WORD_DF && row.kind != ConceptKind::Occupation && !is_acronym(&row.text);
            // A label of several words with one content word (`was doen`: `was` is a stop word)
            // is not that word alone: "hij doet de triage" does no laundry.
            let lost_words = keys.len() == 1 && row.tokens.len() > 1;
            if keys.len() == 1 && (keys[0].chars().count() < 3 || filler || lost_words) {
                continue;
            }
            g.ordered.entry(keys.join(" ")).or_default().push(i as u32);
            if (2..=MAX_UNORDERED).contains(&keys.len()) {
                g.unordered.entry(unordered_key(&keys)).or_default().push(i as u32);
            }
            for part in coordinated_parts(row) {
                g.partial.entry(unordered_key(&part)).or_default().push(i as u32);
            }
            if let Some(key) = joined_key(table, row) {
                g.joined.entry(key).or_default().push(i as u32);
            }
            if let Some(key) = object_alone_key(table, row) {
                g.object_alone.entry(key).or_default().push(i as u32);
            }
        }
        g.object_alone.retain(|_, rows| {
            let concept = table.rows[rows[0] as usize].concept;
            rows.iter().all(|r| table.rows[*r as usize].concept == concept)
        });
        for (i, row) in table.rows.iter().enumerate() {
            if row.kind != ConceptKind::Credential || matches!(row.label_kind, LabelKind::Member | LabelKind::Code) {
                continue;
            }
            let keys = content_keys(&row.tokens);
            // (A credential of one short word would be any word: none is named so.)
            if keys.is_empty() || keys.len() > MAX_WORDS || (keys.len() == 1 && keys[0].chars().count() < 3) {
                continue;
            }
            g.credentials.entry(keys.join(" ")).or_default().push(i as u32);
        }
        for rows in g
            .ordered
            .values_mut()
            .chain(g.unordered.values_mut())
            .chain(g.partial.values_mut())
            .chain(g.credentials.values_mut())
            .chain(g.joined.values_mut())
            .chain(g.object_alone.values_mut())
        {
            rows.sort_unstable();
            rows.dedup();
        }
        g
    }

    /// The credentials one clause or list item names (its `words`, byte spans in the text): the
    /// longest runs of content words that spell a credential's label in order, left to right.
    /// Written as the label is (in Dutch keys), not in another order or through a translation: a
    /// credential has a name, not a description.
    fn credentials_in(
        &self,
        table: &LabelTable,
        keys_of: &KeyCache,
        words: &[analysis::Word],
        char_offset: &[usize],
        found: &mut Vec<CredentialMention>,
    ) {
        let words: Vec<&analysis::Word> = words.iter().filter(|w| !analysis::is_stop_word(&w.text)).collect();
        let keys: Vec<Rc<str>> = words.iter().map(|w| keys_of.key(&w.text, Lang::Nl)).collect();
        let mut start = 0;
        while start < keys.len() {
            // The windows from `start`, joined as they grow; the longest that names one wins.
            let mut joined = String::new();
            let mut matched = None;
            for (n, key) in keys[start..].iter().take(MAX_WORDS).enumerate() {
                if n > 0 {
                    joined.push(' ');
                }
                joined.push_str(key);
                if let Some(rows) = self.credentials.get(&joined) {
                    matched = Some((n + 1, rows));
                }
            }
            let Some((n, rows)) = matched else {
                start += 1;
                continue;
            };
            let (first, last) = (words[start], words[start + n - 1]);
            let mut named: Vec<ConceptIdx> = Vec::new();
            for &row in rows {
                let concept = table.rows[row as usize].concept;
                if !named.contains(&concept) {
                    named.push(concept);
                    found.push(CredentialMention {
                        start: char_offset[first.start],
                        end: char_offset[last.end],
                        concept,
                        row,
                    });
                }
            }
            start += n;
        }
    }

    /// Finds the mentions in `text`.
    pub fn extract(&self, table: &LabelTable, text: &str) -> Vec<Mention> {
        self.scan(table, text, false).0
    }

    /// Finds the mentions in `text` and the credentials it names ([`CredentialMention`]), both in
    /// one pass over its words.
    pub fn extract_with_credentials(&self, table: &LabelTable, text: &str) -> (Vec<Mention>, Vec<CredentialMention>) {
        self.scan(table, text, true)
    }

    fn scan(&self, table: &LabelTable, text: &str, with_credentials: bool) -> (Vec<Mention>, Vec<CredentialMention>) {
        let char_offset = char_offsets(text);
        let mut credentials = Vec::new();
        // Each word's key, analyzed once per language however often the text uses it.
        let keys_of = &KeyCache::new(table);
        let mut candidates: Vec<Mention> = Vec::new();
        // The analyzed keys of the verb classes, once per text: label words all, so read from the
        // table's vocabulary (analyzing them anew was a fiftieth of an extraction).
        let class_keys: Vec<Vec<(&str, Rc<str>)>> =
            VERB_CLASSES.iter().map(|class| class.iter().map(|v| (*v, keys_of.key(v, Lang::Nl))).collect()).collect();
        // The verb of the clause an enumeration continues (see [`Segment::continues`]).
        let mut carried: Option<analysis::Word> = None;
        // The text's words, cut once: a segment's are the run of them inside it (a word never
        // crosses the punctuation that ends a segment).
        let all_words = analysis::words(text);
        let mut first_word = 0;
        for Segment { range: segment, continues } in segments(text) {
            let skipped = all_words[first_word..].iter().take_while(|w| w.start < segment.start).count();
            let inside = all_words[first_word + skipped..].iter().take_while(|w| w.end <= segment.end).count();
            let words = &all_words[first_word + skipped..first_word + skipped + inside];
            first_word += skipped + inside;
            if with_credentials {
                self.credentials_in(table, keys_of, words, &char_offset, &mut credentials);
            }
            let clause = content_words(table, keys_of, words);
            let ContentWords { words: content, verbs, verb_readings, .. } = &clause;
            let own_verb = verbs.iter().rposition(|v| *v).map(|i| content[i].clone());
            let carried_verb = if continues && own_verb.is_none() { carried.take() } else { None };
            // The clause read as Dutch, as English (loanwords, English text), translated word by
            // word into English (to reach skills that only have English labels), and in Dutch with
            // each compound noun read as its head.
            for (lang, translated, heads) in
                [(Lang::Nl, false, false), (Lang::En, false, false), (Lang::Nl, true, false), (Lang::Nl, false, true)]
            {
                let first_of_reading = candidates.len();
                // Which words this reading changes: in the head reading only the compound nouns;
                // windows and objects without one were read in Dutch already.
                let changed: Vec<bool> = if heads {
                    content.iter().zip(verbs).map(|(w, is_verb)| !is_verb && keys_of.head(&w.text).is_some()).collect()
                } else {
                    vec![true; content.len()]
                };
                if !changed.contains(&true) {
                    continue;
                }
                let reading = |w: &analysis::Word| {
                    if heads {
                        return keys_of.head(&w.text).unwrap_or_else(|| keys_of.key(&w.text, Lang::Nl));
                    }
                    let key = keys_of.key(&w.text, lang);
                    if !translated {
                        return key;
                    }
                    match table.lexicon.translate_attested(&key).first() {
                        Some(translation) => Rc::from(&*translation.token.key),
                        None => keys_of.key(&w.text, Lang::En),
                    }
                };
                let keys: Vec<Rc<str>> = content.iter().map(reading).collect();
                // Whether some label has each key: a window of two words or more with a key no
                // label has is no label's, in any order (most windows of a text have one).
                let known: Vec<bool> = keys.iter().map(|k| table.df(k) > 0).collect();
                for start in 0..keys.len() {
                    let longest = MAX_WORDS.min(keys.len() - start);
                    // The windows from `start`, joined once: window n is `joined[..ends[n - 1]]`.
                    let mut joined =
                        String::with_capacity(keys[start..start + longest].iter().map(|k| k.len() + 1).sum());
                    let mut ends = Vec::with_capacity(longest);
                    for key in &keys[start..start + longest] {
                        if !joined.is_empty() {
                            joined.push(' ');
                        }
                        joined.push_str(key);
                        ends.push(joined.len());
                    }
                    for n in (1..=longest).rev() {
                        // (A compound's head alone is no mention: `inkoopfacturen` names no `facturen`.)
                        if !changed[start..start + n].contains(&true)
                            || (heads && n == 1)
                            || (n >= 2 && known[start..start + n].contains(&false))
                        {
                            continue;
                        }
                        // One Dutch word that is a two-word occupation label written together.
                        let mut written_together = false;
                        let mut object_alone = false;
                        let (rows, mut order_factor) = match self.ordered.get(&joined[..ends[n - 1]]) {
                            Some(rows) => (rows, 1.0),
                            None if n == 1 && lang == Lang::Nl && !translated && !heads && !verbs[start] => {
                                match (self.joined.get(&*keys[start]), self.object_alone.get(&*keys[start])) {
                                    (Some(rows), _) => {
                                        written_together = true;
                                        (rows, JOINED_FACTOR)
                                    }
                                    (None, Some(rows)) if !clause.never_object(start) => {
                                        object_alone = true;
                                        (rows, OBJECT_ALONE_FACTOR)
                                    }
                                    _ => continue,
                                }
                            }
                            None if (2..=MAX_UNORDERED).contains(&n) => {
                                let window: Vec<&str> = keys[start..start + n].iter().map(|k| &**k).collect();
                                let key = unordered_key(&window);
                                match (self.unordered.get(&key), self.partial.get(&key)) {
                                    (Some(rows), _) => (rows, 0.85),
                                    (None, Some(rows)) => (rows, PARTIAL_FACTOR),
                                    (None, None) => continue,
                                }
                            }
                            None => continue,
                        };
                        // A translated reading finds skills only, a little less surely.
                        if translated {
                            order_factor *= TRANSLATED_FACTOR;
                        }
                        if heads {
                            order_factor *= COMPOUND_HEAD_FACTOR;
                        }
                        // An occupation is named by a noun, never by a verb that shares its stem
                        // ("ik verzorg" is no "verzorgende"): its words must be written as the label's.
                        let text_words = &content[start..start + n];
                        let rows: Vec<u32> = rows
                            .iter()
                            .copied()
                            .filter(|r| {
                                let row = &table.rows[*r as usize];
                                if written_together || object_alone {
                                    return true;
                                }
                                if n == 1 && !one_word_names(table, text, &text_words[0], row) {
                                    return false;
                                }
                                if n == 1 && names_nationality(text, words, &text_words[0], row) {
                                    return false;
                                }
                                // A short word is read as written, never through a translation
                                // (`let` is no `Lets` = Latvian, `Den` no `Deens`).
                                // A single word read through a weak translation neither (`object` →
                                // *texture*, `analyse` → *Python*).
                                let weak = || {
                                    let key = keys_of.key(&text_words[0].text, Lang::Nl);
                                    table
                                        .lexicon
                                        .translate_attested(&key)
                                        .first()
                                        .is_some_and(|t| t.score < MIN_WORD_TRANSLATION)
                                };
                                if n == 1
                                    && translated
                                    && (text_words[0].text.chars().count() <= MAX_SHORT_WORD || weak())
                                {
                                    return false;
                                }
                                // (Nor by a finite verb the clause read as its infinitive: "sorteert" →
                                // `sorteren` is no *sorter*.)
                                row.kind != ConceptKind::Occupation
                                    || (!translated
                                        && !heads
                                        && order_factor == 1.0
                                        && !verbs[start..start + n].contains(&true)
                                        && names_occupation(&written_span(words, text_words), &row.tokens, lang))
                            })
                            .collect();
                        if rows.is_empty() {
                            continue;
                        }
                        let (first, last) = (&text_words[0], &text_words[n - 1]);
                        // (An object alone is scored as the two-word label it stands for.)
                        let words = if object_alone { 2 } else { n };
                        if let Some(mention) =
                            mention(table, &rows, words, order_factor, first.start, last.end, &char_offset)
                        {
                            candidates.push(mention);
                        }
                    }
                }
                // A verb and its object apart in the clause ("ik reed elke dag heftruck"): a
                // two-word skill label in any order, up to MAX_GAP words between them (next to
                // each other the windows above found it). In Dutch also a word the labels know as
                // it is, read as the finite verb it also is ("ik las MIG" → `MIG-lassen`), next to
                // its object too.
                let finite = verbs.iter().enumerate().filter(|(_, is)| **is).map(|(v, _)| (v, keys[v].clone(), 2));
                let known_as_verbs = verb_readings
                    .iter()
                    .enumerate()
                    .filter(|_| lang == Lang::Nl && !translated)
                    .flat_map(|(v, readings)| readings.iter().map(move |r| (v, r)))
                    .map(|(v, reading)| (v, keys_of.key(reading, Lang::Nl), 1));
                // A word in `-en` that closes the clause is read as an infinitive taking the objects
                // before it, as Dutch writes them ("je kunt kranen of toiletten vervangen"); only a
                // two-word label of it and an object makes a mention (`verb_object`).
                let closing = content
                    .len()
                    .checked_sub(1)
                    .filter(|&v| lang == Lang::Nl && !translated && !verbs[v] && content[v].text.ends_with("en"))
                    .map(|v| (v, keys[v].clone(), 2));
                for (v, verb_key, min_distance) in finite.chain(known_as_verbs).chain(closing) {
                    let near = v.saturating_sub(MAX_GAP + 1)..(v + MAX_GAP + 2).min(keys.len());
                    let mut last_object = None;
                    for o in near.clone().filter(|&o| {
                        o.abs_diff(v) >= min_distance && !verbs[o] && !clause.never_object(o) && changed[o]
                    }) {
                        let span = (content[v.min(o)].start, content[v.max(o)].end);
                        let found =
                            self.verb_object(table, (&verb_key, &keys[o]), GAP_FACTOR, span, &content[o], &char_offset);
                        if found.is_some() && o > v {
                            last_object = Some(o);
                        }
                        candidates.extend(found);
                    }
                    // Objects coordinated after the verb's object share the verb however far they
                    // stand ("ik spreek Duits met klanten en af en toe Frans"), up to the next verb.
                    let Some(mut object) = last_object else { continue };
                    for o in near.end..keys.len().min(v + MAX_COORDINATED + 1) {
                        if verbs[o] {
                            break;
                        }
                        let coordinated = words.iter().any(|w| {
                            w.start >= content[object].end
                                && w.end <= content[o].start
                                && (w.text == "en" || w.text == "of")
                        });
                        if !coordinated || clause.never_object(o) || !changed[o] {
                            continue;
                        }
                        let span = (content[v].start, content[o].end);
                        if let Some(mention) =
                            self.verb_object(table, (&verb_key, &keys[o]), GAP_FACTOR, span, &content[o], &char_offset)
                        {
                            candidates.push(mention);
                            object = o;
                        }
                    }
                }
                // The enumeration's verb from the clause before, for its first objects.
                if let Some(verb) = &carried_verb {
                    let verb_key = reading(verb);
                    // And the other verbs of its class ("ik maakte pasta, sauzen en desserts" →
                    // `desserts bereiden`), read in Dutch.
                    let class = verb_class(&verb.text);
                    let others: Vec<&str> = match class {
                        Some(class) if lang == Lang::Nl && !translated => {
                            class_keys[class].iter().filter(|(v, _)| *v != verb.text).map(|(_, key)| &**key).collect()
                        }
                        _ => Vec::new(),
                    };
                    let verbs = std::iter::once((&*verb_key, GAP_FACTOR))
                        .chain(others.into_iter().map(|key| (key, OPERATE_FACTOR)));
                    for (verb_key, factor) in verbs {
                        for o in (0..keys.len().min(MAX_GAP + 1)).filter(|&o| changed[o] && !clause.never_object(o)) {
                            let span = (verb.start, content[o].end);
                            candidates.extend(self.verb_object(
                                table,
                                (verb_key, &keys[o]),
                                factor,
                                span,
                                &content[o],
                                &char_offset,
                            ));
                        }
                    }
                }
                if lang == Lang::Nl && !translated && !heads {
                    self.operated(table, keys_of, &class_keys, &clause, &keys, &char_offset, &mut candidates);
                }
                for m in &mut candidates[first_of_reading..] {
                    m.translated = translated;
                }
            }
            carried = own_verb.or(carried_verb);
        }
        // "Ik werk als kraamverzorgende": `als` names a role, so the words around it are no verb and
        // object (`work with nurses`), unless the label says `als` too (`als tolk optreden`).
        let marks: Vec<usize> =
            all_words.iter().filter(|w| w.text == ROLE_MARK).map(|w| char_offset[w.start]).collect();
        candidates.retain(|m| {
            !marks.iter().any(|r| (m.start..m.end).contains(r))
                || table.rows[m.row as usize].tokens.iter().any(|t| &*t.word == ROLE_MARK)
        });
        // An occupation counts where the text names a role, not a colleague (see `role_positions`).
        let roles = role_positions(text, &all_words, &char_offset);
        candidates.retain(|m| {
            table.rows[m.row as usize].kind != ConceptKind::Occupation || roles.binary_search(&m.start).is_ok()
        });
        // A word that names the writer's role is no word of a skill found only through the
        // translation ("als kleermaker naai ik jurken" names no *dressmaking*): the lexicon
        // is statistical, the role is written as it is.
        let roles_named: Vec<(usize, usize)> = candidates
            .iter()
            .filter(|m| table.rows[m.row as usize].kind == ConceptKind::Occupation)
            .map(|m| (m.start, m.end))
            .collect();
        candidates.retain(|m| !m.translated || !roles_named.iter().any(|r| overlaps(*r, (m.start, m.end))));
        (resolve_overlaps(candidates), credentials)
    }

    /// The skill of a two-word label spelled by a verb and an object found apart in the text
    /// (analyzed keys), as a mention over `span` (bytes) that owns only the object's word.
    fn verb_object(
        &self,
        table: &LabelTable,
        (verb, object): (&str, &str),
        factor: f32,
        span: (usize, usize),
        object_word: &analysis::Word,
        char_offset: &[usize],
    ) -> Option<Mention> {
        self.verb_phrase(table, &[verb, object], factor, span, (object_word.start, object_word.end), char_offset)
    }

    /// The skill of a label spelled by a verb and the words of its object (one or two: `eerste
    /// hulp bieden`), keys in any order, as a mention over `span` that owns only the object's
    /// bytes `own`.
    fn verb_phrase(
        &self,
        table: &LabelTable,
        keys: &[&str],
        factor: f32,
        span: (usize, usize),
        own: (usize, usize),
        char_offset: &[usize],
    ) -> Option<Mention> {
        let key = unordered_key(keys);
        let (rows, factor) = match (self.unordered.get(&key), self.partial.get(&key)) {
            (Some(rows), _) => (rows, factor),
            (None, Some(rows)) => (rows, factor * PARTIAL_FACTOR),
            (None, None) => return None,
        };
        let rows: Vec<u32> =
            rows.iter().copied().filter(|r| table.rows[*r as usize].kind == ConceptKind::Skill).collect();
        if rows.is_empty() {
            return None;
        }
        mention(table, &rows, keys.len(), factor, span.0, span.1, char_offset).map(|m| m.owning(own, char_offset))
    }

    /// Skills said with another verb of the label's class ([`VERB_CLASSES`]: "ik reed heftruck" →
    /// `heftrucks bedienen`) or as a proof compound (`heftruckcertificaat`).
    #[allow(clippy::too_many_arguments)]
    fn operated(
        &self,
        table: &LabelTable,
        keys_of: &KeyCache,
        class_keys: &[Vec<(&str, Rc<str>)>],
        clause: &ContentWords,
        keys: &[Rc<str>],
        char_offset: &[usize],
        candidates: &mut Vec<Mention>,
    ) {
        let ContentWords { words: content, verbs, articled, .. } = clause;
        let mut found = |class: usize,
                         verb: &str,
                         object: &str,
                         object_word: &analysis::Word,
                         first: &analysis::Word,
                         last: &analysis::Word| {
            for (_, other) in class_keys[class].iter().filter(|(o, _)| *o != verb) {
                let span = (first.start, last.end);
                candidates.extend(self.verb_object(
                    table,
                    (other, object),
                    OPERATE_FACTOR,
                    span,
                    object_word,
                    char_offset,
                ));
            }
        };
        let mut phrases: Vec<Mention> = Vec::new();
        for (v, word) in content.iter().enumerate() {
            // As written, or a finite form the labels also know as another word (`reed`).
            // (A word after an article may be a verb's infinitive as a noun, "het plannen van",
            // but not a finite form: "het gebruik" is no `gebruiken`.)
            let verb = verb_class(&word.text)
                .map(|class| (class, word.text.clone()))
                .or_else(|| if articled[v] { None } else { keys_of.class_verb(&word.text) });
            if let Some((class, verb)) = verb {
                let near = v.saturating_sub(MAX_GAP + 1)..(v + MAX_GAP + 2).min(keys.len());
                // The object is a noun: another verb of the clause ("… en zorgt voor") is none.
                for o in near.clone().filter(|&o| o != v && !verbs[o] && !clause.never_object(o)) {
                    let (first, last) = (&content[v.min(o)], &content[v.max(o)]);
                    found(class, &verb, &keys[o], &content[o], first, last);
                }
                // An object of two words right after the verb ("ik geef eerste hulp" → `eerste
                // hulp bieden`).
                if v + 2 < keys.len() && !verbs[v + 1] && !verbs[v + 2] {
                    let (object, last) = (&content[v + 1], &content[v + 2]);
                    for (_, other) in class_keys[class].iter().filter(|(o, _)| **o != *verb) {
                        let phrase = [&**other, &*keys[v + 1], &*keys[v + 2]];
                        phrases.extend(self.verb_phrase(
                            table,
                            &phrase,
                            OPERATE_FACTOR,
                            (word.start, last.end),
                            (object.start, last.end),
                            char_offset,
                        ));
                    }
                }
            }
            // (The word is normalized: in lower case already.)
            let object = PROOF_ENDINGS.iter().find_map(|end| {
                word.text
                    .strip_suffix(end)
                    .filter(|rest| rest.chars().count() >= 4 && table.decompounder.is_known(rest))
            });
            if let Some(object) = object {
                found(OPERATE_CLASS, "", &keys_of.key(object, Lang::Nl), word, word, word);
            }
        }
        candidates.extend(phrases);
    }
}

/// The content words of a clause and what each is, index by index.
struct ContentWords {
    /// The words as labels write them: stop words dropped, finite verbs turned into the infinitive
    /// the label vocabulary knows, a separable particle joined to its verb.
    words: Vec<analysis::Word>,
    /// Which words are verbs (turned into an infinitive).
    verbs: Vec<bool>,
    /// For a word the labels know as it is (`doe`, `oogst`, `las`: a noun too), its readings as a
    /// finite verb (`doen`, `oogsten`, `lassen` and `lezen`), for verb–object labels only.
    verb_readings: Vec<Vec<String>>,
    /// An inflected adjective before its noun ([`is_attributive`]): no verb's object.
    attributive: Vec<bool>,
    /// Right after an article or possessive: a noun, no finite verb.
    articled: Vec<bool>,
    /// A word after `en` / `of` that may be a finite verb and has a preposition right after it
    /// ("ik plan de afspraken en zorg voor de back-ups"): the verb of a coordinated clause, no
    /// object of the verb before it (`zorg` is no *zorg plannen*).
    coordinated_verb: Vec<bool>,
}

impl ContentWords {
    /// Whether the word at `o` can be no verb's object: an adjective before its noun, or the verb
    /// of a coordinated clause.
    fn never_object(&self, o: usize) -> bool {
        self.attributive[o] || self.coordinated_verb[o]
    }
}

/// The content words of a clause as labels write them: stop words and the nouns of fixed
/// expressions dropped, finite verbs turned into the infinitive the label vocabulary knows, and a
/// separable particle at the end of the clause joined to its verb ("ik dien medicatie toe" →
/// `toedienen`, `medicatie`).
fn content_words(table: &LabelTable, keys_of: &KeyCache, words: &[analysis::Word]) -> ContentWords {
    let known = |w: &str| table.decompounder.is_known(w);
    let infinitives = |w: &str| keys_of.infinitives(w, known);
    let infinitive = |w: &str| infinitives(w).first().cloned();
    // A particle closes the clause: the last word, or the word before a conjunction or before the
    // preposition of a phrase after the verb ("ik bereid patiënten voor op de operatie").
    let particle_at = |i: usize| {
        verbs::PARTICLES.contains(&words[i].text.as_str())
            && words.get(i + 1).is_none_or(|next| {
                matches!(
                    next.text.as_str(),
                    "en" | "of" | "maar" | "want" | "zodat" | "omdat" | "als" | "wanneer" | "terwijl"
                ) || AFTER_PARTICLE.contains(&next.text.as_str())
            })
    };
    let particles: Vec<usize> = (0..words.len()).filter(|&i| particle_at(i)).collect();
    let mut out: Vec<analysis::Word> = Vec::new();
    let mut verbs: Vec<bool> = Vec::new();
    let mut verb_readings: Vec<Vec<String>> = Vec::new();
    let mut attributive: Vec<bool> = Vec::new();
    let mut articled: Vec<bool> = Vec::new();
    let mut coordinated_verb: Vec<bool> = Vec::new();
    let mut used_particles: Vec<usize> = Vec::new();
    // The noun of a fixed expression whose verb the clause has ("houdt rekening met", "draagt zorg
    // voor") is part of that verb, not an object.
    let idiom_noun = |w: &str| {
        IDIOMS
            .iter()
            .any(|(noun, verb_forms)| *noun == w && words.iter().any(|v| verb_forms.contains(&v.text.as_str())))
    };
    for (i, word) in words.iter().enumerate() {
        if particles.contains(&i) || analysis::is_stop_word(&word.text) || idiom_noun(&word.text) {
            continue;
        }
        let joined = particles.iter().filter(|&&p| p > i && !used_particles.contains(&p)).find_map(|&p| {
            let particle = &words[p].text;
            keys_of
                .candidates(&word.text)
                .iter()
                .map(|inf| [particle.as_str(), inf].concat())
                .find(|c| known(c))
                .map(|c| (p, c))
        });
        let (text, is_verb) = match joined {
            Some((p, compound)) => {
                used_particles.push(p);
                (compound, true)
            }
            // A word the labels do not know may be a finite verb they know as an infinitive, or
            // a typo of a word they know. A female or agent form of a word they know is neither:
            // its key is its base form's (`analysis::dutch_variant`), and "fabrikante" read as a
            // finite form of the plural "fabrikanten" named no maker.
            None if !known(&word.text) && !known(&analysis::dutch_variant(&word.text)) => {
                if let Some(infinitive) = infinitive(&word.text) {
                    (infinitive, true)
                } else if let Some(corrected) = analysis::typo_correction(&word.text, MIN_TYPO_WORD, known) {
                    // A typo's word is a verb only if it is one of the labels' verbs ("kneeden"),
                    // not a noun ("beveiligers" read as `beveiliger` names a role).
                    let is_verb = table.is_label_verb(&keys_of.key(&corrected, Lang::Nl));
                    (corrected, is_verb)
                } else {
                    (word.text.clone(), false)
                }
            }
            None => (word.text.clone(), false),
        };
        verbs.push(is_verb);
        // (A finite form is short: a long known word is a noun, and not worth the guessing.)
        // A word right after an article is a noun ("het gebruik", "de planning"), no finite verb.
        let after_article =
            i > 0 && ARTICLES.contains(&words[i - 1].text.as_str()) && words[i - 1].end + 1 == word.start;
        articled.push(after_article);
        let readings: Vec<String> = if is_verb || after_article || word.text.len() > MAX_FINITE_VERB {
            Vec::new()
        } else {
            infinitives(&word.text).iter().filter(|v| **v != word.text).cloned().collect()
        };
        let coordinated = !is_verb
            && !readings.is_empty()
            && i > 0
            && matches!(words[i - 1].text.as_str(), "en" | "of")
            && words.get(i + 1).is_some_and(|next| AFTER_PARTICLE.contains(&next.text.as_str()) || next.text == "dat");
        coordinated_verb.push(coordinated);
        verb_readings.push(readings);
        attributive.push(!is_verb && is_attributive(words, i, known));
        out.push(analysis::Word { text, ..word.clone() });
    }
    ContentWords { words: out, verbs, verb_readings, attributive, articled, coordinated_verb }
}

/// Words after which a word is a noun: articles and possessives.
const ARTICLES: &[&str] = &["de", "het", "een", "deze", "dit", "mijn", "onze", "ons", "hun", "haar"];

/// Fixed expressions of a verb and a noun that say one thing (`rekening houden met` = to take
/// into account, `zorg dragen voor` = to see to): the noun and the verb's forms.
const IDIOMS: &[(&str, &[&str])] = &[
    ("rekening", &["houd", "houdt", "houden", "hield", "hielden", "gehouden"]),
    ("zorg", &["draag", "draagt", "dragen", "droeg", "droegen", "gedragen"]),
];

/// True when the word at `i` is an inflected adjective before its noun ("een veilige omgeving",
/// "goede pijnbestrijding"): it ends in `-e` after a known word, and a content word follows it
/// with only a space between. Such a word is no verb's object; the noun after it is.
fn is_attributive(words: &[analysis::Word], i: usize, known: impl Fn(&str) -> bool) -> bool {
    let word = &words[i];
    let Some(stem) = word.text.strip_suffix('e') else { return false };
    stem.chars().count() >= 3
        && known(stem)
        && words.get(i + 1).is_some_and(|next| {
            next.start == word.end + 1
                && !analysis::is_stop_word(&next.text)
                && !verbs::PARTICLES.contains(&next.text.as_str())
        })
}

/// True when one text word may stand for a one-word label: an acronym written in capitals as the
/// label is (`LESS` is not `les`), a short word with capitals inside as the label writes it, a
/// short word written as it is, and an occupation's word only if it is not a head many labels share.
fn one_word_names(table: &LabelTable, text: &str, word: &analysis::Word, row: &super::labels::LabelRow) -> bool {
    let Some(label) = row.tokens.iter().find(|t| !t.stop) else { return false };
    let written = &text[word.start..word.end];
    if is_acronym(&row.text) && !is_acronym(written) {
        return false;
    }
    // A short label with capitals inside (`MaaS`, `SaaS`) is an acronym too: written so, or in
    // capitals ("Maas" is a river). (A long one is a name people write in any case: `javascript`.)
    let short = row.text.chars().count() <= MAX_SHORT_WORD;
    if short && has_inner_capital(&row.text) && written != &*row.text && !is_acronym(written) {
        return false;
    }
    if label.word.chars().count() <= MAX_SHORT_WORD && *label.word != *word.text {
        return false;
    }
    // A one-word Dutch skill that is a verb (`rekenen`, `koken`) is named by that verb, which the
    // clause's finite form has become (`ik reken` → `rekenen`), not by a noun of the same stem
    // ("ik houd rekening met" does no arithmetic).
    let verb_label = row.kind == ConceptKind::Skill && &*row.lang == "nl" && label.word.ends_with("en");
    if verb_label && label.word.chars().count() > MAX_SHORT_WORD && *label.word != *word.text {
        return false;
    }
    row.kind != ConceptKind::Occupation || table.df(&label.key) <= MAX_OCCUPATION_WORD_DF
}

/// The key under which an occupation label of two words is found written as one
/// ([`Gazetteer::joined`]): both words plain letters of three or more, and the joined word no
/// word of the labels (where it is, the labels name it already: `brand manager`, `brandmanager`).
fn joined_key(table: &LabelTable, row: &super::labels::LabelRow) -> Option<String> {
    if row.kind != ConceptKind::Occupation || row.tokens.len() != 2 {
        return None;
    }
    let plain =
        |t: &super::labels::Token| !t.stop && t.word.chars().count() >= 3 && t.word.chars().all(char::is_alphabetic);
    if !row.tokens.iter().all(plain) {
        return None;
    }
    let together = format!("{}{}", row.tokens[0].word, row.tokens[1].word);
    if table.decompounder.is_known(&together) {
        return None;
    }
    Some(token(&table.stemmers, &table.decompounder, &together, Lang::Nl).key.to_string())
}

/// The key under which a Dutch skill label of two words, an object and then its verb
/// (`camerabeelden uitkijken`), is found by its object alone
/// ([`Gazetteer::object_alone`]): the object a plain word of [`MIN_OBJECT_ALONE`] letters or more
/// that at most [`MAX_OBJECT_ALONE_DF`] labels use.
fn object_alone_key(table: &LabelTable, row: &super::labels::LabelRow) -> Option<String> {
    if row.kind != ConceptKind::Skill || &*row.lang != "nl" {
        return None;
    }
    let [object, verb] = &row.tokens[..] else { return None };
    let plain = object.word.chars().count() >= MIN_OBJECT_ALONE && object.word.chars().all(char::is_alphabetic);
    let verb_last = verb.word.ends_with("en") && !object.stop && !verb.stop;
    // Before a verb that takes no object the first word says how (`rustig blijven`, `klantvriendelijk
    // werken`), and so does an adjective: the word alone names a manner, not the task.
    let manner = NO_OBJECT_VERBS.contains(&&*verb.word) || analysis::has_adjective_ending(&object.word);
    if manner {
        return None;
    }
    (plain && verb_last && table.df(&object.key) <= MAX_OBJECT_ALONE_DF).then(|| object.key.to_string())
}

/// Verbs of Dutch skill labels that take no object: the word before them says how.
const NO_OBJECT_VERBS: &[&str] = &["werken", "zijn", "blijven", "worden", "handelen", "optreden"];

/// True when a word that names a one-word skill written with a capital, as a language is
/// (`Italiaans`, `Frans`, `Arabisch`), stands in the text as the adjective of a noun: inflected
/// ("Franse gerechten", "een Engelse klant") or after `een` before a noun ("een Italiaans
/// restaurant"), or as the people ("Roemenen"). That names a nationality, not a language someone
/// speaks ("de Nederlandse taal" excepted).
fn names_nationality(
    text: &str,
    words: &[analysis::Word],
    word: &analysis::Word,
    row: &super::labels::LabelRow,
) -> bool {
    let capitalized = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
    if row.kind != ConceptKind::Skill || row.tokens.len() != 1 || !capitalized(&row.text) || is_acronym(&row.text) {
        return false;
    }
    let written = &text[word.start..word.end];
    if !capitalized(written) || is_acronym(written) {
        return false;
    }
    let at = words.iter().position(|w| w.start == word.start);
    let (before, next) = match at {
        Some(i) => (i.checked_sub(1).map(|b| &words[b]), words.get(i + 1)),
        None => (None, None),
    };
    // The next word is a noun's: in lower case, no stop word, and nothing but space between.
    let noun_follows = next.is_some_and(|next| {
        !analysis::is_stop_word(&next.text)
            && !LANGUAGE_NOUNS.contains(&next.text.as_str())
            && text[next.start..next.end].chars().next().is_some_and(char::is_lowercase)
            && text[word.end..next.start].trim().is_empty()
    });
    // (As written: a content word may have been read as the known word it resembles.)
    let written = written.to_lowercase();
    // Another word of a Dutch language name's stem, or a plural, names the people ("veel Polen en
    // Roemenen", "een Turk", "Duitsers"): a language is written as its name (`Roemeens`,
    // `Arabisch`), or inflected; no Dutch language name ends in `-en`.
    let other_word = &*row.lang == "nl" && !written.starts_with(&row.text.to_lowercase());
    if other_word || written.ends_with("en") || written.ends_with("ers") {
        return true;
    }
    let inflected = written.ends_with("se") || written.ends_with("sche");
    let after_een = before.is_some_and(|b| b.text == "een") && (written.ends_with('s') || written.ends_with("sch"));
    noun_follows && (inflected || after_een)
}

/// Nouns that a language's adjective names the language with ("de Nederlandse taal").
const LANGUAGE_NOUNS: &[&str] = &["taal", "talen"];

/// True for a word with a capital after a small letter (`MaaS`, `iOS`).
fn has_inner_capital(text: &str) -> bool {
    text.chars().zip(text.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase())
}

/// True for a word written in capitals (digits and marks aside), of two letters or more.
fn is_acronym(text: &str) -> bool {
    text.chars().count() >= 2 && text.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
}

/// The words of a segment that a window of content words spans, stop words included: a content
/// word as the clause read it (a typo corrected), the words between as written.
fn written_span(words: &[analysis::Word], window: &[analysis::Word]) -> Vec<analysis::Word> {
    let (Some(first), Some(last)) = (window.first(), window.last()) else { return Vec::new() };
    words
        .iter()
        .filter(|w| w.start >= first.start && w.end <= last.end)
        .map(|w| window.iter().find(|c| c.start == w.start).unwrap_or(w).clone())
        .collect()
}

/// True when the text words (every word of the span, stop words too) spell the occupation label's
/// words as nouns: the same word, a gender or agent variant of it, or its plural
/// (`monteurs`, `docenten`, `timmerlieden`). English words are matched as written or with a
/// plural `s` only.
fn names_occupation(text: &[analysis::Word], label: &[super::labels::Token], lang: Lang) -> bool {
    // Every word of the label, stop words too ("klaar-over" is not named by "klaar", "functionaris
    // voor gegevensbescherming" is written with its `voor`); a word of one or two letters only as
    // the label writes it (`vrachtwagenchauffeur CE`).
    text.len() == label.len()
        && text.iter().zip(label).all(|(t, l)| {
            if t.text.chars().count() < 3 {
                return *t.text == *l.word;
            }
            if lang == Lang::En {
                return *t.text == *l.word || t.text.strip_suffix('s').is_some_and(|s| s == &*l.word);
            }
            let (t, l) = (analysis::dutch_variant(&t.text), analysis::dutch_variant(&l.word));
            t == l
                || t.strip_suffix('s').is_some_and(|s| s == l)
                || (l.ends_with('e') && t.strip_suffix('n').is_some_and(|s| s == l))
                || (l.chars().count() >= 5 && t.strip_suffix("en").is_some_and(|s| s == l))
        })
}

/// Whether the concept of a label row of several words has the row's last word as its preferred
/// label in the row's language: the label is a kind of what the concept is called.
fn names_itself_by_head(table: &LabelTable, row: &super::labels::LabelRow) -> bool {
    let Some(head) = row.tokens.last().filter(|_| row.tokens.len() > 1) else { return false };
    table.rows_of(row.concept).any(|i| {
        let own = &table.rows[i];
        own.label_kind == LabelKind::Preferred
            && own.lang == row.lang
            && own.tokens.len() == 1
            && own.tokens[0].key == head.key
    })
}

/// Builds a mention from the label rows that matched a window of `n` content words.
fn mention(
    table: &LabelTable,
    rows: &[u32],
    n: usize,
    order_factor: f32,
    start_byte: usize,
    end_byte: usize,
    char_offset: &[usize],
) -> Option<Mention> {
    // The best row: strongest label form, then the concept whose own name is the label's last word
    // (`CNC-frezer` is an alternative label of both *draaier* and *frezer*: a frezer is meant),
    // then the lowest id (deterministic).
    let named_by_head = |r: u32| rows.len() > 1 && names_itself_by_head(table, &table.rows[r as usize]);
    let best = *rows.iter().max_by(|a, b| {
        let (ra, rb) = (&table.rows[**a as usize], &table.rows[**b as usize]);
        ra.label_kind
            .weight()
            .total_cmp(&rb.label_kind.weight())
            .then_with(|| named_by_head(**a).cmp(&named_by_head(**b)))
            .then(b.cmp(a))
    })?;
    let row = &table.rows[best as usize];
    let mut concepts: Vec<ConceptIdx> = rows.iter().map(|r| table.rows[*r as usize].concept).collect();
    concepts.sort_unstable();
    concepts.dedup();
    // The text is ambiguous between the concepts whose label of the strongest form it spells: one
    // concept with this preferred label is meant, whatever other concepts carry it as an
    // alternative (the alternatives are still returned).
    let mut rivals: Vec<ConceptIdx> = rows
        .iter()
        .map(|r| &table.rows[*r as usize])
        .filter(|r| r.label_kind == row.label_kind)
        .map(|r| r.concept)
        .collect();
    rivals.sort_unstable();
    rivals.dedup();
    let ambiguity = 1.0 / (rivals.len() as f32).sqrt();
    let length_factor = match n {
        1 => 0.75,
        2 => 0.9,
        _ => 1.0,
    };
    let confidence = (row.label_kind.weight() * length_factor * order_factor * ambiguity).min(1.0);
    if confidence < MIN_CONFIDENCE {
        return None;
    }
    Some(Mention {
        start: char_offset[start_byte],
        end: char_offset[end_byte],
        concept: row.concept,
        row: best,
        confidence,
        alternatives: concepts.into_iter().filter(|c| *c != row.concept).collect(),
        own: (char_offset[start_byte], char_offset[end_byte]),
        translated: false,
    })
}

impl Mention {
    /// The mention with only the bytes `own` (its object) as its own span (see [`Mention::own`]).
    fn owning(self, (start, end): (usize, usize), char_offset: &[usize]) -> Mention {
        Mention { own: (char_offset[start], char_offset[end]), ..self }
    }
}

/// Words that make the occupation named within a few words after them the writer's role (or the
/// role a vacancy offers): "ik ben kok", "werkte als kok", "wij zoeken een kok", "kok gezocht",
/// "omscholen tot kok", "diploma kok"; and in English text "I am a cook", "worked as a cook", "we
/// are looking for a cook".
const ROLE_CUES: &[&str] = &[
    "ben",
    "bent",
    "is",
    "was",
    "als",
    "zoeken",
    "zoekt",
    "zoek",
    "gezocht",
    "tot",
    "functie",
    "vacature",
    "diploma",
    "certificaat",
    "am",
    "as",
    "looking",
    "hiring",
    "seeking",
    "wanted",
    "became",
];
/// How many words before an occupation a role cue may stand ("wij zoeken een enthousiaste
/// allround apothekersassistent").
const ROLE_CUE_REACH: usize = 4;
/// Words of a CV line that may stand before the role it names ("- 2019-heden Pakketbezorger",
/// "- Mbo-4 Onderwijsassistent").
const LINE_PREFIX_WORDS: &[&str] = &["mbo", "hbo", "wo", "niveau", "heden", "sinds", "nu"];
/// Words that qualify a role written at the start of a sentence or line ("Ervaren lasser gezocht",
/// "Zelfstandig webdeveloper", "Senior developer"): the role after them still opens it.
const ROLE_MODIFIERS: &[&str] = &[
    "ervaren",
    "zelfstandig",
    "zelfstandige",
    "allround",
    "all-round",
    "senior",
    "junior",
    "medior",
    "freelance",
    "parttime",
    "fulltime",
    "enthousiast",
    "enthousiaste",
    "gediplomeerd",
    "gediplomeerde",
    "gecertificeerd",
    "gecertificeerde",
    "erkend",
    "erkende",
    "vakbekwaam",
    "vakbekwame",
    "leerling",
    "startend",
    "startende",
    "voormalig",
    "voormalige",
    "experienced",
    "certified",
    "qualified",
];
/// Words that make the occupation a few words before them a role a vacancy offers ("Ervaren
/// lasser gezocht", "Kok gevraagd", "Welder wanted").
const ROLE_CUES_AFTER: &[&str] = &["gezocht", "gevraagd", "wanted"];

/// Prepositions after which a list line names the people the writer works with or for, not a
/// role ("- Samenwerken met wijkagent", "- Kozijnen plaatsen voor aannemers").
const COLLEAGUE_MARKS: &[&str] = &["met", "voor", "aan", "naar"];

/// Marks between words that end the sentence, line or field a role is named in.
const ROLE_BREAKS: [char; 6] = ['.', '!', '?', '\n', ':', ';'];
/// Marks that open a line of a CV's list.
const BULLETS: &[char] = &['-', '•', '*', '–'];

/// The character offsets of the words where an occupation names a role: the first word of a
/// sentence, line or field (after `:`), a word after only dates and levels, any word of a CV's
/// list line (its roles: "- Zelfstandig webdeveloper en grafisch ontwerpster"), or a word within
/// [`ROLE_CUE_REACH`] words after a role cue of its sentence. Elsewhere an occupation is
/// someone the writer works with ("samen met de fysiotherapeut", "ik help de koks"): no part of
/// their profile.
fn role_positions(text: &str, words: &[analysis::Word], char_offset: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut sentence = 0;
    let mut line_start = 0;
    for (i, word) in words.iter().enumerate() {
        let gap = &text[if i > 0 { words[i - 1].end } else { 0 }..word.start];
        if i > 0 && gap.contains(ROLE_BREAKS) {
            sentence = i;
        }
        if let Some(n) = gap.rfind('\n') {
            line_start = word.start - gap.len() + n + 1;
        }
        let before = &words[sentence..i];
        let starts = before.iter().all(|w| {
            w.text.chars().any(|c| c.is_ascii_digit())
                || LINE_PREFIX_WORDS.contains(&w.text.as_str())
                || ROLE_MODIFIERS.contains(&w.text.as_str())
        });
        let cued = before.iter().rev().take(ROLE_CUE_REACH).any(|w| ROLE_CUES.contains(&w.text.as_str()))
            || cued_after(text, &words[i..]);
        // (A list line's word after a preposition is someone the writer works with or for:
        // "- Samenwerken met wijkagent en scholen".)
        let line = &text[line_start..word.start];
        let bullet = line.trim_start().starts_with(BULLETS)
            && !line.split(|c: char| !c.is_alphanumeric()).any(|w| COLLEAGUE_MARKS.contains(&w));
        if starts || cued || bullet {
            out.push(char_offset[word.start]);
        }
    }
    out
}

/// True when a cue that follows its role ([`ROLE_CUES_AFTER`]) stands within [`ROLE_CUE_REACH`]
/// words after the first of `words`, in the same sentence.
fn cued_after(text: &str, words: &[analysis::Word]) -> bool {
    for pair in words.windows(2).take(ROLE_CUE_REACH) {
        if text[pair[0].end..pair[1].start].contains(ROLE_BREAKS) {
            return false;
        }
        if ROLE_CUES_AFTER.contains(&pair[1].text.as_str()) {
            return true;
        }
    }
    false
}

/// Keeps the longest mentions, then the most confident, dropping any whose own span overlaps a
/// kept one's. Mentions never overlap in the answer: a verb-and-object mention that shares its verb
/// with another (or reaches over another's words) is reported as its object alone.
fn resolve_overlaps(mut candidates: Vec<Mention>) -> Vec<Mention> {
    candidates.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Mention> = Vec::new();
    for candidate in candidates {
        if kept.iter().all(|k| !overlaps(candidate.own, k.own)) {
            kept.push(candidate);
        }
    }
    // Own spans never overlap; a whole span that covers another mention's own words shrinks to
    // its own, and of two whole spans that still overlap (a shared verb) the later one does.
    let owns: Vec<(usize, usize)> = kept.iter().map(|m| m.own).collect();
    for (i, m) in kept.iter_mut().enumerate() {
        if owns.iter().enumerate().any(|(j, own)| j != i && overlaps((m.start, m.end), *own)) {
            (m.start, m.end) = m.own;
        }
    }
    for i in 0..kept.len() {
        let span = (kept[i].start, kept[i].end);
        if kept[..i].iter().any(|k| overlaps(span, (k.start, k.end))) {
            (kept[i].start, kept[i].end) = kept[i].own;
        }
    }
    kept.sort_by_key(|m| m.start);
    kept
}

/// True when two spans (end exclusive) share a position.
fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Byte offset → character offset, for every byte boundary of `text` (and its end).
fn char_offsets(text: &str) -> Vec<usize> {
    let mut out = vec![0; text.len() + 1];
    let mut chars = 0;
    for (i, c) in text.char_indices() {
        for slot in out.iter_mut().skip(i).take(c.len_utf8()) {
            *slot = chars;
        }
        chars += 1;
    }
    out[text.len()] = chars;
    out
}

/// Byte ranges of the text between sentence and list punctuation: a label never spans them.
fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut after_comma = false;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\n' | '\r' | '•' | '·' | '|' | '(' | ')' | '–' | '—' | '*')
        {
            if i > start {
                out.push(Segment { range: start..i, continues: after_comma });
            }
            after_comma = c == ',';
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(Segment { range: start..text.len(), continues: after_comma });
    }
    out
}

/// A clause or list item of a text.
struct Segment {
    range: std::ops::Range<usize>,
    /// It follows a comma: an enumeration that may go on with the verb of the clause before
    /// ("ik spreek Nederlands, Duits en Frans").
    continues: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_occupation_names_a_role_after_a_cue_at_a_start_or_on_a_list_line() {
        let roles = |text: &str| -> Vec<String> {
            let offsets = char_offsets(text);
            let starts = role_positions(text, &analysis::words(text), &offsets);
            let chars: Vec<char> = text.chars().collect();
            analysis::words(text)
                .into_iter()
                .filter(|w| starts.contains(&offsets[w.start]))
                .map(|w| chars[offsets[w.start]..offsets[w.end]].iter().collect())
                .collect()
        };
        let text = "Ik ben kraamverzorgende. Daarnaast werk ik samen met de fysiotherapeut.";
        assert_eq!(roles(text), ["Ik", "kraamverzorgende", "Daarnaast"]);
        let text = "Wij zoeken een enthousiaste allround apothekersassistent. Je helpt de koks.";
        assert!(roles(text).contains(&"allround".to_string()), "{:?}", roles(text));
        assert!(!roles(text).contains(&"koks".to_string()), "{:?}", roles(text));
        let text =
            "- 2019-heden Pakketbezorger bij een postbedrijf\n- Zelfstandig webdeveloper en grafisch ontwerpster";
        for role in ["Pakketbezorger", "grafisch"] {
            assert!(roles(text).contains(&role.to_string()), "{role}: {:?}", roles(text));
        }
        assert!(roles("Werkervaring: 5 jaar als glazenwasser").contains(&"glazenwasser".to_string()));
        // A role qualified at the start, or offered with the cue after it.
        assert!(roles("Ervaren lasser gezocht!").contains(&"lasser".to_string()));
        assert!(roles("Zelfstandig webdeveloper sinds 2020").contains(&"webdeveloper".to_string()));
        assert!(roles("Voor onze bakkerij: allround bakker gevraagd").contains(&"bakker".to_string()));
        let text = "Wij werken samen met de fysiotherapeut. Nieuwe collega gezocht.";
        assert!(!roles(text).contains(&"fysiotherapeut".to_string()), "{:?}", roles(text));
        assert!(roles("I worked as a nurse for ten years").contains(&"nurse".to_string()));
        // On a list line, after a preposition: someone the writer works with or for.
        let text = "- Overleg met fysiotherapeut en apotheek\n- Dakkapellen plaatsen voor aannemers";
        assert!(!roles(text).contains(&"fysiotherapeut".to_string()), "{:?}", roles(text));
        assert!(!roles(text).contains(&"aannemers".to_string()), "{:?}", roles(text));
    }

    #[test]
    fn segments_split_at_list_and_sentence_marks() {
        let text = "lassen, heftruck rijden. Python";
        let parts: Vec<(&str, bool)> = segments(text).into_iter().map(|s| (&text[s.range], s.continues)).collect();
        assert_eq!(parts, [("lassen", false), (" heftruck rijden", true), (" Python", false)]);
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let offsets = char_offsets("één x");
        assert_eq!(offsets[0], 0);
        assert_eq!(offsets["één".len()], 3);
        assert_eq!(offsets["één x".len()], 5);
    }
}
