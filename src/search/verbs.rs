//! Dutch verbs as people write them in running text, back to the infinitive that labels use.
//!
//! Skill labels are written with infinitives ("medicatie toedienen", "roosters opstellen",
//! "heftruck rijden"); people write finite verbs, often split: "ik dien medicatie toe", "ik stel
//! roosters op", "ik reed elke dag heftruck". This module turns a finite form into the infinitive
//! the label vocabulary knows:
//!
//! - present tense, first to third person: `werk`, `werkt` → `werken`; `stel` → `stellen`;
//!   `maak` → `maken`; `geef` → `geven`; `lees` → `lezen`;
//! - regular past tense: `werkte`, `verzorgde`, `stelden` → the stem, then as above;
//! - the common strong verbs' past tense (`reed` → `rijden`, `hielp` → `helpen`), also behind an
//!   inseparable prefix (`onderhield` → `onderhouden`);
//! - a separable particle later in the clause joins the verb: `dien … toe` → `toedienen`.
//!
//! A guess counts only when the vocabulary (every word of every label) knows it, so an unknown
//! word is never turned into a verb that no label uses.

/// Particles of separable verbs (the ones that are also stop words are listed too: the particle is
/// read from every word of the clause, not only content words).
pub const PARTICLES: &[&str] = &[
    "aan", "af", "bij", "door", "in", "mee", "na", "om", "op", "over", "toe", "uit", "voor", "terug", "samen", "vast",
    "los", "weg", "neer", "rond", "klaar", "schoon", "vrij", "tegen", "achter", "open", "dicht", "bijeen",
];

/// Past tense of common strong and irregular verbs → infinitive (singular forms; the plural adds
/// `-en`, handled by the caller). `las` (of `lezen`) is left out: in a CV it is far more often the
/// present of `lassen` (to weld).
const STRONG_PAST: &[(&str, &str)] = &[
    ("reed", "rijden"),
    ("deed", "doen"),
    ("gaf", "geven"),
    ("hielp", "helpen"),
    ("nam", "nemen"),
    ("zag", "zien"),
    ("sprak", "spreken"),
    ("schreef", "schrijven"),
    ("kreeg", "krijgen"),
    ("hield", "houden"),
    ("liep", "lopen"),
    ("droeg", "dragen"),
    ("bracht", "brengen"),
    ("dacht", "denken"),
    ("zocht", "zoeken"),
    ("kocht", "kopen"),
    ("stond", "staan"),
    ("ging", "gaan"),
    ("kwam", "komen"),
    ("zat", "zitten"),
    ("lag", "liggen"),
    ("bood", "bieden"),
    ("bond", "binden"),
    ("hing", "hangen"),
    ("vond", "vinden"),
    ("sloot", "sluiten"),
    ("begon", "beginnen"),
    ("bleef", "blijven"),
    ("trok", "trekken"),
    ("hief", "heffen"),
    ("schoof", "schuiven"),
    ("wees", "wijzen"),
    ("koos", "kiezen"),
    ("vloog", "vliegen"),
    ("ving", "vangen"),
    ("woog", "wegen"),
    ("mat", "meten"),
    ("sneed", "snijden"),
    ("streek", "strijken"),
    ("sloeg", "slaan"),
    ("verliet", "verlaten"),
    ("liet", "laten"),
    ("riep", "roepen"),
    ("viel", "vallen"),
    ("hing", "hangen"),
    ("dreef", "drijven"),
    ("greep", "grijpen"),
    ("keek", "kijken"),
    ("leek", "lijken"),
    ("stak", "steken"),
    ("brak", "breken"),
    ("trad", "treden"),
    ("at", "eten"),
    ("zong", "zingen"),
    ("dronk", "drinken"),
    ("won", "winnen"),
    ("zwom", "zwemmen"),
    ("vocht", "vechten"),
    ("sprong", "springen"),
];

/// Each past of [`STRONG_PAST`] with its places in the list, built on first use.
fn strong_pasts() -> &'static rustc_hash::FxHashMap<&'static str, Vec<usize>> {
    static PASTS: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, Vec<usize>>> = std::sync::OnceLock::new();
    PASTS.get_or_init(|| {
        let mut pasts: rustc_hash::FxHashMap<&'static str, Vec<usize>> = Default::default();
        for (at, (past, _)) in STRONG_PAST.iter().enumerate() {
            pasts.entry(*past).or_default().push(at);
        }
        pasts
    })
}

/// Inseparable prefixes that may stand before a strong past form (`onderhield`, `beschreef`).
const PREFIXES: &[&str] = &["be", "ver", "ont", "onder", "over", "her", "door", "voor", "mis", "er", "ge"];

