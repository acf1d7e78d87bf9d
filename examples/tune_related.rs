//! Fits the weights of the career-transition ranking (`matching::RANKING`) on the
//! O*NET-expert development set, cross-validated: the origins are split in two halves; the weights
//! that score best on one half are measured on the other, and the weights in use are measured on
//! both. The set is read from ../shared/data/eval to measure only: nothing of it enters the code but
//! the handful of fitted weights.
//!
//! `cargo run --release --example tune_related` (about a minute on full ESCO).

use std::io::Read;
use std::sync::Arc;

use vaardig::eval::related::{RelatedJudged, read_related};
use vaardig::matching::{
    self, Credits, MatchingIndex, RANKING, TransitionCandidate as Candidate, TransitionRanking as Ranking,
};
use vaardig::ontology::{self, SourceSpec};

fn main() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let (snapshot, _) =
        ontology::load(&[SourceSpec::Path(data.join("esco-v1.1.1")), SourceSpec::Embedded]).expect("full ESCO loads");
    let index = MatchingIndex::build(Arc::new(snapshot));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(data.join("eval/onet-related-dev.tsv.gz")).expect("dev set"))
        .read_to_string(&mut text)
        .expect("gzip");
    let judged = read_related("onet-related-dev.tsv", &text).expect("judgements");
    // Evidence per origin, computed once.
    let mut origins: Vec<(&RelatedJudged, Vec<(Candidate, bool)>)> = Vec::new();
    for j in &judged {
        let Some(slot) = index.snapshot().lookup(&j.origin).and_then(|idx| index.occupation_slot(idx)) else {
            continue;
        };
        let credits = Credits::expand(&index, &matching::origin_profile(&index, slot).held);
        let candidates = matching::transition_candidates(&index, slot, &credits, &RANKING)
            .into_iter()
            .map(|c| {
                let id = &index.snapshot().concept(index.occupations()[c.scored.slot].concept).id;
                let relevant = j.relevant.contains(&**id);
                (c, relevant)
            })
            .collect();
        origins.push((j, candidates));
    }
    let halves: [Vec<usize>; 2] =
        [(0..origins.len()).filter(|i| i % 2 == 0).collect(), (0..origins.len()).filter(|i| i % 2 == 1).collect()];
    let all: Vec<usize> = (0..origins.len()).collect();
    let p10 = |w: &Ranking, set: &[usize]| -> f64 {
        let mut total = 0.0;
        for &i in set {
            let mut scored: Vec<(f64, f64, bool)> =
                origins[i].1.iter().map(|(c, rel)| (w.value(&c.evidence), c.scored.score, *rel)).collect();
            let order = |a: &(f64, f64, bool), b: &(f64, f64, bool)| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1));
            if scored.len() > 10 {
                scored.select_nth_unstable_by(9, order);
            }
            total += scored.iter().take(10).filter(|s| s.2).count() as f64 / 10.0;
        }
        total / set.len().max(1) as f64
    };
    let coverage_only = Ranking {
        coverage: 1.0,
        reverse_coverage: 0.0,
        field_similarity: 0.0,
        description_similarity: 0.0,
        isco_digit: 0.0,
        level_gap: 0.0,
        parent_or_child: 0.0,
        sibling: 0.0,
    };
    println!("origins {} (halves {} / {})", origins.len(), halves[0].len(), halves[1].len());
    println!("coverage only        P@10 all {:.3}", p10(&coverage_only, &all));
    println!(
        "in use               P@10 all {:.3}  half A {:.3}  half B {:.3}",
        p10(&RANKING, &all),
        p10(&RANKING, &halves[0]),
        p10(&RANKING, &halves[1])
    );
    let grid = |values: &[f64]| values.to_vec();
    let mut best: [(f64, Ranking); 2] = [(0.0, RANKING), (0.0, RANKING)];
    for coverage in grid(&[0.0, 0.1, 0.2, 0.3]) {
        for reverse_coverage in grid(&[0.0, 0.1, 0.2, 0.3]) {
            for field_similarity in grid(&[0.3, 0.45, 0.6, 0.8]) {
                for description_similarity in grid(&[0.0, 0.6, 1.0, 1.4]) {
                    for isco_digit in grid(&[0.0, 0.025, 0.05, 0.075]) {
                        for level_gap in grid(&[0.0, 0.025, 0.05]) {
                            for hierarchy in grid(&[0.0, 0.05, 0.1, 0.15]) {
                                let w = Ranking {
                                    coverage,
                                    reverse_coverage,
                                    field_similarity,
                                    description_similarity,
                                    isco_digit,
                                    level_gap,
                                    parent_or_child: hierarchy,
                                    sibling: hierarchy,
                                };
                                for (h, half) in halves.iter().enumerate() {
                                    let p = p10(&w, half);
                                    if p > best[h].0 {
                                        best[h] = (p, w);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    for (h, name) in ["A", "B"].iter().enumerate() {
        let (p, w) = best[h];
        let other = &halves[1 - h];
        println!(
            "fitted on half {name}: P@10 {p:.3} there, {:.3} on the other half, {:.3} on all; {w:?}",
            p10(&w, other),
            p10(&w, &all)
        );
    }
}
