#!/usr/bin/env python3
"""Builds search development sets from ../shared/data into an output folder (never the repo).

nl-holdout: for 2,600 random ESCO v1.1.1 occupations with Dutch alternative labels, one alternative
  label is withheld from a copy of the export (OUT/esco-holdout) and used as the query; the
  relevant concept is the occupation. Search that copy: `--ontology OUT/esco-holdout`.
en-onet: O*NET 29.2 alternate titles (English) of occupations linked to ESCO occupations by the
  ESCO–O*NET crosswalk (exactMatch/closeMatch); relevant = the linked ESCO occupations. Search the
  full export.

Usage: scripts/devset.py OUT [--seed N]
"""
import csv, gzip, io, os, random, sys

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")

def main():
    out = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    esco = os.path.join(DATA, "esco-v1.1.1")

    # nl-holdout
    path = os.path.join(esco, "nl", "occupations_nl.csv.gz")
    rows = list(csv.DictReader(gzip.open(path, "rt", encoding="utf-8")))
    fields = list(rows[0].keys())
    eligible = [r for r in rows if [a for a in r["altLabels"].split("\n") if a.strip()]]
    chosen = {r["conceptUri"] for r in rng.sample(eligible, min(2600, len(eligible)))}
    queries, qrels = [], []
    for r in rows:
        if r["conceptUri"] not in chosen:
            continue
        alts = [a for a in r["altLabels"].split("\n") if a.strip()]
        held = rng.choice(alts)
        r["altLabels"] = "\n".join(a for a in alts if a != held)
        qid = f"nl{len(queries) + 1}"
        queries.append((qid, held.strip()))
        qrels.append((qid, r["conceptUri"]))
    copy = os.path.join(out, "esco-holdout")
    for sub in ["en", "nl", "relations", "derived"]:
        os.makedirs(os.path.join(copy, sub), exist_ok=True)
        for name in os.listdir(os.path.join(esco, sub)):
            target = os.path.join(copy, sub, name)
            if os.path.lexists(target):
                os.remove(target)
            if not (sub == "nl" and name == "occupations_nl.csv.gz"):
                os.symlink(os.path.abspath(os.path.join(esco, sub, name)), target)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
    with gzip.open(os.path.join(copy, "nl", "occupations_nl.csv.gz"), "wt", encoding="utf-8") as f:
        f.write(buf.getvalue())
    write(out, "nl-holdout", queries, qrels)

    # en-onet
    lines = gzip.open(os.path.join(DATA, "esco-crosswalks", "ESCO_ONET_crosswalk.csv.gz"), "rt", encoding="utf-8").read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("O*NET Id") or l.startswith("Classification 1 URI"))
    cw = list(csv.DictReader(lines[start:]))
    keys = list(cw[0].keys())
    onet_key = keys[0]
    uri_key = next(k for k in keys if "URI" in k or "Uri" in k)
    type_key = next(k for k in keys if "Type" in k or "type" in k or "Match" in k)
    links = {}
    for r in cw:
        if r[type_key].strip().lower() in ("exactmatch", "closematch", "exact match", "close match"):
            links.setdefault(r[onet_key].strip(), set()).add(r[uri_key].strip())
    alt = list(csv.DictReader(gzip.open(os.path.join(DATA, "onet-29.2", "Alternate_Titles.tsv.gz"), "rt", encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
    alt = [a for a in alt if a["O*NET-SOC Code"] in links]
    queries, qrels = [], []
    for a in rng.sample(alt, min(1500, len(alt))):
        qid = f"en{len(queries) + 1}"
        queries.append((qid, a["Alternate Title"]))
        for uri in links[a["O*NET-SOC Code"]]:
            qrels.append((qid, uri))
    write(out, "en-onet", queries, qrels)

def write(out, name, queries, qrels):
    with open(os.path.join(out, f"{name}.queries.tsv"), "w") as f:
        for qid, text in queries:
            f.write(f"{qid}\t{text}\n")
    with open(os.path.join(out, f"{name}.qrels.tsv"), "w") as f:
        for qid, uri in qrels:
            f.write(f"{qid} 0 {uri} 1\n")
    print(f"{name}: {len(queries)} queries", file=sys.stderr)

main()
