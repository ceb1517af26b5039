#!/usr/bin/env bash
# The Slurm recipe of docs/sweeps.md, run for real on a one-node cluster
# started on this machine: the docs' sweep.sbatch as a 16-task job array, the
# dependent merge job, and the merged outputs compared byte for byte with the
# unsharded sweep.
#
# The two code blocks marked `<!-- slurm-test: ... -->` in docs/sweeps.md are
# extracted and run as written (no copy here to drift). Needs root (to install
# Debian's slurmctld, slurmd, slurm-client and munge if missing, and to run
# the daemons); starts munged (unless one runs), slurmctld and slurmd with a
# private configuration, state and ports, and stops what it started.
#
#   .ci/slurm-test.sh            # RUNS (default 500) runs per point
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export RUNS=${RUNS:-500}
started=$(date +%s)

if [ "$(id -u)" != 0 ]; then
  echo "slurm-test: needs root (it starts munged, slurmctld and slurmd)" >&2
  exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
  ! command -v munged >/dev/null; then
  echo "== installing slurmctld slurmd slurm-client munge"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

echo "== simulate (debug build)"
cargo build --quiet --bin simulate
export PATH="$repo/target/debug:$PATH"

tmp=$(mktemp -d /tmp/slurm-test.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# The docs' blocks: the fenced block after each marker.
block() {
  awk -v m="<!-- slurm-test: $1 " 'index($0, m) == 1 { on = 1; next }
    on && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' docs/sweeps.md
}
mkdir -p "$tmp/work" "$tmp/state" "$tmp/spool" "$tmp/out"
block sweep.sbatch >"$tmp/work/sweep.sbatch"
block submit.sh >"$tmp/work/submit.sh"
for f in sweep.sbatch submit.sh; do
  [ -s "$tmp/work/$f" ] || { echo "slurm-test: no '$f' block in docs/sweeps.md" >&2; exit 1; }
done
cp -r sweeps scenarios "$tmp/work/"

echo "== munge"
if [ -S /run/munge/munge.socket.2 ] && munge -n </dev/null >/dev/null 2>&1; then
  echo "(using the munged already running)"
else
  install -d -o munge -g munge -m 0755 /run/munge
  [ -f /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do [ -f /run/munge/munged.pid ] && break; sleep 0.1; done
  pids+=("$(cat /run/munge/munged.pid)")
  munge -n </dev/null | unmunge >/dev/null
fi

echo "== slurmctld and slurmd ($(hostname -s))"
host=$(hostname -s)
export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=slurmtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
# The recipe asks 4 CPUs per task: declare them (config_overrides lets the
# node claim more than it has; threads never change simulate's output).
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 RealMemory=4096 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -i
for _ in $(seq 50); do [ -f "$tmp/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$tmp/slurmctld.pid")")
slurmd
for _ in $(seq 50); do [ -f "$tmp/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$tmp/slurmd.pid")")
for _ in $(seq 100); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && break
  sleep 0.2
done
sinfo -h -o %t | grep -qx idle || { echo "slurm-test: the node never came up" >&2; cat "$tmp"/*.log >&2; exit 1; }

echo "== the docs' recipe: 16 shards as a job array, then the dependent merge"
cd "$tmp/work"
export OUT="$tmp/out/busan-sweep"
jobid='' mergeid=''
# shellcheck disable=SC1091
. ./submit.sh
[ -n "$jobid" ] && [ -n "$mergeid" ] || { echo "slurm-test: the recipe submitted no jobs" >&2; exit 1; }
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$jobid,$mergeid" 2>/dev/null)" ] && break
  sleep 0.5
done
states=$(scontrol -o show job "$jobid" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c)
merge=$(scontrol -o show job "$mergeid" | grep -o 'JobState=[A-Z_]*')
echo "array: $(echo $states); merge: $merge"
if [ "$(echo "$states" | awk '{print $1, $2}')" != "16 JobState=COMPLETED" ] || [ "$merge" != JobState=COMPLETED ]; then
  echo "slurm-test: jobs did not all complete" >&2
  tail -n 20 slurm-*.out "$tmp"/*.log >&2 || true
  exit 1
fi

echo "== compare with the unsharded sweep"
simulate sweep sweeps/busan-generosity-misperception.toml --runs "$RUNS" --out "$tmp/out/whole" --quiet >/dev/null
for f in sweep.csv sweep-vicious_cycle.png sweep-detente.png; do
  cmp "$tmp/out/whole/$f" "$OUT/$f"
done
ls "$OUT"/shard-*-of-16.json | wc -l | grep -qx 16
echo "slurm-test: ok, merged outputs identical to the unsharded sweep ($(($(date +%s) - started)) s)"
