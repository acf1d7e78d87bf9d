#!/usr/bin/env python3
"""Sorts the instructions of callgrind dumps into the components of an RPC (issue 13).

Usage: profile-shares.py DIR RPC...   (DIR from scripts/profile-rpcs: callgrind.PID.N dumps, each
named by its trigger after the RPC, and RPC.txt, the load generator's report with the request count).

Every function's own instructions (not its callees') go to the first component whose pattern its
name matches, so the components add up to the whole dump. Printed per RPC: instructions per request
per component, and the same minus the health check's (the no-op), which is the RPC's own cost.
"""
import glob
import os
import re
import subprocess
import sys

COMPONENTS = [
    ("allocator", r"\b(malloc|free|realloc|calloc|cfree|_int_malloc|_int_free|_int_realloc|malloc_consolidate|"
                  r"unlink_chunk|tcache|memalign|mi_[a-z_]+|_rjem_|je_[a-z_]+)\b"),
    ("memcpy/memset", r"(__memcpy|__memmove|__memset|memcpy|memmove|memset|__memcmp|memcmp|bcmp|__strlen|strlen)"),
    ("decode", r"(::merge_field|Message>::merge|prost::encoding::.*::merge|prost::encoding::decode|ProstDecoder|"
               r"decode_varint|tonic::codec::decode|Streaming<|prost::encoding::skip_field)"),
    ("encode", r"(::encode_raw|::encoded_len|prost::encoding::.*::encode|encode_varint|ProstEncoder|"
               r"tonic::codec::encode|EncodeBody|encode_item)"),
    ("validation", r"(vaardig::server::limits::(check|ItemWalk)|ItemWalk|serde::ser|vaardig::server::request::"
                   r"|vaardig::server::error::Violations|vaardig::model::id|parse_id|"
                   r"<vaardig::proto::v1::[A-Za-z]+ as serde::ser::Serialize>)"),
    ("response building", r"drop_in_place<vaardig::proto|drop_in_place<\[vaardig::proto|"
                          r"drop_in_place<alloc::vec::Vec<vaardig::proto"),
    ("engine", r"vaardig::(matching|funding|search|planning|ontology|courses|model|engine)::"),
    ("response building", r"vaardig::server::(response|concepts|matching|funding|search|planning|courses|history)::"),
    ("tower layers", r"(vaardig::server::(observe|limits|auth|protocol|snapshot|metrics|traces|web|catalog)|"
                     r"\btracing|tower::|tower_http|tonic_web|rand::|rand_chacha|arc_swap|getrandom)"),
    ("HTTP/2 + tonic", r"(vaardig::proto::v1::[a-z_]+_server|\bh2::|hyper|\bhttp::|http_body|tonic::|tonic_health|bytes::|indexmap|fnv|"
                       r"hashbrown|percent_encoding|base64)"),
    ("runtime", r"(tokio::|mio::|std::|core::|alloc::|parking_lot|epoll|syscall|pthread|futex|clock_gettime|"
                r"__libc|_dl_|sigprocmask|__GI_|writev|recv|send|read|write)"),
]
LINE = re.compile(r"^\s*([\d,]+)\s+(.*)$")

# Inclusive costs (a function with everything it calls) of the parts of an RPC the issue asks for.
# Each is the largest inclusive cost of a function matching the pattern (the outermost call).
HANDLER = r"^<vaardig::server::\w+::\w+Api as .*>::\w+::\{\{closure\}\}$|^<tonic_health::server::HealthService as .*>::check::\{\{closure\}\}$"
ENGINE = (r"^vaardig::(funding::FundingEngine::check|matching::gap::compute|search::SearchEngine::suggest|"
          r"search::suggest::SuggestIndex::suggest|ontology::snapshot::Snapshot::lookup)$")
VALIDATION = (r"^vaardig::server::(limits::check_items|limits::check_message|matching::profile_input|matching::resolve|"
              r"convert::id|convert::lang|convert::lookup|funding::person_facts|funding::\w*parse\w*)(<.*>)?$")
DECODE = r"ProstDecoder<.*> as tonic::codec::Decoder>::decode$"
ENCODE = r"(ProstEncoder<.*> as tonic::codec::Encoder>::encode|tonic::codec::encode::EncodeBody<T,U> as http_body::Body>::poll_frame)$"


def function_name(text):
    """`file:function [object]` → `function` (paths hold no colon; function paths do)."""
    text = re.sub(r"\s+\[[^\]]*\]$", "", text)
    head, sep, rest = text.partition(":")
    return rest if sep and "::" not in head + ":" + rest[:1] else text


