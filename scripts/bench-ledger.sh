#!/usr/bin/env bash
# The ledger's cost: a run over the 1M-record NDJSON corpus against a ledger that already
# holds ten million keys, beside the same run without a ledger, in alternation.
#
#   scripts/bench-ledger.sh [KEYS] [RUNS] [WORKDIR]
#
# KEYS     keys in the ledger before each run (default 10000000), filled once by
#          `examples/fill_ledger` and copied before each run (a run adds its own keys)
# RUNS     rounds of the two cases (default 3)
# WORKDIR  default ${TMPDIR:-/tmp}/leadbatch-bench (the corpus of scripts/bench.sh is reused)
#
# Prints wall seconds and peak RSS of each run (/usr/bin/time), and the median ratio
# without/with (the issue's target: with a ledger at least 0.7 times as fast, under 160 MiB).
set -euo pipefail
keys=${1:-10000000}
runs=${2:-3}
work=${3:-${TMPDIR:-/tmp}/leadbatch-bench}
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$repo/../shared/bench" && pwd)
mkdir -p "$work"
corpus="$work/corpus-1000000.ndjson"
[ -f "$corpus" ] || python3 "$shared/gen_corpus.py" --count 1000000 --seed 1 --format ndjson --out "$corpus"
(cd "$repo" && cargo build --release --locked -q && cargo build --release --locked -q --example fill_ledger)
bin="$repo/target/release/leadbatch"
ledger="$work/ledger-$keys.db"
[ -f "$ledger" ] || { "$repo/target/release/examples/fill_ledger" "$ledger" "$keys" && sync "$ledger"; }
plain=() with=()
for i in $(seq "$runs"); do
  rm -rf "$work/out-ledger"
  t=$( { /usr/bin/time -f '%e %M' "$bin" process "$corpus" --out "$work/out-ledger" -q --as-of 2026-11-23 -j 2 >/dev/null || true; } 2>&1 | tail -1)
  plain+=("${t%% *}"); echo "without ledger: ${t%% *} s, ${t##* } KiB"
  # The copy is flushed before the run: else the run's first fsync of the ledger would
  # write the copy's hundreds of megabytes of dirty pages, a cost of the benchmark, not of
  # the run (a nightly ledger has no unwritten pages when the run starts).
  cp "$ledger" "$work/ledger-copy.db"; sync "$work/ledger-copy.db"; rm -rf "$work/out-ledger"
  t=$( { /usr/bin/time -f '%e %M' "$bin" process "$corpus" --out "$work/out-ledger" -q --as-of 2026-11-23 -j 2 --ledger "$work/ledger-copy.db" >/dev/null || true; } 2>&1 | tail -1)
  with+=("${t%% *}"); echo "with a ledger of $keys keys: ${t%% *} s, ${t##* } KiB"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p=$(median "${plain[@]}"); w=$(median "${with[@]}")
awk -v p="$p" -v w="$w" 'BEGIN { printf "median %.2f s without, %.2f s with: %.2fx as fast\n", p, w, p / w }'
