#!/usr/bin/env bash
# Dedup benchmark: accuracy and speed of `karte dedup` on a generated corpus.
#
#   benches/dedup.sh                 # 5,000 people (about 7,300 records)
#   benches/dedup.sh 50000           # another size
#   benches/dedup.sh --big           # 700,000 people (about 1,000,000 records)
#   benches/dedup.sh 5000 --seed 7 -- --some-dedup-option   # after --: passed to karte dedup
#   benches/dedup.sh --corpus2 5000  # the second, independent corpus (benches/make_corpus2.py)
#   benches/dedup.sh --corpus3 5000  # the third, independent corpus (benches/make_corpus3.py)
#
# Steps: build the release binary; generate the corpus with
# benches/make_corpus.py into target/bench-data/corpus_<N>/ (reused when it
# was made by the same generator and seed); import it into a fresh database
# in target/bench-data/dedup_<N>/; run `karte dedup --db DB --review-out
# DIR/review.xlsx` under /usr/bin/time (wall seconds, peak RSS); score the
# result against the corpus's truth.csv with benches/score.py (the report is
# printed, the JSON kept as score.json beside the database); print how
# honest the match probabilities are and where the true pairs went with
# benches/calibration.py (from every candidate pair, `--pairs-out`). The
# database as imported is kept as imported.db, to dedup again by hand.
#
# --corpus2 does the same with benches/make_corpus2.py (ネイル＆エステ はなみずき,
# written differently on purpose, to check that a matching change generalizes;
# it needs python3 with openpyxl) and the mappings/corpus2_*.toml mappings:
# the corpus goes to target/bench-data/corpus2_<N>/, the database to
# target/bench-data/dedup2_<N>/; its ledger workbook has two sheets read by
# two mappings, so it is imported twice with --mapping, the other files with
# --mappings. Its default seed is 20250331.
#
# --corpus3 does the same with benches/make_corpus3.py (みどり台歯科クリニック, a
# dental clinic, written by other hands again; python3 with openpyxl) and the
# mappings/corpus3_*.toml mappings: the corpus goes to
# target/bench-data/corpus3_<N>/, the database to target/bench-data/dedup3_<N>/;
# its four files are imported with --mappings (the folder also holds the
# generator's corpus3_noise.csv, which is not a source). After the
# calibration it prints where the missed true pairs came from, by the noise
# the generator put into them (benches/corpus3_classes.py). Its default seed
# is 20261208.
#
# KARTE=/path/to/karte benchmarks that binary instead (no build).
#
# It prints figures; it asserts nothing. Exit status: 0 done, 1 a step failed
# (the message says which), 2 bad arguments.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEOPLE=5000
SEED=
CORPUS2=0
CORPUS3=0
DEDUP_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --big) PEOPLE=700000 ;;
        --corpus2) CORPUS2=1 ;;
        --corpus3) CORPUS3=1 ;;
        --seed) SEED="${2:?--seed needs a value}"; shift ;;
        --seed=*) SEED="${1#--seed=}" ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; DEDUP_ARGS=("$@"); break ;;
        ''|*[!0-9]*) echo "dedup.sh: unknown argument '$1' (expected a number of people, --big, --corpus2, --corpus3, --seed S, -- ARGS)" >&2; exit 2 ;;
        *) PEOPLE="$1" ;;
    esac
    shift
done

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
BUILD=1
if [ -n "${KARTE:-}" ]; then BUILD=0; else KARTE="$TARGET/release/karte"; fi
[ $CORPUS2 = 1 ] && [ $CORPUS3 = 1 ] && { echo "dedup.sh: --corpus2 and --corpus3 exclude each other" >&2; exit 2; }
if [ $CORPUS3 = 1 ]; then
    GENERATOR=make_corpus3.py
    PREFIX=corpus3
    MAPPING_NAMES="ledger reserve web cards"
    DEFAULT_SEED=20261208
    RUN_NAME=dedup3
elif [ $CORPUS2 = 1 ]; then
    GENERATOR=make_corpus2.py
    PREFIX=corpus2
    MAPPING_NAMES="ledger ledger2020 pos web cards"
    DEFAULT_SEED=20250331
    RUN_NAME=dedup2
else
    GENERATOR=make_corpus.py
    PREFIX=corpus
    MAPPING_NAMES="ledger pos web cards"
    DEFAULT_SEED=20241001
    RUN_NAME=dedup
fi
SEED="${SEED:-$DEFAULT_SEED}"
DATA="$ROOT/target/bench-data/${PREFIX}_$PEOPLE"
[ "$SEED" = "$DEFAULT_SEED" ] || DATA="${DATA}_seed$SEED"
RUN="$ROOT/target/bench-data/${RUN_NAME}_${PEOPLE}"
[ "$SEED" = "$DEFAULT_SEED" ] || RUN="${RUN}_seed$SEED"
TIME=/usr/bin/time

