//! Matching on full ESCO v1.1.1: latency percentiles, candidate throughput and a quality check of
//! career transitions against O*NET. `cargo bench --bench matching` (numbers in BENCHMARKS.md).
//!
//! Criterion reports means; the bars are p99s, so this harness also times every call of 10,000
//! realistic random profiles itself and prints p50/p99/max. Sections can be picked by name:
//! `cargo bench --bench matching -- latency throughput quality criterion` (default: all).
//!
//! The quality check is independent of ESCO's skill lists: two O*NET occupations are related when
//! their O*NET skill and knowledge importance profiles are among each other's ten nearest
//! (centred cosine), and an ESCO occupation B is a relevant transition from A when B maps (ESCO–O*NET
//! crosswalk) to the same O*NET occupation as A or to one of its O*NET neighbours. Our top 10 is
//! compared with that relevance, against two baselines: plain Jaccard overlap of ESCO skill sets,
//! and the base rate.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use vaardig::engine::Engines;
use vaardig::matching::{
    self, ClaimInput, EvidenceLevel, MatchingIndex, OccupationFilter, Profile, ProfileInput, Ranker, Vacancy,
};
use vaardig::model::{ConceptKind, Importance};
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1 as pb;

fn shared_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// SplitMix64: a tiny deterministic generator, so every run uses the same profiles.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// A realistic profile: someone from a random occupation holding most of its essential skills and
/// some optional ones, plus a few unrelated skills, with mixed evidence. 10–60 skills.
fn random_profile(index: &MatchingIndex, skills: &[String], rng: &mut Rng) -> ProfileInput {
    let snapshot = index.snapshot();
    let occupations = index.occupations();
    let origin = &occupations[rng.below(occupations.len())];
    let mut claims = Vec::new();
    for r in &origin.requirements {
        let keep = match r.importance {
            Importance::Essential => rng.chance(0.7),
            Importance::Optional => rng.chance(0.35),
        };
        if keep {
            claims.push(snapshot.concept(r.skill).id.to_string());
        }
    }
    let extra = 3 + rng.below(8);
    for _ in 0..extra {
        claims.push(skills[rng.below(skills.len())].clone());
    }
    while claims.len() < 10 {
        claims.push(skills[rng.below(skills.len())].clone());
    }
    claims.truncate(60);
    let skills = claims
        .into_iter()
        .map(|skill_id| ClaimInput { skill_id, evidence: EvidenceLevel::ALL[rng.below(7)], proficiency: None })
        .collect();
    ProfileInput { skills, ..Default::default() }
}

/// p50, p99 and max of a list of durations.
fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (at(0.5), at(0.99), times[times.len() - 1])
}

fn report(name: &str, times: Vec<Duration>) {
    let n = times.len();
    let (p50, p99, max) = percentiles(times);
    println!("{name:<52} n={n:<6} p50 {p50:>10.1?}  p99 {p99:>10.1?}  max {max:>10.1?}");
}

struct Fixture {
    engines: Arc<Engines>,
    skill_ids: Vec<String>,
    inputs: Vec<ProfileInput>,
}

fn fixture() -> Fixture {
    let started = Instant::now();
    let (snapshot, _) = ontology::load(&[SourceSpec::Path(shared_data().join("esco-v1.1.1"))]).expect("ESCO loads");
    let loaded = started.elapsed();
    let engines = Arc::new(Engines::build(Arc::new(snapshot)));
    println!("load {loaded:.1?}, engines (matching index) {:.1?}", started.elapsed() - loaded);
    let snapshot = &*engines.snapshot;
    let skill_ids: Vec<String> =
        snapshot.concepts_of(ConceptKind::Skill).map(|(_, concept)| concept.id.to_string()).collect();
    let mut rng = Rng(42);
    let inputs = (0..10_000).map(|_| random_profile(&engines.matching, &skill_ids, &mut rng)).collect();
    Fixture { engines, skill_ids, inputs }
}

