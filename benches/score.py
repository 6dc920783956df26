#!/usr/bin/env python3
"""Score a karte database's deduplication against a ground-truth file.

    python3 benches/score.py --db karte.db --truth truth.csv [--json] [--json-out FILE]

The truth file has the columns `source_file,sheet,row,person_id` and either
`household_id,kind` (benches/make_corpus.py: kind is a ';'-separated list
of tags) or `note` (tests/fixtures/samples_truth.csv: the household and the
tags are read from notes such as 'household H02 mother; twin'). Each truth
row is joined to the database's `lineage` view (active records only) on
(source_file, sheet, row); the customer a record belongs to is
`lineage.customer_id`.

What it reports, all over the records present in both:

- pairwise precision, recall and F1: a pair of records is predicted when
  both are in one customer, true when both are one person. Pairs are
  counted per cluster and per intersection (n·(n-1)/2), never enumerated;
- customers (predicted clusters) against people, and how many customers
  mix people or people are split;
- false merges (predicted pairs of two different people) by kind: twins
  (two twins of one household), same household (other members of one
  household), unrelated (different households; of which: both people carry
  the `same-name` tag); and the number of households in which at least two
  different people were merged;
- recall by tag: of the true pairs with at least one record carrying the
  tag, the share found (for person-level tags such as married or moved,
  that is every pair of those people);
- recall across sources (true pairs whose two records come from different
  sources) and per pair of sources;
- truth rows not found among the active lineage rows, and active lineage
  rows without a truth row.

Before deduplication every record is its own customer: no pair is predicted,
precision is undefined (printed as n/a, null in JSON) and recall is 0.

Standard library only.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import sys
from collections import Counter
from itertools import groupby
from operator import itemgetter


def pairs(n: int) -> int:
    return n * (n - 1) // 2


# Tags derived from the free-text notes of tests/fixtures/samples_truth.csv.
NOTE_TAGS = [
    (re.compile(r"^twin$"), "twin"),
    (re.compile(r"^married"), "married"),
    (re.compile(r"\bmoved\b"), "moved"),
    (re.compile(r"mobile changed"), "new-mobile"),
    (re.compile(r"different person from"), "same-name"),
    (re.compile(r"maiden name"), "old-name"),
    (re.compile(r"^old address"), "old-address"),
    (re.compile(r"^old mobile"), "old-mobile"),
    (re.compile(r"^(itaiji|variant) "), "itaiji"),
    (re.compile(r"^typo "), "name-typo"),
    (re.compile(r"digits swapped"), "phone-typo"),
    (re.compile(r"birth date copied wrong"), "birth-typo"),
    (re.compile(r"mother's"), "guardian-contact"),
    (re.compile(r"registered twice|duplicate ledger entry|re-registered"), "second-id"),
]
NOISE_TAGS = {"itaiji", "name-typo", "kana-typo", "birth-typo", "birth-swap", "phone-typo", "addr-typo"}
HOUSEHOLD_NOTE = re.compile(r"^household (\S+)")


def tags_from_note(note: str):
    household = ""
    tags = []
    for part in (p.strip() for p in note.split(";")):
        m = HOUSEHOLD_NOTE.match(part)
        if m:
            household = m.group(1)
            tags.append("household")
            continue
        for rx, tag in NOTE_TAGS:
            if rx.search(part) and tag not in tags:
                tags.append(tag)
    if any(t in NOISE_TAGS for t in tags):
        tags.append("dup-noise")
    return household, tags or ["plain"]


class Interner(dict):
    def id(self, key):
        v = self.get(key)
        if v is None:
            v = self[key] = len(self)
        return v


def load_truth(path, persons, households, tagsets):
    """(source_file, sheet, row) → (person, household, tag set), as small ints."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rd = csv.DictReader(f)
        cols = set(rd.fieldnames or ())
        need = {"source_file", "sheet", "row", "person_id"}
        if not need <= cols:
            sys.exit(f"score.py: {path}: missing columns {sorted(need - cols)} (has {sorted(cols)})")
        has_kind = "kind" in cols or "household_id" in cols
        has_note = "note" in cols
        truth = {}
        dup = 0
        names = {}
        for r in rd:
            fname = r["source_file"]
            fname = names.setdefault(fname, fname)
            key = (fname, r["sheet"] or "", int(r["row"]))
            if has_kind:
                hh = r.get("household_id") or ""
                tags = tuple(t for t in (r.get("kind") or "").split(";") if t) or ("plain",)
            elif has_note:
                hh, tags = tags_from_note(r["note"] or "")
                tags = tuple(tags)
            else:
                hh, tags = "", ("plain",)
            if key in truth:
                dup += 1
            p = persons.id(r["person_id"])
            # a person without a household counts as a household of one
            truth[key] = (p, households.id(hh) if hh else -1 - p, tagsets.id(tags))
    return truth, dup


