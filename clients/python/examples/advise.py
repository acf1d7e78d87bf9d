"""What a career advisor's tool does with vaardig, in a few calls: find the target occupation,
compute the person's gap, find courses that close it with the money per funding scheme, and print
the cheapest training path.

    python examples/advise.py [--server 127.0.0.1:50051] "lasser" "metaal bewerken, lassen"
"""
import argparse
import sys

from vaardig_client import Client


def euro(cents: int) -> str:
    return f"€ {cents / 100:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:50051")
    parser.add_argument("target", help="the occupation the person wants, as people write it")
    parser.add_argument("skills", nargs="?", default="", help="skills the person has, comma-separated")
    args = parser.parse_args()
    with Client(args.server) as vaardig:
        hits = vaardig.search(args.target, kinds=["occupation"], limit=1)
        if not hits:
            print(f"no occupation found for {args.target!r}", file=sys.stderr)
            return 1
        target = hits[0].concept
        skills = [h.concept.id for text in args.skills.split(",") if text.strip()
                  for h in vaardig.search(text.strip(), kinds=["skill"], limit=1)]
        gap = vaardig.gap(target.id, skills=skills)
        print(f"{target.label}: {gap.essential_coverage:.0%} of the essential skills covered")
        for requirement in gap.missing[:5]:
            print(f"  missing ({requirement.importance}): {requirement.skill.label}")
        courses = vaardig.courses(target=target.id, profile_skills=skills, page_size=3)
        print(f"{courses.total} courses close part of the gap; the first {len(courses.courses)}:")
        for course in courses.courses:
            money = ", ".join(f"{f.scheme.label} {euro(f.amount_cents)}" for f in course.funding if f.amount_cents)
            print(f"  {course.course.label} ({course.provider.label}): {euro(course.price_cents)}, "
                  f"own cost {euro(course.own_cost_cents)}{'; ' + money if money else ''}")
        options = vaardig.path(target.id, skills=skills)
        if options:
            cheapest = options[0]
            print(f"cheapest path ({cheapest.kind}): {len(cheapest.steps)} courses, "
                  f"{euro(cheapest.total_own_cents)} own cost of {euro(cheapest.total_price_cents)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
