//! A deterministic synthetic course register for tests and benchmarks: providers with quality marks
//! and courses teaching neighbouring skills of an ontology, layerable as a bundle on top of it.
//!
//! Everything comes from one seeded generator (xorshift64*, no dependency), so the same ontology,
//! seed and size give byte-identical files. Courses teach 2–6 skills from one `broader`
//! neighbourhood (siblings under one skill or skill group), half of them anchored on a random
//! occupation's requirement so that plans find candidates; prices are log-normal between €95 and
//! €6,000; about 60% are in the STAP scholingsregister; prerequisites only point to earlier courses
//! of the same neighbourhood, so they form a DAG. Every course has dated starts (2022–2028); three in
//! ten also have a start pattern (any time or on request, monthly, or every September and February).

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::{ARBEIDSMARKTREGIOS, ConceptKind, RelationKind, compact_id};
use crate::ontology::{ConceptIdx, Dir, Snapshot};

/// How many synthetic providers a register has.
pub const PROVIDERS: usize = 40;

/// A small seeded generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Never zero: xorshift would stay zero.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03 | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Approximately standard normal (Irwin–Hall: twelve uniforms).
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The three files of a synthetic register bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthRegister {
    pub manifest: String,
    pub providers: String,
    pub courses: String,
}

impl SynthRegister {
    /// Writes `bundle.toml`, `providers-synth.jsonl` and `courses-synth.jsonl` into `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("bundle.toml"), &self.manifest)?;
        std::fs::write(dir.join("providers-synth.jsonl"), &self.providers)?;
        std::fs::write(dir.join("courses-synth.jsonl"), &self.courses)
    }
}

const COURSE_WORDS: [&str; 10] = [
    "Basiscursus",
    "Training",
    "Workshop",
    "Praktijkopleiding",
    "Masterclass",
    "Leergang",
    "Opfriscursus",
    "Vakopleiding",
    "Module",
    "Certificaattraject",
];
const PROVIDER_FIRST: [&str; 8] = ["Kennis", "Vakwerk", "Leer", "Talent", "Groei", "Ambacht", "Praktijk", "Studie"];
const PROVIDER_LAST: [&str; 5] = ["poort", "huis", "fabriek", "lab", "centrum"];
const MARKS: [&str; 4] = ["nrto_keurmerk", "ocw_erkend", "branche_erkend", "nlqf_ingeschaald"];

fn date(year: i32, month: usize, day: u32) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

/// The skills of the ontology grouped by their `broader` parent, and the occupations' requirements.
struct Neighbourhoods {
    /// Parent → its narrower skills (only groups with at least two skills), in index order.
    groups: Vec<Vec<ConceptIdx>>,
    /// Skill → the group it belongs to.
    group_of: BTreeMap<ConceptIdx, usize>,
    /// Required skills per occupation (occupations with at least one).
    requirements: Vec<Vec<ConceptIdx>>,
}

fn neighbourhoods(snapshot: &Snapshot) -> Neighbourhoods {
    let mut by_parent: BTreeMap<ConceptIdx, Vec<ConceptIdx>> = BTreeMap::new();
    for (idx, _) in snapshot.concepts_of(ConceptKind::Skill) {
        if let Some(parent) = snapshot.relations(idx, Dir::Outgoing, Some(RelationKind::Broader)).first() {
            by_parent.entry(parent.other).or_default().push(idx);
        }
    }
    let mut groups = Vec::new();
    let mut group_of = BTreeMap::new();
    for (_, mut members) in by_parent {
        if members.len() < 2 {
            continue;
        }
        members.sort();
        members.dedup();
        for m in &members {
            group_of.entry(*m).or_insert(groups.len());
        }
        groups.push(members);
    }
    let mut requirements = Vec::new();
    for (idx, _) in snapshot.concepts_of(ConceptKind::Occupation) {
        let skills: Vec<ConceptIdx> = snapshot
            .relations(idx, Dir::Outgoing, Some(RelationKind::Requires))
            .iter()
            .map(|r| r.other)
            .filter(|s| snapshot.concept(*s).kind == ConceptKind::Skill)
            .collect();
        if !skills.is_empty() {
            requirements.push(skills);
        }
    }
    Neighbourhoods { groups, group_of, requirements }
}

