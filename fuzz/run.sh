#!/usr/bin/env bash
# Runs each libFuzzer target of a NETGEAR_FUZZ build for a number of
# executions, one after another, and prints what each did. New inputs go to
# <build>/corpus/<target> (the seeds in fuzz/corpus/<target> are read, never
# written); crashes to <build>/artifacts/<target>/; the whole output to
# <build>/<target>.log. Exits non-zero at the first target that finds a crash,
# leak, timeout, OOM or sanitizer report.
# Usage: fuzz/run.sh [BUILD_DIR [RUNS [TARGET...]]]   (build-fuzz, 10000000, all)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
runs=${2:-10000000}
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_header fuzz_payload fuzz_decode)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for target in "${targets[@]}"; do
  binary=$build/fuzz/$target
  [ -x "$binary" ] || { echo "fuzz: $binary is missing (build with -DNETGEAR_FUZZ=ON)" >&2; exit 2; }
  mkdir -p "$build/corpus/$target" "$build/artifacts/$target"
  args=(-runs="$runs" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 -max_len=4096
        -artifact_prefix="$build/artifacts/$target/")
  [ "$target" = fuzz_header ] && args+=(-dict=fuzz/header.dict)
  # OpenCV's codecs print libjpeg/libpng warnings on stderr for most inputs: keep
  # them out of the log (libFuzzer's own output and sanitizer reports still show).
  [ "$target" = fuzz_decode ] && args+=(-close_fd_mask=2)
  log=$build/$target.log
  echo "fuzz: $target: $runs executions (log: $log)"
  status=0
  "$binary" "${args[@]}" "$build/corpus/$target" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  corpus=$(find "$build/corpus/$target" -type f | wc -l)
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $target FAILED (exit $status) after ${execs:-?} executions; the report:" >&2
    grep -E 'ERROR|SUMMARY|fuzz: |Test unit written|out-of-memory|timeout|leak' "$log" | head -20 >&2 || true
    exit 1
  fi
  echo "fuzz: $target ok: $execs executions, $speed exec/s, $added new inputs ($corpus in $build/corpus/$target)"
  echo "      ${done_line:-}"
done
