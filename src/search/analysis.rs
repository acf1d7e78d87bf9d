//! Dutch and English text analysis for concept labels and user queries.
//!
//! One pipeline serves indexing, querying, autocomplete and extraction, so that a query and a label
//! are always compared in the same form:
//!
//! 1. **normalize**: lowercase, fold diacritics (`inspiciënt` → `inspicient`), drop gender markers
//!    such as `(m/v)` or `m/v/x`;
//! 2. **tokenize** into words with their character spans in the original text;
//! 3. **variant**: map Dutch female and agent forms to one base form (`medewerkster` →
//!    `medewerker`, `zorgassistente` → `zorgassistent`, `lerares` → `leraar`);
//! 4. **stem** with the Snowball stemmer of the label's language (`verpleegkundigen` →
//!    `verpleegkund`);
//! 5. **decompound** Dutch compounds with a dictionary built from the ontology's own labels
//!    (`vrachtwagenchauffeur` → `vrachtwagen` + `chauffeur`), so that a compound finds the
//!    phrase written apart and back.
//!
//! Stop words (`de`, `van`, `the`, …) are kept as tokens (for spans) but flagged, so they never
//! decide a match on their own.

use rustc_hash::FxHashMap as HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// The languages with their own stemmer; other languages are matched on normalized forms only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    Nl,
    En,
    Other,
}

impl Lang {
    pub fn from_code(code: &str) -> Lang {
        // The plain codes first (and a code row's empty one): search reads the language of every
        // candidate label.
        match code {
            "nl" => return Lang::Nl,
            "en" => return Lang::En,
            "" => return Lang::Other,
            _ => {}
        }
        match code.split('-').next().unwrap_or_default() {
            "nl" => Lang::Nl,
            "en" => Lang::En,
            _ => Lang::Other,
        }
    }

    /// The place of the language in per-language arrays (`[T; Lang::COUNT]`).
    pub fn index(self) -> usize {
        match self {
            Lang::Nl => 0,
            Lang::En => 1,
            Lang::Other => 2,
        }
    }

    /// How many languages [`Lang::index`] places.
    pub const COUNT: usize = 3;
}

/// Dutch stop words: articles, prepositions, conjunctions and filler that occur in labels and CVs
/// but carry no meaning for matching.
const STOP_NL: &[&str] = &[
    "de", "het", "een", "en", "of", "van", "voor", "in", "op", "met", "aan", "bij", "door", "naar", "uit", "om", "te",
    "tot", "over", "onder", "als", "die", "dat", "dit", "deze", "er", "is", "zijn", "was", "worden", "wordt", "ik",
    "je", "jij", "u", "we", "wij", "ze", "zij", "hij", "mijn", "ons", "onze", "hun", "ook", "nog", "al", "zo", "maar",
    "dan", "wel", "niet", "geen", "heb", "hebben", "heeft", "had", "kan", "kunnen", "moet", "moeten", "zal", "zou",
    "mee", "waar", "wat", "wie", "hoe", "jaar", "jaren", "etc", "enz", "bv", "o", "a", "m", "v", "x", "mv", "vrouw",
    "man", "h", "s", "anders",
];

/// English stop words.
const STOP_EN: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "for", "in", "on", "with", "to", "at", "by", "from", "as", "is", "are", "be",
    "i", "my", "we", "our", "you", "your", "this", "that", "these", "it", "its", "was", "were", "have", "has", "had",
    "etc", "e", "g", "ie",
];

/// Endings only Dutch adjectives and adverbs have (`rustig`, `wetenschappelijk`, `medisch`,
/// `betrouwbaar`, `zorgzaam`): a word with one names a quality, not a thing.
const ADJECTIVE_ENDINGS: &[&str] = &["ig", "lijk", "isch", "baar", "zaam"];

/// True when `word` (a word or its key) ends as only adjectives and adverbs do ([`ADJECTIVE_ENDINGS`]).
pub fn has_adjective_ending(word: &str) -> bool {
    ADJECTIVE_ENDINGS.iter().any(|ending| word.ends_with(ending))
}

/// True for words that never carry a match on their own.
pub fn is_stop_word(word: &str) -> bool {
    STOP_NL.contains(&word) || STOP_EN.contains(&word)
}

