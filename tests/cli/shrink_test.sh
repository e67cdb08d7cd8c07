#!/usr/bin/env bash
# `ballot shrink`: a failing nemesis run of a bug toggle becomes a small scenario with fewer
# faults that fails the same way (`ballot run` shows the same checker's violation, or the same
# expectation failing with the original expectations) and that `ballot check` passes, since its
# expectation is the failure. Also: the budget, the default output name, and bad input.
# Usage: shrink_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"

# Raft's vote_without_log_check under a short nemesis (tests/cli/verdict_test.sh): seed 1 fails.
nemesis='"nodes": 5, "duration": "4s",
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}},
  "nemesis": {"kinds": ["partition", "crash", "isolate", "pause"], "start": "300ms", "stop": "3s",
              "mean_interval": "200ms", "duration_min": "50ms", "duration_max": "1s"},
  "workload": {"model": "register", "clients": 3, "start": "200ms", "stop": "3s",
               "mean_interval": "50ms", "read_fraction": 0.4, "cas_fraction": 0.2, "timeout": "500ms"}'
printf '{"name": "raft-vwlc", "algorithm": "raft", "seed": 1, %s,
 "params": {"raft": {"bugs": {"vote_without_log_check": true}}}}\n' "$nemesis" >"$work/raft.json"
# Paxos's ignore_accepted_in_promises, judged on linearizability: seed 7's history is not.
printf '{"name": "paxos-lin", "algorithm": "paxos", "seed": 7, %s,
 "params": {"paxos": {"bugs": {"ignore_accepted_in_promises": true}}},
 "expect": {"violations": {"min": 1}, "linearizable": true}}\n' "$nemesis" >"$work/paxos.json"

# fired FILE: how many faults fired in its run (the Faults section of `ballot run`).
fired() { "$ballot" run "$1" 2>/dev/null | sed -nE 's/^Faults: ([0-9]+) fired.*/\1/p'; }
# written FILE: how many scripted faults the shrunk file has (one per line).
written() { grep -cE '^    \{"at":.*"kind":' "$1"; }

# ---- a safety violation ----
expect 1 'leader_completeness' -- "$ballot" run "$work/raft.json"
expect 0 "^wrote $work/raft-out.json" -- "$ballot" shrink "$work/raft.json" --seed 1 --out "$work/raft-out.json"
before=$(fired "$work/raft.json")
after=$(written "$work/raft-out.json")
if [ "$before" -gt 0 ] && [ "$after" -lt "$before" ]; then pass; else fail "fewer faults: $before -> $after"; fi
# No nemesis, no golden, the failure as its expectation, a caption per fault.
if ! grep -q '"nemesis"\|"golden"' "$work/raft-out.json"; then pass; else fail "nemesis or golden left"; fi
expect 0 '"expect": \{"violations":\{"min":1\}\}' -- cat "$work/raft-out.json"
captions=$(grep -cE '^    \{"at":.*"text":' "$work/raft-out.json")
if [ "$captions" -ge "$after" ]; then pass; else fail "a caption per fault: $captions < $after"; fi
expect 0 'from raft.json \(raft, seed 1\)' -- cat "$work/raft-out.json"
# It fails the same way: the same checker's violation, now expected; and check passes it.
expect 0 '\[leader_completeness\]' -- "$ballot" run "$work/raft-out.json"
expect 0 '^1 passed, 0 failed' -- "$ballot" check "$work/raft-out.json"
# With its expectation removed, the violation fails the run again.
expect 1 'FAILED: [0-9]+ safety violation' -- "$ballot" run "$work/raft-out.json" --set expect=null
# Progress and the runs spent.
expect 0 '^shrink: faults reduced: [0-9]+ runs, [0-9]+ faults?, ' -- "$ballot" shrink "$work/raft.json" --out "$work/raft-out2.json"
expect 0 '^[0-9]+ runs in [0-9.]+s$' -- "$ballot" shrink "$work/raft.json" --out "$work/raft-out3.json" --quiet
expect 0 '^faults [0-9]+ -> [0-9]+, operations [0-9]+ -> [0-9]+, nodes 5 -> [0-9], duration 4s -> ' -- \
  "$ballot" shrink "$work/raft.json" --out "$work/raft-out4.json" --quiet
# Deterministic: the same input gives the same file.
expect 0 '' -- cmp "$work/raft-out.json" "$work/raft-out2.json"

