//! Training paths on full ESCO v1.1.1 with the embedded default (its funding schemes and courses)
//! and a synthetic course register of 1k, 10k, 20k and 100k courses layered on top, generated in
//! process by `vaardig::synth` (seed 2026). `cargo bench --bench planning` (numbers in
//! BENCHMARKS.md); sizes can be picked: `cargo bench --bench planning -- 1000 20000`.
//!
//! After the plans of each size, SuggestSteppingStones is timed too: the transition graph (built once
//! per snapshot) and 500 chains between random occupations.
//!
//! Every call of `planning::suggest_path` (what `PlanningService.SuggestTrainingPath` calls once per
//! request, after validation) is timed and p50/p99/max printed. Profiles are realistic: half the
//! essential skills of a random occupation (and a few of its optional ones); the target is that
//! occupation half of the time (upskilling) and another random occupation otherwise (a switch).
//! Start dates rotate between 2022-09-01 (a STAP application window open: every course in the
//! register starting that year is checked with the funding engine), 2023-06-01 (STAP still valid,
//! but that window's budget ran out and the 300-grants rule needs a fact a plan cannot know) and
//! 2025-01-06 (STAP ended).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vaardig::funding::{FundingEngine, PersonFacts};
use vaardig::matching::{Basis, EvidenceLevel, Held, MatchingIndex, Profile};
use vaardig::model::{ConceptKind, Date, EducationLevel, Importance};
use vaardig::ontology::{self, SourceSpec};
use vaardig::planning::{self, Constraints, Objective, PlanRequest};
use vaardig::synth::{self, Rng};

const SEED: u64 = 2026;

fn shared_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn request(index: &MatchingIndex, rng: &mut Rng, start: Date) -> PlanRequest {
    let occupations = index.occupations();
    let origin = &occupations[rng.below(occupations.len())];
    let mut held = Vec::new();
    for r in &origin.requirements {
        let keep = match r.importance {
            Importance::Essential => rng.chance(0.5),
            Importance::Optional => rng.chance(0.2),
        };
        if keep {
            held.push(Held { skill: r.skill, basis: Basis::Claim(EvidenceLevel::Ungraded) });
        }
    }
    let target = if rng.chance(0.5) { origin.concept } else { occupations[rng.below(occupations.len())].concept };
    PlanRequest {
        target,
        profile: Profile::of(held),
        person: PersonFacts {
            age: Some(25 + rng.below(40) as u32),
            labour_market_tie: Some(true),
            education: Some([EducationLevel::Mbo2, EducationLevel::Mbo4, EducationLevel::Bachelor][rng.below(3)]),
            studiefinanciering: Some(false),
            lerarenbeurs: Some(false),
            tegemoetkoming: Some(false),
            ..PersonFacts::default()
        },
        constraints: Constraints {
            start,
            horizon_years: 3,
            hours_per_week: if rng.chance(0.5) { Some(8 + rng.below(24) as u32) } else { None },
            modes: vec![],
            region: None,
            own_budget_per_year_cents: if rng.chance(0.5) { Some(250_000) } else { None },
            employer_budget_cents: if rng.chance(0.3) { 300_000 } else { 0 },
        },
    }
}