/// Lowercases, folds diacritics and keeps letters and digits; everything else becomes a space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ø' | 'Ø' => out.push('o'),
            'ĳ' | 'Ĳ' => out.push_str("ij"),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    out
}

/// A word of a text: its normalized form and where it stands in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Normalized (lowercase, folded) form.
    pub text: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

/// Splits a text into normalized words with their byte spans in the original text. Gender markers
/// (`m/v`, `m/v/x`, `v/m`) are dropped; initials joined by `&` (`P&O`, `B&B`, `R&D`) are one word.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || (c == '&' && start.is_some_and(|s| joins_initials(text, s, i))) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            push_word(&mut out, text, s, i);
        }
    }
    if let Some(s) = start {
        push_word(&mut out, text, s, text.len());
    }
    drop_gender_markers(&mut out);
    out
}

/// Most letters on either side of an `&` that joins initials into one word.
const MAX_INITIALS: usize = 3;

/// True when the `&` at byte `at` joins the initials before it (from `start`) with those after it:
/// `P&O` (personeel en organisatie) is one word, not two single letters that match any label with
/// a lone `p` or `o` (`g.p.`, `O&P technician`). Longer words around an `&` stay apart.
fn joins_initials(text: &str, start: usize, at: usize) -> bool {
    let before = &text[start..at];
    let after: &str = text[at + 1..].split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    let short =
        |part: &str| (1..=MAX_INITIALS).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic);
    short(before) && short(after)
}

fn push_word(out: &mut Vec<Word>, text: &str, start: usize, end: usize) {
    let word = &text[start..end];
    // Most words are plain ASCII letters and digits, which normalize to their lower case: no
    // decomposition to fold and nothing to split (a third of an extraction's word cutting).
    if word.is_ascii() {
        out.push(Word { text: word.to_ascii_lowercase(), start, end });
        return;
    }
    let normalized = normalize(word);
    // Folding can split a word (rare ligatures); keep the parts on the same span.
    for part in normalized.split_whitespace() {
        out.push(Word { text: part.to_string(), start, end });
    }
}

