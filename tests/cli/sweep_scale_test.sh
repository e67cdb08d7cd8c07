#!/usr/bin/env bash
# Sweeps at scale (issue 13): --save-failures writes failing runs that still fail after a default
# the generators read changes (while the original seed no longer does); --stats names the seeds of
# each min and max; a failing seed is told on stderr at once; `sweep --shard K/N --json` parts
# merge into the unsharded sweep's output byte for byte; bad flags exit 2 with one message.
# Usage: sweep_scale_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"

# Raft's vote_without_log_check under a nemesis that draws its gaps from the default mean
# interval (2s): seeds 1 and 5 of 1..10 fail.
printf '%s\n' '{"name": "raft-vwlc", "algorithm": "raft", "seed": 1, "nodes": 5, "duration": "4s",
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}},
  "nemesis": {"kinds": ["partition", "crash", "isolate", "pause"], "start": "300ms", "stop": "3s",
              "duration_min": "50ms", "duration_max": "1s"},
  "workload": {"model": "register", "clients": 3, "start": "200ms", "stop": "3s",
               "mean_interval": "50ms", "read_fraction": 0.4, "cas_fraction": 0.2, "timeout": "500ms"},
  "params": {"raft": {"bugs": {"vote_without_log_check": true}}}}' >"$work/raft.json"

# ---- --save-failures ----
saved="$work/saved"
expect 1 "raft over 10 seeds: 8 passed, 2 failed" -- "$ballot" sweep "$work/raft.json" --seeds 1..10 --save-failures "$saved"
expect 1 "^  saved to $saved/raft.raft.seed5.json$" -- "$ballot" sweep "$work/raft.json" --seeds 5 --save-failures "$saved"
if [ "$(ls "$saved" | tr '\n' ' ')" = "raft.raft.seed1.json raft.raft.seed5.json " ]; then pass; else fail "saved files: $(ls "$saved")"; fi
s5="$saved/raft.raft.seed5.json"
# Self-contained: the generator versions recorded, the nemesis disabled, faults and operations
# scripted, no random clients, no golden.
expect 0 '"generated_by": \{"ballot":"[0-9.]+","nemesis":1,"workload":1,"by":"ballot sweep","from":"raft.json","algorithm":"raft","seed":5,"faults_scripted":true,"ops_scripted":true\}' -- cat "$s5"
expect 0 '"nemesis": \{.*"enabled":false' -- cat "$s5"
expect 0 '^    \{"at":"[0-9.]+m?s","kind":"(partition|crash|isolate|pause)"' -- cat "$s5"
expect 0 '^      \{"at":"[0-9.]+m?s","client":[0-9]' -- cat "$s5"
if ! grep -q '"clients"\|"golden"' "$s5"; then pass; else fail "random clients or golden left in $s5"; fi
# It fails as the run did, and is a scenario like any other (check reads generated_by).
expect 1 '\[leader_completeness\]' -- "$ballot" run "$s5"
expect 1 '^0 passed, 2 failed' -- "$ballot" check "$saved"
# A default the generators read changes: the nemesis's mean interval (2s by default) becomes 3s,
# or the random clients' mean interval becomes 200ms. The original seed no longer fails; the
# saved failure still does, the same way.
expect 0 "^Violations: none$" -- "$ballot" run "$work/raft.json" --seed 5 --set nemesis.mean_interval=3s
expect 1 '\[leader_completeness\]' -- "$ballot" run "$s5" --set nemesis.mean_interval=3s
expect 0 "^Violations: none$" -- "$ballot" run "$work/raft.json" --seed 5 --set workload.mean_interval=200ms
expect 1 '\[leader_completeness\]' -- "$ballot" run "$s5" --set workload.mean_interval=200ms
# Deterministic: saving again gives the same file.
"$ballot" sweep "$work/raft.json" --seeds 5 --save-failures "$work/again" >/dev/null 2>&1
expect 0 '' -- cmp "$s5" "$work/again/raft.raft.seed5.json"
# compare and check save too.
expect 1 "saved to $work/c/raft.raft.seed1.json" -- "$ballot" compare "$work/raft.json" --algos raft --seeds 1..2 --save-failures "$work/c"
expect 1 "saved to $work/k/raft.raft.seed1.json" -- "$ballot" check "$work/raft.json" --save-failures "$work/k"
expect 0 '"by":"ballot check"' -- cat "$work/k/raft.raft.seed1.json"
expect 1 '\[leader_completeness\]' -- "$ballot" run "$work/c/raft.raft.seed1.json" --set nemesis.mean_interval=3s
# A passing run saves nothing; a directory that cannot be made is bad input.
expect 0 '3 passed, 0 failed' -- "$ballot" sweep "$work/raft.json" --seeds 2..4 --save-failures "$work/none"
if [ -z "$(ls "$work/none")" ]; then pass; else fail "a passing sweep saved files"; fi
: >"$work/file"
expect 2 "^ballot: --save-failures $work/file/x: cannot create the directory$" -- "$ballot" sweep "$work/raft.json" --seeds 1 --save-failures "$work/file/x"