fn latency(f: &Fixture) {
    println!("\n## latency, full ESCO (3,007 occupations), 10,000 random profiles");
    let index = &f.engines.matching;
    let snapshot = &*f.engines.snapshot;
    let occupations = index.occupations();
    let mut rng = Rng(7);
    let profiles: Vec<Profile> =
        f.inputs.iter().map(|input| Profile::resolve(snapshot, input.clone()).expect("valid profile")).collect();
    let sizes: usize = f.inputs.iter().map(|p| p.skills.len()).sum();
    println!("mean profile size {:.1} skills", sizes as f64 / f.inputs.len() as f64);

    let mut resolve_times = Vec::new();
    for input in &f.inputs {
        let input = input.clone();
        let t = Instant::now();
        std::hint::black_box(Profile::resolve(snapshot, input).ok());
        resolve_times.push(t.elapsed());
    }
    report("Profile::resolve (ids → validated profile)", resolve_times);

    let mut gap_times = Vec::new();
    for profile in &profiles {
        let target = occupations[rng.below(occupations.len())].concept;
        let t = Instant::now();
        std::hint::black_box(matching::compute_gap(index, profile, target));
        gap_times.push(t.elapsed());
    }
    report("ComputeSkillGap (engine)", gap_times);

    let mut match_times = Vec::new();
    let filter = OccupationFilter::default();
    for profile in &profiles {
        let t = Instant::now();
        std::hint::black_box(matching::match_occupations(index, profile, &filter, 0, 20));
        match_times.push(t.elapsed());
    }
    report("MatchOccupations, all 3,007, page of 20 explained", match_times);

    let mut related_times = Vec::new();
    for round in 0..4 {
        for slot in 0..occupations.len() {
            let t = Instant::now();
            std::hint::black_box(matching::related_occupations(
                index,
                (slot + round) % occupations.len(),
                &filter,
                false,
                10,
            ));
            related_times.push(t.elapsed());
        }
    }
    report("RelatedOccupations, limit 10 (every origin ×4)", related_times);
}

fn throughput(f: &Fixture) {
    println!("\n## RankCandidates throughput, full ESCO");
    let index = &f.engines.matching;
    let snapshot = &*f.engines.snapshot;
    let occupations = index.occupations();
    let vacancy_slot = index
        .occupation_slot(
            snapshot.lookup("http://data.europa.eu/esco/occupation/f20d3ae6-baeb-482c-b68d-c2fb115e5dde").unwrap(),
        )
        .unwrap_or(0);
    let n = 100_000;

    // In-process: resolve every profile from its string ids and push it, as the server does.
    let started = Instant::now();
    let mut ranker = Ranker::new(index, Vacancy::of_occupation(index, vacancy_slot), 100);
    for i in 0..n {
        let input = f.inputs[i % f.inputs.len()].clone();
        let profile = Profile::resolve(snapshot, input).expect("valid");
        ranker.push(format!("c{i}"), &profile).expect("within the limit");
    }
    let ranking = ranker.finish();
    let elapsed = started.elapsed();
    println!(
        "in-process: {n} profiles (resolve + score), top 100, in {elapsed:.2?} = {:.0} profiles/s (best {:.3})",
        n as f64 / elapsed.as_secs_f64(),
        ranking.ranked.first().map(|r| r.evaluation.coverage()).unwrap_or(0.0)
    );

    // End to end over gRPC on loopback: client and server share the 2 cores.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let engines = f.engines.clone();
    let batches: Vec<pb::RankCandidatesRequest> = (0..n)
        .collect::<Vec<_>>()
        .chunks(1000)
        .map(|chunk| pb::RankCandidatesRequest {
            candidates: chunk
                .iter()
                .map(|&i| {
                    let input = &f.inputs[i % f.inputs.len()];
                    pb::Candidate {
                        id: format!("c{i}"),
                        profile: Some(pb::Profile {
                            skills: input
                                .skills
                                .iter()
                                .map(|c| pb::SkillClaim {
                                    skill_id: c.skill_id.clone(),
                                    evidence: 2,
                                    proficiency: None,
                                })
                                .collect(),
                            ..Default::default()
                        }),
                    }
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    let occupation_id = snapshot.concept(occupations[vacancy_slot].concept).id.to_string();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            let _ = vaardig::server::serve(listener, vaardig::engine::LiveEngines::new(engines), Default::default(), shutdown).await;
        });
        let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))
            .expect("url")
            .initial_stream_window_size(vaardig::server::STREAM_WINDOW_BYTES)
            .initial_connection_window_size(vaardig::server::CONNECTION_WINDOW_BYTES)
            .connect()
            .await
            .expect("connect");
        let mut client = pb::matching_service_client::MatchingServiceClient::new(channel);
        for round in 0..3 {
            let mut messages = vec![pb::RankCandidatesRequest {
                vacancy: Some(pb::Vacancy { occupation_id: occupation_id.clone(), requirements: vec![] }),
                top_k: 100,
                ..Default::default()
            }];
            messages.extend(batches.iter().cloned());
            let started = Instant::now();
            let response = client.rank_candidates(tokio_stream::iter(messages)).await.expect("ranked").into_inner();
            let elapsed = started.elapsed();
            println!(
                "gRPC loopback round {round}: {} profiles, batches of 1,000, top 100, in {elapsed:.2?} = {:.0} profiles/s",
                response.received,
                response.received as f64 / elapsed.as_secs_f64()
            );
        }
        let _ = stop.send(());
    });
}

