#!/usr/bin/env bash
# Measures the wall time from `vaardig serve` start to the first answered GetStats, the server's
# CPU time (user + system, all threads) by then — steadier than wall time on a shared machine — and
# its resident memory 10 s later (after the start-up's background work), on the full ESCO export
# (or the sources given as arguments).
# Usage: scripts/ready-to-serve.sh [--bin PATH] [serve flags: --ontology PATH... --index-dir DIR]
# (default binary: target/release/vaardig, built first; give two builds separate --index-dir folders,
# as each build's persisted files are stale for the other)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/vaardig
if [ "${1:-}" = --bin ]; then
  bin="$2"
  shift 2
else
  cargo build --release --quiet
fi
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
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' /proc/$pid/stat)
echo "ready to serve in $(( (end - start) / 1000000 )) ms (CPU $cpu ms)"
sleep 10
grep -E 'VmRSS|VmHWM' /proc/$pid/status
