#!/usr/bin/env bash
# End-to-end checks of the `ballot` command: exit codes and messages for good and bad input.
# Usage: cli_test.sh BALLOT_BINARY SOURCE_DIR
set -u
ballot=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# expect CODE PATTERN -- COMMAND...: the command exits with CODE and its output matches PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAILED: %s\n  wanted exit %s and /%s/, got exit %s:\n%s\n' "$*" "$code" "$pattern" "$rc" "$(head -5 <<<"$out")"
  fi
}

scenario=$src/scenarios/bully-partition.json
printf '{"nodes": 3, "duration": "1s",}' >"$work/syntax.json"
printf '{"nodes": 3, "durration": "1s"}' >"$work/typo.json"
printf '{"nodes": 3, "params": {"bully": {"failure_timout": "1s"}}}' >"$work/param.json"
printf '{"nodes": 3, "duration": "1s", "expect": {"leader_changes": 5}}' >"$work/expect.json"
printf '\x00\x01\x02garbage' >"$work/binary.json"

# Good runs.
expect 0 "split brain" -- "$ballot" run "$scenario"
expect 0 '"trace_hash"' -- "$ballot" run "$scenario" --json
expect 0 "replay ok" -- bash -c "'$ballot' run '$scenario' --seed 3 --trace '$work/t.jsonl' >/dev/null && '$ballot' replay '$work/t.jsonl'"
expect 0 "bully" -- "$ballot" list algorithms
expect 0 "majorities_ring" -- "$ballot" list faults
expect 0 "bully-partition.json" -- "$ballot" list scenarios
expect 0 "Usage|usage" -- "$ballot" run --help

# Bad input: exit 2, naming the file, the JSON path or flag, and what was expected.
expect 2 "nope.json.*(cannot|No such|not found|open)" -- "$ballot" run "$work/nope.json"
expect 2 "syntax.json.*line 1" -- "$ballot" run "$work/syntax.json"
expect 2 "typo.json.*durration.*did you mean 'duration'" -- "$ballot" run "$work/typo.json"
expect 2 "params.bully.failure_timout.*failure_timeout" -- "$ballot" run "$work/param.json"
expect 2 "binary.json" -- "$ballot" run "$work/binary.json"
expect 2 "unknown algorithm 'paxoss'" -- "$ballot" run "$scenario" --algo paxoss
expect 2 "--set|unknown key" -- "$ballot" run "$scenario" --set nodez=3
expect 2 "seed" -- "$ballot" run "$scenario" --seed notanumber
expect 2 "--trace .*cannot open" -- "$ballot" run "$scenario" --trace "$work/no/such/dir/t.jsonl"
expect 2 "what|algorithms" -- "$ballot" list frobs
expect 2 "frobnicate|following argument" -- "$ballot" frobnicate
expect 2 "line 1.*ballot trace header" -- "$ballot" replay "$work/binary.json"
expect 2 "cannot open" -- "$ballot" replay "$work/missing.jsonl"
expect 2 "missing.edn" -- "$ballot" lincheck "$work/missing.edn"

# Failures: exit 1 with the one command that reproduces them.
expect 1 "ballot run .*expect.json --algo bully --seed 1" -- "$ballot" run "$work/expect.json"
# A tampered trace: replay names the first diverging event.
sed '5s/}$/,"edited":1}/' "$work/t.jsonl" >"$work/tampered.jsonl"
expect 1 "DIVERGED at event 3" -- "$ballot" replay "$work/tampered.jsonl"
# A truncated trace (no footer): replay says so.
head -n 100 "$work/t.jsonl" >"$work/truncated.jsonl"
expect 1 "trace ends here|truncated" -- "$ballot" replay "$work/truncated.jsonl"

