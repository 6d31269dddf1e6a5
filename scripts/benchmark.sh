#!/usr/bin/env bash
# Benchmark `evident audit` on generated clusters of the given sizes (total pods).
#
#   scripts/benchmark.sh                 # 1000 20000 pods
#   scripts/benchmark.sh 1000 150000     # any sizes
#   scripts/benchmark.sh --fleet 20 1000 # one `audit --fleet` of 20 clusters of 1000 pods vs 20 separate audits
#
# Builds the release binary, generates each snapshot once with ../shared/tools/gen-snapshot (or
# $GEN_SNAPSHOT) into $BENCH_DIR (default $TMPDIR/evident-benchmark), audits it with the example plan (NIST and Pod
# Security catalogs, all four reports) and prints, per size: the time of each phase (load, evaluate,
# render), the total, the input throughput of loading and the peak resident memory, of the run with the
# median wall time of $RUNS (default 3; inputs are read once first, so that all runs find them in the page
# cache). It also audits the
# same cluster as a folder of YAML manifests (gen-snapshot --format yaml-dir) for YAML throughput, and,
# when `checkov` is on PATH (or $CHECKOV), runs `checkov -d DIR --framework kubernetes --skip-download` on
# those manifests and prints the ratio (up to $CHECKOV_MAX_PODS pods, default 2000; Checkov is slow).
# YAML folders are audited up to $YAML_MAX_PODS pods (default 20000).
# With --fleet it generates CLUSTERS clusters (gen-snapshot --seed 1..CLUSTERS --pods PODS) and prints the wall time
# and peak resident memory of one `evident audit --fleet` over all of them (--jobs $FLEET_JOBS, default its own)
# against the same clusters audited by separate `evident audit` runs, one after another and two at a time.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
fleet_mode=""
if [ "${1:-}" = "--fleet" ]; then
    fleet_mode=1
    fleet_clusters="${2:-20}"
    fleet_pods="${3:-1000}"
    set --
fi
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 20000)
gen="${GEN_SNAPSHOT:-$root/../shared/tools/gen-snapshot}"
# Not under a hidden folder: Checkov skips those.
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/evident-benchmark}"
checkov="${CHECKOV:-$(command -v checkov || true)}"
checkov_max="${CHECKOV_MAX_PODS:-2000}"
yaml_max="${YAML_MAX_PODS:-20000}"
runs="${RUNS:-3}"
plan="$root/controls/plans/example-plan.yaml"
now="2026-11-27T12:00:00Z"

[ -x "$gen" ] || { echo "gen-snapshot not found at $gen (set GEN_SNAPSHOT)" >&2; exit 2; }
mkdir -p "$dir"
echo "building release binary..." >&2
(cd "$root" && swift build -c release >/dev/null)
evident="$root/.build/release/evident"

# Runs a command, prints "<wall seconds> <peak RSS MB>" of it (from /usr/bin/time when present).
measure() {
    local out="$dir/time.txt"
    local start end
    start=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%M" -o "$out" "$@" >/dev/null 2>"$dir/stderr.txt" || true
    else
        "$@" >/dev/null 2>"$dir/stderr.txt" || true
        echo 0 >"$out"
    fi
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v k="$(tail -1 "$out")" 'BEGIN { printf "%.2f %.0f\n", e - s, k / 1024 }'
}

