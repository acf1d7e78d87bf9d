//! Concept references encoded once per snapshot and display language.
//!
//! Every row of a skill gap, a match or a suggestion names a concept by reference (id, kind,
//! label). Building that reference copied the id and the label into new strings for every row of
//! every answer, and prost encoded them again: a quarter of a skill gap's server time, mostly cache
//! misses on the concept, its label table and its strings. [`EncodedRefs`] keeps the encoding of
//! each concept's reference the first time an answer names it, per display language with a label
//! column of its own in the snapshot (`nl`, `en`); an answer then carries a shared handle to those
//! bytes ([`crate::proto::ConceptRef`]'s cached form), which the encoder copies as they are. Other
//! languages (`en-gb`, `de`, …) are built as before.
//!
//! The cache belongs to the engines of one snapshot ([`crate::engine::Engines::refs`]), so a reload
//! starts a new one and a request pinned to the old snapshot keeps reading the old one. It is
//! filled lazily (a concept nobody asks for costs its empty slot: 2 × 16 bytes).

use std::sync::OnceLock;

use super::response;
use crate::ontology::{ConceptIdx, Snapshot};
use crate::proto::{ConceptRef, EncodedRef};

/// The display languages with a cached column, in the snapshot's label-table order.
const LANGS: [&str; 2] = ["nl", "en"];

/// Per concept and cached language, its reference's encoding, made on first use.
#[derive(Debug, Default)]
pub struct EncodedRefs {
    slots: Box<[[OnceLock<EncodedRef>; 2]]>,
}

impl EncodedRefs {
    /// Empty slots for the `concepts` concepts of a snapshot.
    pub fn new(concepts: usize) -> EncodedRefs {
        EncodedRefs { slots: (0..concepts).map(|_| Default::default()).collect() }
    }

    /// The reference of `idx` with its label in `lang`, as [`response::concept_ref`] builds it; for
    /// `nl` and `en` a handle on its encoding, made once.
    pub fn get(&self, snapshot: &Snapshot, idx: ConceptIdx, lang: &str) -> ConceptRef {
        let column = LANGS.iter().position(|l| *l == lang);
        match (column, self.slots.get(idx.0 as usize)) {
            (Some(column), Some(slot)) => {
                slot[column].get_or_init(|| EncodedRef::of(&response::concept_ref(snapshot, idx, lang))).to_ref()
            }
            _ => response::concept_ref(snapshot, idx, lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use prost::Message;
    use tonic::Request;

    use super::*;
    use crate::engine::{Engines, LiveEngines};
    use crate::ontology::{self, SourceSpec};
    use crate::proto::v1 as pb;
    use crate::proto::v1::matching_service_server::MatchingService;
    use crate::proto::v1::search_service_server::SearchService;

    fn engines() -> Arc<LiveEngines> {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).unwrap().0;
        LiveEngines::new(Arc::new(Engines::build(Arc::new(snapshot))))
    }

    #[test]
    fn every_cached_reference_is_the_plain_conversion_on_the_wire() {
        let live = engines();
        let engines = live.current();
        let snapshot = &*engines.snapshot;
        for (idx, _) in snapshot.concepts() {
            for lang in ["nl", "en", "en-gb", "de"] {
                let plain = response::concept_ref(snapshot, idx, lang);
                let sent = engines.refs.get(snapshot, idx, lang);
                assert_eq!(sent.is_cached(), lang == "nl" || lang == "en");
                assert_eq!(sent.encode_to_vec(), plain.encode_to_vec(), "{idx:?} {lang}");
                // Asked again: the same bytes from the cache.
                assert_eq!(engines.refs.get(snapshot, idx, lang).encode_to_vec(), plain.encode_to_vec());
                assert_eq!(ConceptRef::decode(&sent.encode_to_vec()[..]).unwrap(), plain);
            }
        }
    }

    /// Encodes a whole answer as the server sends it, decodes it with the generated types as a
    /// client does, and checks every reference in it against the plain conversion; encoding the
    /// decoded answer again (now with plain references only) gives the same bytes.
    fn check_answer<M: Message + Default>(
        answer: &M,
        refs_of: impl Fn(&M) -> Vec<&ConceptRef>,
        snapshot: &Snapshot,
        lang: &str,
    ) {
        let bytes = answer.encode_to_vec();
        let decoded = M::decode(&bytes[..]).unwrap();
        assert_eq!(decoded.encode_to_vec(), bytes, "the decoded answer encodes to the same bytes");
        let sent = refs_of(answer);
        let received = refs_of(&decoded);
        assert!(!received.is_empty());
        assert!(sent.iter().all(|r| r.is_cached()), "the answer was built from the cache");
        for r in received {
            assert!(!r.is_cached() && !r.id.is_empty() && !r.label.is_empty());
            let idx = snapshot.lookup(&r.id).unwrap();
            assert_eq!(*r, response::concept_ref(snapshot, idx, lang));
        }
    }

    fn gap_refs(a: &pb::ComputeSkillGapResponse) -> Vec<&ConceptRef> {
        let rows = a.covered.iter().chain(&a.partly_covered).chain(&a.missing);
        a.occupation.iter().chain(rows.flat_map(|r| r.skill.iter().chain(&r.via_skill))).collect()
    }

    fn suggest_refs(a: &pb::SuggestResponse) -> Vec<&ConceptRef> {
        a.suggestions.iter().filter_map(|s| s.concept.as_ref()).collect()
    }

    #[tokio::test]
    async fn gap_and_suggest_answers_decode_to_the_plain_conversion() {
        let live = engines();
        let current = live.current();
        let snapshot = &*current.snapshot;
        let index = &current.matching;
        let occupation = index.occupations().iter().max_by_key(|o| o.requirements.len()).unwrap();
        // Half of its skills held: covered and missing rows.
        let skills: Vec<pb::SkillClaim> = occupation
            .requirements
            .iter()
            .step_by(2)
            .map(|r| pb::SkillClaim { skill_id: snapshot.concept(r.skill).id.to_string(), ..Default::default() })
            .collect();
        let matching = super::super::matching::MatchingApi::new(live.clone());
        for (lang, view) in [("nl", pb::ExplanationView::Basic), ("en", pb::ExplanationView::Full)] {
            let request = pb::ComputeSkillGapRequest {
                profile: Some(pb::Profile { skills: skills.clone(), ..Default::default() }),
                occupation_id: snapshot.concept(occupation.concept).id.to_string(),
                lang: lang.into(),
                view: view as i32,
            };
            let answer = matching.compute_skill_gap(Request::new(request)).await.unwrap().into_inner();
            assert!(!answer.covered.is_empty() && !answer.missing.is_empty());
            check_answer(&answer, gap_refs, snapshot, lang);
        }
        let search = super::super::search::SearchApi::new(live.clone());
        let request = pb::SuggestRequest { prefix: "verpl".into(), lang: "nl".into(), ..Default::default() };
        let answer = search.suggest(Request::new(request)).await.unwrap().into_inner();
        check_answer(&answer, suggest_refs, snapshot, "nl");
    }
}