fn line(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Generates a register of `courses` courses for the skills of `snapshot`, from `seed`.
pub fn generate(snapshot: &Snapshot, seed: u64, courses: usize) -> SynthRegister {
    let mut rng = Rng::new(seed);
    let hoods = neighbourhoods(snapshot);
    let manifest = format!(
        "name = \"vaardig-synth-{seed}\"\ntitle = \"Synthetisch scholingsregister ({courses} opleidingen, seed {seed})\"\n\
         version = \"synth-{seed}-{courses}\"\nlicence = \"CC0-1.0\"\n\
         attribution = \"Synthetic course register generated by vaardig synth-register; not real courses.\"\n\
         synthetic = true\n"
    );

    let mut providers = String::from("# Synthetische aanbieders (vaardig synth-register); bestaan niet echt.\n");
    let mut marked = Vec::new();
    let mut provider_ids = Vec::new();
    for p in 0..PROVIDERS {
        let id = format!("vaardig:provider/synth-{seed}-{p:02}");
        let name = format!(
            "{}{} {} (synthetisch)",
            rng.pick(&PROVIDER_FIRST),
            rng.pick(&PROVIDER_LAST),
            ["Opleidingen", "Academie", "Instituut", "Training"][p % 4]
        );
        let mut marks = Vec::new();
        for (i, mark) in MARKS.iter().enumerate() {
            let p_mark = [0.55, 0.1, 0.25, 0.15][i];
            if rng.chance(p_mark) {
                let from = date(2012 + rng.below(10) as i32, 1 + rng.below(12), 1);
                marks.push(serde_json::json!({"mark": mark, "valid_from": from}));
            }
        }
        if !marks.is_empty() {
            marked.push(p);
        }
        providers.push_str(&line(&serde_json::json!({
            "id": id,
            "labels": {"nl": {"pref": name}},
            "description": {"nl": "Synthetische aanbieder voor tests en benchmarks; bestaat niet echt."},
            "quality_marks": marks,
        })));
        provider_ids.push(id);
    }
    if marked.is_empty() {
        marked.push(0);
    }

    let mut out = String::from("# Synthetische opleidingen (vaardig synth-register); prijzen in eurocent incl. btw.\n");
    // Earlier courses per neighbourhood, for prerequisites.
    let mut earlier: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let all_skills: Vec<ConceptIdx> = hoods.group_of.keys().copied().collect();
    for c in 0..courses {
        let id = format!("vaardig:course/synth-{seed}-{c:06}");
        // The neighbourhood: around a random occupation's requirement half of the time.
        let group = if !hoods.requirements.is_empty() && rng.chance(0.5) {
            let skills = rng.pick(&hoods.requirements);
            let anchor = *rng.pick(skills);
            hoods.group_of.get(&anchor).copied()
        } else {
            None
        };
        let group = match group {
            Some(g) => Some(g),
            None if !hoods.groups.is_empty() => Some(rng.below(hoods.groups.len())),
            None => None,
        };
        let wanted = 2 + rng.below(5);
        let mut taught: Vec<ConceptIdx> = Vec::new();
        if let Some(g) = group {
            let members = &hoods.groups[g];
            for _ in 0..wanted * 3 {
                if taught.len() >= wanted {
                    break;
                }
                let s = *rng.pick(members);
                if !taught.contains(&s) {
                    taught.push(s);
                }
            }
        }
        while taught.len() < 2 && !all_skills.is_empty() {
            let s = *rng.pick(&all_skills);
            if !taught.contains(&s) {
                taught.push(s);
            }
        }
        let first = taught.first().map(|s| snapshot.concept(*s).pref_label("nl").to_string()).unwrap_or_default();
        let label = format!("{} {first}", rng.pick(&COURSE_WORDS));

        // Log-normal price around €750, clamped to €95–€6,000 and rounded to €5.
        let euros = (750.0 * (0.85 * rng.normal()).exp()).clamp(95.0, 6000.0);
        let price_cents = ((euros / 5.0).round() as i64 * 5).clamp(95, 6000) * 100;
        let per_hour = 12.0 + 30.0 * rng.unit();
        let hours = ((euros / per_hour).round() as i64).clamp(4, 1600);
        let (delivery, region) = match rng.below(20) {
            0..=6 => ("online", None),
            7..=14 => ("klassikaal", Some(*rng.pick(&ARBEIDSMARKTREGIOS))),
            _ => ("blended", Some(*rng.pick(&ARBEIDSMARKTREGIOS))),
        };
        let (schedule, hours_per_week) = match rng.below(10) {
            0..=5 => ("deeltijd", 4 + rng.below(9) as i64),
            6..=8 => ("avond", 2 + rng.below(4) as i64),
            _ => ("voltijd", 24 + rng.below(13) as i64),
        };
        let weeks = ((hours + hours_per_week - 1) / hours_per_week).max(1);
        let mut starts: Vec<String> = (0..1 + rng.below(6))
            .map(|_| date(2022 + rng.below(7) as i32, 1 + rng.below(12), 1 + rng.below(28) as u32))
            .collect();
        starts.sort();
        starts.dedup();
        let stap = rng.chance(0.6);
        let provider = if stap { &provider_ids[*rng.pick(&marked)] } else { rng.pick(&provider_ids) };
        let mut registers = Vec::new();
        if stap {
            let from = date(2022, 3 + rng.below(10), 1);
            registers.push(serde_json::json!({
                "register": "stap_scholingsregister", "valid_from": from, "valid_to": "2024-01-01",
            }));
        }
        let teaches: Vec<serde_json::Value> = taught
            .iter()
            .map(|s| serde_json::json!({"skill": compact_id(&snapshot.concept(*s).id), "level": 1 + rng.below(3)}))
            .collect();
        let mut prerequisites = Vec::new();
        if let Some(g) = group {
            if let Some(before) = earlier.get(&g) {
                if rng.chance(0.25) {
                    prerequisites.push(rng.pick(before).clone());
                }
            }
            earlier.entry(g).or_default().push(id.clone());
        }
        let mut row = serde_json::json!({
            "id": id,
            "labels": {"nl": {"pref": label}},
            "provider": provider,
            "price_cents": price_cents,
            "hours": hours,
            "weeks": weeks,
            "delivery": delivery,
            "schedule": schedule,
            "start_dates": starts,
            "teaches": teaches,
            "registers": registers,
        });
        if let Some(region) = region {
            row["region"] = region.into();
        }
        // Registers publish patterns besides dated starts: three courses in ten get one, chosen
        // by number so the random stream (and every other field) stays as it was.
        let pattern = match (c % 10, delivery) {
            (0, "online") => Some(serde_json::json!({"pattern": "any_time"})),
            (0, _) => Some(serde_json::json!({"pattern": "on_request", "lead_days": 28})),
            (1, _) => Some(serde_json::json!({"pattern": "monthly", "day": 1})),
            (2, _) => Some(serde_json::json!({"pattern": "yearly", "months": [9, 2], "day": 1})),
            _ => None,
        };
        if let Some(pattern) = pattern {
            row["start_patterns"] = serde_json::json!([pattern]);
        }
        if !prerequisites.is_empty() {
            row["prerequisites"] = prerequisites.into();
        }
        out.push_str(&line(&row));
    }
    SynthRegister { manifest, providers, courses: out }
}
