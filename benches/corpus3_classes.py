#!/usr/bin/env python3
"""Where karte's missed true pairs on corpus 3 come from, by the noise that made them.

    python3 benches/corpus3_classes.py --db karte.db --noise corpus3_noise.csv [--json-out FILE] [--examples N]

benches/make_corpus3.py writes, beside truth.csv, corpus3_noise.csv: for every
record what the generator knows of it — the version of the person's surname
(0 before a marriage, 1 after), the id of the address it shows, the ids of
the phones and e-mail it shows (whose they are: a child's record may carry
a parent's mobile), which of them were mistyped, and the record's noise tags
(itaiji, kanji-typo, homophone, kana-typo, kana-reading, birth-typo,
latin-name, foreign-kana, kana-only, no-birth, …). Nothing here is guessed
from the values.

A true pair (two active records of one person) is missed when karte left
its two records in two customers. For every true pair the classes are:

- pair facts: `married` (the records carry two surnames of the person),
  `moved` (two addresses, both records having one), `new-mobile` (two
  mobiles of the person), `no-common-phone` (no phone shown correctly in
  both: missing in one, changed, or mistyped), `phone-typo` (a number both
  show is mistyped in one);
- record noise: every tag of either record; for a foreign customer,
  `foreign-kana` (the two records spell the name in different katakana),
  `name-order` (family and given name in different orders) and
  `foreign-script` (one in latin letters, the other in katakana or kanji)
  compare the two records instead.

It prints, per class, the true pairs with it, how many were missed and the
share; then each missed pair under one primary class (the first of a fixed
order, hardest first, so the counts add up to the missed pairs); the
missed pairs with no noise class at all; and the missed pairs by source
pair. Standard library only; it asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from collections import Counter, defaultdict

# The order a missed pair is charged to one class: the change that most
# plausibly hides the pair first.
PRIMARY = ["married", "latin-name", "foreign-script", "foreign-kana", "name-order", "foreign-short", "new-mobile", "moved",
           "surname-homophone", "itaiji", "kanji-typo", "homophone", "name-in-one-column", "kana-reading",
           "kana-typo", "kana-variant", "romaji-variant", "birth-typo", "phone-typo", "addr-typo", "email-typo",
           "kana-only", "no-kana", "no-birth", "no-common-phone", "parent-phone", "parent-email", "second-id",
           "landline-only", "no-phone", "no-postal", "no-prefecture"]
# Tags that describe the person, not noise: shown as context of the misses.
CONTEXT = ["household", "twin", "same-name", "guardian-contact", "foreign", "shared-email"]


def split(s):
    return [x for x in (s or "").split(";") if x]


def pair_classes(a, b):
    cls = set(split(a["tags"])) | set(split(b["tags"]))
    if "foreign" in split(a["person_tags"]):
        # a foreign name: what differs between the two records, not whether
        # each used an uncommon spelling
        cls -= {"foreign-kana", "name-order"}
        fa, fb = a["foreign_kana"].split("."), b["foreign_kana"].split(".")
        if len(fa) == 3 and len(fb) == 3:
            if fa[:2] != fb[:2]:
                cls.add("foreign-kana")
            if fa[2] != fb[2]:
                cls.add("name-order")
        if a["latin_order"] and b["latin_order"] and a["latin_order"] != b["latin_order"]:
            cls.add("name-order")
        if a["script"] != b["script"]:
            cls.add("foreign-script")
    if a["name_version"] != "" and b["name_version"] != "" and a["name_version"] != b["name_version"]:
        cls.add("married")
    if a["address_id"] and b["address_id"] and a["address_id"] != b["address_id"]:
        cls.add("moved")
    pa, pb = set(split(a["phones"])), set(split(b["phones"]))
    ta, tb = set(split(a["typo_phones"])), set(split(b["typo_phones"]))
    me = a["person_id"] + ":M"
    ma = {x for x in pa if x.startswith(me)}
    mb = {x for x in pb if x.startswith(me)}
    if ma and mb and not ma & mb:
        cls.add("new-mobile")
    common = pa & pb
    clean = {x for x in common if x not in ta and x not in tb}
    if common - clean:
        cls.add("phone-typo")
    if not clean:
        cls.add("no-common-phone")
    return cls


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--noise", required=True, help="corpus3_noise.csv from benches/make_corpus3.py")
    ap.add_argument("--json-out", metavar="FILE")
    ap.add_argument("--examples", type=int, default=0, metavar="N",
                    help="also print N missed pairs without any noise class (record ids), to look at by hand")
    args = ap.parse_args(argv)

    with open(args.noise, encoding="utf-8", newline="") as f:
        noise = {(r["source_file"], r["sheet"], int(r["row"])): r for r in csv.DictReader(f)}
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    by_person = defaultdict(list)
    unknown = 0
    for cid, fname, sheet, row, rid, status in db.execute(
            "SELECT customer_id, source_file, sheet, row, record_id, status FROM lineage"):
        if status != "active":
            continue
        r = noise.get((fname, sheet or "", row))
        if r is None:
            unknown += 1
            continue
        by_person[r["person_id"]].append((cid if cid is not None else -rid, rid, r))
    db.close()

    true_by, missed_by, primary, context = Counter(), Counter(), Counter(), Counter()
    by_sources, by_sources_true = Counter(), Counter()
    total_true = total_missed = clean_missed = 0
    clean_sources = Counter()
    examples = []
    for recs in by_person.values():
        for i in range(len(recs)):
            for j in range(i + 1, len(recs)):
                (ca, ra, a), (cb, rb, b) = recs[i], recs[j]
                cls = pair_classes(a, b)
                srcs = "~".join(sorted((a["source"], b["source"])))
                total_true += 1
                by_sources_true[srcs] += 1
                for c in cls:
                    true_by[c] += 1
                if ca == cb:
                    continue
                total_missed += 1
                by_sources[srcs] += 1
                for c in cls:
                    missed_by[c] += 1
                for t in split(a["person_tags"]):
                    if t in CONTEXT:
                        context[t] += 1
                first = next((c for c in PRIMARY if c in cls), None)
                if first is None:
                    first = "none"
                    clean_missed += 1
                    clean_sources[srcs] += 1
                    if len(examples) < args.examples:
                        examples.append((ra, rb, a["person_id"], srcs))
                primary[first] += 1

    out = {
        "true_pairs": total_true, "missed_pairs": total_missed,
        "records_without_noise_row": unknown,
        "by_class": {c: {"true_pairs": true_by[c], "missed": missed_by[c],
                         "miss_rate": (missed_by[c] / true_by[c]) if true_by[c] else None}
                     for c in sorted(true_by, key=lambda c: -missed_by[c])},
        "primary": dict(primary.most_common()),
        "missed_without_noise": clean_missed,
        "missed_without_noise_by_sources": dict(clean_sources.most_common()),
        "missed_by_sources": {k: {"true_pairs": by_sources_true[k], "missed": v} for k, v in by_sources.most_common()},
        "missed_context": dict(context.most_common()),
    }
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print(f"true pairs {total_true:,}, missed {total_missed:,}"
          + (f" ({unknown:,} active records have no row in the noise file)" if unknown else ""))
    print("by class (a pair counts under every class it has): class, true pairs, missed, miss rate")
    for c, v in out["by_class"].items():
        if v["missed"] or v["true_pairs"] >= 20:
            rate = "n/a" if v["miss_rate"] is None else f"{v['miss_rate']:.3f}"
            print(f"  {c:20} {v['true_pairs']:8,} {v['missed']:7,}  {rate}")
    print("missed pairs by primary class (each pair once, the first class of: " + ", ".join(PRIMARY[:6]) + ", …):")
    for c, n in primary.most_common():
        print(f"  {c:20} {n:7,}")
    print(f"missed pairs with no noise class: {clean_missed:,}"
          + (" (" + ", ".join(f"{k} {v:,}" for k, v in clean_sources.most_common()) + ")" if clean_sources else ""))
    print("missed pairs by source pair (missed of true):")
    for k, v in out["missed_by_sources"].items():
        print(f"  {k:20} {v['missed']:7,} of {v['true_pairs']:,}")
    if context:
        print("missed pairs whose person is in: " + ", ".join(f"{k} {v:,}" for k, v in context.most_common()))
    for ra, rb, pid, srcs in examples:
        print(f"  example without noise: records {ra} and {rb} ({pid}, {srcs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