# ---- a failing seed is told at once on stderr; --stats names seeds ----
expect 1 "^ballot: seed 1 failed \([0-9]+ safety violations\): ballot run $work/raft.json --algo raft --seed 1$" -- \
  bash -c "'$ballot' sweep '$work/raft.json' --seeds 1..2 2>&1 >/dev/null"
expect 0 '^leader_changes +10 +[0-9]+ .* +[0-9]+, [0-9]+$' -- "$ballot" sweep "$src/scenarios/raft-election-downtime.json" --seeds 1..10 --stats leader_changes
expect 0 '"max_seed": [0-9]+' -- "$ballot" sweep "$src/scenarios/raft-election-downtime.json" --seeds 1..10 --stats leader_changes --json
# The seed named for the min reaches the min (first_leader_us is one sample per seed).
stats=$("$ballot" sweep "$work/raft.json" --seeds 1..10 --stats first_leader_us --json 2>/dev/null)
min_seed=$(sed -nE 's/.*"min_seed": ([0-9]+).*/\1/p' <<<"$stats")
min=$(sed -nE 's/.*"min": ([0-9.]+).*/\1/p' <<<"$stats")
one=$("$ballot" sweep "$work/raft.json" --seeds "$min_seed" --stats first_leader_us --json 2>/dev/null | sed -nE 's/.*"max": ([0-9.]+).*/\1/p')
if [ -n "$min" ] && [ "$min" = "$one" ]; then pass; else fail "min $min at seed $min_seed, which has $one"; fi

# ---- shards and merge ----
flags=(--seeds 1..10 --stats leader_changes,leader_loss_per_loss_us)
"$ballot" sweep "$work/raft.json" "${flags[@]}" >"$work/full.txt" 2>/dev/null
"$ballot" sweep "$work/raft.json" "${flags[@]}" --json >"$work/full.json" 2>/dev/null
for k in 1 2 3; do
  "$ballot" sweep "$work/raft.json" "${flags[@]}" --shard "$k/3" --json --quiet >"$work/part$k.json" 2>/dev/null
done
expect 1 '' -- "$ballot" merge "$work/part3.json" "$work/part1.json" "$work/part2.json"
"$ballot" merge "$work/part3.json" "$work/part1.json" "$work/part2.json" >"$work/merged.txt"
"$ballot" merge "$work"/part*.json --json >"$work/merged.json"
expect 0 '' -- cmp "$work/full.txt" "$work/merged.txt"
expect 0 '' -- cmp "$work/full.json" "$work/merged.json"
expect 0 'raft over 10 seeds: 8 passed, 2 failed' -- cat "$work/merged.txt"
# More shards than seeds: the empty parts merge too.
for k in 1 2 3 4; do "$ballot" sweep "$work/raft.json" --seeds 2..4 --shard "$k/4" --json >"$work/small$k.json" 2>/dev/null; done
"$ballot" sweep "$work/raft.json" --seeds 2..4 >"$work/small.txt" 2>/dev/null
"$ballot" merge "$work"/small?.json >"$work/small-merged.txt"
expect 0 '' -- cmp "$work/small.txt" "$work/small-merged.txt"

# ---- bad flags and bad parts: exit 2, one message ----
expect 2 "^ballot: --shard: expected K/N with 1 <= K <= N, got '3/2'$" -- "$ballot" sweep "$work/raft.json" --seeds 1..3 --shard 3/2
expect 2 "^ballot: --shard: expected K/N with 1 <= K <= N, got '0/2'$" -- "$ballot" sweep "$work/raft.json" --seeds 1..3 --shard 0/2
expect 2 "^ballot: --shard: expected K/N with 1 <= K <= N, got '1/x'$" -- "$ballot" sweep "$work/raft.json" --seeds 1..3 --shard 1/x
expect 2 "^ballot: merge: shard 3/3 is missing" -- "$ballot" merge "$work/part1.json" "$work/part2.json"
expect 2 "^ballot: merge: $work/part1.json: shard 1/3 is also in $work/part1.json$" -- "$ballot" merge "$work/part1.json" "$work/part1.json" "$work/part2.json" "$work/part3.json"
expect 2 "^ballot: merge: $work/full.json: not a sweep part" -- "$ballot" merge "$work/full.json"
expect 2 "^ballot: merge: $work/small1.json: differs from $work/part1.json in its seeds: the parts are not of one sweep$" -- "$ballot" merge "$work/part1.json" "$work/small1.json"
expect 2 "^ballot: merge: $work/raft.json: not a sweep part" -- "$ballot" merge "$work/raft.json"
expect 2 "^ballot: merge: $work/nothing.json: cannot read the file$" -- "$ballot" merge "$work/nothing.json"
printf 'not json' >"$work/bad.json"
expect 2 "^ballot: merge: $work/bad.json: not JSON" -- "$ballot" merge "$work/bad.json"
expect 2 "parts is required" -- "$ballot" merge

printf 'sweep_scale_test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
