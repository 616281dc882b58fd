#!/usr/bin/env bash
# Fuzzes every parser that takes hostile input with libFuzzer (it ships with the Swift toolchain).
#
#   scripts/fuzz.sh [--seconds N] [--merge] [TARGET…]
#
# Builds the fuzz driver in its own scratch path (.build-fuzz, with -sanitize=fuzzer,address), then runs
# each target (all of them by default: see Sources/VigilFuzz/FuzzTarget.swift) for N seconds (10 by
# default) on a copy of its hand-written seeds (Fuzz/Seeds/TARGET) and kept corpus (Fuzz/Corpus/TARGET).
# --merge replaces the kept corpus with the smallest set of inputs that reaches every edge reached so
# far (a few hundred small files); commit it. A crash stops the run with the input that caused it:
# copy it into Fuzz/Crashes/TARGET/, where FuzzReplayTests replays it as a regular test from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=10
merge=0
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ((${#targets[@]} == 0)); then targets=(patterns json metric-filter alarm cloudtrail gzip emf cbor query sigv4 putlogevents sns-policy eventstream sse); fi

echo "vigil fuzz: building the fuzz driver (.build-fuzz, -sanitize=fuzzer,address)" >&2
VIGIL_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product vigil-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 | grep -v "Cannot export local symbol" >&2
driver="$(VIGIL_FUZZ=1 swift build -c release --scratch-path .build-fuzz --show-bin-path)/vigil-fuzz"

for target in "${targets[@]}"; do
  work=".build-fuzz/corpus/$target"
  crashes=".build-fuzz/crashes/$target"
  mkdir -p "$work" "$crashes" "Fuzz/Corpus/$target"
  cp -n "Fuzz/Seeds/$target"/* "Fuzz/Corpus/$target"/* "$work"/ 2>/dev/null || true
  echo "vigil fuzz: $target for $seconds s" >&2
  # -rss_limit_mb bounds memory (a bomb must not allocate); -timeout flags a slow input (a quadratic path).
  if ! ASAN_OPTIONS=detect_leaks=0 VIGIL_FUZZ_TARGET="$target" "$driver" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$crashes/" "$work" 2>"$crashes.log"; then
    tail -n 40 "$crashes.log" >&2
    echo "vigil fuzz: $target failed; the input is in $crashes/ — copy it into Fuzz/Crashes/$target/ to keep it as a test" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|cov:" "$crashes.log" | tail -n 2 | sed "s/^/vigil fuzz: $target: /" >&2 || true
  if ((merge)); then
    # Edges only (no hit counters or comparison values), so the kept set stays small.
    rm -rf "$work.min" && mkdir -p "$work.min"
    ASAN_OPTIONS=detect_leaks=0 VIGIL_FUZZ_TARGET="$target" "$driver" -set_cover_merge=1 -use_counters=0 -use_cmp=0 \
      "$work.min" "Fuzz/Corpus/$target" "$work" 2>/dev/null
    rm -rf "Fuzz/Corpus/$target" && mv "$work.min" "Fuzz/Corpus/$target"
    echo "vigil fuzz: $target: kept corpus $(ls "Fuzz/Corpus/$target" | wc -l) files" >&2
  fi
done
echo "vigil fuzz: ${#targets[@]} targets, no crash" >&2