# ---- a non-linearizable history (a failed expectation) ----
expect 1 'FAILED +expect.linearizable +== 1 +got 0' -- "$ballot" run "$work/paxos.json"
expect 0 '^failure kept: expect.linearizable' -- "$ballot" shrink "$work/paxos.json" --out "$work/paxos-out.json" --quiet
if [ "$(written "$work/paxos-out.json")" -lt "$(fired "$work/paxos.json")" ]; then pass; else fail "paxos: fewer faults"; fi
expect 0 '"linearizable":false' -- cat "$work/paxos-out.json"
expect 0 'history is NOT linearizable' -- "$ballot" run "$work/paxos-out.json"
expect 0 '^1 passed, 0 failed' -- "$ballot" check "$work/paxos-out.json"
# With the original expectation it fails the same way.
expect 1 'FAILED +expect.linearizable +== 1 +got 0' -- "$ballot" run "$work/paxos-out.json" --set expect.linearizable=true

# ---- a hand-written lesson (scripted faults with message types, ops sent to given nodes) ----
expect 0 '^faults 11 -> [0-9]+, operations 5 -> [0-9]+, ' -- "$ballot" shrink "$src/scenarios/raft-figure8-bug.json" \
  --set expect=null --out "$work/f8.json" --quiet
if [ "$(written "$work/f8.json")" -lt 11 ]; then pass; else fail "figure 8: fewer faults"; fi
expect 0 '"node":"n[0-9]"' -- cat "$work/f8.json"
expect 0 '^1 passed, 0 failed' -- "$ballot" check "$work/f8.json"
expect 0 'from raft-figure8-bug.json \(raft, seed 1 --set expect=null\)' -- cat "$work/f8.json"

# ---- the budget: stops there and still writes a result that fails the same way ----
expect 0 'budget spent' -- "$ballot" shrink "$work/raft.json" --out "$work/budget.json" --budget 6 --quiet
expect 0 '^1 passed, 0 failed' -- "$ballot" check "$work/budget.json"

# ---- the default output name, and never overwriting ----
ballot=$(realpath "$ballot")
(cd "$work" && "$ballot" shrink raft.json --quiet >/dev/null 2>&1)
if [ -f "$work/raft-vwlc-shrunk-raft-1.json" ]; then pass; else fail "default --out name"; fi
expect 2 'raft-vwlc-shrunk-raft-1.json: the file exists \(use --force' -- bash -c "cd '$work' && '$ballot' shrink raft.json"
expect 0 '^wrote raft-vwlc-shrunk-raft-1.json' -- bash -c "cd '$work' && '$ballot' shrink raft.json --force --quiet"

# ---- bad input ----
expect 2 'missing.json: not a scenario file' -- "$ballot" shrink "$work/missing.json"
expect 2 'durration: --set durration=1s: unknown key' -- "$ballot" shrink "$work/raft.json" --set durration=1s --out "$work/x.json"
expect 2 "algorithm: unknown algorithm 'rafft'" -- "$ballot" shrink "$work/raft.json" --algo rafft --out "$work/x.json"
expect 2 '--budget' -- "$ballot" shrink "$work/raft.json" --budget 0 --out "$work/x.json"
expect 2 '--seed' -- "$ballot" shrink "$work/raft.json" --seed abc --out "$work/x.json"
expect 2 'required' -- "$ballot" shrink
# A run that does not fail: nothing to shrink, and why.
expect 2 'the run passes \(0 safety violations, every expectation holds\): nothing to shrink' -- \
  "$ballot" shrink "$work/raft.json" --set params.raft.bugs.vote_without_log_check=false --out "$work/x.json"
expect 2 'all expected by its expect.violations' -- \
  "$ballot" shrink "$work/raft.json" --set 'expect.violations={"min":1}' --out "$work/x.json"
# Coverage and audit failures are not shrunk (docs/cli.md): the message says why.
expect 2 'expect.reached\[0\]: wanted reached lease_read, got not reached: a situation the run did not reach, a coverage gap rather than a failure to shrink.*nothing to shrink' -- \
  "$ballot" shrink "$src/tests/cli/faults.json" --set 'expect.reached=["lease_read"]' --out "$work/x.json"
expect 2 'expect.no_inert_faults: wanted no inert fault, got inert: #6: a fault that did nothing.*nothing to shrink' -- \
  "$ballot" shrink "$src/tests/cli/faults.json" --set expect.no_inert_faults=true --out "$work/x.json"
if [ ! -e "$work/x.json" ]; then pass; else fail "bad input wrote a file"; fi

printf 'shrink: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