if [ -n "$fleet_mode" ]; then
    fleetdir="$dir/fleet-$fleet_clusters-$fleet_pods"
    mkdir -p "$fleetdir/clusters"
    for n in $(seq 1 "$fleet_clusters"); do
        f="$fleetdir/clusters/cluster-$(printf %02d "$n").json"
        [ -s "$f" ] || "$gen" --pods "$fleet_pods" --seed "$n" --out "$f"
    done
    mb=$(du -sm "$fleetdir/clusters" | cut -f1)
    printf "machine: %s cores, load average %s\n" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf "fleet: %s clusters of %s pods (%s MB of JSON), example plan, html+markdown+junit+json per cluster\n\n" \
        "$fleet_clusters" "$fleet_pods" "$mb"
    jobs=(); [ -n "${FLEET_JOBS:-}" ] && jobs=(--jobs "$FLEET_JOBS")
    rm -rf "$fleetdir/out-fleet" "$fleetdir/out-separate"
    read -r wall peak < <(measure "$evident" audit --fleet "$fleetdir/clusters" "${jobs[@]}" --plan "$plan" --now "$now" \
        --output "$fleetdir/out-fleet" --quiet)
    printf "%-44s %8s s %8s MB peak\n" "one evident audit --fleet" "$wall" "$peak"
    # One process after another: /usr/bin/time reports the largest child's peak.
    read -r swall speak < <(measure bash -c 'for f in "$2"/clusters/*.json; do c=$(basename "$f" .json);
        "$1" audit "$f" --plan "$3" --now "$4" --output "$2/out-separate/$c" --quiet >/dev/null || true; done' \
        _ "$evident" "$fleetdir" "$plan" "$now")
    printf "%-44s %8s s %8s MB peak (largest run)\n" "$fleet_clusters separate evident audit runs" "$swall" "$speak"
    read -r pwall ppeak < <(measure bash -c 'ls "$2"/clusters/*.json | xargs -P 2 -I{} sh -c '"'"'c=$(basename {} .json);
        "$0" audit {} --plan "$1" --now "$2" --output "$3/out-separate/$c" --quiet >/dev/null || true'"'"' "$1" "$3" "$4" "$2"' \
        _ "$evident" "$fleetdir" "$plan" "$now")
    printf "%-44s %8s s %8s MB peak (largest run)\n" "$fleet_clusters separate runs, two at a time" "$pwall" "$ppeak"
    awk -v f="$wall" -v s="$swall" -v p="$pwall" 'BEGIN {
        printf "\nthe fleet run took %.0f%% of the sequential runs'"'"' time and %.0f%% of the two-at-a-time runs'"'"'\n",
            100 * f / (s > 0 ? s : 1), 100 * f / (p > 0 ? p : 1) }'
    exit 0
fi

field() { sed -n "s/.*[ :]$1=\([^ ]*\).*/\1/p" "$dir/stderr.txt" | tail -1; }

printf "machine: %s cores, %s GiB memory, %s\n" "$(nproc)" \
    "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" "$(uname -sm)"
printf "\n%-8s %-9s %9s %8s %9s %8s %8s %8s %9s %9s\n" pods format input_MB load_s evaluate_s render_s total_s wall_s "load_MB/s" peak_MB
for pods in "${sizes[@]}"; do
    json="$dir/snapshot-$pods.json"
    yamldir="$dir/manifests-$pods"
    [ -s "$json" ] || "$gen" --pods "$pods" --out "$json"
    inputs=("$json")
    if [ "$pods" -le "$yaml_max" ]; then
        [ -d "$yamldir" ] || "$gen" --pods "$pods" --format yaml-dir --out "$yamldir"
        inputs+=("$yamldir")
    fi
    for input in "${inputs[@]}"; do
        format=json; [ -d "$input" ] && format=yaml-dir
        # Inputs are read once first, so that every run finds them in the page cache (this shared machine
        # reclaims idle cache: a 2 GB snapshot read again from disk measured the disk).
        find "$input" -type f -exec cat {} + >/dev/null
        # The run with the median wall time of $runs (this shared machine's speed swings between runs).
        : >"$dir/runs.txt"
        for r in $(seq 1 "$runs"); do
            read -r w p < <(measure "$evident" audit "$input" --plan "$plan" --now "$now" \
                --output "$dir/report-$pods-$format" --quiet --timings)
            cp "$dir/stderr.txt" "$dir/stderr-$r.txt"
            echo "$w $p $r" >>"$dir/runs.txt"
        done
        read -r wall peak median < <(sort -n "$dir/runs.txt" | sed -n "$(( (runs + 1) / 2 ))p")
        cp "$dir/stderr-$median.txt" "$dir/stderr.txt"
        printf "%-8s %-9s %9s %8s %9s %8s %8s %8s %9s %9s\n" "$pods" "$format" "$(field input_mb)" \
            "$(field load)" "$(field evaluate)" "$(field render)" "$(field total)" "$wall" "$(field load_mb_s)" "$peak"
        if [ "$format" = yaml-dir ]; then evident_wall=$wall; evident_peak=$peak; fi
    done
    if [ -n "$checkov" ] && [ "$pods" -le "$checkov_max" ]; then
        read -r cwall cpeak < <(measure "$checkov" -d "$yamldir" --framework kubernetes --skip-download --quiet --compact)
        awk -v p="$pods" -v cw="$cwall" -v cp="$cpeak" -v ew="$evident_wall" -v ep="$evident_peak" 'BEGIN {
            printf "%-8s %-9s checkov: %.2f s, %.0f MB peak; evident is %.0fx faster with %.1fx less memory\n",
                p, "yaml-dir", cw, cp, cw / (ew > 0 ? ew : 0.01), cp / (ep > 0 ? ep : 1) }'
    fi
done
