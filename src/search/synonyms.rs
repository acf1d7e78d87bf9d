//! Dutch words that stand for each other in job titles, learned from the ontology's own labels.
//!
//! One occupation's labels often differ in one word only: "docent scheikunde" / "leraar
//! scheikunde", "buschauffeur" / "busbestuurder", "bedrijfsleider winkel" / "manager winkel".
//! Such a substitution, seen in the labels of at least [`MIN_CONCEPTS`] concepts, makes the two
//! words synonyms for search: a title with one finds labels with the other, at a quality below
//! a direct match ([`super::rank`]). Compounds that share their modifier and differ in their head
//! teach the heads (`chauffeur` / `bestuurder`).

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::labels::{LabelKind, LabelRow};

/// Fewest concepts whose labels show a substitution before it counts.
const MIN_CONCEPTS: u32 = 2;
/// Most synonyms kept per word (the most often seen).
const MAX_SYNONYMS: usize = 4;
/// Belgian Dutch words of work and their counterparts in the Netherlands Dutch that most labels
/// use. Flemish job titles and competences (VDAB) write `zaakvoerder`, `kinesist`, `stalen
/// afnemen`; labels say `bedrijfsleider`, `fysiotherapeut`, `monsters afnemen`. Written by us from
/// the Belgian entries of the Dutch dictionaries (Van Dale marks them "Belgisch-Nederlands"); only
/// one-word pairs whose meaning is the same in the world of work (not `bestuurder`, a director in
/// Flanders and a driver in the Netherlands). Each pair counts both ways.
const BELGIAN_DUTCH: &[(&str, &str)] = &[
    ("bediende", "medewerker"),
    ("zaakvoerder", "bedrijfsleider"),
    ("uitbater", "exploitant"),
    ("kinesist", "fysiotherapeut"),
    ("kinesitherapeut", "fysiotherapeut"),
    ("vroedvrouw", "verloskundige"),
    ("opvoeder", "begeleider"),
    ("onthaal", "receptie"),
    ("kuisen", "schoonmaken"),
    ("kuisvrouw", "schoonmaakster"),
    ("poetsvrouw", "schoonmaakster"),
    ("dienster", "serveerster"),
    ("garagist", "garagehouder"),
    ("schrijnwerker", "timmerman"),
    ("vloerder", "vloerlegger"),
    ("werfleider", "uitvoerder"),
    ("meestergast", "voorman"),
    ("werf", "bouwplaats"),
    ("technieker", "technicus"),
    ("camion", "vrachtwagen"),
    ("onderwijzer", "leraar"),
    ("secundair", "voortgezet"),
    ("labo", "laboratorium"),
    ("staal", "monster"),
    ("stalen", "monsters"),
    ("noden", "behoeften"),
    ("opvolgen", "bewaken"),
    ("opvolging", "bewaking"),
    ("aankoop", "inkoop"),
    ("aankopen", "inkopen"),
    ("facturatie", "facturering"),
    ("attest", "certificaat"),
    ("uurrooster", "rooster"),
    ("herstellen", "repareren"),
    ("herstelling", "reparatie"),
    ("diensthoofd", "afdelingshoofd"),
];

/// Word key → keys of its synonyms, most often seen first.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Synonyms {
    #[serde(with = "crate::persist::shared_lists")]
    entries: HashMap<Arc<str>, Vec<Arc<str>>>,
}

impl Synonyms {
    /// Learns from the Dutch labels of each concept (rows of a concept are contiguous), and adds
    /// [`BELGIAN_DUTCH`] (as analyzed by `key`) first.
    pub fn learn(rows: &[LabelRow], key: impl Fn(&str) -> Arc<str>) -> Synonyms {
        let mut counts: HashMap<(Arc<str>, Arc<str>), u32> = HashMap::default();
        let mut start = 0;
        while start < rows.len() {
            let concept = rows[start].concept;
            let end = rows[start..].iter().position(|r| r.concept != concept).map_or(rows.len(), |n| start + n);
            let labels: Vec<Vec<&super::labels::Token>> = rows[start..end]
                .iter()
                .filter(|r| {
                    &*r.lang == "nl"
                        && matches!(r.label_kind, LabelKind::Preferred | LabelKind::Alternative | LabelKind::Hidden)
                })
                .map(|r| r.tokens.iter().filter(|t| !t.stop).collect())
                .collect();
            start = end;
            let mut seen: Vec<(Arc<str>, Arc<str>)> = Vec::new();
            for (i, a) in labels.iter().enumerate() {
                for b in &labels[i + 1..] {
                    if a.len() != b.len() {
                        continue;
                    }
                    let differing: Vec<usize> = (0..a.len()).filter(|&k| a[k].key != b[k].key).collect();
                    let [k] = differing[..] else { continue };
                    let (x, y) = (a[k], b[k]);
                    let mut pairs = vec![(x.key.clone(), y.key.clone())];
                    // Compounds with the same modifier and another head teach the heads.
                    if x.parts.len() >= 2
                        && y.parts.len() >= 2
                        && x.parts[..x.parts.len() - 1] == y.parts[..y.parts.len() - 1]
                    {
                        pairs.push((x.parts[x.parts.len() - 1].clone(), y.parts[y.parts.len() - 1].clone()));
                    }
                    for (p, q) in pairs {
                        if p != q && !seen.contains(&(p.clone(), q.clone())) {
                            seen.push((q.clone(), p.clone()));
                            seen.push((p, q));
                        }
                    }
                }
            }
            for pair in seen {
                *counts.entry(pair).or_default() += 1;
            }
        }
        let mut entries: HashMap<Arc<str>, Vec<(Arc<str>, u32)>> = HashMap::default();
        for ((a, b), n) in counts {
            if n >= MIN_CONCEPTS {
                entries.entry(a).or_default().push((b, n));
            }
        }
        let mut entries: HashMap<Arc<str>, Vec<Arc<str>>> = entries
            .into_iter()
            .map(|(word, mut list)| {
                list.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
                (word, list.into_iter().take(MAX_SYNONYMS).map(|(k, _)| k).collect())
            })
            .collect();
        for (belgian, dutch) in BELGIAN_DUTCH {
            let (belgian, dutch) = (key(belgian), key(dutch));
            for (a, b) in [(&belgian, &dutch), (&dutch, &belgian)] {
                let list = entries.entry(a.clone()).or_default();
                if !list.contains(b) {
                    list.insert(0, b.clone());
                    list.truncate(MAX_SYNONYMS);
                }
            }
        }
        Synonyms { entries }
    }

    /// The synonyms of a word key (empty when none was learned).
    pub fn of(&self, key: &str) -> &[Arc<str>] {
        self.entries.get(key).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belgian_dutch_words_stand_for_their_netherlands_counterparts_both_ways() {
        let synonyms = Synonyms::learn(&[], |word: &str| Arc::from(word));
        assert_eq!(synonyms.of("zaakvoerder"), [Arc::<str>::from("bedrijfsleider")]);
        assert_eq!(synonyms.of("bedrijfsleider"), [Arc::<str>::from("zaakvoerder")]);
        assert!(synonyms.of("bestuurder").is_empty(), "a director in Flanders, a driver in the Netherlands");
    }
}
