#!/usr/bin/env bash
# Nightly-run benchmark: the whole `karte run` over a project of several
# source files, then the runs of the following nights.
#
#   benches/run.sh               # 700,000 people: about 1,026,000 source rows in 4 files
#   benches/run.sh 5000          # a small corpus (about 7,300 rows)
#
# Steps: build the release binary; generate the corpus with
# benches/make_corpus.py (shared with benches/dedup.sh, reused when made by
# the same generator); copy its four files (ledger, POS, web bookings,
# cards) into target/bench-data/run_<N>/data and write a karte.toml there
# (the corpus mappings, the review report, a CRM CSV export and an xlsx
# export); then time, each under /usr/bin/time (wall seconds, peak RSS):
#   1. the first night: a fresh database, every file imported, dedup, report, exports;
#   2. an unchanged night: nothing to do;
#   3. a night where every file was saved again unchanged (new modification
#      times, same bytes: each file is read and hashed, nothing imported);
#   4. a night where the web bookings gained 1,000 rows and 1,000 were edited:
#      that file re-imported by identity, dedup, report and exports again.
#
# KARTE=/path/to/karte benchmarks that binary instead (no build).
# It prints figures; it asserts nothing. Exit status: 0 done, 1 a step
# failed, 2 bad arguments.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEOPLE=700000
SEED=20241001
case "${1:-}" in
    '') ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*) echo "run.sh: unknown argument '$1' (expected a number of people)" >&2; exit 2 ;;
    *) PEOPLE="$1" ;;
esac

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
BUILD=1
if [ -n "${KARTE:-}" ]; then BUILD=0; else KARTE="$TARGET/release/karte"; fi
DATA="$ROOT/target/bench-data/corpus_$PEOPLE"
RUN="$ROOT/target/bench-data/run_$PEOPLE"
TIME=/usr/bin/time

fail() { echo "run.sh: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

[ -x "$TIME" ] || fail "$TIME is needed for the wall time and peak memory (apt-get install time)"
command -v python3 >/dev/null || fail "python3 is needed (the corpus generator)"
if [ $BUILD = 1 ]; then
    step "build (cargo build --release)"
    (cd "$ROOT" && cargo build --release --quiet) || fail "cargo build --release failed"
fi

step "corpus: $PEOPLE people -> ${DATA#"$ROOT"/}"
STAMP="$(sha256sum "$ROOT/benches/make_corpus.py" | cut -c1-16) people=$PEOPLE seed=$SEED"
if [ -f "$DATA/truth.csv" ] && [ "$(cat "$DATA/.generator" 2>/dev/null)" = "$STAMP" ]; then
    echo "reusing the corpus made earlier by the same generator"
else
    rm -rf "$DATA"
    python3 "$ROOT/benches/make_corpus.py" --people "$PEOPLE" --seed "$SEED" --out "$DATA" --mappings "$ROOT/mappings" \
        || fail "corpus generation failed"
    echo "$STAMP" > "$DATA/.generator"
fi

step "project -> ${RUN#"$ROOT"/}"
rm -rf "$RUN"
mkdir -p "$RUN/data"
cp "$DATA"/corpus_ledger.csv "$DATA"/corpus_pos.csv "$DATA"/corpus_web.csv "$DATA"/corpus_cards.txt "$RUN/data/"
cat > "$RUN/karte.toml" <<EOF
database = "karte.db"
mappings = "$ROOT/mappings"

[[source]]
files = ["data/corpus_ledger*.csv", "data/corpus_pos*.csv", "data/corpus_web*.csv", "data/corpus_cards*.txt"]

[dedup]
review = "review/review.xlsx"

[[export]]
path = "out/crm.csv"
encoding = "utf-8-bom"

[[export]]
path = "out/karte.xlsx"
EOF
wc -l "$RUN"/data/* | sed 's/^/  /'

night() {
    local name="$1"
    step "$name: karte run"
    if ! "$TIME" -f '%e %M' -o "$RUN/$name.time" "$KARTE" run --project "$RUN/karte.toml" > "$RUN/$name.log" 2>&1; then
        cat "$RUN/$name.log" >&2
        fail "karte run failed ($name; log: $RUN/$name.log)"
    fi
    grep -vE '^\s*$' "$RUN/$name.log" | sed 's/^/  /'
    read -r secs kib < <(tail -n 1 "$RUN/$name.time")
    awk -v n="$name" -v s="$secs" -v k="$kib" 'BEGIN { printf "%s: %.2f s wall, peak RSS %.0f MiB\n", n, s, k / 1024 }'
}

night first-night
night unchanged-night
touch "$RUN"/data/*
night touched-night
python3 - "$RUN/data/corpus_web.csv" <<'EOF'
# Read and written as CSV records, not lines: a quoted cell may hold a line
# break (a note typed over two lines), and appending to a line inside it
# broke the file at 50,000 people.
import csv, io, sys
p = sys.argv[1]
raw = open(p, 'rb').read()
enc = 'utf-8-sig' if raw.startswith(b'\xef\xbb\xbf') else 'cp932'
text = raw.decode(enc)
nl = '\r\n' if '\r\n' in text else '\n'
rows = [r for r in csv.reader(io.StringIO(text, newline='')) if r]
head, body = rows[0], rows[1:]
# 1,000 rows edited (a character appended to the last column), 1,000 added
# (copies of existing rows under new booking numbers).
for i in range(1, 1001):
    body[i * 7][-1] = body[i * 7][-1] + 'x'
extra = []
for i in range(1000):
    cells = list(body[i * 11])
    cells[0] = 'BENCH%06d' % i
    extra.append(cells)
out = io.StringIO(newline='')
csv.writer(out, lineterminator=nl).writerows([head] + body + extra)
open(p, 'w', encoding=enc, newline='').write(out.getvalue())
EOF
night edited-night
echo
echo "kept: $RUN/{karte.db,*.log,out/,review/}"
