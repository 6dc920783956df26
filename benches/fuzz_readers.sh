#!/bin/sh
# The readers' fuzz run (issue 18): mutated reader fixtures (xlsx, xlsm,
# xls, ods, CSV in every encoding, cards) through every reader, in bounded
# memory. Prints its figures every 100,000 inputs and at the end; exits 1
# if any input panicked, and aborts (after naming the input) if any single
# allocation asked for more than 1 GiB or one input is read for more than
# 60 s.
#
#   benches/fuzz_readers.sh [INPUTS [SEED]]     (default 1000000 1)
#
# The short version (3,000 inputs) runs in `cargo test` (readers::fuzz_*).
set -eu
cd "$(dirname "$0")/.."
exec cargo bench --bench fuzz_readers -- "${1:-1000000}" "${2:-1}"