/// Reads a gzip file to a string.
fn gunzip(path: PathBuf) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("data file"))
        .read_to_string(&mut text)
        .expect("gzip text");
    text
}

/// ESCO occupation URI → O*NET-SOC codes, from the ESCO–O*NET crosswalk (all match types).
fn crosswalk() -> HashMap<String, HashSet<String>> {
    let text = gunzip(shared_data().join("esco-crosswalks/ESCO_ONET_crosswalk.csv.gz"));
    let start = text
        .lines()
        .position(|l| l.starts_with("O*NET Id") || l.starts_with("Classification 1 URI"))
        .expect("crosswalk header");
    let table: String = text.lines().skip(start).collect::<Vec<_>>().join("\n");
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let mut map: HashMap<String, HashSet<String>> = HashMap::new();
    for row in reader.records().flatten() {
        if let (Some(code), Some(uri)) = (row.get(0), row.get(3)) {
            map.entry(uri.to_string()).or_default().insert(code.to_string());
        }
    }
    map
}

/// O*NET code → its 10 nearest O*NET occupations by centred cosine over skill and knowledge
/// importance ratings.
fn onet_neighbours() -> HashMap<String, HashSet<String>> {
    let mut vectors: HashMap<String, HashMap<String, f64>> = HashMap::new();
    for file in ["Skills.tsv.gz", "Knowledge.tsv.gz"] {
        let text = gunzip(shared_data().join("onet-29.2").join(file));
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() > 6 && cols[4] == "IM" {
                let value: f64 = cols[6].parse().unwrap_or(0.0);
                vectors.entry(cols[0].to_string()).or_default().insert(cols[2].to_string(), value);
            }
        }
    }
    let elements: Vec<String> = {
        let mut all: HashSet<String> = HashSet::new();
        vectors.values().for_each(|v| all.extend(v.keys().cloned()));
        let mut all: Vec<String> = all.into_iter().collect();
        all.sort();
        all
    };
    let codes: Vec<String> = {
        let mut codes: Vec<String> = vectors.keys().cloned().collect();
        codes.sort();
        codes
    };
    let mut dense: Vec<Vec<f64>> =
        codes.iter().map(|c| elements.iter().map(|e| vectors[c].get(e).copied().unwrap_or(0.0)).collect()).collect();
    for j in 0..elements.len() {
        let mean = dense.iter().map(|v| v[j]).sum::<f64>() / dense.len() as f64;
        dense.iter_mut().for_each(|v| v[j] -= mean);
    }
    let norms: Vec<f64> = dense.iter().map(|v| v.iter().map(|x| x * x).sum::<f64>().sqrt()).collect();
    let mut out = HashMap::new();
    for (i, a) in dense.iter().enumerate() {
        let mut sims: Vec<(f64, usize)> = dense
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(j, b)| (a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() / (norms[i] * norms[j]).max(1e-12), j))
            .collect();
        sims.sort_by(|x, y| y.0.total_cmp(&x.0));
        out.insert(codes[i].clone(), sims.iter().take(10).map(|(_, j)| codes[*j].clone()).collect());
    }
    out
}

