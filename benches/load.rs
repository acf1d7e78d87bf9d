//! Full-ESCO load to a ready-to-serve snapshot (target on the 2-core machine: < 3 s).
//!
//! `cargo bench --bench load`; peak memory is measured on the binary, see BENCHMARKS.md.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use vaardig::ontology::{self, SourceSpec};

fn esco_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/esco-v1.1.1")
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("esco_v1.1.1_full", |b| {
        b.iter(|| ontology::load(&[SourceSpec::Path(esco_dir())]).expect("ESCO loads"))
    });
    group.bench_function("esco_plus_embedded_default", |b| {
        b.iter(|| ontology::load(&[SourceSpec::Path(esco_dir()), SourceSpec::Embedded]).expect("loads"))
    });
    group.bench_function("embedded_default", |b| b.iter(|| ontology::load(&[SourceSpec::Embedded]).expect("loads")));
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
