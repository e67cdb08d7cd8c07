#!/usr/bin/env bash
# The 10,000-seed sweep (docs/PERFORMANCE.md, "10,000-seed sweep"): `ballot sweep` of the Raft
# kernel property tests' scenario (bench/raft-nemesis-sweep.json: 5 nodes, every fault kind,
# register clients, linearizability checked) over seeds 1..N with J parallel runs, timed with
# GNU time (`env time`). Prints wall, user and system seconds, runs per wall second and runs per CPU
# second (user + system: the steadier figure on a shared machine), and the sweep's summary line.
# Use a Release build. Usage: bench/sweep_bench.sh BALLOT_BINARY [SEEDS=10000] [JOBS=2]
set -u
ballot=$1
seeds=${2:-10000}
jobs=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
scenario=$root/bench/raft-nemesis-sweep.json
out=$(mktemp)
times=$(mktemp)
trap 'rm -f "$out" "$times"' EXIT

echo "command: $ballot sweep bench/raft-nemesis-sweep.json --seeds 1..$seeds --jobs $jobs --quiet"
env time -o "$times" -f '%e %U %S' \
  "$ballot" sweep "$scenario" --seeds "1..$seeds" --jobs "$jobs" --quiet >"$out" 2>&1
status=$?
read -r wall user sys <"$times"
tail -n 1 "$out"
[ "$status" -eq 0 ] || echo "sweep exit status $status (1: some seed failed)"
awk -v n="$seeds" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
  printf "runs %d  wall %.2f s  user %.2f s  sys %.2f s\n", n, w, u, s
  printf "runs/s (wall) %.1f  runs per CPU second %.1f\n", n / w, n / (u + s)
}'
