#!/usr/bin/env python3
"""Compares the calls that fit organisations between two running hubs (e.g. before and after
`lshub import cordis`), for every organisation a CORDIS participant is linked to.

    scripts/compare_matches.py BEFORE_URL AFTER_URL SQLITE_DB_OF_AFTER [--show N]

Prints, per hub, the share of health calls among each organisation's ten best calls and the
repeated titles, then the overlap of the two top tens; --show N prints N organisations'
top five on both hubs (a fixed random sample), for judging by hand.
"""
import argparse
import json
import random
import re
import sqlite3
import statistics
import urllib.parse
import urllib.request

HEALTH = re.compile(r"HLTH|CANCER|IHI|EU4H|HEALTH", re.I)


def top_calls(base, slug):
    query = urllib.parse.urlencode({"organisation": slug, "type": "call", "limit": 10})
    with urllib.request.urlopen(f"{base}/api/v1/match?{query}") as response:
        return [(item["id"], item["title"]) for item in json.load(response)["items"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("database")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    db = sqlite3.connect(args.database)
    slugs = [row[0] for row in db.execute(
        "SELECT DISTINCT o.slug FROM participant_links l JOIN organisations o ON o.id = l.organisation_id ORDER BY o.slug")]
    results = {}
    for name, base in (("before", args.before), ("after", args.after)):
        shares, repeated = [], 0
        for slug in slugs:
            calls = top_calls(base, slug)
            results.setdefault(slug, {})[name] = calls
            shares.append(sum(1 for topic, _ in calls if HEALTH.search(topic)) / max(len(calls), 1))
            repeated += len(calls) - len({title for _, title in calls})
        print(f"{name}: {len(slugs)} organisations, health calls among the ten best {statistics.mean(shares):.3f}, "
              f"repeated titles {repeated}")
    overlap = [len({t for t, _ in r["before"]} & {t for t, _ in r["after"]}) / 10 for r in results.values()]
    print(f"overlap of the two top tens: {statistics.mean(overlap):.2f}")
    random.seed(16)
    for slug in random.sample(slugs, min(args.show, len(slugs))):
        print(f"\n{slug}")
        for name in ("before", "after"):
            print(f"  {name}")
            for topic, title in results[slug][name][:5]:
                print(f"    {topic:<45} {title[:80]}")


if __name__ == "__main__":
    main()
