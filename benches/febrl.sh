#!/usr/bin/env bash
# FEBRL deduplication benchmark: imports each FEBRL data set with the
# release binary into a fresh database (once with every column, once
# without soc_sec_id), runs `karte dedup` on it, scores the customers it
# made against the ground truth, and prints a table beside Splink's figures
# from the data's README.
#
#   benches/febrl.sh [DATASET...]      # febrl3 febrl4 synth_100000 (default: all)
#
# Environment: FEBRL_DIR (default /work/shared/data/febrl, see its
# README.md), CARGO_TARGET_DIR (where the release binary is built),
# KARTE_SKIP_BUILD=1 (use the binary already built).
#
# Writes under target/bench-data/febrl/: the truth files converted to
# karte's format (source_file,sheet,row,person_id: benches/febrl_truth.py),
# one database per run (DATASET-all.db, DATASET-nossn.db), dedup's review
# file, and each step's output (*.import.txt, *.dedup.txt, *.score.txt).
# Wall time and peak RSS are measured with /usr/bin/time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${FEBRL_DIR:-/work/shared/data/febrl}"
OUT="$ROOT/target/bench-data/febrl"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/karte"
TIME=/usr/bin/time

die() { echo "febrl.sh: error: $*" >&2; exit 1; }

[ -x "$TIME" ] || die "$TIME not found (GNU time: apt-get install time)"
command -v python3 >/dev/null || die "python3 not found"
[ -d "$DATA" ] || die "no FEBRL data in $DATA (set FEBRL_DIR)"

if [ $# -gt 0 ]; then DATASETS=("$@"); else DATASETS=(febrl3 febrl4 synth_100000); fi
for ds in "${DATASETS[@]}"; do
    [ -f "$DATA/$ds.csv" ] && [ -f "$DATA/${ds}_truth.csv" ] || die "no $DATA/$ds.csv or $DATA/${ds}_truth.csv"
done

if [ "${KARTE_SKIP_BUILD:-}" != 1 ]; then
    echo "building the release binary" >&2
    (cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
fi
[ -x "$BIN" ] || die "no release binary at $BIN"
mkdir -p "$OUT"

# 1. Truth files, keyed on where karte finds each record.
for ds in "${DATASETS[@]}"; do
    python3 "$ROOT/benches/febrl_truth.py" "$DATA/$ds.csv" "$DATA/${ds}_truth.csv" "$OUT/${ds}_truth.csv" >&2 \
        || die "converting the truth of $ds failed"
done

# Splink 5.0.0's figures from the data's README: wall s, peak RSS MiB, P, R, F1.
splink() {
    case "$1/$2" in
        febrl3/all) echo "6.0 238 1.0000 0.9992 0.9996" ;;
        febrl3/nossn) echo "2.9 268 1.0000 0.9798 0.9898" ;;
        febrl4/all) echo "18.0 245 1.0000 0.9996 0.9998" ;;
        febrl4/nossn) echo "4.0 257 1.0000 0.9862 0.9931" ;;
        synth_100000/all) echo "24.2 425 1.0000 0.9980 0.9990" ;;
        synth_100000/nossn) echo "5.9 401 0.9999 0.9766 0.9881" ;;
        *) echo "- - - - -" ;;
    esac
}

# "%e %M" from /usr/bin/time -o FILE (its last line: a failing command adds
# a "Command exited with non-zero status" line before it).
wall() { tail -n 1 "$1" | awk '{print $1}'; }
rss_mib() { tail -n 1 "$1" | awk '{printf "%.0f", $3 / 1024}'; }

# precision, recall and F1 from the scorer's output, whatever its layout
# (text or JSON): the first number after each word.
parse_score() {
    python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
out = []
for word in ("precision", "recall", "f1"):
    m = re.search(word + r"""[^0-9\n]{0,20}?([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)""", text, re.I)
    out.append("%.4f" % float(m.group(1)) if m else "?")
print(" ".join(out))
EOF
}

ROWS=()
for ds in "${DATASETS[@]}"; do
    for cols in all nossn; do
        case $cols in
            all) mapping="$ROOT/mappings/febrl.toml" ;;
            nossn) mapping="$ROOT/mappings/febrl_nossn.toml" ;;
        esac
        run="$OUT/$ds-$cols"
        db="$run.db"
        rm -f "$db" "$db-wal" "$db-shm" "$db-journal" "$run.review.xlsx"

        # 2. Import into a fresh database.
        echo "== $ds, $cols columns: import" >&2
        if ! "$TIME" -f '%e s %M KiB' -o "$run.import.time" \
            "$BIN" import --db "$db" --mapping "$mapping" "$DATA/$ds.csv" >"$run.import.txt" 2>&1; then
            cat "$run.import.txt" >&2
            die "karte import of $ds with $(basename "$mapping") failed (output above; $run.import.txt)"
        fi
        grep -E '^  [^ ]|^total' "$run.import.txt" | sed 's/^/  /' >&2
        echo "  import: $(tail -n 1 "$run.import.time")" >&2

        # 3. Deduplicate, timed.
        echo "== $ds, $cols columns: dedup" >&2
        set +e
        "$TIME" -f '%e s %M KiB' -o "$run.dedup.time" \
            "$BIN" dedup --db "$db" --review-out "$run.review.xlsx" >"$run.dedup.txt" 2>&1
        rc=$?
        set -e
        if [ $rc -ne 0 ]; then
            sed 's/^/  | /' "$run.dedup.txt" >&2
            if grep -qiE "unrecognized subcommand|unexpected argument|invalid subcommand" "$run.dedup.txt"; then
                die "this karte ($BIN) has no working 'karte dedup --db DB --review-out FILE' yet (exit $rc): the benchmark cannot run until it exists"
            fi
            die "karte dedup failed on $ds ($cols columns) with exit $rc (output above; $run.dedup.txt)"
        fi
        echo "  dedup: $(tail -n 1 "$run.dedup.time")" >&2

        # 4. Score against the truth.
        [ -f "$ROOT/benches/score.py" ] || die "benches/score.py not found: the scorer is needed to score $db"
        if ! python3 "$ROOT/benches/score.py" --db "$db" --truth "$OUT/${ds}_truth.csv" >"$run.score.txt" 2>&1; then
            cat "$run.score.txt" >&2
            die "benches/score.py failed on $db (output above)"
        fi
        sed 's/^/  /' "$run.score.txt" >&2

        ROWS+=("$ds $cols $(wall "$run.import.time") $(wall "$run.dedup.time") $(rss_mib "$run.dedup.time") $(parse_score "$run.score.txt") $(splink "$ds" "$cols")")
    done
done

# 5. The table. karte's wall time and RSS are those of `karte dedup` (the
# import is beside it); Splink's cover its whole run.
echo
echo "FEBRL deduplication: karte $("$BIN" --version 2>/dev/null | awk '{print $NF}') beside Splink 5.0.0 (the data's README, same 2-core machine)"
echo
echo "| data set | columns | import s | dedup wall s | dedup peak RSS MiB | precision | recall | F1 | Splink wall s | Splink RSS MiB | Splink P | Splink R | Splink F1 |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${ROWS[@]}"; do
    # shellcheck disable=SC2086
    set -- $r
    case $2 in all) c="all" ;; *) c="no soc_sec_id" ;; esac
    echo "| $1 | $c | $3 | $4 | $5 | $6 | $7 | $8 | $9 | ${10} | ${11} | ${12} | ${13} |"
done
