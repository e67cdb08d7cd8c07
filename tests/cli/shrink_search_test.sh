#!/usr/bin/env bash
# `ballot shrink`'s search of smaller runs: Raft's vote_before_persist under the sharpened crash
# nemesis (tests/cli/bug_scenarios.sh; seed 18 is its first failing seed) does not shrink by
# delta debugging alone, because removing one crash moves every random draw after it. With the
# search (the default) it shrinks to at most 7 faults, within 1.5x the 5 of the hand-written
# scenarios/raft-vote-before-persist.json (#13's target), and the result names where it came
# from; --no-search keeps to the run itself and leaves many more.
# Usage: shrink_search_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
source "$src/tests/cli/bug_scenarios.sh"

body=${long_nemesis//KINDS/[\"crash\"]}
body=${body//LOSS/0.2}; body=${body//INTERVAL/20ms}; body=${body//DMIN/1ms}
body=${body//DMAX/10ms}; body=${body//WRITES/50ms}
body=${body//DUTIES/, \"job_period\": \"100ms\", \"id_interval\": \"100ms\"}
printf '{"name": "vbp", "nodes": 5, "algorithm": "raft", "seed": 18, %s,
 "params": {"raft": {"election_timeout_max": "200ms", "bugs": {"vote_before_persist": true}}}}\n' \
  "$body" >"$work/vbp.json"

# written FILE: how many scripted faults the shrunk file has (one per line).
written() { grep -cE '^    \{"at":.*"kind":' "$1"; }

expect 1 'one_leader_per_epoch' -- "$ballot" run "$work/vbp.json"

# The default budget: the target.
out=$("$ballot" shrink "$work/vbp.json" --out "$work/out.json" --quiet 2>&1)
if grep -qE '^found by a search: delta debugging of the run itself stopped at [0-9]+ faults; [0-9]+ smaller runs' <<<"$out"; then
  pass
else
  fail "the search line: $out"
fi
if grep -qE '^  \(the result comes from another run, which fails the same way: \[one_leader_per_epoch\]' <<<"$out"; then
  pass
else
  fail "the found run's failure: $out"
fi
n=$(written "$work/out.json")
if [ "$n" -ge 1 ] && [ "$n" -le 7 ]; then pass; else fail "at most 7 faults: $n"; fi
expect 0 'Found by a search: delta debugging of seed 18.s run \(371 faults\)' -- cat "$work/out.json"
expect 0 '^1 passed, 0 failed' -- "$ballot" check "$work/out.json"
expect 0 '\[one_leader_per_epoch\]' -- "$ballot" run "$work/out.json"
# The seed it names is the result's.
seed=$(sed -nE 's/.*the result comes from seed ([0-9]+).*/\1/p' <<<"$out")
expect 0 "\"seed\": $seed," -- cat "$work/out.json"
if [ "$seed" != 18 ]; then pass; else fail "a search result from another seed"; fi

# --no-search: delta debugging of the run itself only, many faults left (the same budget).
expect 0 '^faults 371 -> [0-9]+' -- "$ballot" shrink "$work/vbp.json" --out "$work/own.json" --quiet --no-search --budget 2000
own=$(written "$work/own.json")
if [ "$own" -gt 7 ]; then pass; else fail "without the search, more than 7 faults: $own"; fi
if ! grep -q 'Found by a search' "$work/own.json"; then pass; else fail "--no-search searched"; fi
expect 0 '"seed": 18,' -- cat "$work/own.json"

# A small budget still searches (a quarter for the run itself) and writes a result that checks.
expect 0 '^found by a search' -- "$ballot" shrink "$work/vbp.json" --out "$work/small.json" --quiet --budget 2000
if [ "$(written "$work/small.json")" -lt "$own" ]; then pass; else fail "the search beat the run itself at --budget 2000"; fi
expect 0 '^1 passed, 0 failed' -- "$ballot" check "$work/small.json"
# Below 1000 runs there is no search.
expect 0 '^[0-9]+ runs in' -- "$ballot" shrink "$work/vbp.json" --out "$work/tiny.json" --quiet --budget 300
if ! grep -q 'Found by a search' "$work/tiny.json"; then pass; else fail "searched with --budget 300"; fi

printf 'shrink search: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