/// Infinitive candidates of a finite verb form, most likely first. The caller keeps the first one
/// its vocabulary knows.
pub fn infinitive_candidates(word: &str) -> Vec<String> {
    // (Room for the usual dozen guesses: grown step by step, the vector was a twentieth of an
    // extraction's allocations.)
    let mut out: Vec<String> = Vec::with_capacity(16);
    let chars = word.chars().count();
    if chars < 2 {
        return out;
    }
    // Strong past tense, singular or plural, possibly behind an inseparable prefix.
    // The plural adds -en, writing a long vowel single in the open syllable (reed → reden).
    let singular = word.strip_suffix("en").filter(|s| s.chars().count() >= 2);
    let long_vowel = singular.and_then(|s| {
        let c: Vec<char> = s.chars().collect();
        let n = c.len();
        (n >= 2 && "aeou".contains(c[n - 2]) && !"aeiou".contains(c[n - 1]))
            .then(|| c[..n - 1].iter().chain(&c[n - 2..]).collect::<String>())
    });
    for form in std::iter::once(word).chain(singular).chain(long_vowel.as_deref()) {
        // The form is a past behind no prefix or one of the inseparable ones: looked up, in the
        // order of the list (a scan of the whole list per word was a fifth of an extraction).
        let mut found: Vec<(usize, &str)> = std::iter::once("")
            .chain(PREFIXES.iter().copied().filter(|p| form.starts_with(p)))
            .flat_map(|prefix| {
                strong_pasts().get(&form[prefix.len()..]).into_iter().flatten().map(move |&at| (at, prefix))
            })
            .collect();
        found.sort_unstable();
        out.extend(found.into_iter().map(|(at, prefix)| [prefix, STRONG_PAST[at].1].concat()));
    }
    // Regular past tense: stem + de/te (plural den/ten).
    for suffix in ["den", "ten", "de", "te"] {
        if let Some(stem) = word.strip_suffix(suffix).filter(|s| s.chars().count() >= 3) {
            present_stem_infinitives(stem, &mut out);
        }
    }
    // Present tense: stem, stem + t.
    present_stem_infinitives(word, &mut out);
    if let Some(stem) = word.strip_suffix('t').filter(|s| s.chars().count() >= 2) {
        present_stem_infinitives(stem, &mut out);
    }
    // A Dutch infinitive has at least four letters (`gaan`, `doen`): a shorter guess is another
    // language's word (`nu` is no `nun`).
    out.retain(|c| c.chars().count() >= MIN_INFINITIVE);
    out.dedup();
    out
}

/// Fewest letters of a Dutch infinitive.
const MIN_INFINITIVE: usize = 4;

/// Infinitives of a present-tense stem: `werk` → `werken`; `stel` → `stellen` (short vowel, the
/// consonant doubles); `maak` → `maken` (long vowel written single in an open syllable); `geef` →
/// `geven`, `lees` → `lezen` (f/s voice to v/z); `doe` → `doen`.
/// (Pieces are joined with `concat`, one allocation each: through `format!` they were a twentieth
/// of an extraction.)
fn present_stem_infinitives(stem: &str, out: &mut Vec<String>) {
    out.push([stem, "en"].concat());
    out.push([stem, "n"].concat());
    // The last three letters, last first, with where each begins (no vector of the stem's letters).
    let mut from_end = stem.char_indices().rev();
    let (Some((at_last, last)), Some((at_before, before))) = (from_end.next(), from_end.next()) else {
        return;
    };
    let third = from_end.next().map(|(_, c)| c);
    let vowel = |ch: char| "aeiou".contains(ch);
    // A single short vowel before a final consonant: the consonant doubles (stel → stellen).
    if !vowel(last) && vowel(before) && !third.is_some_and(vowel) {
        out.push([stem, &stem[at_last..], "en"].concat());
    }
    // A doubled vowel before the final consonant: written single (maak → maken).
    if third == Some(before) && !vowel(last) && "aeou".contains(before) {
        let undoubled = [&stem[..at_before], &stem[at_last..]].concat();
        out.push([&undoubled, "en"].concat());
        let voiced = voiced(&undoubled);
        if voiced != undoubled {
            out.push([&voiced, "en"].concat());
        }
    }
    // f/s after a long vowel or a diphthong voice to v/z (geef → geven, schrijf → schrijven).
    let voiced = voiced(stem);
    if voiced != stem {
        out.push([&voiced, "en"].concat());
    }
}

/// The stem with a final `f` or `s` voiced to `v` or `z`.
fn voiced(stem: &str) -> String {
    if let Some(s) = stem.strip_suffix('f') {
        [s, "v"].concat()
    } else if let Some(s) = stem.strip_suffix('s') {
        [s, "z"].concat()
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_known(word: &str, known: &[&str]) -> Option<String> {
        infinitive_candidates(word).into_iter().find(|c| known.contains(&c.as_str()))
    }

    #[test]
    fn no_guess_is_shorter_than_a_dutch_infinitive() {
        assert!(!infinitive_candidates("nu").contains(&"nun".to_string()), "`nu` is no verb");
        assert!(infinitive_candidates("doe").contains(&"doen".to_string()));
    }

    #[test]
    fn finite_forms_reach_the_infinitive() {
        let known = [
            "werken",
            "stellen",
            "maken",
            "geven",
            "lezen",
            "schrijven",
            "rijden",
            "helpen",
            "verzorgen",
            "dienen",
            "onderhouden",
            "doen",
            "voeren",
            "lassen",
        ];
        for (form, infinitive) in [
            ("werk", "werken"),
            ("werkt", "werken"),
            ("werkte", "werken"),
            ("stel", "stellen"),
            ("maak", "maken"),
            ("maakte", "maken"),
            ("geef", "geven"),
            ("lees", "lezen"),
            ("schrijf", "schrijven"),
            ("reed", "rijden"),
            ("reden", "rijden"),
            ("hielp", "helpen"),
            ("verzorg", "verzorgen"),
            ("verzorgde", "verzorgen"),
            ("dien", "dienen"),
            ("onderhield", "onderhouden"),
            ("doe", "doen"),
            ("voerde", "voeren"),
            ("las", "lassen"),
        ] {
            assert_eq!(first_known(form, &known).as_deref(), Some(infinitive), "{form}");
        }
    }

    #[test]
    fn unknown_guesses_are_not_made() {
        assert_eq!(first_known("tafel", &["werken"]), None);
    }
}
