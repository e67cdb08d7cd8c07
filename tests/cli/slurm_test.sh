#!/usr/bin/env bash
# The Slurm recipe of docs/scale-out.md, run for real on a single-node Slurm this test starts
# itself: munged, slurmctld and slurmd on this machine, in a scratch directory, on ports of their
# own; contrib/slurm/sweep.sbatch as a 4-task array, then contrib/slurm/merge.sbatch, whose
# summary must equal the unsharded sweep's byte for byte.
# Exits 77 (skipped, as ctest reports it) with the reason when Slurm or munge is not installed or
# its daemons cannot run here (they need root, or at least to run as the current user with their
# own munge key). Runnable by hand: bash tests/cli/slurm_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
skip() {
  echo "slurm_test: SKIPPED: $1" >&2
  exit 77
}
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null ||
    skip "$tool not found on PATH (Debian packages slurm-wlm and munge; the daemons are in sbin)"
done
user=$(id -un)
host=$(hostname -s)
cpus=$(nproc)
s="$work/slurm"
mkdir -p "$s/state" "$s/spool" "$s/log" "$s/munge"
chmod 700 "$s/munge"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

# munge, with a key and socket of its own.
mungekey --create --keyfile "$s/munge/key" 2>"$s/log/mungekey" || skip "mungekey failed: $(cat "$s/log/mungekey")"
chmod 600 "$s/munge/key"
munged --key-file "$s/munge/key" --socket "$s/munge/sock" --pid-file "$s/munge/pid" \
  --log-file "$s/log/munged" --seed-file "$s/munge/seed" --force 2>"$s/log/munged.err" ||
  skip "munged does not start: $(cat "$s/log/munged.err")"
sleep 1
[ -f "$s/munge/pid" ] && pids+=("$(cat "$s/munge/pid")")

# Ports from this test's process id, so that two runs do not collide.
port=$((20000 + $$ % 20000))
cat >"$s/slurm.conf" <<CONF
ClusterName=ballottest
SlurmctldHost=$host
SlurmUser=$user
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$s/munge/sock
CredType=cred/munge
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/log/slurmctld
SlurmdLogFile=$s/log/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
PlugStackConfig=/dev/null
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$s/slurm.conf"
slurmctld -c -i 2>"$s/log/slurmctld.err" || skip "slurmctld does not start: $(tail -3 "$s/log/slurmctld.err")"
sleep 1
[ -f "$s/slurmctld.pid" ] && pids+=("$(cat "$s/slurmctld.pid")")
slurmd 2>"$s/log/slurmd.err" || skip "slurmd does not start (it needs root): $(tail -3 "$s/log/slurmd.err")"
sleep 1
[ -f "$s/slurmd.pid" ] && pids+=("$(cat "$s/slurmd.pid")")
# Wait for the node to be idle.
for _ in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o %T 2>/dev/null | grep -q idle ||
  skip "the Slurm node never became idle: $(sinfo 2>&1 | tail -2); $(tail -3 "$s/log/slurmd" 2>/dev/null)"

cd "$work" || exit 1
cp "$src/scenarios/raft-election-downtime.json" scenario.json
"$ballot" sweep scenario.json --seeds 1..20 --stats leader_loss_per_loss_us --quiet >whole.txt 2>/dev/null
export BALLOT=$ballot
job=$(sbatch --parsable --array=1-4 --output="$work/task-%a.log" --chdir="$work" \
  "$src/contrib/slurm/sweep.sbatch" scenario.json 1..20 parts --stats leader_loss_per_loss_us) ||
  skip "sbatch refused the array"
merge=$(sbatch --parsable --dependency=afterok:"$job" --output="$work/merge.log" --chdir="$work" \
  --wait "$src/contrib/slurm/merge.sbatch" parts)
rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "the merge job ($merge) exited $rc: $(cat "$work"/*.log 2>/dev/null | tail -5)"; fi
expect 0 '' -- test "$(ls parts/part-*.json | wc -l)" -eq 4
expect 0 '' -- cmp whole.txt parts/summary.txt
expect 0 'over 20 seeds: 20 passed, 0 failed' -- cat parts/summary.txt

printf 'slurm_test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
