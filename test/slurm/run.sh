#!/usr/bin/env bash
# The Slurm stage of .ci/run (issue 23): a real single-node Slurm cluster in a temp folder.
# Installs slurm-wlm and munge when missing, starts munged, slurmctld and slurmd (foreground
# daemons, so their pids are ours), runs a smoke `convergence` sweep as an array job
# (sbatch --wait), merges it and compares it byte for byte with the local run; then cancels
# one running task, checks that merge names its unit and exits 2, resubmits that task and
# checks the merge again. The daemons are stopped by pid, pass or fail.
# For a larger sweep through the same cluster: NPPO_SLURM_CONFIG=<config.json> (default the smoke
# convergence config), NPPO_SLURM_UNITS=<n>, NPPO_SLURM_REFERENCE=<results.csv> (compare with
# that file, e.g. a committed result, instead of a local run), NPPO_SLURM_CANCEL=0 (skip the
# cancellation check).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
t0=$(date +%s)
say() { echo "[slurm +$(( $(date +%s) - t0 ))s] $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  say "apt-get install slurm-wlm munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

tmp=$(mktemp -d /tmp/nppo-slurm-XXXXXX)
chmod 700 "$tmp"
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ $rc -ne 0 ]; then
    for f in "$tmp"/*.log "$tmp"/logs/*; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT

host=$(hostname -s)
base=$(( 20000 + RANDOM % 20000 ))
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/logs"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged -F --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munge/seed" >"$tmp/munged.out" 2>&1 &
pids+=($!)

cat > "$tmp/slurm.conf" <<CONF
ClusterName=nppo-ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.socket
CredType=cred/munge
SlurmctldPort=$base
SlurmdPort=$(( base + 1 ))
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
for i in $(seq 50); do [ -S "$tmp/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
for i in $(seq 100); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { echo "slurm node not idle after 20 s (state: ${state:-none})"; exit 1; }
say "cluster up: $host, $(nproc) CPUs (munged, slurmctld, slurmd: pids ${pids[*]})"

config=${NPPO_SLURM_CONFIG:-data/configs/convergence.smoke.json}
units=${NPPO_SLURM_UNITS:-4}
if [ -n "${NPPO_SLURM_REFERENCE:-}" ]; then
  mkdir -p "$tmp/local" && cp "$NPPO_SLURM_REFERENCE" "$tmp/local/results.csv"
  say "reference: $NPPO_SLURM_REFERENCE"
else
  NPPO_RESULTS_DIR="$tmp/local-store" npm run --silent experiment -- convergence --config "$config" --out "$tmp/local" 2>"$tmp/logs/local.err"
  say "local run done"
fi

NPPO_RESULTS_DIR="$tmp/store" npm run --silent sweep -- plan convergence --config "$config" --units "$units" --out "$tmp/plan" 2>&1 | tail -2
t_array=$(date +%s)
sbatch --wait --array=1-"$units" --output="$tmp/logs/%A_%a.out" scripts/slurm/sweep.sbatch "$tmp/plan"
say "array of $units tasks done in $(( $(date +%s) - t_array )) s wall; unit core-seconds: $(cat "$tmp"/plan/done/*.json | grep -o '"seconds": [0-9.]*' | awk '{s += $2} END {printf "%.1f", s}')"
NPPO_RESULTS_DIR="$tmp/merged-store" npm run --silent sweep -- merge "$tmp/plan" --out "$tmp/merged"
cmp "$tmp/local/results.csv" "$tmp/merged/results.csv"
say "array of $units tasks: merged results.csv byte-identical to the ${NPPO_SLURM_REFERENCE:+reference }${NPPO_SLURM_REFERENCE:-local run}"
[ "${NPPO_SLURM_CANCEL:-1}" = 0 ] && { say "passed (no cancellation check)"; exit 0; }

# Cancel one task while it runs.
NPPO_RESULTS_DIR="$tmp/store2" npm run --silent sweep -- plan convergence --config "$config" --units "$units" --out "$tmp/plan2" 2>/dev/null
job=$(sbatch --parsable --hold --array=1-"$units" --output="$tmp/logs/%A_%a.out" scripts/slurm/sweep.sbatch "$tmp/plan2")
scontrol release "$job"
victim=2
cancelled=""
for i in $(seq 300); do
  st=$(squeue -h -j "${job}_$victim" -o %T 2>/dev/null || true)
  if [ "$st" = RUNNING ]; then scancel "${job}_$victim"; cancelled="while running"; break; fi
  [ -z "$st" ] && break
  sleep 0.05
done
[ -n "$cancelled" ] || { echo "task $victim finished before it could be cancelled"; exit 1; }
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do sleep 0.2; done
say "scancel ${job}_$victim ($cancelled)"
set +e
NPPO_RESULTS_DIR="$tmp/merged-store2" npm run --silent sweep -- merge "$tmp/plan2" --out "$tmp/merged2" 2>"$tmp/merge2.err"
rc=$?
set -e
cat "$tmp/merge2.err"
[ $rc -eq 2 ] || { echo "merge with a cancelled unit exited $rc, expected 2"; exit 1; }
grep -q "unit $victim (" "$tmp/merge2.err" || { echo "merge did not name unit $victim"; exit 1; }
sbatch --wait --array="$victim" --output="$tmp/logs/%A_%a.out" scripts/slurm/sweep.sbatch "$tmp/plan2"
NPPO_RESULTS_DIR="$tmp/merged-store2" npm run --silent sweep -- merge "$tmp/plan2" --out "$tmp/merged2"
cmp "$tmp/local/results.csv" "$tmp/merged2/results.csv"
say "resubmitted task $victim: merge complete and byte-identical"
say "passed"
