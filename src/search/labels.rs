//! The analyzed label table: every label of every concept, analyzed once per snapshot.
//!
//! Search, autocomplete and extraction all compare against this table, so a label is analyzed
//! once and in one way. Besides concept labels, ISCO groups also carry the labels of their member
//! occupations (form [`LabelKind::Member`]): a specific job title can then find the ISCO group its
//! occupation belongs to, which matters when a title has no ESCO occupation of its own.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::analysis::{self, Decompounder, Lang, Stemmers};
use super::lexicon::Lexicon;
use super::similarity::Trigrams;
use super::synonyms::Synonyms;
use crate::model::{ConceptKind, Details, LabelForm, RelationKind};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

/// What kind of text a label row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum LabelKind {
    Preferred,
    Alternative,
    Hidden,
    /// A label of a member occupation, indexed on its ISCO group.
    Member,
    /// A code: ISCO code, crebo, ESCO code, or the concept URI.
    Code,
    /// A title a loaded label vocabulary gives the occupation (`vocabulary_labels`): searched like
    /// a hidden label, but not learned from (synonyms, heads, the lexicon, the word weights stay
    /// the ontology's own; only the spelling similarity's letter weights read every label).
    Vocabulary,
}

impl LabelKind {
    fn from_form(form: LabelForm) -> LabelKind {
        match form {
            LabelForm::Preferred => LabelKind::Preferred,
            LabelForm::Alternative => LabelKind::Alternative,
            LabelForm::Hidden => LabelKind::Hidden,
        }
    }

    /// How much a match on this kind of label is worth: a preferred-label match outranks an
    /// alternative-label match, which outranks a hidden label and a member occupation's label.
    pub fn weight(self) -> f32 {
        match self {
            LabelKind::Preferred | LabelKind::Code => 1.0,
            LabelKind::Alternative => 0.94,
            LabelKind::Hidden | LabelKind::Vocabulary => 0.85,
            LabelKind::Member => 0.8,
        }
    }

    pub fn as_u64(self) -> u64 {
        self as u64
    }
}

/// One analyzed word of a label, shared: the same word occurs in thousands of labels and
/// descriptions (some two million times in full ESCO), and the table is analyzed once per word, so
/// a row holds a pointer to one analysis (8 bytes where the fields would take 72). Read its fields
/// through `Deref` (`token.key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token(Arc<TokenData>);

impl Token {
    pub fn new(data: TokenData) -> Token {
        Token(Arc::new(data))
    }

    /// The address of the shared analysis: the same for every row that holds this token, so
    /// scoring can remember what it found of a word once per query ([`super::rank::ScoredQuery`]).
    /// Two tokens with another address may still say the same.
    pub fn address(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
}

impl std::ops::Deref for Token {
    type Target = TokenData;

    fn deref(&self) -> &TokenData {
        &self.0
    }
}

/// What a [`Token`] says about its word.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TokenData {
    /// Normalized word.
    pub word: Arc<str>,
    /// Variant + stem key in the label's language.
    pub key: Arc<str>,
    /// Compound parts (their keys), empty when the word is not a compound.
    pub parts: Arc<[Arc<str>]>,
    pub stop: bool,
    /// For a Dutch noun made from a verb (`verpakking`, `installatie`), the key of that verb when
    /// the labels know it (`verpakken`, `installeren`): labels name a task either way.
    pub verb: Option<Arc<str>>,
}

/// One row of the label table.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LabelRow {
    pub concept: ConceptIdx,
    pub kind: ConceptKind,
    pub label_kind: LabelKind,
    /// The concept is deprecated: Suggest leaves it out unless asked.
    pub deprecated: bool,
    pub lang: Box<str>,
    /// `lang` as the analyzers read it: scoring asks it of every candidate row, and reading it
    /// here spares a visit to the code's own allocation (2.5 % of a search over all kinds).
    pub language: Lang,
    pub text: Box<str>,
    pub tokens: Vec<Token>,
}

impl LabelRow {
    /// The normalized words joined by spaces (the exact form of the label).
    pub fn exact(&self) -> String {
        self.tokens.iter().map(|t| &*t.word).collect::<Vec<_>>().join(" ")
    }
}