# Compare, check, sweep and export.
lesson=$src/scenarios/split-brain-3-2.json
expect 0 "lost acknowledged writes" -- "$ballot" compare "$lesson" --seeds 1..2
expect 0 "^algorithm,violations_n,violations_min,violations_median,violations_max,violations_mean" -- "$ballot" compare "$lesson" --seeds 1 --format csv
expect 0 '"runs_per_algorithm": 2' -- "$ballot" compare "$lesson" --seeds 1..2 --format json
expect 0 "identical" -- bash -c "'$ballot' compare '$lesson' --seeds 1..3 > '$work/c1.txt' && '$ballot' compare '$lesson' --seeds 1..3 > '$work/c2.txt' && cmp -s '$work/c1.txt' '$work/c2.txt' && echo identical"
expect 0 "seeds 1..3" -- cat "$work/c1.txt"
expect 0 "^all lines fit" -- bash -c "'$ballot' compare '$lesson' --algos bully,raft,paxos,lease --seeds 1 | awk 'length > 100 { long = 1 } END { if (!long) print \"all lines fit\" }'"
expect 0 "^ +bully +n +raft +n +paxos +n +lease +n$" -- "$ballot" compare "$lesson" --algos bully,raft,paxos,lease --seeds 1
expect 2 "--algos: unknown algorithm 'zab'" -- "$ballot" compare "$lesson" --algos bully,zab
expect 2 "--seeds: expected seeds like" -- "$ballot" compare "$lesson" --seeds 5..x
expect 2 "format" -- "$ballot" compare "$lesson" --format xml
expect 0 "3 passed, 0 failed" -- "$ballot" sweep "$scenario" --seeds 1..3
expect 0 "2 passed, 0 failed" -- "$ballot" sweep "$scenario" --seeds 1..4 --shard 2/2 --jobs 2
expect 1 "^  ballot run .*expect.json --algo bully --seed 2$" -- "$ballot" sweep "$work/expect.json" --seeds 1..2
expect 0 "belief_downtime_per_loss_us +[0-9]+ " -- "$ballot" sweep "$src/scenarios/raft-election-downtime.json" --seeds 1..5 --stats belief_downtime_per_loss_us,first_leader_us
expect 0 "leader_loss_per_loss_us +[0-9]+ " -- "$ballot" sweep "$src/scenarios/raft-election-downtime.json" --seeds 1..5 --stats leader_loss_per_loss_us,leader_loss_total_us
expect 0 "client_unavailable_max_us +[0-9]+ " -- "$ballot" sweep "$src/scenarios/split-brain-3-2.json" --algo raft --seeds 1..2 --stats client_unavailable_max_us,client_unavailable_us
expect 2 "--stats.*unknown metric 'downtime'" -- "$ballot" sweep "$scenario" --seeds 1..2 --stats downtime
expect 2 "--shard" -- "$ballot" sweep "$scenario" --seeds 1..3 --shard 3/2
mkdir -p "$work/lessons" && cp "$scenario" "$work/lessons/"
expect 0 "2 passed, 0 failed" -- "$ballot" check "$work/lessons"
cp "$work/expect.json" "$work/lessons/"
expect 1 "FAILED.*expect.json" -- "$ballot" check "$work/lessons"
expect 2 "not a directory" -- "$ballot" check "$work/nowhere"
expect 0 "wrote [0-9]+ operations" -- bash -c "'$ballot' run '$lesson' --trace '$work/l.jsonl' >/dev/null; '$ballot' export '$work/l.jsonl' --format jepsen -o '$work/l.edn'"
expect 1 "NOT linearizable|not linearizable" -- "$ballot" lincheck "$work/l.edn"
expect 1 "minimal failing window: these [0-9]+ operations" -- "$ballot" lincheck "$work/l.edn"
expect 1 '"window_minimal": true' -- "$ballot" lincheck "$work/l.edn" --json
expect 1 "not shrunk" -- "$ballot" lincheck "$work/l.edn" --max-window-steps 0
expect 2 "--max-window-steps" -- "$ballot" lincheck "$work/l.edn" --max-window-steps lots
expect 2 "line 1" -- "$ballot" export "$work/binary.json" -o "$work/x.edn"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
