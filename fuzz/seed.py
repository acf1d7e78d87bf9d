#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into fuzz/corpus/<target>/ (not committed).

- esco_csv: the first rows of the real ESCO v1.1.1 files in ../shared/data, one part per file in
  the order the target fills them, joined by the target's separator.
- bundle_jsonl: the embedded bundle of this repository (ontology/), manifest first.
- requests: valid requests of every unary RPC the target drives, encoded by hand (protobuf wire
  format), with ids and labels of the embedded ontology.

Usage: fuzz/seed.py   (from anywhere; reads ../shared/data beside the repository)
"""

import gzip
import json
import os
import struct  # noqa: F401  (kept for readers extending the encoder with fixed-width fields)
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(FUZZ)
ESCO = os.path.join(REPO, "..", "shared", "data", "esco-v1.1.1")
SEPARATOR = b"\n===\n"


def write(target, name, data):
    folder = os.path.join(FUZZ, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as out:
        out.write(data)


def head(path, lines):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        text = f.read().split(b"\n")
    return b"\n".join(text[:lines]) + b"\n"


def esco_seeds():
    files = [
        "en/occupations_en.csv.gz",
        "en/skills_en.csv.gz",
        "en/ISCOGroups_en.csv.gz",
        "en/skillGroups_en.csv.gz",
        "relations/occupationSkillRelations.csv.gz",
        "relations/broaderRelationsOccPillar.csv.gz",
        "relations/skillSkillRelations.csv.gz",
        "nl/occupations_nl.csv.gz",
        "derived/skills_en_nl_labels.csv.gz",
    ]
    for lines in (3, 12, 40):
        parts = [head(os.path.join(ESCO, f), lines) for f in files]
        collection = head(os.path.join(ESCO, "nl/digitalSkillsCollection_nl.csv.gz"), lines)
        parts.append(gzip.compress(collection))
        write("esco_csv", f"esco-{lines}", SEPARATOR.join(parts))


BUNDLE_FILES = [
    "occupations", "skills", "skill_groups", "qualifications", "credentials", "providers",
    "courses", "funding_schemes", "relations", "labels", "isco_groups",
]


def bundle_seeds():
    ontology = os.path.join(REPO, "ontology")
    names = sorted(os.listdir(ontology))
    manifest = open(os.path.join(ontology, "bundle.toml"), "rb").read()
    parts = [manifest]
    for kind in BUNDLE_FILES:
        text = b""
        for name in names:
            if name.endswith(".jsonl") and name.split("-")[0].split(".")[0] == kind:
                text += open(os.path.join(ontology, name), "rb").read()
        parts.append(text)
    # The first lines of each file: whole files make inputs too large to mutate quickly.
    for lines in (3, 12):
        cut = [manifest] + [b"\n".join(p.split(b"\n")[:lines]) for p in parts[1:]]
        write("bundle_jsonl", f"embedded-{lines}", SEPARATOR.join(cut))


# --- a minimal protobuf encoder -------------------------------------------------------------
def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while n > 127:
        out.append((n & 127) | 128)
        n >>= 7
    out.append(n)
    return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_bytes(number, value):
    if isinstance(value, str):
        value = value.encode()
    return varint((number << 3) | 2) + varint(len(value)) + value


def embedded_ids():
    ontology = os.path.join(REPO, "ontology")
    ids = {}
    for name in sorted(os.listdir(ontology)):
        if not name.endswith(".jsonl"):
            continue
        kind = name.split("-")[0].split(".")[0]
        for line in open(os.path.join(ontology, name), encoding="utf-8"):
            line = line.strip()
            if line.startswith("{"):
                record = json.loads(line)
                if "id" in record:
                    ids.setdefault(kind, []).append(record["id"])
    return ids


def request_seeds():
    ids = embedded_ids()
    occupation = ids["occupations"][0]
    skills = ids["skills"][:6]
    scheme = "vaardig:scheme/stap-budget"
    course = "vaardig:course/lassen-mig-mag-basis"
    claim = lambda skill, evidence: field_bytes(1, field_bytes(1, skill) + field_varint(2, evidence))  # noqa: E731
    profile = b"".join(claim(s, i % 7) for i, s in enumerate(skills))
    person = field_varint(1, 40) + field_bytes(7, "mbo3") + field_varint(3, 1)
    seeds = {
        0: field_bytes(1, occupation) + field_bytes(2, "nl"),
        1: b"".join(field_bytes(1, s) for s in skills),
        2: field_bytes(1, occupation) + field_varint(2, 1) + field_varint(3, 3) + field_varint(4, 20),
        3: field_bytes(1, skills[0]) + field_varint(2, 3),
        4: field_bytes(1, "lasser") + field_varint(2, 1) + field_bytes(3, "nl") + field_varint(7, 10),
        5: field_bytes(1, "zorg") + field_varint(4, 10),
        6: field_bytes(1, "Ik heb jaren gelast en als heftruckchauffeur gewerkt."),
        7: field_bytes(1, profile) + field_bytes(2, occupation),
        8: field_bytes(1, profile) + field_varint(3, 20),
        9: field_bytes(1, occupation) + field_varint(2, 10),
        10: field_bytes(1, scheme) + field_bytes(2, course) + field_bytes(3, "2022-09-05")
        + field_bytes(4, "2022-10-10") + field_bytes(9, person),
        11: field_bytes(1, "2023-06-01"),
        12: field_bytes(1, scheme),
        13: field_bytes(1, profile) + field_bytes(2, occupation) + field_bytes(3, person)
        + field_bytes(4, "2023-02-01") + field_bytes(5, field_varint(1, 2)),
    }
    for selector, message in seeds.items():
        write("requests", f"rpc-{selector:02}", bytes([selector]) + message)


if __name__ == "__main__":
    if not os.path.isdir(ESCO):
        sys.exit(f"seed: no ESCO export at {ESCO}")
    esco_seeds()
    bundle_seeds()
    request_seeds()
    print(f"seed: corpus written to {os.path.join(FUZZ, 'corpus')}")
