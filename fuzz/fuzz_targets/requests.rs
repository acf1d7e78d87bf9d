//! Request conversion, wire to domain and back: arbitrary bytes decoded as the request of one of the
//! unary RPCs (the first byte picks which) and handed to the real handler over the embedded
//! ontology. Every input must end in an answer or a status (INVALID_ARGUMENT naming the field,
//! NOT_FOUND, …), never a panic.

#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use prost::Message;
use tonic::Request;
use vaardig::engine::{Engines, LiveEngines};
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1::concept_service_server::ConceptService;
use vaardig::proto::v1::funding_service_server::FundingService;
use vaardig::proto::v1::matching_service_server::MatchingService;
use vaardig::proto::v1::planning_service_server::PlanningService;
use vaardig::proto::v1::search_service_server::SearchService;
use vaardig::server::{
    concepts::ConceptApi, funding::FundingApi, matching::MatchingApi, planning::PlanningApi, search::SearchApi,
};

struct Apis {
    concepts: ConceptApi,
    search: SearchApi,
    matching: MatchingApi,
    funding: FundingApi,
    planning: PlanningApi,
    runtime: tokio::runtime::Runtime,
}

fn apis() -> &'static Apis {
    static APIS: OnceLock<Apis> = OnceLock::new();
    APIS.get_or_init(|| {
        let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("the embedded ontology loads").0;
        let live = LiveEngines::new(Arc::new(Engines::build(Arc::new(snapshot))));
        Apis {
            concepts: ConceptApi::new(live.clone()),
            search: SearchApi::new(live.clone()),
            matching: MatchingApi::new(live.clone()),
            funding: FundingApi::new(live.clone()),
            planning: PlanningApi::new(live),
            runtime: tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime"),
        }
    })
}

/// Decodes `bytes` as `T` and runs `call` on it; undecodable bytes are tonic's job, not ours.
fn run<T: Message + Default, F: std::future::Future>(bytes: &[u8], call: impl FnOnce(Request<T>) -> F) {
    if let Ok(message) = T::decode(bytes) {
        apis().runtime.block_on(call(Request::new(message)));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let a = apis();
    match selector % 14 {
        0 => run(bytes, |r| a.concepts.get_concept(r)),
        1 => run(bytes, |r| a.concepts.batch_get_concepts(r)),
        2 => run(bytes, |r| a.concepts.list_relations(r)),
        3 => run(bytes, |r| a.concepts.get_hierarchy(r)),
        4 => run(bytes, |r| a.search.search(r)),
        5 => run(bytes, |r| a.search.suggest(r)),
        6 => run(bytes, |r| a.search.extract_concepts(r)),
        7 => run(bytes, |r| a.matching.compute_skill_gap(r)),
        8 => run(bytes, |r| a.matching.match_occupations(r)),
        9 => run(bytes, |r| a.matching.related_occupations(r)),
        10 => run(bytes, |r| a.funding.check_eligibility(r)),
        11 => run(bytes, |r| a.funding.list_funding_schemes(r)),
        12 => run(bytes, |r| a.funding.get_funding_scheme(r)),
        _ => run(bytes, |r| a.planning.suggest_training_path(r)),
    }
});
