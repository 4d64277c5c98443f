#!/usr/bin/env bash
# Runs one fuzz target for a while on stable Rust and copies what it found into the
# regression fixtures (tests/fixtures/fuzz/<target>/).
#
#   fuzz/run.sh TARGET [SECONDS=600] [cargo-fuzz build options, e.g. --sanitizer none]
#
# Builds with `cargo fuzz build` (retrying for a while if the crate does not compile at the
# moment), then runs the binary under libFuzzer in fork mode (-fork=1 with -ignore_crashes,
# -ignore_timeouts, -ignore_ooms) so that a crash, timeout or OOM is recorded in
# fuzz/artifacts/TARGET/ and the run goes on for the whole time. The log is
# fuzz/logs/TARGET.log; its last "#N:" status line has the total executions and the
# oom/timeout/crash counts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$1"
secs="${2:-600}"
shift $(( $# >= 2 ? 2 : 1 ))
cd "$here"
mkdir -p logs "corpus/$target" "artifacts/$target"
log="logs/$target.log"

# Where cargo-fuzz puts the binary: --target-dir DIR moves it.
target_dir="target"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[i]}" == --target-dir ]]; then target_dir="${args[i+1]}"; fi
done
bin="$target_dir/x86_64-unknown-linux-gnu/release/$target"

# cargo-fuzz passes -Z flags to rustc; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
for try in $(seq 1 10); do
    if RUSTC_BOOTSTRAP=1 cargo fuzz build "$@" "$target" > "logs/$target.build.log" 2>&1; then
        break
    fi
    echo "build of $target failed (try $try), retrying in 60 s" >&2
    tail -n 20 "logs/$target.build.log" >&2
    [[ $try == 10 ]] && exit 1
    sleep 60
done
{
    echo "target=$target seconds=$secs options=$* started=$(date -u +%FT%TZ)"
    echo "leadbatch HEAD=$(git -C .. rev-parse --short HEAD) src changes: $(git -C .. diff --shortstat -- src | tr -s ' ')"
} > "$log"
"$bin" -artifact_prefix="artifacts/$target/" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    "corpus/$target" >> "$log" 2>&1 || true
grep -E '^#[0-9]+:' "$log" | tail -n 1
grep -E 'INFO: fuzzed for' "$log" || true

fixtures="$here/../tests/fixtures/fuzz/$target"
shopt -s nullglob
found=(artifacts/"$target"/crash-* artifacts/"$target"/timeout-* artifacts/"$target"/oom-* artifacts/"$target"/leak-*)
if (( ${#found[@]} )); then
    mkdir -p "$fixtures"
    cp -n "${found[@]}" "$fixtures/"
    echo "copied ${#found[@]} input(s) to tests/fixtures/fuzz/$target/"
fi
