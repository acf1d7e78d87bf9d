#!/usr/bin/env bash
# The overload bar: 10× overload for 30 s sheds cleanly — no crash, bounded memory, admitted
# requests p99 < 100 ms.
#
# 1. starts the release server on full ESCO + the embedded bundle (loopback only),
# 2. measures its capacity for one RPC with a closed loop (`vaardig loadtest --concurrency`),
# 3. drives 10× that rate open-loop for 30 s (`vaardig loadtest --rate`) while sampling the
#    server's resident memory every second,
# 4. reports what was admitted and shed, the admitted p99, RSS before/peak/after, and whether the
#    server still answers; exits 1 when a bar is missed.
#
# Usage: scripts/overload.sh [RPC] [FACTOR] [SECONDS]     (defaults: path 10 30)
# Env:   VAARDIG_LIMITS_MAX_CONCURRENT_REQUESTS etc. are passed to the server as usual;
#        ONTOLOGY="--ontology embedded" for a quick run without ESCO.
# Load generator and server share this machine's cores: the generator's own CPU use is part of the
# overload the server sees (noted in BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
rpc=${1:-path}
factor=${2:-10}
seconds=${3:-30}
ontology=${ONTOLOGY:---ontology ../shared/data/esco-v1.1.1 --ontology embedded}

cargo build --release --quiet
bin=target/release/vaardig
# Server on CPU 0, load generator on CPU 1 (PIN=0 to share both): otherwise the server's busy
# threads starve the generator, which then measures its own lateness as the server's latency.
server_cpu=() client_cpu=()
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c 0) client_cpu=(taskset -c 1)
fi
port=50987
server=http://127.0.0.1:$port
work=$(mktemp -d)
# shellcheck disable=SC2086
"${server_cpu[@]}" "$bin" serve $ontology --listen 127.0.0.1:$port --index-dir "$work/index" 2>"$work/server.log" &
pid=$!
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 1500); do
  "$bin" stats --server $server >/dev/null 2>&1 && break
  sleep 0.02
done
rss_kib() { awk '/^VmRSS/ {print $2}' /proc/"$pid"/status; }

echo "overload: load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; server pinned: ${server_cpu[*]:-no}, generator: ${client_cpu[*]:-no}"
echo "overload: RSS after start: $(( $(rss_kib) / 1024 )) MiB"

# Capacity: the admitted (OK) throughput of a closed loop of 32 — enough to keep both cores busy
# and below the default concurrency limit, so nothing is shed.
"${client_cpu[@]}" "$bin" loadtest --server $server --rpc "$rpc" --concurrency 32 --duration 10s --warmup 2s --json >"$work/capacity.json"
capacity=$(jq '.results[0].ok_throughput' "$work/capacity.json")
rate=$(jq -n "$capacity * $factor | floor")
echo "overload: capacity of $rpc (closed loop, 32 in flight): $(printf '%.0f' "$capacity")/s, p50 $(jq '.results[0].latency_ms.p50' "$work/capacity.json") ms, p99 $(jq '.results[0].latency_ms.p99' "$work/capacity.json") ms"
echo "overload: RSS after the capacity run: $(( $(rss_kib) / 1024 )) MiB"

# RSS every second during the overload, and any other busy process on the machine (other builds
# take the cores this measurement assumes it has).
( while kill -0 "$pid" 2>/dev/null; do
    rss_kib >>"$work/rss" 2>/dev/null || true
    top -bn1 2>/dev/null | awk 'NR > 7 && $9 > 20 && $12 != "vaardig" {print $12 "(" $9 "%)"}' >>"$work/others"
    sleep 1
  done ) &
sampler=$!
echo "overload: driving $rate/s ($factor×) open-loop for ${seconds}s"
"${client_cpu[@]}" "$bin" loadtest --server $server --rpc "$rpc" --rate "$rate" --duration "${seconds}s" --warmup 0s --json \
  --connections "${CONNECTIONS:-16}" \
  >"$work/overload.json"
kill "$sampler" 2>/dev/null || true
sampler=""

alive=yes
kill -0 "$pid" 2>/dev/null || alive=no
answers=no
"$bin" stats --server $server >/dev/null 2>&1 && answers=yes
peak=$(sort -n "$work/rss" | tail -1)
r='.results[0]'
jq -r "$r | \"overload: sent \(.open_loop.sent_rate | floor)/s of \(.open_loop.target_rate | floor)/s (generator dropped \(.open_loop.dropped)); statuses: \(.codes | to_entries | map(\"\(.key) \(.value)\") | join(\", \"))\"" "$work/overload.json"
jq -r "$r | \"overload: admitted (OK) \(.ok_throughput | floor)/s: p50 \(.ok_latency_ms.p50) ms, p99 \(.ok_latency_ms.p99) ms, p99.9 \(.ok_latency_ms.p999) ms, max \(.ok_latency_ms.max) ms\"" "$work/overload.json"
jq -r "$r | \"overload: all answers (shed included): p50 \(.latency_ms.p50) ms, p99 \(.latency_ms.p99) ms; schedule lag p99 \(.open_loop.lag_ms.p99) ms\"" "$work/overload.json"
echo "overload: RSS peak during overload: $(( peak / 1024 )) MiB; after: $(( $(rss_kib) / 1024 )) MiB; VmHWM $(awk '/^VmHWM/ {print int($2/1024)}' /proc/"$pid"/status) MiB"
echo "overload: server alive: $alive; answers after the overload: $answers"
if [ -s "$work/others" ]; then
  echo "overload: CONTENDED: other processes were busy during the overload: $(sort "$work/others" | uniq -c | sort -rn | head -5 | awk '{printf "%s ×%s ", $2, $1}')"
else
  echo "overload: no other busy process seen during the overload"
fi
echo "overload: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

p99=$(jq "$r.ok_latency_ms.p99" "$work/overload.json")
errors=$(jq "[$r.codes | to_entries[] | select(.key != \"OK\" and .key != \"RESOURCE_EXHAUSTED\") | .value] | add // 0" "$work/overload.json")
ok=$(jq "$r.codes.OK // 0" "$work/overload.json")
verdict=0
[ "$alive" = yes ] && [ "$answers" = yes ] || { echo "overload: FAIL the server did not survive"; verdict=1; }
[ "$ok" -gt 0 ] || { echo "overload: FAIL nothing was admitted"; verdict=1; }
jq -e -n "$p99 < 100" >/dev/null || { echo "overload: FAIL admitted p99 $p99 ms ≥ 100 ms"; verdict=1; }
[ "$errors" -eq 0 ] || echo "overload: note: $errors answers were neither OK nor RESOURCE_EXHAUSTED"
[ $verdict -eq 0 ] && echo "overload: PASS"
exit $verdict