fn quality(f: &Fixture) {
    println!("\n## RelatedOccupations quality against O*NET (through the ESCO–O*NET crosswalk)");
    let index = &f.engines.matching;
    let snapshot = &*f.engines.snapshot;
    let occupations = index.occupations();
    let walk = crosswalk();
    let neighbours = onet_neighbours();
    let codes: Vec<HashSet<String>> =
        occupations.iter().map(|o| walk.get(&*snapshot.concept(o.concept).id).cloned().unwrap_or_default()).collect();
    let skill_sets: Vec<HashSet<u32>> =
        occupations.iter().map(|o| o.requirements.iter().map(|r| r.skill.0).collect()).collect();

    let (mut ours, mut ours_strict, mut jaccard, mut jaccard_strict, mut base, mut cross_major) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let mut evaluated = 0usize;
    for (a, a_codes) in codes.iter().enumerate() {
        if a_codes.is_empty() || occupations[a].requirements.is_empty() {
            continue;
        }
        let near: HashSet<&String> =
            a_codes.iter().chain(a_codes.iter().filter_map(|c| neighbours.get(c)).flatten()).collect();
        let relevant = |b: usize| codes[b].iter().any(|c| near.contains(c));
        let strict = |b: usize| codes[b].iter().any(|c| a_codes.contains(c));
        let candidates: Vec<usize> = (0..occupations.len()).filter(|&b| b != a && !codes[b].is_empty()).collect();
        if candidates.is_empty() {
            continue;
        }
        evaluated += 1;
        base += candidates.iter().filter(|&&b| relevant(b)).count() as f64 / candidates.len() as f64;

        let related = matching::related_occupations(index, a, &OccupationFilter::default(), false, 50);
        let top: Vec<usize> =
            related.iter().map(|r| r.ranked.scored.slot).filter(|b| !codes[*b].is_empty()).take(10).collect();
        let denominator = top.len().max(1) as f64;
        ours += top.iter().filter(|&&b| relevant(b)).count() as f64 / denominator;
        ours_strict += top.iter().filter(|&&b| strict(b)).count() as f64 / denominator;
        let major = occupations[a].isco_major_group();
        cross_major +=
            related.iter().take(10).filter(|r| occupations[r.ranked.scored.slot].isco_major_group() != major).count()
                as f64
                / related.len().clamp(1, 10) as f64;

        let mut by_jaccard: Vec<(f64, usize)> = candidates
            .iter()
            .map(|&b| {
                let inter = skill_sets[a].intersection(&skill_sets[b]).count() as f64;
                let union = skill_sets[a].union(&skill_sets[b]).count() as f64;
                (if union > 0.0 { inter / union } else { 0.0 }, b)
            })
            .collect();
        by_jaccard.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let top_j: Vec<usize> = by_jaccard.iter().take(10).map(|(_, b)| *b).collect();
        jaccard += top_j.iter().filter(|&&b| relevant(b)).count() as f64 / 10.0;
        jaccard_strict += top_j.iter().filter(|&&b| strict(b)).count() as f64 / 10.0;
    }
    let n = evaluated as f64;
    println!("ESCO occupations with a crosswalk to O*NET: {evaluated}");
    println!("precision@10, relevant = same O*NET occupation or one of its 10 O*NET nearest:");
    println!("  vaardig RelatedOccupations   {:.3}", ours / n);
    println!("  Jaccard of ESCO skill sets   {:.3}", jaccard / n);
    println!("  base rate (random)           {:.3}", base / n);
    println!("precision@10, relevant = same O*NET occupation only:");
    println!("  vaardig RelatedOccupations   {:.3}", ours_strict / n);
    println!("  Jaccard of ESCO skill sets   {:.3}", jaccard_strict / n);
    println!("share of top-10 transitions into another ISCO major group: {:.3}", cross_major / n);

    println!("\nnamed examples (top 5, score, ISCO):");
    for id in [
        "http://data.europa.eu/esco/occupation/f20d3ae6-baeb-482c-b68d-c2fb115e5dde",
        "http://data.europa.eu/esco/occupation/95f56fc4-99f9-49da-b942-1dfbc857e933",
        "http://data.europa.eu/esco/occupation/eeac6251-1974-42f5-91ed-513c6c883755",
        "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b",
        "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
    ] {
        let Some(slot) = snapshot.lookup(id).and_then(|idx| index.occupation_slot(idx)) else { continue };
        let entry = &occupations[slot];
        println!("  {} [{}]", snapshot.concept(entry.concept).pref_label("en"), entry.isco.as_deref().unwrap_or(""));
        for r in matching::related_occupations(index, slot, &OccupationFilter::default(), false, 5)
            .into_iter()
            .map(|t| t.ranked)
        {
            let target = &occupations[r.scored.slot];
            println!(
                "    {:.3}  {} [{}]",
                r.scored.score,
                snapshot.concept(target.concept).pref_label("en"),
                target.isco.as_deref().unwrap_or("")
            );
        }
    }
}

