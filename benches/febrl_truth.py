#!/usr/bin/env python3
"""Converts a FEBRL truth file (record_id,true_id) into karte's truth format
(source_file,sheet,row,person_id), keyed on where karte finds each record.

    python3 benches/febrl_truth.py DATA.csv DATA_truth.csv OUT.csv

`row` is what karte stores in records.row for a CSV record: the physical line
the record starts on, the header being line 1, lines counted by "\\n" only
(a quoted field with a line break makes a record span lines; a lone "\\r" is
not a line break). The data file is read with the csv module, fed one
physical line at a time, so a record's first line is known whatever its
fields hold. `source_file` is the file's name without directories (what the
lineage view's source_file holds) and `sheet` is empty (CSV has none).

Every record of the data file must have exactly one truth row and vice
versa; anything else is an error. Prints the records, entities and true
duplicate pairs, and how many fields hold a line break (and so how many
records span lines).
"""

import csv
import os
import sys
from collections import Counter


def physical_lines(text, counter):
    """Yields the text's lines split on "\\n" only (each with its "\\n"),
    counting them in counter[0] as the csv reader consumes them."""
    start = 0
    n = len(text)
    while start < n:
        end = text.find("\n", start)
        end = n if end < 0 else end + 1
        counter[0] += 1
        yield text[start:end]
        start = end


def records_with_lines(path):
    """(header, [(start_line, fields)]) of a CSV file."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8-sig")
    consumed = [0]
    reader = csv.reader(physical_lines(text, consumed), strict=True)
    header = None
    out = []
    while True:
        before = consumed[0]
        try:
            fields = next(reader)
        except StopIteration:
            break
        if not fields or all(not f.strip() for f in fields):
            continue  # a blank line: not a record (karte counts it apart)
        # The csv reader pulled the record's first line right after `before`
        # (blank lines were yielded as records of their own above).
        start = before + 1
        if header is None:
            header = fields
            continue
        out.append((start, consumed[0], fields))
    return header, out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    data_path, truth_path, out_path = sys.argv[1:]
    header, recs = records_with_lines(data_path)
    if not header or header[0] != "record_id":
        sys.exit(f"{data_path}: the first column is not record_id")
    with open(truth_path, newline="", encoding="utf-8-sig") as f:
        truth = {}
        for r in csv.DictReader(f):
            if r["record_id"] in truth:
                sys.exit(f"{truth_path}: record_id {r['record_id']} twice")
            truth[r["record_id"]] = r["true_id"]

    multiline_fields = sum(1 for _, _, fields in recs for v in fields if "\n" in v or "\r" in v)
    spanning = sum(1 for start, end, _ in recs if end != start)
    seen = set()
    name = os.path.basename(data_path)
    rows = []
    for start, _end, fields in recs:
        rid = fields[0]
        if rid in seen:
            sys.exit(f"{data_path}: record_id {rid} twice (line {start})")
        seen.add(rid)
        if rid not in truth:
            sys.exit(f"{data_path}: record_id {rid} (line {start}) has no truth row")
        rows.append((name, "", start, truth[rid]))
    missing = set(truth) - seen
    if missing:
        sys.exit(f"{truth_path}: {len(missing)} truth rows name no record, e.g. {sorted(missing)[:3]}")

    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source_file", "sheet", "row", "person_id"])
        w.writerows(rows)
    os.replace(tmp, out_path)

    sizes = Counter(p for *_, p in rows)
    pairs = sum(k * (k - 1) // 2 for k in sizes.values())
    print(
        f"{name}: {len(rows)} records, {len(sizes)} entities, {pairs} true duplicate pairs; "
        f"{multiline_fields} fields with a line break, {spanning} records spanning lines -> {out_path}"
    )


if __name__ == "__main__":
    main()
