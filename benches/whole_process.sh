#!/usr/bin/env bash
# Whole-process figures for BENCHMARKS.md: wall time, CPU time and max RSS of
# `simulate` commands (/usr/bin/time), every command once per repetition, in
# turn (A B C ... A B C ...), so that a drift of the shared machine's speed
# hits all of them alike; then the median of each and the paired ratios
# 2 threads / 1 thread. Usage: benches/whole_process.sh [N] [only-regex]
# (default 5 repetitions, every command; e.g. '-2t' for the 2-thread runs only). The floor and the naive peer:
# `cargo bench --bench floor`; Axelrod-Python: benches/axelrod_peer.py.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}
ONLY=${2:-.}
cargo build --release --quiet
BIN=target/release/simulate
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
S=tit_for_tat,suspicious_tit_for_tat,tit_for_two_tats,grim_trigger,win_stay_lose_shift,always_escalate
S=$S,always_concede,random,contrite_tit_for_tat,proportional,resolute_tit_for_tat,coercer

SWEEP="--vary sides.us.noise=0:0.1:11 --vary sides.china.noise=0:0.1:11 --runs 10000"
CASES=(
  "classic-1t|scenarios/classic-ipd.toml --runs 1000000 --threads 1"
  "classic-2t|scenarios/classic-ipd.toml --runs 1000000 --threads 2"
  "busan-1t|scenarios/busan.toml --runs 1000000 --threads 1"
  "busan-2t|scenarios/busan.toml --runs 1000000 --threads 2"
  "busan-10k|scenarios/busan.toml --runs 10000 --threads 2"
  "leverage-1t|leverage scenarios/busan.toml --threads 1"
  "leverage-2t|leverage scenarios/busan.toml --threads 2"
  "sensitivity-1t|sensitivity scenarios/busan.toml --threads 1"
  "sensitivity-2t|sensitivity scenarios/busan.toml --threads 2"
  "tournament-1t|tournament scenarios/busan.toml --us $S --china $S --threads 1"
  "tournament-2t|tournament scenarios/busan.toml --us $S --china $S --threads 2"
  "sweep-1t|sweep scenarios/busan.toml $SWEEP --threads 1"
  "sweep-2t|sweep scenarios/busan.toml $SWEEP --threads 2"
)

# One measurement: prints "label wall_s user_s sys_s maxrss_kb".
measure() {
  local label=$1; shift
  # shellcheck disable=SC2068
  /usr/bin/time -v "$BIN" $@ --quiet --no-charts --out "$OUT/o" >/dev/null 2>"$OUT/time" || { cat "$OUT/time" >&2; exit 1; }
  awk -F': ' -v label="$label" '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%s %.3f %.2f %.2f %d\n", label, w, u, s, m }' "$OUT/time"
}

for rep in $(seq "$N"); do
  for c in "${CASES[@]}"; do
    label=${c%%|*}
    [[ $label =~ $ONLY ]] || continue
    echo "$rep $(measure "$label" ${c#*|})"
  done
done >"$OUT/all"

# Medians per command, then the median of the paired ratios 1t/2t (wall).
awk '{ print $2 }' "$OUT/all" | awk '!seen[$0]++' | while read -r label; do
  awk -v l="$label" '$2 == l' "$OUT/all" | sort -n -k3 | awk -v label="$label" '
    { w[NR] = $3; u[NR] = $4; s[NR] = $5; m[NR] = $6 }
    END { k = int((NR + 1) / 2); printf "%-18s wall %8.3f s  user %7.2f s  sys %5.2f s  maxrss %7d KB (median of %d)\n", label, w[k], u[k], s[k], m[k], NR }'
done
for pair in classic busan leverage sensitivity tournament sweep; do
  awk -v p="$pair" '$2 == p "-1t" { a[$1] = $3 } $2 == p "-2t" { b[$1] = $3 }
    END { for (r in a) if (r in b) print a[r] / b[r] }' "$OUT/all" | sort -n | awk -v p="$pair" '
    { x[NR] = $1 } END { if (NR) printf "%-18s 2 threads vs 1, wall speed-up %.2fx (median of %d paired ratios)\n", p, x[int((NR + 1) / 2)], NR }'
done