fail() { echo "dedup.sh: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

[ -x "$TIME" ] || fail "$TIME is needed for the wall time and peak memory (apt-get install time)"
command -v python3 >/dev/null || fail "python3 is needed (the corpus generator and the scorer)"

if [ $BUILD = 1 ]; then
    step "build (cargo build --release)"
    (cd "$ROOT" && cargo build --release --quiet) || fail "cargo build --release failed"
fi
[ -x "$KARTE" ] || fail "no karte binary at $KARTE"

step "corpus: $PEOPLE people, seed $SEED -> ${DATA#"$ROOT"/}"
STAMP="$(sha256sum "$ROOT/benches/$GENERATOR" | cut -c1-16) people=$PEOPLE seed=$SEED"
have_mappings=1
for m in $MAPPING_NAMES; do [ -f "$ROOT/mappings/${PREFIX}_$m.toml" ] || have_mappings=0; done
if [ -f "$DATA/truth.csv" ] && [ "$(cat "$DATA/.generator" 2>/dev/null)" = "$STAMP" ] && [ $have_mappings = 1 ]; then
    echo "reusing the corpus made earlier by the same generator (delete the folder to regenerate)"
else
    rm -rf "$DATA"
    python3 "$ROOT/benches/$GENERATOR" --people "$PEOPLE" --seed "$SEED" --out "$DATA" \
        --mappings "$ROOT/mappings" || fail "corpus generation failed"
    echo "$STAMP" > "$DATA/.generator"
fi

step "import into a fresh database -> ${RUN#"$ROOT"/}/karte.db"
mkdir -p "$RUN"
rm -f "$RUN"/karte.db "$RUN"/karte.db-wal "$RUN"/karte.db-shm "$RUN"/karte.db-journal "$RUN"/review.xlsx "$RUN"/score.json
if [ $CORPUS3 = 1 ]; then
    IMPORT=("$KARTE" import --db "$RUN/karte.db" --mappings "$ROOT/mappings" "$DATA/corpus3_ledger.xlsx" \
        "$DATA/corpus3_reserve.csv" "$DATA/corpus3_web.csv" "$DATA/corpus3_cards.txt")
elif [ $CORPUS2 = 0 ]; then
    IMPORT=("$KARTE" import --db "$RUN/karte.db" --mappings "$ROOT/mappings" "$DATA"/corpus_*)
else
    # the workbook's two sheets have two mappings (two sources): one import with each
    IMPORT=(bash -c 'set -e
        "$1" import --db "$2" --mapping "$3/corpus2_ledger.toml" "$4/corpus2_ledger.xlsx"
        "$1" import --db "$2" --mapping "$3/corpus2_ledger2020.toml" "$4/corpus2_ledger.xlsx"
        "$1" import --db "$2" --mappings "$3" "$4/corpus2_pos.csv" "$4/corpus2_web.csv" "$4/corpus2_cards.txt"' \
        import "$KARTE" "$RUN/karte.db" "$ROOT/mappings" "$DATA")
fi
if ! "$TIME" -f '%e %M' -o "$RUN/import.time" "${IMPORT[@]}" > "$RUN/import.log" 2>&1; then
    cat "$RUN/import.log" >&2
    fail "karte import failed (log: $RUN/import.log)"
fi
grep -E '^(total|database)' "$RUN/import.log" || true
read -r secs kib < <(tail -n 1 "$RUN/import.time")
awk -v s="$secs" -v k="$kib" 'BEGIN { printf "import: %.1f s, peak RSS %.0f MiB\n", s, k / 1024 }'

step "karte dedup --db karte.db --review-out review.xlsx ${DEDUP_ARGS[*]:-}"
if ! "$KARTE" dedup --help > /dev/null 2>&1; then
    fail "this karte has no 'dedup' command yet ($KARTE dedup --help failed): nothing to benchmark. The corpus and the imported database are ready in ${DATA#"$ROOT"/} and ${RUN#"$ROOT"/}."
fi
cp "$RUN/karte.db" "$RUN/imported.db"
if ! "$TIME" -f '%e %M' -o "$RUN/dedup.time" "$KARTE" dedup --db "$RUN/karte.db" --review-out "$RUN/review.xlsx" --pairs-out "$RUN/pairs.csv" \
        ${DEDUP_ARGS[@]+"${DEDUP_ARGS[@]}"} > "$RUN/dedup.log" 2>&1; then
    cat "$RUN/dedup.log" >&2
    fail "karte dedup failed (log: $RUN/dedup.log)"
fi
cat "$RUN/dedup.log"
read -r secs kib < <(tail -n 1 "$RUN/dedup.time")
awk -v s="$secs" -v k="$kib" 'BEGIN { printf "dedup: %.2f s wall, peak RSS %.0f MiB\n", s, k / 1024 }'

step "score (benches/score.py)"
python3 "$ROOT/benches/score.py" --db "$RUN/karte.db" --truth "$DATA/truth.csv" --json-out "$RUN/score.json" \
    || fail "scoring failed"
echo
step "calibration (benches/calibration.py)"
python3 "$ROOT/benches/calibration.py" --db "$RUN/karte.db" --truth "$DATA/truth.csv" --pairs "$RUN/pairs.csv" \
    --json-out "$RUN/calibration.json" || fail "calibration failed"
if [ $CORPUS3 = 1 ]; then
    echo
    step "missed true pairs by noise class (benches/corpus3_classes.py)"
    python3 "$ROOT/benches/corpus3_classes.py" --db "$RUN/karte.db" --noise "$DATA/corpus3_noise.csv" \
        --json-out "$RUN/classes.json" || fail "classifying the missed pairs failed"
fi
echo
echo "kept: $RUN/{karte.db,imported.db (before dedup),review.xlsx,import.log,dedup.log,pairs.csv,score.json,calibration.json}"
