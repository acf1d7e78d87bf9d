#!/usr/bin/env bash
# Measures the wall time from `vaardig serve` start to the first answered GetStats, and the peak
# RSS of the server, on the full ESCO export (or the sources given as arguments).
# Usage: scripts/ready-to-serve.sh [--ontology PATH]...
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/vaardig
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--ontology ../shared/data/esco-v1.1.1)
port=50999
start=$(date +%s%N)
"$bin" serve "${args[@]}" --listen 127.0.0.1:$port 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 1500); do
  "$bin" stats --server http://127.0.0.1:$port >/dev/null 2>&1 && break
  sleep 0.02
done
end=$(date +%s%N)
echo "ready to serve in $(( (end - start) / 1000000 )) ms"
grep VmHWM /proc/$pid/status
