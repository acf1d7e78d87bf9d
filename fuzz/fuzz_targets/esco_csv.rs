//! The ESCO CSV importer on arbitrary files: whatever the bytes, loading ends in a snapshot or a
//! report of errors naming file and line, never a panic or a hang.
//!
//! The input's parts (see `split.rs`) become the files of an export folder, in the order of
//! [`FILES`]; gzip files are among them so the decompression path is fuzzed too.

#![no_main]

#[path = "split.rs"]
mod split;

use libfuzzer_sys::fuzz_target;
use vaardig::ontology::{SnapshotBuilder, esco};

/// The file names of a v1.1.x export that the importer reads, in the order parts fill them.
const FILES: [&str; 10] = [
    "occupations_en.csv",
    "skills_en.csv",
    "ISCOGroups_en.csv",
    "skillGroups_en.csv",
    "occupationSkillRelations_en.csv",
    "broaderRelationsOccPillar_en.csv",
    "skillSkillRelations_en.csv",
    "occupations_nl.csv",
    "skills_en_nl_labels.csv",
    "digitalSkillsCollection_nl.csv.gz",
];

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, content) in FILES.iter().zip(split::parts(data, FILES.len())) {
        std::fs::write(dir.path().join(name), content).expect("write a file");
    }
    let mut builder = SnapshotBuilder::new();
    if esco::import(&mut builder, dir.path()).is_ok() {
        let _ = builder.finish();
    }
});