/// The known word that an unknown `word` of at least `min_len` letters is a typo of, when one
/// edit of the kinds people make most finds exactly one: a letter too many (`kneeden`), a
/// consonant written single that is double (`bestelingen`, `stresbestendig`), or two letters
/// swapped (`apothekresassistent`). Substitutions are left out: they turn a word into another too often.
pub fn typo_correction(word: &str, min_len: usize, known: impl Fn(&str) -> bool) -> Option<String> {
    // Byte offsets of the characters, and of the end: each edit is spelled from slices of the word
    // (spelled char by char, the edits were a twentieth of an extraction).
    let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain(std::iter::once(word.len())).collect();
    let chars = bounds.len() - 1;
    if chars < min_len || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut found: Vec<String> = Vec::new();
    // Each edit is spelled into one reused buffer: a word is tried some thirty ways, and few are words.
    let mut candidate = String::with_capacity(word.len() + 4);
    let mut consider = |parts: &[&str]| {
        candidate.clear();
        parts.iter().for_each(|part| candidate.push_str(part));
        if !found.contains(&candidate) && known(&candidate) {
            found.push(candidate.clone());
        }
    };
    for i in 0..chars {
        let (before, letter, after) = (&word[..bounds[i]], &word[bounds[i]..bounds[i + 1]], &word[bounds[i + 1]..]);
        // A letter too many, a letter written once that is double.
        consider(&[before, after]);
        consider(&[before, letter, letter, after]);
        if i + 1 < chars {
            let next = &word[bounds[i + 1]..bounds[i + 2]];
            if letter != next {
                // Two letters swapped.
                consider(&[before, next, letter, &word[bounds[i + 2]..]]);
            }
        }
    }
    match &found[..] {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// Removes `m/v`, `v/m`, `m/v/x`, `m/w` sequences that vacancy titles carry.
fn drop_gender_markers(words: &mut Vec<Word>) {
    let mut i = 0;
    while i < words.len() {
        let marker_len = {
            let w = |k: usize| words.get(i + k).map(|w| w.text.as_str());
            match (w(0), w(1), w(2)) {
                (Some("m"), Some("v" | "w" | "f"), Some("x")) | (Some("v"), Some("m"), Some("x")) => 3,
                (Some("m"), Some("v" | "w" | "f"), _) | (Some("v"), Some("m"), _) => 2,
                (Some("mv" | "mvx" | "vm"), _, _) => 1,
                _ => 0,
            }
        };
        if marker_len > 0 {
            words.drain(i..i + marker_len);
        } else {
            i += 1;
        }
    }
}

/// The verb a Dutch noun of action is made from, by the two regular patterns: `-ing` (verpakking →
/// verpakken, planning → plannen, begeleiding → begeleiden) and `-atie` (installatie → installeren,
/// registratie → registreren). Only a guess: callers keep it when the vocabulary knows the verb.
pub fn deverbal(word: &str) -> Option<String> {
    let n = word.chars().count();
    if n >= 8 {
        if let Some(stem) = word.strip_suffix("atie") {
            return Some(format!("{stem}eren"));
        }
    }
    if n >= 6 {
        if let Some(stem) = word.strip_suffix("ing") {
            return Some(format!("{stem}en"));
        }
    }
    None
}

/// The words a Dutch diminutive may be made from, most likely first (`broodjes` → `brood`,
/// `boertje` → `boer`, `taartje` → `taart`, `boompje` → `boom`, `balletje` → `bal`, `autootje` →
/// `auto`, `woninkje` → `woning`). The suffix depends on how the word ends (`-je`, `-tje`, `-pje`,
/// `-etje`, `-kje`), so read backwards a form is ambiguous (`boertje` and `taartje` both end in
/// `-rtje`): only guesses, and callers keep the first the vocabulary knows. Empty for a word that is
/// no diminutive.
pub fn diminutive_bases(word: &str) -> Vec<String> {
    const MIN_BASE: usize = 3;
    // Diminutives that have become words of their own (`netjes` is neatly, not small nets).
    const LEXICALIZED: &[&str] = &["netjes", "eventjes", "zachtjes", "stilletjes", "beetje", "meisje", "meisjes"];
    if LEXICALIZED.contains(&word) {
        return Vec::new();
    }
    let singular = word.strip_suffix('s').filter(|w| w.ends_with("je")).unwrap_or(word);
    let Some(without_je) = singular.strip_suffix("je") else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    if let Some(base) = singular.strip_suffix("etje") {
        // balletje → bal: the consonant was doubled before `-etje`; bloemetje → bloem.
        out.push(undouble_last(base, |c| !"aeiou".contains(c)));
    }
    if let Some(base) = singular.strip_suffix("pje").filter(|b| b.ends_with('m')) {
        out.push(base.to_string());
    }
    if let Some(base) = singular.strip_suffix("kje").filter(|b| b.ends_with('n')) {
        out.push(format!("{base}g"));
    }
    if let Some(base) = singular.strip_suffix("tje") {
        // autootje → auto: a long vowel is written double before `-tje`.
        out.push(undouble_last(base, |c| "aeou".contains(c)));
    }
    // Plain `-je` follows a voiceless consonant or `d` (broodje, koekje, huisje, kopje, taartje);
    // after `n`, `l`, `r`, `m` or a vowel the suffix is `-tje`, `-pje` or `-etje` (`Spanje` is no
    // diminutive).
    if without_je.ends_with(['p', 't', 'k', 'f', 's', 'g', 'd']) || without_je.ends_with("ch") {
        out.push(without_je.to_string());
    }
    out.retain(|base| base.chars().count() >= MIN_BASE);
    out.dedup();
    out
}

/// `word` with its last letter written once when it is doubled and `doubled` accepts it.
fn undouble_last(word: &str, doubled: impl Fn(char) -> bool) -> String {
    let mut chars = word.chars().rev();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a == b && doubled(a) => word[..word.len() - a.len_utf8()].to_string(),
        _ => word.to_string(),
    }
}

/// The nouns a Dutch adjective of a field may be made from, most likely first, by the regular
/// patterns: `-ief` (administratief → administratie), `-isch` (technisch → techniek, elektronisch →
/// elektronica), `-ieel` (commercieel → commercie, financieel → financiën), `-kundig` (bouwkundig →
/// bouwkunde); an inflected `-e` (administratieve, commerciële) first dropped, but for `-kundige`, a
/// person. Titles and competences
/// name a field either way ("administratief medewerker verkoop" / `verkoopadministratie`). Only
/// guesses: callers keep the first the vocabulary knows.
pub fn adjective_nouns(word: &str) -> Vec<String> {
    // (adjective ending, its letters uninflected, the noun endings it may stand for). Not
    // `-kundige`: that is a person, `taalkundige`.
    const FIELD_ADJECTIVES: &[(&str, usize, &[&str])] = &[
        ("ieve", 3, &["ie"]),
        ("ief", 3, &["ie"]),
        ("ische", 4, &["iek", "ie", "ica"]),
        ("isch", 4, &["iek", "ie", "ica"]),
        ("iële", 4, &["ie", "iën"]),
        ("ieel", 4, &["ie", "iën"]),
        ("kundig", 6, &["kunde"]),
    ];
    for (ending, uninflected, nouns) in FIELD_ADJECTIVES {
        if let Some(stem) = word.strip_suffix(ending) {
            // Seven letters or more uninflected (`actief`, `lief` are left alone).
            if stem.chars().count() + uninflected < 7 {
                return Vec::new();
            }
            return nouns.iter().map(|noun| format!("{stem}{noun}")).collect();
        }
    }
    Vec::new()
}

/// Maps a Dutch word to the base form of its gender/agent variants. Rules are ordered: the first
/// that applies wins; words too short to carry a suffix are left alone.
pub fn dutch_variant(word: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[
        ("lerares", "leraar"),
        ("leraressen", "leraar"),
        ("secretaresse", "secretaris"),
        ("verpleegster", "verpleegkundige"),
        ("verpleger", "verpleegkundige"),
        ("zuster", "verpleegkundige"),
        ("kapster", "kapper"),
        ("zangeres", "zanger"),
        ("danseres", "danser"),
        ("actrice", "acteur"),
        ("stewardess", "steward"),
        ("serveerster", "serveerder"),
        ("boerin", "boer"),
        ("koningin", "koning"),
        ("vriendin", "vriend"),
        ("heldin", "held"),
    ];
    if let Some((_, base)) = IRREGULAR.iter().find(|(form, _)| *form == word) {
        return base.to_string();
    }
    let n = word.chars().count();
    let rules: &[(&str, &str, usize)] = &[
        // (suffix, replacement, minimum word length)
        // -fster/-zster: the agent form has the voiced consonant (schrijfster → schrijver).
        ("fsters", "ver", 8),
        ("fster", "ver", 7),
        ("zsters", "zer", 8),
        ("sters", "er", 7),
        ("ster", "er", 6),
        // kokkin → kok
        ("kkin", "k", 6),
        ("trices", "teur", 8),
        ("trice", "teur", 7),
        ("euses", "eur", 7),
        ("euse", "eur", 6),
        ("iere", "ier", 6),
        ("ologe", "oloog", 7),
        ("ares", "aar", 6),
        ("ica", "icus", 6),
        ("ente", "ent", 6),
        ("ante", "ant", 6),
        ("iste", "ist", 6),
        ("ite", "iet", 7),
        // Plurals the Snowball stemmer keeps apart from their singular: it drops an `-s` or
        // `-en` only after a consonant, so `installaties` ≠ `installatie`, `industrieën` ≠
        // `industrie`.
        ("ieen", "ie", 7),
        ("ies", "ie", 6),
    ];
    for (suffix, replacement, min_len) in rules {
        if n >= *min_len {
            if let Some(stem) = word.strip_suffix(suffix) {
                return format!("{stem}{replacement}");
            }
        }
    }
    word.to_string()
}

/// Stems words of one language; keeps the Snowball stemmers alive between calls.
pub struct Stemmers {
    dutch: Stemmer,
    english: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers { dutch: Stemmer::create(Algorithm::Dutch), english: Stemmer::create(Algorithm::English) }
    }
}