def score(db_path, truth_path, with_review=False):
    persons, households, tagsets, sources = Interner(), Interner(), Interner(), Interner()
    truth, dup_truth = load_truth(truth_path, persons, households, tagsets)
    n_truth = len(truth)
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        parent = {}
        if with_review:
            # As if a person accepted every open review item as 統合 (merge).
            def find(x):
                while parent.get(x, x) != x:
                    parent[x] = parent.get(parent[x], parent[x])
                    x = parent[x]
                return x
            for a, b in db.execute(
                    "SELECT r1.customer_id, r2.customer_id FROM review_items i JOIN records r1 ON r1.id = i.record_a "
                    "JOIN records r2 ON r2.id = i.record_b WHERE i.status = 'open'"):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            merged_by_review = {c: find(c) for c in list(parent)}
        else:
            merged_by_review = {}
        rows = db.execute("SELECT customer_id, source_file, sheet, row, source, status FROM lineage")
    except sqlite3.Error as e:
        sys.exit(f"score.py: {db_path}: cannot read the lineage view: {e}")

    recs = []                      # (customer, person, household, tag set, source)
    inactive = Counter()
    unclustered = 0
    lineage_without_truth = 0
    next_single = -1
    for cid, fname, sheet, row, source, status in rows:
        t = truth.pop((fname, sheet or "", row), None)
        if status != "active":
            if t is not None:
                inactive[status] += 1
            continue
        if t is None:
            lineage_without_truth += 1
            continue
        if cid is None:                 # an active record without a customer: alone
            unclustered += 1
            cid = next_single
            next_single -= 1
        recs.append((merged_by_review.get(cid, cid), t[0], t[1], t[2], sources.id(source)))
    db.close()
    truth_missing = len(truth)
    del truth
    tag_of = {v: k for k, v in tagsets.items()}
    source_name = {v: k for k, v in sources.items()}
    all_tags = sorted({t for ts in tagsets for t in ts})

    # --- per person, and per (person, customer): true pairs and pairs found
    recs.sort(key=itemgetter(1, 0))
    true_pairs = found = 0
    tag_true, tag_found = Counter(), Counter()
    src_true, src_found = Counter(), Counter()
    cross_true = cross_found = 0
    split_people = 0
    people = 0
    for p, grp in groupby(recs, key=itemgetter(1)):
        grp = list(grp)
        people += 1
        n = len(grp)
        true_pairs += pairs(n)
        if n < 2:
            continue
        tcount = Counter()
        scount = Counter()
        for r in grp:
            scount[r[4]] += 1
            for t in tag_of[r[3]]:
                tcount[t] += 1
        for t, k in tcount.items():
            tag_true[t] += pairs(n) - pairs(n - k)
        within = 0
        for s, k in scount.items():
            within += pairs(k)
        cross_true += pairs(n) - within
        sl = sorted(scount)
        for i, a in enumerate(sl):
            src_true[(a, a)] += pairs(scount[a])
            for b in sl[i + 1:]:
                src_true[(a, b)] += scount[a] * scount[b]
        clusters = 0
        for cid, sub in groupby(grp, key=itemgetter(0)):
            sub = list(sub)
            clusters += 1
            m = len(sub)
            found += pairs(m)
            if m < 2:
                continue
            tc = Counter()
            sc = Counter()
            for r in sub:
                sc[r[4]] += 1
                for t in tag_of[r[3]]:
                    tc[t] += 1
            for t, k in tc.items():
                tag_found[t] += pairs(m) - pairs(m - k)
            cross_found += pairs(m) - sum(pairs(k) for k in sc.values())
            ssl = sorted(sc)
            for i, a in enumerate(ssl):
                src_found[(a, a)] += pairs(sc[a])
                for b in ssl[i + 1:]:
                    src_found[(a, b)] += sc[a] * sc[b]
        if clusters > 1:
            split_people += 1

    # --- per customer: predicted pairs and what the false ones are
    recs.sort(key=itemgetter(0, 2, 1))
    twin_tagsets = {i for i, ts in tag_of.items() if "twin" in ts}
    same_name_tagsets = {i for i, ts in tag_of.items() if "same-name" in ts}
    predicted = 0
    fm_household = fm_twin = fm_same_name = 0
    merged_households = set()
    clusters = mixed_clusters = 0
    biggest = biggest_people = 0
    for cid, grp in groupby(recs, key=itemgetter(0)):
        grp = list(grp)
        clusters += 1
        n = len(grp)
        predicted += pairs(n)
        biggest = max(biggest, n)
        if n < 2:
            biggest_people = max(biggest_people, 1)
            continue
        per_person = Counter(r[1] for r in grp)
        biggest_people = max(biggest_people, len(per_person))
        if len(per_person) > 1:
            mixed_clusters += 1
        sn_records = Counter()
        for h, sub in groupby(grp, key=itemgetter(2)):
            sub = list(sub)
            pp = Counter(r[1] for r in sub)
            if h >= 0 and len(pp) > 1:
                merged_households.add(h)
                fm_household += pairs(len(sub)) - sum(pairs(k) for k in pp.values())
                twins = Counter(r[1] for r in sub if r[3] in twin_tagsets)
                if len(twins) > 1:
                    fm_twin += pairs(sum(twins.values())) - sum(pairs(k) for k in twins.values())
            for r in sub:
                if r[3] in same_name_tagsets:
                    sn_records[h] += 1
        if len(sn_records) > 1:
            fm_same_name += pairs(sum(sn_records.values())) - sum(pairs(k) for k in sn_records.values())
    tp = found
    fp = predicted - tp
    fm_unrelated = fp - fm_household
    multi_households = sum(
        1 for h, grp in groupby(sorted((r[2], r[1]) for r in recs if r[2] >= 0), key=itemgetter(0))
        if len({p for _, p in grp}) > 1)

    def ratio(a, b):
        return a / b if b else None

    precision = ratio(tp, predicted)
    recall = ratio(tp, true_pairs)
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else (
        0.0 if recall == 0 or precision == 0 else None)
    out = {
        "db": str(db_path),
        "truth": str(truth_path),
        "records": len(recs),
        "pairs": {"predicted": predicted, "true": true_pairs, "true_positive": tp, "false_positive": fp,
                  "false_negative": true_pairs - tp},
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "customers": clusters,
        "people": people,
        "customers_mixing_people": mixed_clusters,
        "people_split": split_people,
        "largest_customer_records": biggest,
        "largest_customer_people": biggest_people,
        "false_merges": {"twin": fm_twin, "same_household": fm_household - fm_twin, "unrelated": fm_unrelated,
                         "unrelated_both_same_name": fm_same_name},
        "households": {"with_2_or_more_people": multi_households, "merged": len(merged_households)},
        "recall_by_tag": {t: {"true_pairs": tag_true[t], "found": tag_found[t], "recall": ratio(tag_found[t], tag_true[t])}
                          for t in all_tags},
        "cross_source": {"true_pairs": cross_true, "found": cross_found, "recall": ratio(cross_found, cross_true)},
        "by_source_pair": {f"{source_name[a]}~{source_name[b]}": {"true_pairs": v, "found": src_found[(a, b)],
                                                                    "recall": ratio(src_found[(a, b)], v)}
                           for (a, b), v in sorted(src_true.items(), key=lambda kv: (source_name[kv[0][0]], source_name[kv[0][1]]))
                           if v},
        "truth_rows": n_truth,
        "truth_duplicate_keys": dup_truth,
        "truth_not_in_active_lineage": truth_missing + sum(inactive.values()),
        "truth_not_in_lineage": truth_missing,
        "truth_rows_inactive": dict(inactive),
        "active_lineage_without_truth": lineage_without_truth,
        "active_records_without_customer": unclustered,
    }
    return out


