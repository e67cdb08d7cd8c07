#!/usr/bin/env bash
# The GNU parallel recipes of docs/scale-out.md, run for real: a sweep split into shards by
# parallel (locally, and through --sshlogin with ':' standing for this machine), merged with
# `ballot merge`, gives byte for byte what the unsharded sweep prints.
# Usage: scale_out_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
if ! command -v parallel >/dev/null; then
  echo "scale_out_test: GNU parallel is not installed (Debian package 'parallel'; .ci/setup)" >&2
  exit 1
fi
cd "$work" || exit 1
cp "$src/scenarios/raft-election-downtime.json" scenario.json
seeds=1..40
# The path is part of the output (repro lines, "scenario"): every shard names it alike.
stats=leader_loss_per_loss_us,first_leader_us
"$ballot" sweep scenario.json --seeds $seeds --stats $stats --quiet >whole.txt 2>/dev/null
"$ballot" sweep scenario.json --seeds $seeds --stats $stats --json --quiet >whole.json 2>/dev/null

# Local: as in docs/scale-out.md (8 shards, as many jobs as cores).
mkdir parts
parallel --will-cite "$ballot" sweep scenario.json --seeds $seeds \
  --stats $stats --shard {}/8 --json --quiet '>' parts/part-{}.json \
  '||' test '$?' -eq 1 ::: $(seq 8)
expect 0 '' -- test "$(ls parts | wc -l)" -eq 8
"$ballot" merge parts/part-*.json >merged.txt
"$ballot" merge parts/part-*.json --json >merged.json
expect 0 '' -- cmp whole.txt merged.txt
expect 0 '' -- cmp whole.json merged.json
expect 0 'over 40 seeds: 40 passed, 0 failed' -- cat merged.txt

# Across machines: the docs' --sshlogin recipe as written (the scenario sent with each job, the
# part returned), with ':' (this machine) as the only login, 2 jobs on it: parallel then skips the
# transfers, with a warning, and runs the rest of the machinery.
mkdir remote
cp scenario.json remote/
(cd remote && parallel --will-cite --sshlogin 2/: \
  --transferfile scenario.json --return part-{}.json --cleanup \
  "$ballot" sweep scenario.json --seeds $seeds --stats $stats --shard {}/4 --json --quiet \
  '>' part-{}.json '||' test '$?' -eq 1 ::: 1 2 3 4 2>/dev/null)
expect 0 '' -- test "$(ls remote/part-*.json | wc -l)" -eq 4
(cd remote && "$ballot" merge part-*.json) >remote.txt
expect 0 '' -- cmp whole.txt remote.txt

# A failing sweep: exit 1 from sweep is not a failed job for the recipe's wrapper, and the merge
# lists every failure like the unsharded sweep.
printf '%s\n' '{"name": "vwlc", "algorithm": "raft", "nodes": 5, "duration": "4s",
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}},
  "nemesis": {"kinds": ["partition", "crash", "isolate", "pause"], "start": "300ms", "stop": "3s",
              "duration_min": "50ms", "duration_max": "1s"},
  "workload": {"model": "register", "clients": 3, "start": "200ms", "stop": "3s",
               "mean_interval": "50ms", "read_fraction": 0.4, "cas_fraction": 0.2, "timeout": "500ms"},
  "params": {"raft": {"bugs": {"vote_without_log_check": true}}}}' >bug.json
"$ballot" sweep bug.json --seeds 1..10 --quiet >bug-whole.txt 2>/dev/null
mkdir bug
if parallel --will-cite "$ballot" sweep bug.json --seeds 1..10 --shard {}/3 --json --quiet \
  '>' bug/part-{}.json '2>/dev/null' '||' test '$?' -eq 1 ::: 1 2 3; then
  pass
else
  fail "parallel: a shard with failing runs failed the job"
fi
expect 1 'over 10 seeds: 8 passed, 2 failed' -- "$ballot" merge bug/part-*.json
"$ballot" merge bug/part-*.json >bug-merged.txt
expect 0 '' -- cmp bug-whole.txt bug-merged.txt

# The fault-effect audit: the inert lines (and "inert_faults") of a sharded sweep, merged, are the
# unsharded sweep's, byte for byte (tests/cli/faults.json's flap is inert in some seeds).
cp "$src/tests/cli/faults.json" faults.json
"$ballot" sweep faults.json --seeds 1..20 --quiet >inert-whole.txt 2>/dev/null
"$ballot" sweep faults.json --seeds 1..20 --json --quiet >inert-whole.json 2>/dev/null
mkdir inert
parallel --will-cite "$ballot" sweep faults.json --seeds 1..20 --shard {}/3 --json --quiet \
  '>' inert/part-{}.json ::: 1 2 3
"$ballot" merge inert/part-*.json >inert-merged.txt
"$ballot" merge inert/part-*.json --json >inert-merged.json
expect 0 '^warning: faults\[5\] \(flap\) was inert in 13 of 20 runs; first seed 1$' -- cat inert-merged.txt
expect 0 '' -- cmp inert-whole.txt inert-merged.txt
expect 0 '' -- cmp inert-whole.json inert-merged.json

printf 'scale_out_test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
