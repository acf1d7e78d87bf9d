#!/usr/bin/env python3
"""Checks the hand-annotated extraction set (tests/data/extract/texts.jsonl) against the real ESCO files.

Every line must be one JSON object with the fields id, genre, sector, text, skills, occupations; ids are
unique; genre is story, vacancy or cv; every skill URI must exist in ESCO v1.1.1 skills_en and every
occupation URI in occupations_en (read from ../shared/data, never copied into the repo); no URI is listed
twice in one text. Run it after editing the set. With --show it also prints each text with the English
(and, where known, Dutch) preferred labels of its annotations, so a second annotator can review them.

Usage: scripts/check-extract-set.py [FILE] [--show]
Exit code 0 when the set is valid, 1 with one line per problem otherwise.
"""
import csv, gzip, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ESCO = os.path.join(HERE, "..", "..", "shared", "data", "esco-v1.1.1")
DEFAULT = os.path.join(HERE, "..", "tests", "data", "extract", "texts.jsonl")
FIELDS = {"id", "genre", "sector", "text", "skills", "occupations"}
GENRES = {"story", "vacancy", "cv"}


def labels(path, label_field="preferredLabel"):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {r["conceptUri"]: r[label_field] for r in csv.DictReader(f)}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show" in sys.argv
    path = args[0] if args else DEFAULT
    skills = labels(os.path.join(ESCO, "en", "skills_en.csv.gz"))
    occupations = labels(os.path.join(ESCO, "en", "occupations_en.csv.gz"))
    skills_nl = labels(os.path.join(ESCO, "derived", "skills_en_nl_labels.csv.gz"), "preferredLabel_nl")
    occupations_nl = labels(os.path.join(ESCO, "nl", "occupations_nl.csv.gz"))

    problems, seen = [], set()
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines, 1):
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: not JSON ({e})")
            continue
        if set(row) != FIELDS:
            problems.append(f"{where}: fields {sorted(row)} != {sorted(FIELDS)}")
            continue
        if row["id"] in seen:
            problems.append(f"{where}: duplicate id {row['id']}")
        seen.add(row["id"])
        if row["genre"] not in GENRES:
            problems.append(f"{where}: genre {row['genre']!r} not one of {sorted(GENRES)}")
        if not row["text"].strip() or not row["sector"].strip():
            problems.append(f"{where}: empty text or sector")
        for field, known in (("skills", skills), ("occupations", occupations)):
            uris = row[field]
            if len(set(uris)) != len(uris):
                problems.append(f"{where}: {field} lists a URI twice")
            for uri in uris:
                if uri not in known:
                    problems.append(f"{where}: {field}: {uri} is not in ESCO v1.1.1 {field}")
        if show:
            print(f"--- {row['id']} {row['genre']}/{row['sector']}\n{row['text']}")
            for uri in row["skills"]:
                print(f"  S {skills.get(uri, '?')} | {skills_nl.get(uri) or '-'}")
            for uri in row["occupations"]:
                print(f"  O {occupations.get(uri, '?')} | {occupations_nl.get(uri) or '-'}")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(lines)} texts, {len(problems)} problems", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