/// All labels of a snapshot, analyzed, with document frequencies for weighting.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct LabelTable {
    pub rows: Vec<LabelRow>,
    /// Per concept index, its first row (rows are in concept order), and the row count last: a
    /// concept's rows without a search over the table (whose rows are large and far apart).
    row_starts: Vec<u32>,
    /// Made again on load (the stemmer tables are code, not data).
    #[serde(skip)]
    pub stemmers: Stemmers,
    pub decompounder: Decompounder,
    /// In how many labels a key (word key or compound part) occurs, and whether it is a frame word
    /// ([`learn_frame_words`]) or a verb ([`learn_label_verbs`]) of the skill labels: one lookup
    /// answers all three for every label word.
    key_df: HashMap<Box<str>, KeyCount>,
    /// Descriptions, matched with a low weight.
    pub descriptions: Vec<DescriptionRow>,
    /// Per concept, in [0, 1]: how central it is in the graph (log of its relation count), used to
    /// order autocomplete suggestions that the prefix alone cannot tell apart.
    pub popularity: Vec<f32>,
    /// Dutch → English words learned from the bilingual concepts, to reach English-only labels.
    pub lexicon: Lexicon,
    /// Dutch words that stand for each other in labels (`docent` / `leraar`).
    pub synonyms: Synonyms,
    /// The groups of one-word skills, for titles that name a subject ([`super::field::BroaderWords`]).
    pub broader: super::field::BroaderWords,
    /// Character-trigram weights and row norms, for the spelling similarity of a query and a label.
    pub trigrams: Trigrams,
    /// The IDF of the document frequencies below [`IDF_TABLE`], made on first use (scoring asks it
    /// of every label word of every candidate, and the logarithm was 2 % of a title search).
    #[serde(skip)]
    idf_table: std::sync::OnceLock<Vec<f32>>,
    /// Every label word's analysis per language ([`Self::label_token`]), made on first use.
    #[serde(skip)]
    vocabulary: std::sync::OnceLock<[HashMap<Arc<str>, Token>; Lang::COUNT]>,
}

/// Document frequencies whose IDF [`LabelTable`] keeps computed (most keys' are lower).
const IDF_TABLE: u32 = 4096;

/// What the table knows of a key: its label count, and whether it is a frame word or a verb of the
/// skill labels.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct KeyCount {
    df: u32,
    frame: bool,
    verb: bool,
}

/// What scoring needs of a word that some label has ([`LabelTable::word_stats`]).
#[derive(Debug, Clone, Copy)]
pub struct WordStats {
    /// Inverse document frequency over the labels.
    pub idf: f32,
    /// A frame word of the skill labels (`eigenschappen`, `technieken`; [`learn_frame_words`]).
    pub frame: bool,
    /// A verb of the Dutch skill labels (`controleren`, `bedienen`; [`learn_label_verbs`]), whose
    /// object says more than it does, and which a label may name with another verb.
    pub verb: bool,
}

/// The analyzed description of a concept in one language.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DescriptionRow {
    pub concept: ConceptIdx,
    pub kind: ConceptKind,
    pub tokens: Vec<Token>,
}

/// The kinds that are searched by default (courses, providers and schemes have labels too, and are
/// searched when asked for).
pub fn analyze(stemmers: &Stemmers, decompounder: &Decompounder, text: &str, lang: Lang) -> Vec<Token> {
    analysis::words(text).into_iter().map(|w| token(stemmers, decompounder, &w.text, lang)).collect()
}

/// Analyzes one normalized word.
pub fn token(stemmers: &Stemmers, decompounder: &Decompounder, word: &str, lang: Lang) -> Token {
    let stop = analysis::is_stop_word(word);
    // A Dutch diminutive is read as the word it is made from (`broodjes` → brood).
    let base = if lang == Lang::Nl && !stop { decompounder.diminutive_base(word) } else { None };
    let read = base.as_deref().unwrap_or(word);
    // Compounds are a Dutch (and Germanic) phenomenon; English labels are split into words already.
    let parts: Arc<[Arc<str>]> = if lang == Lang::En || stop {
        Arc::new([])
    } else {
        decompounder.split(read).iter().map(|p| Arc::from(stemmers.key(p, Lang::Nl))).collect()
    };
    let verb = if lang == Lang::En || stop {
        None
    } else {
        analysis::deverbal(word)
            .filter(|v| decompounder.is_known(v))
            .or_else(|| analysis::adjective_nouns(word).into_iter().find(|n| decompounder.is_known(n)))
            .map(|v| Arc::from(stemmers.key(&v, Lang::Nl)))
    };
    Token::new(TokenData { word: word.into(), key: stemmers.key(read, lang).into(), parts, stop, verb })
}

