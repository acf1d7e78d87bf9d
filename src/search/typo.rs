//! Typo tolerance in retrieval: the label words within an edit distance of a word no label has,
//! among those that start with the same letter.
//!
//! tantivy's `FuzzyTermQuery` walks a Levenshtein automaton over the whole term dictionary; for
//! the short labels the loadtest searches that walk was a sixth of a search's instructions
//! (BENCHMARKS.md, "Search speed, session 10"). People seldom mistype a word's first letter, so
//! this query fixes it: the automaton reads the first letter as written, then the rest of the word
//! within the distance, and the walk stays in one letter's part of the dictionary. A slip that
//! swaps the first two letters (`evrpleeg…`) is common in fast typing: [`FirstLetterFuzzy::swapped`]
//! reads the word with those two swapped back. Words compare whole, as tantivy's query did (not
//! their stems: a typo changes what a stemmer makes of a word).
//!
//! [`TypoWalk`] is the same automaton over a sorted word list in memory (the title retrieval of
//! [`super::title_postings`]), so both retrievals find the same words for a typo.

use std::sync::{Arc, OnceLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;

/// The words of `field` within `distance` edits of `word` (transpositions count one) that start
/// with its first letter; every document holding one scores alike, as tantivy's fuzzy query.
#[derive(Debug, Clone)]
pub struct FirstLetterFuzzy {
    field: Field,
    word: String,
    distance: u8,
}

impl FirstLetterFuzzy {
    pub fn new(field: Field, word: &str, distance: u8) -> FirstLetterFuzzy {
        FirstLetterFuzzy { field, word: word.to_string(), distance }
    }

    /// The same query for `word` with its first two letters swapped, when they differ.
    pub fn swapped(field: Field, word: &str, distance: u8) -> Option<FirstLetterFuzzy> {
        let mut chars = word.chars();
        let (first, second) = (chars.next()?, chars.next()?);
        (first != second).then(|| {
            let swapped: String = [second, first].into_iter().chain(chars).collect();
            FirstLetterFuzzy { field, word: swapped, distance }
        })
    }
}

/// One builder per distance (0–2), made once: building one is costly, using it is not.
fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let distance = distance.min(2);
    BUILDERS[distance as usize].get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true))
}

impl FirstLetterFuzzy {
    /// The word's first letter as written, then the rest within the distance.
    fn automaton(&self) -> FirstThenFuzzy {
        let first_len = self.word.chars().next().map_or(0, char::len_utf8);
        let (first, rest) = self.word.split_at(first_len);
        FirstThenFuzzy { first: first.as_bytes().to_vec(), rest: builder(self.distance).build_dfa(rest) }
    }
}

impl Query for FirstLetterFuzzy {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<FirstThenFuzzy>::new(self.field, Arc::new(self.automaton()))))
    }
}

/// The words within `distance` edits of a typo that start with its first letter (or, from
/// [`TypoWalk::swapped`], with its second), as [`FirstLetterFuzzy`] finds them, among the words of
/// a sorted list.
pub struct TypoWalk {
    automaton: FirstThenFuzzy,
}

impl TypoWalk {
    pub fn new(word: &str, distance: u8) -> TypoWalk {
        TypoWalk { automaton: FirstLetterFuzzy::new(Field::from_field_id(0), word, distance).automaton() }
    }

    /// The walk for `word` with its first two letters swapped, when they differ.
    pub fn swapped(word: &str, distance: u8) -> Option<TypoWalk> {
        let query = FirstLetterFuzzy::swapped(Field::from_field_id(0), word, distance)?;
        Some(TypoWalk { automaton: query.automaton() })
    }

    /// The indexes of the matching words in `sorted` (ascending as `str` orders them; `word` reads
    /// an entry's word): only the entries that start with the first letter are read.
    pub fn matches<'a, T>(
        &'a self,
        sorted: &'a [T],
        word: impl Fn(&T) -> &str + 'a,
    ) -> impl Iterator<Item = usize> + 'a {
        let first = self.automaton.first.as_slice();
        let start = sorted.partition_point(|entry| word(entry).as_bytes() < first);
        let end = start + sorted[start..].partition_point(|entry| word(entry).as_bytes().starts_with(first));
        (start..end).filter(move |&i| self.accepts(word(&sorted[i])))
    }

    fn accepts(&self, word: &str) -> bool {
        use tantivy_fst::Automaton;
        let automaton = &self.automaton;
        let mut state = automaton.start();
        for &byte in word.as_bytes() {
            state = automaton.accept(&state, byte);
            if !automaton.can_match(&state) {
                return false;
            }
        }
        automaton.is_match(&state)
    }
}

/// Reads `first` exactly, then the rest of a word through a Levenshtein DFA.
struct FirstThenFuzzy {
    first: Vec<u8>,
    rest: DFA,
}

/// Bytes of `first` read so far, and the DFA's state once all are.
type State = (usize, u32);

impl tantivy_fst::Automaton for FirstThenFuzzy {
    type State = State;

    fn start(&self) -> State {
        (0, self.rest.initial_state())
    }

    fn is_match(&self, state: &State) -> bool {
        state.0 == self.first.len() && matches!(self.rest.distance(state.1), Distance::Exact(_))
    }

    fn can_match(&self, state: &State) -> bool {
        state.1 != SINK_STATE
    }

    fn accept(&self, state: &State, byte: u8) -> State {
        match self.first.get(state.0) {
            Some(expected) if *expected == byte => (state.0 + 1, state.1),
            Some(_) => (state.0, SINK_STATE),
            None => (state.0, self.rest.transition(state.1, byte)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy_fst::Automaton;

    fn accepts(query: &FirstLetterFuzzy, word: &str) -> bool {
        let automaton = query.automaton();
        let mut state = automaton.start();
        for byte in word.bytes() {
            state = automaton.accept(&state, byte);
            if !automaton.can_match(&state) {
                return false;
            }
        }
        automaton.is_match(&state)
    }

    #[test]
    fn the_first_letter_is_kept_and_the_rest_may_hold_typos() {
        let field = Field::from_field_id(0);
        let query = FirstLetterFuzzy::new(field, "lgoistiek", 2);
        assert!(accepts(&query, "logistiek"), "a swap after the first letter");
        assert!(accepts(&query, "lgoistiek"));
        assert!(!accepts(&query, "ogistiek"), "another first letter");
        let query = FirstLetterFuzzy::new(field, "kraamverzorgedne", 2);
        assert!(accepts(&query, "kraamverzorgende"), "whole words, not stems");
        let swapped = FirstLetterFuzzy::swapped(field, "alsser", 1).expect("two different letters");
        assert!(accepts(&swapped, "lasser"), "the first two letters swapped back");
        assert!(FirstLetterFuzzy::swapped(field, "aap", 1).is_none());
        let query = FirstLetterFuzzy::new(field, "ëtiket", 1);
        assert!(accepts(&query, "ëtiket") && !accepts(&query, "etiket"), "a first letter of two bytes");
    }
}