fn criterion_benches(f: &Fixture, from_args: bool) {
    let index = &f.engines.matching;
    let snapshot = &*f.engines.snapshot;
    let profiles: Vec<Profile> =
        f.inputs.iter().take(1000).map(|input| Profile::resolve(snapshot, input.clone()).expect("valid")).collect();
    let occupations = index.occupations();
    let c = Criterion::default().sample_size(30);
    // Section names are not criterion filters: only hand criterion the command line without them.
    let mut c = if from_args { c.configure_from_args() } else { c };
    let mut group = c.benchmark_group("matching_esco");
    let mut i = 0usize;
    group.bench_function("compute_skill_gap", |b| {
        b.iter(|| {
            i += 1;
            matching::compute_gap(
                index,
                &profiles[i % profiles.len()],
                occupations[(i * 7) % occupations.len()].concept,
            )
        })
    });
    let filter = OccupationFilter::default();
    group.bench_function("match_occupations_page20", |b| {
        b.iter(|| {
            i += 1;
            matching::match_occupations(index, &profiles[i % profiles.len()], &filter, 0, 20)
        })
    });
    group.bench_function("related_occupations_limit10", |b| {
        b.iter(|| {
            i += 1;
            matching::related_occupations(index, i % occupations.len(), &filter, false, 10)
        })
    });
    group.bench_function("rank_candidates_1000_resolved", |b| {
        b.iter(|| {
            let mut ranker = Ranker::new(index, Vacancy::of_occupation(index, 0), 10);
            for (n, profile) in profiles.iter().enumerate() {
                let _ = ranker.push(format!("c{n}"), profile);
            }
            ranker.finish()
        })
    });
    group.finish();
    c.final_summary();
    let _ = &f.skill_ids;
}

fn main() {
    let sections: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wanted = |name: &str| sections.is_empty() || sections.iter().any(|s| s == name);
    let f = fixture();
    if wanted("latency") {
        latency(&f);
    }
    if wanted("throughput") {
        throughput(&f);
    }
    if wanted("quality") {
        quality(&f);
    }
    if wanted("criterion") {
        criterion_benches(&f, sections.is_empty());
    }
}
