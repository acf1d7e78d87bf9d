//! The bundle importer on arbitrary text: the first part is `bundle.toml`, the others are JSON Lines
//! files of every kind. Loading ends in a snapshot or a report naming file, line and field — never a
//! panic or a hang.

#![no_main]

#[path = "split.rs"]
mod split;

use libfuzzer_sys::fuzz_target;
use vaardig::ontology::SnapshotBuilder;
use vaardig::ontology::bundle::{self, BundleFiles};

/// The data files, in the order parts fill them (after the manifest).
const FILES: [&str; 11] = [
    "occupations.jsonl",
    "skills.jsonl",
    "skill_groups.jsonl",
    "qualifications.jsonl",
    "credentials.jsonl",
    "providers.jsonl",
    "courses.jsonl",
    "funding_schemes.jsonl",
    "relations.jsonl",
    "labels.jsonl",
    "isco_groups.jsonl",
];

fuzz_target!(|data: &[u8]| {
    let parts = split::parts(data, FILES.len() + 1);
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let files = FILES.iter().zip(&parts[1..]).map(|(name, part)| (name.to_string(), text(part))).collect();
    let bundle = BundleFiles { origin: "fuzz".into(), manifest: text(parts[0]), files };
    let mut builder = SnapshotBuilder::new();
    bundle::import(&mut builder, &bundle);
    let _ = builder.finish();
});