impl std::fmt::Debug for Stemmers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmers")
    }
}

impl Stemmers {
    /// The comparable form of a normalized word: variant then stem, per language.
    pub fn key(&self, word: &str, lang: Lang) -> String {
        match lang {
            Lang::Nl => self.dutch.stem(&dutch_variant(word)).into_owned(),
            Lang::En => self.english.stem(word).into_owned(),
            Lang::Other => word.to_string(),
        }
    }
}

/// Dutch compound splitting with a dictionary of words seen in the ontology's labels.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Decompounder {
    /// Known words (normalized) with how often they occur in labels.
    words: HashMap<String, u32>,
}

/// Shortest part a compound is split into: shorter parts (`in`, `op`) cause false splits.
const MIN_PART: usize = 3;
/// Words shorter than this are never split.
const MIN_COMPOUND: usize = 7;
/// Shortest head a word no split covers is read by ([`Decompounder::split`]'s fallback).
const MIN_HEAD: usize = 4;

impl Decompounder {
    /// Learns the words of a label.
    pub fn add_words<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        for word in words {
            if word.chars().count() >= MIN_PART && !word.bytes().all(|b| b.is_ascii_digit()) && !is_stop_word(word) {
                *self.words.entry(word.to_string()).or_default() += 1;
            }
        }
    }

    /// Learns the modifiers of compounds: a known word that ends in another known word of at least
    /// four letters (`gebarentaal` = … + `taal`) teaches its first part (`gebaren`), so that
    /// `gebarentolk` splits too. Only modifiers of four letters or more are learned.
    pub fn learn_modifiers(&mut self) {
        const MIN_MODIFIER: usize = 4;
        let mut learned: Vec<String> = Vec::new();
        for word in self.words.keys() {
            let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
            if bounds.len() < MIN_HEAD + MIN_MODIFIER {
                continue;
            }
            for &cut in &bounds[MIN_MODIFIER..=bounds.len() - MIN_HEAD] {
                let (modifier, head) = word.split_at(cut);
                if self.words.contains_key(head) && !self.words.contains_key(modifier) {
                    let modifier =
                        modifier.strip_suffix('s').filter(|m| m.chars().count() >= MIN_MODIFIER).unwrap_or(modifier);
                    learned.push(modifier.to_string());
                    break;
                }
            }
        }
        for word in learned {
            self.words.entry(word).or_insert(1);
        }
    }

    /// The infinitive of a Dutch third-person verb form when the vocabulary knows it (`voert` →
    /// `voeren`, `maakt` → `maken`, `stuurt` → `sturen`, `doet` → `doen`); `None` otherwise.
    pub fn infinitive(&self, word: &str) -> Option<String> {
        let stem = word.strip_suffix('t').filter(|s| s.chars().count() >= 3)?;
        if self.is_known(word) && !stem.ends_with(['e', 'r']) {
            return None;
        }
        let chars: Vec<char> = stem.chars().collect();
        let n = chars.len();
        // maak → maken: a doubled vowel before the last consonant is written single.
        let undoubled = if n >= 3 && chars[n - 2] == chars[n - 3] && "aeou".contains(chars[n - 2]) {
            let mut c = chars.clone();
            c.remove(n - 2);
            c.into_iter().collect::<String>()
        } else {
            stem.to_string()
        };
        [format!("{stem}en"), format!("{undoubled}en"), format!("{stem}n")]
            .into_iter()
            .find(|guess| self.is_known(guess))
    }

    /// A word no label has and that no split of known words covers (`dialyse…` + a known head) is
    /// read by its head: Dutch compounds are right-headed, so the longest known word it ends in
    /// (of at least [`MIN_HEAD`] letters) names what it is, and the unknown rest is kept as the
    /// modifier, so that the head alone covers half of the word. A known word is never split this
    /// way: the labels' words keep their full splits, and only a query's new words fall back.
    fn head_split(&self, word: &str, bounds: &[usize]) -> Vec<String> {
        let n = bounds.len() - 1;
        if self.words.contains_key(word) || n < MIN_HEAD + MIN_PART {
            return Vec::new();
        }
        (MIN_PART..=n - MIN_HEAD)
            .map(|cut| word.split_at(bounds[cut]))
            .find(|(_, head)| self.words.contains_key(*head))
            .map(|(modifier, head)| vec![modifier.to_string(), head.to_string()])
            .unwrap_or_default()
    }

    /// The word a Dutch diminutive is made from, when the labels know it or it splits into words
    /// they know (`broodjes` → `brood`, `boertje` → `boer`, `kaasboertje` → `kaasboer`): labels
    /// seldom use the small form that people write. `None` for other words.
    pub fn diminutive_base(&self, word: &str) -> Option<String> {
        let bases = diminutive_bases(word);
        let known = bases.iter().position(|b| self.is_known(b));
        let index = known.or_else(|| bases.iter().position(|b| !self.split(b).is_empty()))?;
        bases.into_iter().nth(index)
    }

    pub fn is_known(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// Splits `word` into two or more known words (with the Dutch linking `s`, `e` or `en` allowed
    /// between them), preferring the fewest parts. Returns an empty list when no split exists.
    pub fn split(&self, word: &str) -> Vec<String> {
        // Character boundaries as byte offsets, so parts are looked up as slices without copying.
        let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain(std::iter::once(word.len())).collect();
        let n = bounds.len() - 1;
        if n < MIN_COMPOUND {
            return Vec::new();
        }
        // parts[i] = fewest parts covering the first i characters; from[i] = (part start, part end)
        // of the last part, with `i` possibly past a linking letter.
        const NONE: u32 = u32::MAX;
        let mut parts = vec![NONE; n + 1];
        let mut from = vec![(0usize, 0usize); n + 1];
        parts[0] = 0;
        for start in 0..n {
            if parts[start] == NONE {
                continue;
            }
            for end in (start + MIN_PART)..=n {
                // The word itself is no split of it: a known compound splits too.
                if (start == 0 && end == n) || !self.words.contains_key(&word[bounds[start]..bounds[end]]) {
                    continue;
                }
                if start == 0 && particle_of(word).is_some_and(|particle| particle.len() == bounds[end]) {
                    continue;
                }
                let count = parts[start] + 1;
                if count < parts[end] {
                    parts[end] = count;
                    from[end] = (start, end);
                }
                for link in ["s", "e", "en"] {
                    let link_end = end + link.len();
                    if link_end < n && &word[bounds[end]..bounds[link_end]] == link && count < parts[link_end] {
                        parts[link_end] = count;
                        from[link_end] = (start, end);
                    }
                }
            }
        }
        if parts[n] == NONE {
            return self.head_split(word, &bounds);
        }
        if parts[n] < 2 {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(parts[n] as usize);
        let mut at = n;
        while at > 0 {
            let (start, end) = from[at];
            out.push(word[bounds[start]..bounds[end]].to_string());
            at = start;
        }
        out.reverse();
        out
    }
}

/// Prepositions and particles that open Dutch derivations rather than compounds: an
/// `onderofficier` is no kind of `officier`, an `onderwijzer` no `wijzer`, a `voorman` no `man`, an
/// `uitvoerder` no `voerder`. A noun they open is not split there; a verb is (`overbrengen`,
/// `toevoegen` share their verb with `brengen`, `samenvoegen`).
const PARTICLE_PREFIXES: &[&str] =
    &["onder", "over", "voor", "achter", "tussen", "mede", "door", "toe", "aan", "uit", "tegen", "boven", "weder"];

/// The particle ([`PARTICLE_PREFIXES`]) a noun opens with, or `None` for a word that opens with
/// none or is a verb (ends in `-en`). No particle of the list opens another, so there is one at most.
fn particle_of(word: &str) -> Option<&'static str> {
    if word.ends_with("en") {
        return None;
    }
    PARTICLE_PREFIXES.iter().copied().find(|particle| word.starts_with(particle))
}