/// Fewest Dutch skill labels of two or more words a word must end before it counts as a verb.
const MIN_VERB_LABELS: u32 = 6;
/// A verb ends labels at least this many times as often as it stands elsewhere in them: plural
/// nouns also end in `-en` and end some labels (`soorten schepen`), but they lead others too.
const VERB_LAST_SHARE: u32 = 4;

/// The verbs of Dutch skill labels, learned from where the words stand: ESCO writes a Dutch skill
/// as its object and then its verb in the infinitive (`voorraad beheren`, `kamers schoonmaken`),
/// so a word in `-en` that ends many labels of several words, and seldom stands elsewhere, is a
/// verb (`controleren`, `bedienen`, `onderhouden`).
fn learn_label_verbs(rows: &[LabelRow]) -> rustc_hash::FxHashSet<Arc<str>> {
    // Key → (labels it ends, other places it stands).
    let mut places: HashMap<Arc<str>, (u32, u32)> = HashMap::default();
    for row in rows.iter().filter(|r| r.kind == ConceptKind::Skill && &*r.lang == "nl") {
        let content: Vec<&Token> = row.tokens.iter().filter(|t| !t.stop).collect();
        for (i, t) in content.iter().enumerate() {
            let counts = places.entry(t.key.clone()).or_default();
            if i + 1 == content.len() && content.len() >= 2 && t.word.ends_with("en") {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
    }
    places
        .into_iter()
        .filter(|(_, (last, elsewhere))| *last >= MIN_VERB_LABELS && *last >= VERB_LAST_SHARE * *elsewhere)
        .map(|(key, _)| key)
        .collect()
}

/// Prepositions that follow a frame word (`eigenschappen van`, `principles of`).
const FRAME_PREPOSITIONS: &[&str] = &["van", "voor", "op", "met", "aan", "bij", "over", "of", "for", "on", "with"];
/// Fewest skill labels a frame word must open (5–15 gave the skill phrases the same gain;
/// BENCHMARKS.md, eleventh round).
const MIN_FRAME_LABELS: u32 = 8;
/// The share of the skill labels with a word that it opens before a preposition, at least, for
/// it to be a frame word (0.2–0.5 gave the same gain).
const FRAME_OPEN_SHARE: f32 = 0.3;

/// The frame words of skill labels, learned from where the words stand: a word that opens many
/// labels before a preposition (`eigenschappen van X`, `technieken voor X`, `toezien op X`,
/// `principles of X`) says what kind of skill or knowledge a label is, not what it is about, and
/// a phrase that shares only its frame with a label is about something else.
fn learn_frame_words(rows: &[LabelRow]) -> rustc_hash::FxHashSet<Arc<str>> {
    // Key → (labels it opens before a preposition, labels it stands in).
    let mut places: HashMap<Arc<str>, (u32, u32)> = HashMap::default();
    for row in rows.iter().filter(|r| r.kind == ConceptKind::Skill) {
        let opens_frame = row.tokens.len() >= 3 && FRAME_PREPOSITIONS.contains(&&*row.tokens[1].word);
        let mut seen: Vec<&str> = Vec::new();
        for (i, t) in row.tokens.iter().enumerate() {
            if t.stop || seen.contains(&&*t.key) {
                continue;
            }
            seen.push(&t.key);
            let counts = places.entry(t.key.clone()).or_default();
            counts.0 += u32::from(i == 0 && opens_frame);
            counts.1 += 1;
        }
    }
    places
        .into_iter()
        .filter(|(_, (opens, all))| *opens >= MIN_FRAME_LABELS && *opens as f32 >= FRAME_OPEN_SHARE * *all as f32)
        .map(|(key, _)| key)
        .collect()
}

impl LabelTable {
    pub fn build(snapshot: &Snapshot) -> LabelTable {
        let stemmers = Stemmers::default();
        // The compound dictionary: every word of every Dutch label (and English ones: loanwords
        // such as "manager" or "software" occur inside Dutch compounds).
        let mut decompounder = Decompounder::default();
        for (_, concept) in snapshot.concepts() {
            for label in &concept.labels {
                let words = analysis::words(&label.text);
                decompounder.add_words(words.iter().map(|w| w.text.as_str()));
            }
        }
        decompounder.learn_modifiers();

        // Two halves of the concepts analyzed on both cores, then joined in concept order.
        let n = snapshot.len();
        let named = vocabulary_labels(snapshot);
        let (first, second) = std::thread::scope(|scope| {
            let (stemmers, decompounder, named) = (&stemmers, &decompounder, &named);
            let second = scope.spawn(move || analyze_range(snapshot, n / 2..n, stemmers, decompounder, named));
            let first = analyze_range(snapshot, 0..n / 2, stemmers, decompounder, named);
            (first, second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let (mut rows, mut descriptions) = first;
        rows.extend(second.0);
        descriptions.extend(second.1);
        let mut key_df: HashMap<Box<str>, KeyCount> = HashMap::default();
        for row in rows.iter().filter(|r| r.label_kind != LabelKind::Vocabulary) {
            for k in row_keys(row) {
                key_df.entry(k.into()).or_default().df += 1;
            }
        }
        // A vocabulary's titles weigh no word the ontology's labels have: the words only they have
        // count their rows (so they are known words), the rest keep the ontology's weights.
        let mut added: HashMap<&str, u32> = HashMap::default();
        for row in rows.iter().filter(|r| r.label_kind == LabelKind::Vocabulary) {
            for k in row_keys(row).into_iter().filter(|k| !key_df.contains_key(*k)) {
                *added.entry(k).or_default() += 1;
            }
        }
        for (k, df) in added {
            key_df.entry(k.into()).or_default().df = df;
        }
        debug_assert!(descriptions.is_sorted_by_key(|d| d.concept), "descriptions in concept order");
        let lexicon = Lexicon::learn(&rows);
        let synonyms = Synonyms::learn(&rows, |word| token(&stemmers, &decompounder, word, Lang::Nl).key.clone());
        let broader = super::field::BroaderWords::build(snapshot, &rows);
        let degrees: Vec<f32> = (0..snapshot.len()).map(|i| snapshot.degree(ConceptIdx(i as u32)) as f32).collect();
        let max_degree = degrees.iter().copied().fold(1.0f32, f32::max);
        let popularity = degrees.iter().map(|d| (1.0 + d).ln() / (1.0 + max_degree).ln()).collect();
        let trigrams = Trigrams::learn(&rows);
        for frame in learn_frame_words(&rows) {
            if let Some(count) = key_df.get_mut(&*frame) {
                count.frame = true;
            }
        }
        for verb in learn_label_verbs(&rows) {
            if let Some(count) = key_df.get_mut(&*verb) {
                count.verb = true;
            }
        }
        let row_starts =
            (0..=snapshot.len() as u32).map(|c| rows.partition_point(|r| r.concept.0 < c) as u32).collect();
        LabelTable {
            rows,
            row_starts,
            stemmers,
            decompounder,
            key_df,
            descriptions,
            popularity,
            lexicon,
            synonyms,
            broader,
            trigrams,
            idf_table: std::sync::OnceLock::new(),
            vocabulary: std::sync::OnceLock::new(),
        }
    }

    /// Inverse document frequency of a key over labels: rare words decide a match, common ones
    /// (`medewerker`, `manager`) much less.
    pub fn idf(&self, key: &str) -> f32 {
        self.idf_of_df(self.df(key))
    }

    /// The IDF of a key that some label has, `None` for one that none has: one lookup where
    /// scoring asked [`Self::df`] and then [`Self::idf`] of every label word of every candidate.
    pub fn idf_if_known(&self, key: &str) -> Option<f32> {
        self.word_stats(key).map(|stats| stats.idf)
    }

    /// [`Self::idf_if_known`], and what else the labels teach of the key, from one lookup.
    pub fn word_stats(&self, key: &str) -> Option<WordStats> {
        self.key_df.get(key).filter(|count| count.df > 0).map(|count| WordStats {
            idf: self.idf_of_df(count.df),
            frame: count.frame,
            verb: count.verb,
        })
    }

    /// The analysis of `word` read in `lang`, when some label of that language has the word: what
    /// [`token`] would make of it, without stemming and splitting it again. Extraction reads a
    /// text's words through it first (analyzing them was a fifth of extracting a CV), and most
    /// words of a text about work are label words.
    pub fn label_token(&self, word: &str, lang: Lang) -> Option<&Token> {
        self.vocabulary()[lang.index()].get(word)
    }

    fn vocabulary(&self) -> &[HashMap<Arc<str>, Token>; Lang::COUNT] {
        self.vocabulary.get_or_init(|| {
            let mut vocabulary: [HashMap<Arc<str>, Token>; Lang::COUNT] = Default::default();
            // Rows share their tokens: each is looked at once per language (a number hashes faster
            // than a word; a persisted token may serve two languages that analyze it alike).
            let mut seen = rustc_hash::FxHashSet::default();
            for row in &self.rows {
                let slot = row.language.index();
                let words = &mut vocabulary[slot];
                for t in row.tokens.iter().filter(|t| seen.insert((t.address(), slot))) {
                    words.entry(t.word.clone()).or_insert_with(|| t.clone());
                }
            }
            vocabulary
        })
    }

    /// Makes now what the table otherwise makes on first use, so that no request waits for it.
    pub fn prepare(&self) {
        self.vocabulary();
        self.idf_of_df(0);
    }

    /// True for a verb of the Dutch skill labels ([`learn_label_verbs`]).
    pub fn is_label_verb(&self, key: &str) -> bool {
        self.key_df.get(key).is_some_and(|count| count.verb)
    }

    fn idf_of_df(&self, df: u32) -> f32 {
        let table = self.idf_table.get_or_init(|| (0..IDF_TABLE).map(|df| self.compute_idf(df)).collect());
        table.get(df as usize).copied().unwrap_or_else(|| self.compute_idf(df))
    }

    fn compute_idf(&self, df: u32) -> f32 {
        let n = self.rows.len().max(1) as f32;
        let df = df as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The analyzed descriptions of a concept (one per language it has), found by halving: they
    /// are in concept order, as the rows are.
    pub fn descriptions_of(&self, concept: ConceptIdx) -> &[DescriptionRow] {
        let start = self.descriptions.partition_point(|d| d.concept < concept);
        let len = self.descriptions[start..].iter().take_while(|d| d.concept == concept).count();
        &self.descriptions[start..start + len]
    }

    /// The indexes of a concept's label rows.
    pub fn rows_of(&self, concept: ConceptIdx) -> std::ops::Range<usize> {
        let at = |c: usize| self.row_starts.get(c).map_or(self.rows.len(), |s| *s as usize);
        at(concept.0 as usize)..at(concept.0 as usize + 1)
    }

    pub fn df(&self, key: &str) -> u32 {
        self.key_df.get(key).map_or(0, |count| count.df)
    }

    /// Rewrites Dutch finite verbs in third person (`Voert verkoopgesprekken`, `Maakt
    /// werkplanningen`) to the infinitive that labels use (`voeren`, `maken`), when the label
    /// vocabulary knows it. Qualification profiles describe work processes that way.
    pub fn infinitive_phrase(&self, text: &str) -> String {
        analysis::words(text)
            .into_iter()
            .map(|w| self.decompounder.infinitive(&w.text).unwrap_or(w.text))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The English reading of a Dutch query: each Dutch word replaced by its best translation (a
    /// compound without one by its parts' translations), words without any kept in their English
    /// analysis (loanwords). `nl` and `en` are the query analyzed in each language (same words).
    /// Each translated token comes with the place in `nl` of the word it stands for.
    pub fn translate(&self, nl: &[Token], en: &[Token]) -> Vec<(Token, usize)> {
        let mut out = Vec::with_capacity(nl.len());
        for (i, (n, e)) in nl.iter().zip(en).enumerate() {
            if n.stop {
                out.push((e.clone(), i));
                continue;
            }
            if let Some(best) = self.lexicon.translate(&n.key).first() {
                out.push((best.token.clone(), i));
                continue;
            }
            let parts: Vec<&Token> =
                n.parts.iter().filter_map(|p| self.lexicon.translate(p).first().map(|t| &t.token)).collect();
            if !parts.is_empty() && parts.len() == n.parts.len() {
                out.extend(parts.into_iter().map(|p| (p.clone(), i)));
            } else {
                out.push((e.clone(), i));
            }
        }
        out
    }

    /// Analyzes a query or a text in `lang`.
    pub fn analyze(&self, text: &str, lang: Lang) -> Vec<Token> {
        analyze(&self.stemmers, &self.decompounder, text, lang)
    }
}

/// True for an alternative label that opens with a conjunction: the tail of a label split at a
/// line break in the source (ESCO's `and procedures`, `or tactile clocks.`), which names nothing
/// and would match any query with its one word.
fn is_fragment(form: LabelForm, text: &str) -> bool {
    form == LabelForm::Alternative
        && analysis::words(text).first().is_some_and(|w| ["and", "or"].contains(&w.text.as_str()))
}

/// The labels of a loaded label vocabulary ([`crate::ontology::LabelSet`]) that name an occupation
/// of the ontology, per occupation: the labels of each set one of whose labels is a Dutch label of
/// exactly one occupation (ignoring case, accents, punctuation and spacing), less those the
/// occupation has already. They are Dutch (CompetentNL's titles) and are searched like hidden
/// labels ([`LabelKind::Vocabulary`]): for finding, not for showing. So extraction, suggest and
/// every search find the occupation by the other titles its classification gives it
/// (`varkensmester` where ESCO says *varkenshouder*). A set whose labels name two occupations, or
/// none, names no occupation; its other labels are still read as further readings of a title
/// ([`super::title::Equivalents`]).
fn vocabulary_labels(snapshot: &Snapshot) -> HashMap<ConceptIdx, Vec<Box<str>>> {
    let sets = snapshot.label_sets();
    if sets.is_empty() {
        return HashMap::default();
    }
    let key = super::title::key;
    let mut occupations: HashMap<Box<str>, Vec<ConceptIdx>> = HashMap::default();
    for (idx, concept) in snapshot.concepts() {
        if concept.kind != ConceptKind::Occupation || concept.status != crate::model::Status::Released {
            continue;
        }
        for label in concept.labels.iter().filter(|l| Lang::from_code(&l.lang) == Lang::Nl) {
            let named = occupations.entry(key(&label.text)).or_default();
            if !named.contains(&idx) {
                named.push(idx);
            }
        }
    }
    let mut named: HashMap<ConceptIdx, Vec<Box<str>>> = HashMap::default();
    for set in sets {
        let keys: Vec<Box<str>> = set.labels.iter().map(|l| key(l)).collect();
        let mut concepts = keys.iter().filter_map(|k| occupations.get(k)).flatten();
        let Some(&first) = concepts.next() else { continue };
        if concepts.any(|&c| c != first) {
            continue;
        }
        let labels = named.entry(first).or_default();
        for (label, k) in set.labels.iter().zip(&keys) {
            let known = occupations.get(k).is_some_and(|c| c.contains(&first));
            if !known && !labels.iter().any(|l| key(l) == *k) {
                labels.push(label.as_str().into());
            }
        }
    }
    named
}

/// The keys of a row's words and of their compound parts, each once.
fn row_keys(row: &LabelRow) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for t in &row.tokens {
        for k in std::iter::once(&t.key).chain(t.parts.iter()) {
            if !seen.contains(&&**k) {
                seen.push(k);
            }
        }
    }
    seen
}

/// Analyzes the labels, codes and descriptions of the concepts in `range`, and the vocabulary's
/// titles of its occupations.
fn analyze_range(
    snapshot: &Snapshot,
    range: std::ops::Range<usize>,
    stemmers: &Stemmers,
    decompounder: &Decompounder,
    vocabulary: &HashMap<ConceptIdx, Vec<Box<str>>>,
) -> (Vec<LabelRow>, Vec<DescriptionRow>) {
    let mut rows = Vec::new();
    let mut descriptions = Vec::new();
    // Labels share most of their words: analyze each (word, language) once.
    let mut cache: HashMap<(String, Lang), Token> = HashMap::default();
    let mut analyze_cached = |text: &str, lang: Lang| -> Vec<Token> {
        analysis::words(text)
            .into_iter()
            .map(|w| {
                cache
                    .entry((w.text, lang))
                    .or_insert_with_key(|(word, lang)| token(stemmers, decompounder, word, *lang))
                    .clone()
            })
            .collect()
    };
    for i in range {
        let idx = ConceptIdx(i as u32);
        let concept = snapshot.concept(idx);
        for label in concept.labels.iter().filter(|l| !is_fragment(l.form, &l.text)) {
            let lang = Lang::from_code(&label.lang);
            rows.push(LabelRow {
                concept: idx,
                kind: concept.kind,
                label_kind: LabelKind::from_form(label.form),
                deprecated: concept.status != crate::model::Status::Released,
                lang: label.lang.clone(),
                language: lang,
                text: label.text.clone(),
                tokens: analyze_cached(&label.text, lang),
            });
        }
        for text in vocabulary.get(&idx).into_iter().flatten() {
            rows.push(LabelRow {
                concept: idx,
                kind: concept.kind,
                label_kind: LabelKind::Vocabulary,
                deprecated: false,
                lang: "nl".into(),
                language: Lang::Nl,
                text: text.clone(),
                tokens: analyze_cached(text, Lang::Nl),
            });
        }
        for code in codes(concept) {
            let token = Token::new(TokenData {
                word: code.as_str().into(),
                key: code.as_str().into(),
                parts: Arc::new([]),
                stop: false,
                verb: None,
            });
            rows.push(LabelRow {
                concept: idx,
                kind: concept.kind,
                label_kind: LabelKind::Code,
                deprecated: concept.status != crate::model::Status::Released,
                lang: "".into(),
                language: Lang::Other,
                text: code.into(),
                tokens: vec![token],
            });
        }
        for d in &concept.descriptions {
            let tokens = analyze_cached(&d.text, Lang::from_code(&d.lang));
            descriptions.push(DescriptionRow { concept: idx, kind: concept.kind, tokens });
        }
        if concept.kind == ConceptKind::IscoGroup {
            rows.extend(member_rows(snapshot, idx, &mut analyze_cached));
        }
    }
    (rows, descriptions)
}

/// Codes by which people look a concept up.
fn codes(concept: &crate::model::Concept) -> Vec<String> {
    let mut out = Vec::new();
    match &concept.details {
        Details::Occupation(o) => {
            out.extend(o.esco_code.as_deref().map(str::to_string));
        }
        Details::IscoGroup { code } => out.push(code.to_string()),
        Details::SkillGroup { code: Some(code) } => out.push(analysis::normalize(code).replace(' ', "")),
        Details::Qualification(q) => out.push(q.crebo.to_string()),
        _ => {}
    }
    out
}

/// The labels of the occupations directly under an ISCO group, as member rows of the group.
fn member_rows(
    snapshot: &Snapshot,
    group: ConceptIdx,
    analyze: &mut impl FnMut(&str, Lang) -> Vec<Token>,
) -> Vec<LabelRow> {
    let mut rows = Vec::new();
    for view in snapshot.relations(group, Dir::Incoming, Some(RelationKind::Broader)) {
        let member = snapshot.concept(view.other);
        if member.kind != ConceptKind::Occupation {
            continue;
        }
        for label in member.labels.iter().filter(|l| l.form != LabelForm::Hidden) {
            let lang = Lang::from_code(&label.lang);
            rows.push(LabelRow {
                concept: group,
                kind: ConceptKind::IscoGroup,
                label_kind: LabelKind::Member,
                deprecated: snapshot.concept(group).status != crate::model::Status::Released,
                lang: label.lang.clone(),
                language: lang,
                text: label.text.clone(),
                tokens: analyze(&label.text, lang),
            });
        }
    }
    rows
}

/// A Dutch preferred skill label of concept 0, analyzed without a compound dictionary: rows for the
/// unit tests of what is learned from labels.
#[cfg(test)]
pub(super) fn test_skill_row(text: &str) -> LabelRow {
    LabelRow {
        concept: ConceptIdx(0),
        kind: ConceptKind::Skill,
        label_kind: LabelKind::Preferred,
        deprecated: false,
        lang: "nl".into(),
        language: Lang::Nl,
        text: text.into(),
        tokens: analyze(&Stemmers::default(), &Decompounder::default(), text, Lang::Nl),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `learn` learns a word from Dutch skill labels with these texts.
    fn learned_from(
        texts: &[String],
        learn: fn(&[LabelRow]) -> rustc_hash::FxHashSet<Arc<str>>,
    ) -> impl Fn(&str) -> bool {
        let rows: Vec<LabelRow> = texts.iter().map(|t| test_skill_row(t)).collect();
        let words = learn(&rows);
        move |word| words.contains(&token(&Stemmers::default(), &Decompounder::default(), word, Lang::Nl).key)
    }

    /// Extraction reads a label word's analysis from the table instead of making it again: it must
    /// be what analyzing the word makes, in each language, after the table is persisted and read
    /// back too (a persisted token may be shared by two languages).
    #[test]
    fn a_label_words_stored_analysis_is_what_analyzing_it_makes() {
        let snapshot =
            crate::ontology::load(&[crate::ontology::SourceSpec::Embedded]).expect("the default ontology loads").0;
        let built = LabelTable::build(&snapshot);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("labels");
        crate::persist::write(&path, "test", &built).expect("the table is written");
        let read: LabelTable = crate::persist::read(&path, "test").expect("the table reads back");
        for table in [&built, &read] {
            let mut checked = 0;
            for row in &table.rows {
                for t in &row.tokens {
                    let stored = table.label_token(&t.word, row.language).expect("every label word is stored");
                    let made = token(&table.stemmers, &table.decompounder, &t.word, row.language);
                    assert_eq!(**stored, *made, "{} ({:?})", t.word, row.language);
                    checked += 1;
                }
            }
            assert!(checked > 1000, "the default ontology has label words");
        }
        assert!(built.label_token("onbekendwoord", Lang::Nl).is_none());
        assert!(built.label_token("", Lang::En).is_none());
    }

    #[test]
    fn a_word_that_ends_many_skill_labels_and_seldom_stands_elsewhere_is_a_verb() {
        let mut texts: Vec<String> = ["kamers", "ramen", "vloeren", "tapijten", "auto's", "boten"]
            .iter()
            .map(|o| format!("{o} schoonmaken"))
            .collect();
        // A plural noun that ends labels too, but leads as many.
        texts.extend(["soorten schepen", "soorten boten", "schepen besturen", "schepen bouwen"].map(String::from));
        // A verb that ends fewer labels than it takes.
        texts.extend(["gasten begroeten", "klanten begroeten"].map(String::from));
        let is_verb = learned_from(&texts, learn_label_verbs);
        assert!(is_verb("schoonmaken"));
        assert!(!is_verb("schepen"));
        assert!(!is_verb("begroeten"));
        assert!(!is_verb("kamers"));
    }

    #[test]
    fn a_word_that_opens_many_skill_labels_before_a_preposition_is_a_frame_word() {
        let objects = ["hout", "glas", "metalen", "kunststoffen", "textiel", "papier", "leer", "steen"];
        let mut texts: Vec<String> = objects.iter().map(|o| format!("eigenschappen van {o}")).collect();
        // Too few labels to be a frame.
        texts.extend(["soorten hout", "soorten glas"].map(String::from));
        // Opens labels before a preposition, but stands in many more.
        texts.extend(objects.iter().map(|o| format!("{o} bewerken")));
        texts.extend(objects.iter().map(|o| format!("{o} verkopen")));
        texts.extend(["bewerken van hout", "bewerken van glas"].map(String::from));
        let is_frame = learned_from(&texts, learn_frame_words);
        assert!(is_frame("eigenschappen"));
        assert!(!is_frame("soorten"));
        assert!(!is_frame("bewerken"));
        assert!(!is_frame("hout"));
    }

    #[test]
    fn an_alternative_label_that_opens_with_a_conjunction_is_a_fragment() {
        assert!(is_fragment(LabelForm::Alternative, "and procedures"));
        assert!(is_fragment(LabelForm::Alternative, "Or tactile clocks."));
        assert!(!is_fragment(LabelForm::Preferred, "and procedures"));
        assert!(!is_fragment(LabelForm::Alternative, "android-ontwikkelaar"));
        assert!(!is_fragment(LabelForm::Alternative, "order picker"));
    }
}
