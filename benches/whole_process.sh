#!/usr/bin/env bash
# Whole-process figures for BENCHMARKS.md: wall time, CPU time and max RSS of
# `simulate` runs, the median of N repetitions (the machine is shared and
# noisy). Usage: benches/whole_process.sh [N]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}
cargo build --release --quiet
BIN=target/release/simulate
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# One measurement: prints "wall_s user_s sys_s maxrss_kb".
measure() {
  /usr/bin/time -v "$BIN" "$@" --quiet --no-charts --out "$OUT/o" >/dev/null 2>"$OUT/time" || { cat "$OUT/time" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%.3f %.2f %.2f %d\n", w, u, s, m }' "$OUT/time"
}

# Median of N measurements, field by field.
median() {
  local label=$1; shift
  for _ in $(seq "$N"); do measure "$@"; done | sort -n -k1 | awk -v n="$N" -v label="$label" '
    { w[NR] = $1; u[NR] = $2; s[NR] = $3; m[NR] = $4 }
    END { k = int((n + 1) / 2); printf "%-48s wall %7.3f s  user %6.2f s  sys %5.2f s  maxrss %7d KB\n", label, w[k], u[k], s[k], m[k] }'
}

median "classic-ipd 1,000,000 runs, --threads 1" scenarios/classic-ipd.toml --runs 1000000 --threads 1
median "busan 1,000,000 runs, --threads 1" scenarios/busan.toml --runs 1000000 --threads 1
median "busan 1,000,000 runs, --threads 2" scenarios/busan.toml --runs 1000000 --threads 2
median "classic-ipd 1,000,000 runs, --threads 2" scenarios/classic-ipd.toml --runs 1000000 --threads 2
median "busan 10,000 runs (default threads)" scenarios/busan.toml --runs 10000
median "busan 1,000,000 runs (default threads)" scenarios/busan.toml --runs 1000000
median "busan 1,000,000 runs --runs-csv (streamed)" scenarios/busan.toml --runs 1000000 --runs-csv
# (charts: measured separately, see BENCHMARKS.md)