def fmt(x, digits=4):
    return "n/a" if x is None else f"{x:.{digits}f}"


def print_report(s):
    pr = s["pairs"]
    print(f"records scored {s['records']:,}  (truth rows {s['truth_rows']:,}; not among active lineage rows "
          f"{s['truth_not_in_active_lineage']:,}"
          + (f", of which inactive {s['truth_rows_inactive']}" if s["truth_rows_inactive"] else "")
          + f"; active lineage rows without truth {s['active_lineage_without_truth']:,})")
    if s["truth_not_in_active_lineage"] or s["active_lineage_without_truth"]:
        print("WARNING: the truth file and the database's active records do not match 1:1 (see the counts above)")
    if s["truth_duplicate_keys"]:
        print(f"WARNING: {s['truth_duplicate_keys']} duplicate (source_file, sheet, row) keys in the truth file")
    if s["active_records_without_customer"]:
        print(f"note: {s['active_records_without_customer']:,} active records have no customer_id (scored as alone)")
    print(f"precision {fmt(s['precision'])}  recall {fmt(s['recall'])}  F1 {fmt(s['f1'])}")
    print(f"pairs: predicted {pr['predicted']:,}, true {pr['true']:,}, found {pr['true_positive']:,}, "
          f"false {pr['false_positive']:,}, missed {pr['false_negative']:,}")
    print(f"customers {s['customers']:,} vs people {s['people']:,}; customers mixing people {s['customers_mixing_people']:,}; "
          f"people split over several customers {s['people_split']:,}; largest customer {s['largest_customer_records']:,} "
          f"records / {s['largest_customer_people']:,} people")
    fm = s["false_merges"]
    print(f"false merges (pairs): twin {fm['twin']:,}, same household {fm['same_household']:,}, "
          f"unrelated {fm['unrelated']:,} (both same-name: {fm['unrelated_both_same_name']:,})")
    hh = s["households"]
    print(f"households with 2+ people {hh['with_2_or_more_people']:,}; households with 2+ people merged {hh['merged']:,}")
    cs = s["cross_source"]
    print(f"cross-source recall {fmt(cs['recall'])} ({cs['found']:,} of {cs['true_pairs']:,} pairs)")
    print("recall by tag (true pairs with a record carrying the tag):")
    for t, v in s["recall_by_tag"].items():
        if v["true_pairs"]:
            print(f"  {t:18} {fmt(v['recall'])}  ({v['found']:,} of {v['true_pairs']:,})")
    print("recall by source pair:")
    for k, v in s["by_source_pair"].items():
        print(f"  {k:32} {fmt(v['recall'])}  ({v['found']:,} of {v['true_pairs']:,})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="the karte database")
    ap.add_argument("--truth", required=True, help="the truth CSV")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    ap.add_argument("--with-review", action="store_true",
                    help="score as if every open review item were accepted as a merge (karte plus a person)")
    ap.add_argument("--json-out", metavar="FILE", help="also write the JSON object to FILE")
    args = ap.parse_args(argv)
    s = score(args.db, args.truth, args.with_review)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(s, f, ensure_ascii=False, indent=1)
            f.write("\n")
    if args.json:
        json.dump(s, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        try:
            print_report(s)
        except BrokenPipeError:         # | head
            sys.stderr.close()


if __name__ == "__main__":
    main()
