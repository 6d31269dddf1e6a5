#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (with AddressSanitizer) and runs them.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]      e.g. scripts/fuzz.sh cel 600, scripts/fuzz.sh all 40
#
# TARGET is snapshot-json, snapshot-yaml, plan, catalog, calico, network or cel (or the Fuzz/ target name);
# SECONDS is per target (default 60). Seeds are generated from the repository's fixtures on every run
# (scripts/fuzz-seeds.py); what the fuzzer finds accumulates in .build-fuzz/corpus/TARGET, so repeated
# local runs go on from where the last stopped. A crash, a hang of more than 10 s on one input or more
# than 2 GiB of memory stops the target; the input is written to .build-fuzz/artifacts/TARGET/ and the
# script exits 1 after running the rest. FUZZ_FLAGS adds libFuzzer flags (e.g. FUZZ_FLAGS=-jobs=2).
set -euo pipefail
cd "$(dirname "$0")/.."

which_target="${1:-all}"
seconds="${2:-60}"
all=(FuzzSnapshotJSON FuzzSnapshotYAML FuzzPlan FuzzCatalog FuzzCalico FuzzNetwork FuzzCEL)
case "$which_target" in
    all) targets=("${all[@]}") ;;
    snapshot-json) targets=(FuzzSnapshotJSON) ;;
    snapshot-yaml) targets=(FuzzSnapshotYAML) ;;
    plan) targets=(FuzzPlan) ;;
    catalog) targets=(FuzzCatalog) ;;
    calico) targets=(FuzzCalico) ;;
    network) targets=(FuzzNetwork) ;;
    cel) targets=(FuzzCEL) ;;
    Fuzz*) targets=("$which_target") ;;
    *) echo "usage: scripts/fuzz.sh [all|snapshot-json|snapshot-yaml|plan|catalog|calico|network|cel] [SECONDS]" >&2
       exit 2 ;;
esac

scratch=.build-fuzz
# libFuzzer's runtime ships with the Swift toolchain (lib/swift/clang/lib/linux); without it -sanitize=fuzzer
# cannot link, and that is an error, not something to skip.
resource="$(dirname "$(dirname "$(command -v swift)")")/lib/swift/clang/lib/linux"
if ! ls "$resource"/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
    echo "error: this Swift toolchain has no libFuzzer runtime ($resource/libclang_rt.fuzzer-*.a)" >&2
    exit 1
fi

# Release with AddressSanitizer on every module, Swift and C (libyaml included). gold fails to link the
# sanitized executables, so the toolchain's lld links them.
echo "building the fuzz targets (first build: several minutes)"
mkdir -p "$scratch"
if ! swift build --package-path Fuzz --scratch-path "$scratch" -c release \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld \
    >"$scratch/build.log" 2>&1; then
    grep -v '^\[' "$scratch/build.log" | tail -40 >&2
    echo "error: the fuzz targets did not build (log: $scratch/build.log)" >&2
    exit 1
fi
bin="$(swift build --package-path Fuzz --scratch-path "$scratch" -c release --show-bin-path)"
for target in "${targets[@]}"; do
    [ -x "$bin/$target" ] || { echo "error: the fuzz target $target did not build" >&2; exit 1; }
done

rm -rf "$scratch/seeds"
python3 scripts/fuzz-seeds.py "$scratch/seeds"

# The Swift runtime's own crash reporter hangs under AddressSanitizer; ASan and libFuzzer report instead.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:symbolize=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0}"
failed=()
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    log="$scratch/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    dict=()
    [ -f "Fuzz/dictionaries/$target.dict" ] && dict=("-dict=Fuzz/dictionaries/$target.dict")
    echo "== $target: ${seconds}s"
    set +e
    # shellcheck disable=SC2086
    "$bin/$target" "$corpus" "$scratch/seeds/$target" "${dict[@]}" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix="$artifacts/" \
        -print_final_stats=1 ${FUZZ_FLAGS:-} >"$log" 2>&1
    status=$?
    set -e
    # libFuzzer's last status line: coverage (cov: edges, ft: features), corpus size, executions per second.
    grep -E '^#[0-9]+' "$log" | tail -1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | tr '\n' ' '; echo
    if [ $status -ne 0 ]; then
        echo "FAILED: $target (exit $status); log: $log; input: $(ls -t "$artifacts" | head -1)" >&2
        grep -E 'ERROR|Fatal error|SUMMARY|==[0-9]+==' "$log" | head -20 >&2 || true
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzzing: ${#targets[@]} targets ran ${seconds}s each without a crash, hang or OOM"