/// What a noun opened by a particle is without it (`officier` for `onderofficier`), or `None`
/// ([`particle_of`]). The tail is not what the noun names, which is why it matters: a label naming
/// the tail names other work.
pub(super) fn particle_tail(word: &str) -> Option<&str> {
    particle_of(word).map(|particle| &word[particle.len()..]).filter(|tail| tail.chars().count() >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_joined_by_an_ampersand_are_one_word_and_longer_words_stay_apart() {
        let texts = |text: &str| words(text).into_iter().map(|w| w.text).collect::<Vec<_>>();
        assert_eq!(texts("Adviseur P&O"), ["adviseur", "p&o"]);
        assert_eq!(texts("B&B-houder"), ["b&b", "houder"]);
        assert_eq!(texts("R&D & innovatie"), ["r&d", "innovatie"]);
        assert_eq!(texts("koken&bakken"), ["koken", "bakken"]);
        assert_eq!(texts("P&"), ["p"]);
    }

    #[test]
    fn a_noun_opened_by_a_particle_has_a_tail_and_a_verb_has_none() {
        assert_eq!(particle_tail("onderofficier"), Some("officier"));
        assert_eq!(particle_tail("voorzitter"), Some("zitter"));
        assert_eq!(particle_tail("overbrengen"), None, "a verb");
        assert_eq!(particle_tail("officier"), None, "no particle");
        assert_eq!(particle_tail("toen"), None);
        assert_eq!(particle_tail("voorop"), None, "too short a tail to be a word of work");
    }

    #[test]
    fn a_typo_is_read_as_the_one_known_word_one_common_edit_away() {
        let known = |w: &str| {
            ["kneden", "bestellingen", "stressbestendig", "apothekersassistent", "lassen", "lasser"].contains(&w)
        };
        assert_eq!(typo_correction("kneeden", 7, known).as_deref(), Some("kneden"));
        assert_eq!(typo_correction("bestelingen", 7, known).as_deref(), Some("bestellingen"));
        assert_eq!(typo_correction("stresbestendig", 7, known).as_deref(), Some("stressbestendig"));
        assert_eq!(typo_correction("apotekersassistent", 7, known), None, "a missing letter other than a double one");
        assert_eq!(typo_correction("apothekresassistent", 7, known).as_deref(), Some("apothekersassistent"));
        assert_eq!(typo_correction("lasers", 7, known), None, "short words are left alone");
        assert_eq!(typo_correction("lasserr", 7, known).as_deref(), Some("lasser"));
    }

    #[test]
    fn normalize_folds_case_and_diacritics() {
        assert_eq!(normalize("Inspiciënte"), "inspiciente");
        assert_eq!(normalize("Café-Médewerker"), "cafe medewerker");
    }

    #[test]
    fn words_keep_spans_and_drop_gender_markers() {
        let text = "Lasser MIG/MAG (m/v/x) Zoetermeer";
        let ws = words(text);
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["lasser", "mig", "mag", "zoetermeer"]);
        assert_eq!(&text[ws[0].start..ws[0].end], "Lasser");
        assert_eq!(&text[ws[3].start..ws[3].end], "Zoetermeer");
        let ws = words("Chauffeur m/v");
        assert_eq!(ws.len(), 1);
    }

    #[test]
    fn dutch_variants_meet_their_base_form() {
        for (form, base) in [
            ("medewerkster", "medewerker"),
            ("zorgassistente", "zorgassistent"),
            ("lerares", "leraar"),
            ("directrice", "directeur"),
            ("masseuse", "masseur"),
            ("cytotechnologe", "cytotechnoloog"),
            ("historica", "historicus"),
            ("audiobeschrijfster", "audiobeschrijver"),
            ("grillkokkin", "grillkok"),
            ("lasser", "lasser"),
            ("pianiste", "pianist"),
        ] {
            assert_eq!(dutch_variant(form), base, "{form}");
        }
    }

    #[test]
    fn stems_plurals_to_the_same_key() {
        let s = Stemmers::default();
        assert_eq!(s.key("verpleegkundigen", Lang::Nl), s.key("verpleegkundige", Lang::Nl));
        assert_eq!(s.key("medewerksters", Lang::Nl), s.key("medewerker", Lang::Nl));
        assert_eq!(s.key("drivers", Lang::En), s.key("driver", Lang::En));
        // Plurals of `-ie` nouns, which the Snowball stemmer alone keeps apart.
        assert_eq!(s.key("installaties", Lang::Nl), s.key("installatie", Lang::Nl));
        assert_eq!(s.key("industrieen", Lang::Nl), s.key("industrie", Lang::Nl));
    }

    #[test]
    fn a_diminutive_is_read_as_the_word_it_is_made_from() {
        let mut d = Decompounder::default();
        d.add_words(["brood", "boer", "taart", "boom", "auto", "woning", "kaas", "bal", "span"]);
        for (diminutive, base) in [
            ("broodjes", "brood"),
            ("boertje", "boer"),
            ("taartje", "taart"),
            ("boompjes", "boom"),
            ("autootje", "auto"),
            ("woninkje", "woning"),
            ("balletje", "bal"),
            // Not a known word, but two: the compound is read whole.
            ("kaasboertje", "kaasboer"),
        ] {
            assert_eq!(d.diminutive_base(diminutive).as_deref(), Some(base), "{diminutive}");
        }
        // No diminutive: `-je` after `n` is part of the word, and `netjes` is a word of its own.
        assert_eq!(d.diminutive_base("spanje"), None);
        assert_eq!(d.diminutive_base("netjes"), None);
        assert_eq!(d.diminutive_base("brood"), None);
        // A base the labels do not know is no reading.
        assert_eq!(d.diminutive_base("huisje"), None);
    }

    #[test]
    fn third_person_verbs_meet_their_infinitive() {
        let mut d = Decompounder::default();
        d.add_words(["voeren", "maken", "sturen", "doen", "assistent"]);
        assert_eq!(d.infinitive("voert").as_deref(), Some("voeren"));
        assert_eq!(d.infinitive("maakt").as_deref(), Some("maken"));
        assert_eq!(d.infinitive("stuurt").as_deref(), Some("sturen"));
        assert_eq!(d.infinitive("doet").as_deref(), Some("doen"));
        assert_eq!(d.infinitive("assistent"), None, "a known noun stays");
        assert_eq!(d.infinitive("kast"), None);
    }

    #[test]
    fn nouns_of_action_name_their_verb() {
        assert_eq!(deverbal("verpakking").as_deref(), Some("verpakken"));
        assert_eq!(deverbal("begeleiding").as_deref(), Some("begeleiden"));
        assert_eq!(deverbal("installatie").as_deref(), Some("installeren"));
        assert_eq!(deverbal("registratie").as_deref(), Some("registreren"));
        // Too short to be one (`ring`, `ding`), or no such ending.
        assert_eq!(deverbal("ring"), None);
        assert_eq!(adjective_nouns("administratief"), vec!["administratie"]);
        assert_eq!(adjective_nouns("administratieve"), vec!["administratie"]);
        assert_eq!(adjective_nouns("technische")[0], "techniek");
        assert_eq!(adjective_nouns("commerciële"), vec!["commercie", "commerciën"]);
        assert_eq!(adjective_nouns("financieel")[1], "financiën");
        assert_eq!(adjective_nouns("bouwkundig"), vec!["bouwkunde"]);
        assert!(adjective_nouns("taalkundige").is_empty());
        assert!(adjective_nouns("lief").is_empty() && adjective_nouns("fris").is_empty());
        assert_eq!(deverbal("lassen"), None);
    }

    #[test]
    fn splits_compounds_into_known_words() {
        let mut d = Decompounder::default();
        d.add_words(["vrachtwagen", "chauffeur", "bedrijf", "leider", "zorg", "assistent", "kinder", "opvang"]);
        assert_eq!(d.split("vrachtwagenchauffeur"), ["vrachtwagen", "chauffeur"]);
        assert_eq!(d.split("bedrijfsleider"), ["bedrijf", "leider"]);
        assert_eq!(d.split("zorgassistent"), ["zorg", "assistent"]);
        assert_eq!(d.split("kinderopvang"), ["kinder", "opvang"]);
        assert!(d.split("chauffeur").is_empty(), "a known word alone is not a compound");
        // A noun opened by a particle is a derivation, no kind of its head; a verb still splits.
        // (Particles are stop words: they become parts as learned modifiers.)
        d.add_words(["officier", "onderofficier", "brengen", "overbrengen"]);
        d.learn_modifiers();
        assert!(d.split("onderofficier").is_empty());
        assert_eq!(d.split("overbrengen"), ["over", "brengen"]);
        assert!(d.split("onbekendwoord").is_empty());
    }

    #[test]
    fn a_new_word_is_read_by_its_known_head() {
        let mut d = Decompounder::default();
        d.add_words(["schoenmaker", "maker", "bouwer", "bedrijf", "kweker"]);
        // The longest known word it ends in is its head; the unknown rest stays as the modifier.
        assert_eq!(d.split("pianobouwer"), ["piano", "bouwer"]);
        assert_eq!(d.split("oesterkweker"), ["oester", "kweker"]);
        // A known word keeps its own reading, and a head must be a word of four letters or more.
        assert!(d.split("schoenmaker").is_empty());
        assert!(d.split("onbekendwoord").is_empty());
    }
}