def inclusive_parts(path):
    total = sum(cost for cost, _ in own_costs(path))
    # Recursion (cycles) can make callgrind's inclusive figures meaningless: keep the possible ones.
    rows = [(cost, function_name(f)) for cost, f in own_costs(path, inclusive=True) if cost <= total]
    def outermost(pattern):
        found = [cost for cost, f in rows if re.search(pattern, f)]
        return max(found) if found else 0
    def summed(pattern):
        best = {}
        for cost, f in rows:
            if re.search(pattern, f):
                best[f] = max(best.get(f, 0), cost)
        return sum(best.values())
    return {"decode": outermost(DECODE), "handler": outermost(HANDLER), "engine": outermost(ENGINE),
            "validation": summed(VALIDATION), "encode": outermost(ENCODE)}


def own_costs(path, inclusive=False):
    out = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--auto=no", "--show-percs=no",
         "--inclusive=" + ("yes" if inclusive else "no"), path],
        check=True, capture_output=True, text=True).stdout
    rows, started = [], False
    for line in out.splitlines():
        if "file:function" in line:
            started = True
            continue
        match = LINE.match(line) if started else None
        if match:
            rows.append((int(match.group(1).replace(",", "")), match.group(2)))
    return rows


def classify(rows):
    totals = {name: 0 for name, _ in COMPONENTS}
    totals["other"] = 0
    patterns = [(name, re.compile(p)) for name, p in COMPONENTS]
    for cost, function in rows:
        function = function_name(function)
        for name, pattern in patterns:
            if pattern.search(function):
                totals[name] += cost
                break
        else:
            totals["other"] += cost
    return totals


def dump_of(directory, rpc):
    for path in sorted(glob.glob(os.path.join(directory, "callgrind.*"))):
        with open(path, errors="replace") as f:
            head = f.read(4096)
        if re.search(r"^desc: Trigger: (Client Request: |dump )%s$" % re.escape(rpc), head, re.M):
            return path
    return None


def requests_of(directory, rpc):
    with open(os.path.join(directory, rpc + ".txt")) as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] == rpc:
                return int(parts[1])
    raise SystemExit(f"no result line for {rpc} in {rpc}.txt")


def main():
    directory, rpcs = sys.argv[1], sys.argv[2:]
    per_request, parts = {}, {}
    for rpc in rpcs:
        dump = dump_of(directory, rpc)
        if dump is None:
            print(f"{rpc}: no dump found", file=sys.stderr)
            continue
        n = requests_of(directory, rpc)
        totals = classify(own_costs(dump))
        per_request[rpc] = {k: v / n for k, v in totals.items()}
        per_request[rpc]["requests"] = n
        parts[rpc] = {k: v / n for k, v in inclusive_parts(dump).items()}
    names = list(dict.fromkeys([name for name, _ in COMPONENTS] + ["other"]))
    noop = per_request.get("health")
    print("instructions per request, by component (own instructions of the functions in it)")
    print("| rpc | requests | total | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for rpc, costs in per_request.items():
        total = sum(costs[n] for n in names)
        print(f"| {rpc} | {costs['requests']} | {total:,.0f} | " + " | ".join(f"{costs[n]:,.0f}" for n in names) + " |")
        if noop and rpc != "health":
            extra = {n: costs[n] - noop[n] for n in names}
            over = sum(extra.values())
            noop_total = sum(noop[n] for n in names)
            print(f"| {rpc} − health | | {over:,.0f} ({total / noop_total:.1f}× the no-op) | "
                  + " | ".join(f"{extra[n]:,.0f}" for n in names) + " |")

    print()
    print("instructions per request, by part of the RPC (inclusive: a part with everything it calls)")
    print("| rpc | total | decode | validation | engine | response building | encode | stack: HTTP/2, tonic, tower layers, runtime |")
    print("|---|---|---|---|---|---|---|---|")
    for rpc, p in parts.items():
        total = sum(per_request[rpc][n] for n in names)
        building = max(p["handler"] - p["engine"] - p["validation"], 0) if rpc != "health" else 0
        stack = total - p["decode"] - p["encode"] - (p["handler"] if rpc != "health" else 0)
        cells = [p["decode"], p["validation"] if rpc != "health" else 0, p["engine"] if rpc != "health" else 0,
                 building, p["encode"], stack]
        print(f"| {rpc} | {total:,.0f} | " + " | ".join(f"{c:,.0f} ({c / total:.0%})" for c in cells) + " |")


if __name__ == "__main__":
    main()
