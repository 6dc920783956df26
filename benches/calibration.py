#!/usr/bin/env python3
"""How honest karte's match probabilities are, and where its recall goes.

    karte dedup --db karte.db --pairs-out pairs.csv ...
    python3 benches/calibration.py --db karte.db --truth truth.csv --pairs pairs.csv [--json-out FILE]

`pairs.csv` is every candidate pair dedup compared, with the probability
its model gave (`karte dedup --pairs-out`: record ids only). The truth file
is the one benches/score.py reads (source_file, sheet, row, person_id …).

It prints:

- calibration: candidate pairs bucketed by predicted probability, each
  bucket's mean prediction beside the share of its pairs that truly are one
  person (a calibrated model has the two within a few hundredths), and the
  largest gap among buckets of at least 50 pairs;
- where the true pairs went: never compared (blocking), compared and scored
  below the review threshold, between review and merge, at or above the
  merge threshold; and of the true pairs the dedup left apart, how many
  were compared at all (pairs of records, counted through the customers
  karte made: a true pair is "left apart" when its two records are in two
  customers).

Standard library only. It asserts nothing; it prints figures.
"""
from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score import Interner, load_truth, pairs as npairs  # noqa: E402

BUCKETS = [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0000001]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--pairs", required=True, help="karte dedup --pairs-out FILE")
    ap.add_argument("--review", type=float, default=0.5)
    ap.add_argument("--merge", type=float, default=0.99)
    ap.add_argument("--json-out")
    a = ap.parse_args(argv)

    persons, households, tagsets = Interner(), Interner(), Interner()
    truth, _ = load_truth(a.truth, persons, households, tagsets)
    db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    person_of = {}
    customer_of = {}
    for rid, cid, fname, sheet, row, status in db.execute(
            "SELECT record_id, customer_id, source_file, sheet, row, status FROM lineage"):
        if status != "active":
            continue
        t = truth.get((fname, sheet or "", row))
        if t is None:
            continue
        person_of[rid] = t[0]
        customer_of[rid] = cid

    # True pairs in all: per person, n·(n-1)/2.
    per_person = defaultdict(int)
    for p in person_of.values():
        per_person[p] += 1
    true_total = sum(npairs(n) for n in per_person.values())
    # True pairs karte joined: per (customer, person).
    joined = defaultdict(int)
    for rid, p in person_of.items():
        joined[(customer_of[rid], p)] += 1
    true_joined = sum(npairs(n) for n in joined.values())

    buckets = [[0, 0.0, 0] for _ in BUCKETS[:-1]]   # pairs, sum of p, true
    compared_true = 0
    by_stage = {"below review": 0, "review band": 0, "merge band": 0}
    apart_compared = 0
    with open(a.pairs, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            x, y, p = int(r["record_a"]), int(r["record_b"]), float(r["probability"])
            if x not in person_of or y not in person_of:
                continue
            same = person_of[x] == person_of[y]
            i = next(k for k in range(len(BUCKETS) - 1) if BUCKETS[k] <= p < BUCKETS[k + 1])
            b = buckets[i]
            b[0] += 1
            b[1] += p
            b[2] += same
            if same:
                compared_true += 1
                stage = "merge band" if p >= a.merge else "review band" if p >= a.review else "below review"
                by_stage[stage] += 1
                if customer_of[x] != customer_of[y]:
                    apart_compared += 1

    print("calibration: candidate pairs by predicted match probability")
    print(f"  {'bucket':<15} {'pairs':>9} {'mean p':>8} {'truly one':>10} {'gap':>7}")
    worst = 0.0
    rows = []
    for k, (n, s, t) in enumerate(buckets):
        if n == 0:
            continue
        mean, share = s / n, t / n
        gap = share - mean
        if n >= 50:
            worst = max(worst, abs(gap))
        hi = min(BUCKETS[k + 1], 1.0)
        label = f"[{BUCKETS[k]:.3g}, {hi:.3g}{']' if hi >= 1.0 else ')'}"
        print(f"  {label:<15} {n:>9,} {mean:>8.4f} {share:>10.4f} {gap:>+7.3f}")
        rows.append({"from": BUCKETS[k], "to": hi, "pairs": n, "mean_p": mean, "true_share": share})
    print(f"  largest gap in a bucket of 50+ pairs: {worst:.3f}")
    print()
    print(f"true pairs of records: {true_total:,}; joined by karte {true_joined:,} (recall {true_joined / max(true_total, 1):.4f})")
    print(f"  compared at all (blocking recall): {compared_true:,} candidate pairs are true pairs")
    for k, v in by_stage.items():
        print(f"    {k:<13} {v:>9,}")
    print(f"  true candidate pairs left in two customers: {apart_compared:,}")
    if a.json_out:
        Path(a.json_out).write_text(json.dumps({"buckets": rows, "largest_gap": worst, "true_pairs": true_total,
                                                "true_joined": true_joined, "true_compared": compared_true,
                                                "by_stage": by_stage}, indent=2))


if __name__ == "__main__":
    main()