/// Where the time of one slow request goes: finding the candidates, pricing the survivors of the
/// first reduction, then each objective (its own reduction and search).
fn diagnose(index: &MatchingIndex, funding: &FundingEngine, request: &PlanRequest, took: Duration) {
    let Some(slot) = index.occupation_slot(request.target) else { return };
    let entry = &index.occupations()[slot];
    let credits = vaardig::matching::Credits::expand(index, &request.profile.held);
    let started = Instant::now();
    let found = planning::find_candidates(index, &entry.requirements, &credits, &request.constraints);
    let found_in = started.elapsed();
    let started = Instant::now();
    let mut asker = planning::FundingAsker::new(funding, &request.person, request.constraints.start);
    let priced = planning::price_candidates(index, &mut asker, &request.constraints, &entry.requirements, &credits);
    let priced_in = started.elapsed();
    let instance = &priced.instance;
    let target = planning::value_target(instance.max_value(), planning::GOOD_ENOUGH_SHARE);
    let mut parts = Vec::new();
    for objective in [Objective::Cheapest, Objective::Fastest, Objective::MostComplete] {
        let reduced = planning::reduce_dominated(instance, objective).len();
        let started = Instant::now();
        let choice = planning::choose_items(instance, objective, target);
        let approximate = if choice.bound.is_some() { ", approximate" } else { "" };
        parts.push(format!("{objective:?} {reduced} items {}{approximate}", ms(started.elapsed())));
    }
    println!(
        "          slow: {} | {} candidates found in {} | {} survive the first reduction (found and priced in {}) | {}",
        ms(took),
        found.list.len(),
        ms(found_in),
        instance.items.len(),
        ms(priced_in),
        parts.join(" · ")
    );
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if args.is_empty() { vec![1_000, 10_000, 20_000, 100_000] } else { args };
    let esco = shared_data().join("esco-v1.1.1");
    let base = ontology::load(&[SourceSpec::Path(esco.clone()), SourceSpec::Embedded]).expect("ESCO + default").0;
    println!("planning benchmark: ESCO v1.1.1 + embedded default + synthetic register (seed {SEED})");
    for size in sizes {
        let started = Instant::now();
        let register = synth::generate(&base, SEED, size);
        let generated = started.elapsed();
        let dir = tempfile::tempdir().expect("a temporary folder");
        register.write(dir.path()).expect("write the register");
        let started = Instant::now();
        let (snapshot, report) = ontology::load(&[
            SourceSpec::Path(esco.clone()),
            SourceSpec::Embedded,
            SourceSpec::Path(dir.path().to_path_buf()),
        ])
        .unwrap_or_else(|e| panic!("the synthetic register layers: {e}"));
        assert_eq!(report.error_count(), 0);
        let loaded = started.elapsed();
        let snapshot = Arc::new(snapshot);
        let started = Instant::now();
        let index = MatchingIndex::build(snapshot.clone());
        let funding = FundingEngine::build(snapshot.clone());
        let built = started.elapsed();
        let courses = snapshot.concepts_of(ConceptKind::Course).count();

        let calls = if size >= 100_000 { 300 } else { 500 };
        let mut rng = Rng::new(SEED ^ size as u64);
        let starts = [Date::new(2022, 9, 1).unwrap(), Date::new(2023, 6, 1).unwrap(), Date::new(2025, 1, 6).unwrap()];
        let mut times = Vec::with_capacity(calls);
        let mut slowest: Vec<(Duration, PlanRequest)> = Vec::new();
        // Split by whether the optimiser may search exactly (≤ EXACT_LIMIT candidates) or not.
        let (mut exact, mut greedy) = (Vec::new(), Vec::new());
        let (mut candidates, mut steps, mut approximate) = (0usize, 0usize, 0usize);
        for call in 0..calls {
            let request = request(&index, &mut rng, starts[call % 3]);
            let started = Instant::now();
            let plan = planning::suggest_path(&index, &funding, &request).expect("targets are occupations");
            let took = started.elapsed();
            times.push(took);
            slowest.push((took, request.clone()));
            slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
            slowest.truncate(3);
            if plan.candidates <= planning::EXACT_LIMIT {
                exact.push(took)
            } else {
                greedy.push(took)
            }
            candidates += plan.candidates;
            steps += plan.options.iter().map(|o| o.steps.len()).sum::<usize>();
            approximate += plan.options.iter().filter(|o| o.bound.is_some()).count();
        }
        times.sort();
        println!(
            "{size:>7} synthetic ({courses} courses): generate {} · load {} · engines {} | {calls} plans: p50 {} · p99 {} · max {} | avg {:.1} candidates, {:.1} steps/plan, {:.1}% options approximate",
            ms(generated),
            ms(loaded),
            ms(built),
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap()),
            candidates as f64 / calls as f64,
            steps as f64 / calls as f64,
            approximate as f64 * 100.0 / (calls * 3) as f64,
        );
        for (took, request) in &slowest {
            diagnose(&index, &funding, request, *took);
        }
        for (name, mut list) in [("≤ EXACT_LIMIT candidates", exact), ("> EXACT_LIMIT candidates", greedy)] {
            if list.is_empty() {
                continue;
            }
            list.sort();
            println!(
                "          {name}: {} plans, p50 {} · p99 {} · max {}",
                list.len(),
                ms(percentile(&list, 0.50)),
                ms(percentile(&list, 0.99)),
                ms(*list.last().unwrap())
            );
        }
        stepping_stones(&index, &mut rng);
    }
}

/// SuggestSteppingStones: building the transition graph once (it depends on the register's
/// prices), then chains between random occupations — from a given occupation, or from the best
/// fit of a profile holding half of an occupation's requirements.
fn stepping_stones(index: &MatchingIndex, rng: &mut Rng) {
    let started = Instant::now();
    let graph = planning::TransitionGraph::build(index);
    let built = started.elapsed();
    let occupations = index.occupations();
    let mut times = Vec::new();
    let (mut moves, mut reachable) = (0usize, 0usize);
    for call in 0..500 {
        let origin = &occupations[rng.below(occupations.len())];
        let target = occupations[rng.below(occupations.len())].concept;
        let (profile, from) = if call % 3 == 0 {
            let held = origin
                .requirements
                .iter()
                .filter(|_| rng.chance(0.5))
                .map(|r| Held { skill: r.skill, basis: Basis::Claim(EvidenceLevel::Ungraded) })
                .collect();
            (Profile::of(held), None)
        } else {
            (Profile::of(Vec::new()), Some(origin.concept))
        };
        let started = Instant::now();
        let Ok(answer) =
            planning::suggest_stepping_stones(index, &graph, &profile, from, target, planning::DEFAULT_MAX_MOVES)
        else {
            continue;
        };
        times.push(started.elapsed());
        if let Some(chain) = &answer.chain {
            reachable += 1;
            moves += chain.len();
        }
    }
    times.sort();
    println!(
        "          stepping stones: graph built in {} | {} chains: p50 {} · p99 {} · max {} | {:.0}% reachable, {:.1} moves on average",
        ms(built),
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap()),
        reachable as f64 * 100.0 / times.len() as f64,
        moves as f64 / reachable.max(1) as f64,
    );
}
