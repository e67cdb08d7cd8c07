#!/usr/bin/env bash
# End-to-end checks of the `ballot` command: exit codes and messages for good and bad input.
# Usage: cli_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"

scenario=$src/scenarios/bully-partition.json
printf '{"nodes": 3, "duration": "1s",}' >"$work/syntax.json"
printf '{"nodes": 3, "durration": "1s"}' >"$work/typo.json"
printf '{"nodes": 3, "params": {"bully": {"failure_timout": "1s"}}}' >"$work/param.json"
printf '{"nodes": 3, "duration": "1s", "expect": {"leader_changes": 5}}' >"$work/expect.json"
printf '\x00\x01\x02garbage' >"$work/binary.json"
printf '{"nodes": 3, "duration": "1s", "algorithm": "raft", "faults": [{"at": "0s", "kind": "drop_message", "from": "n1", "to": "n2", "type": "RequestVotes", "nth": 1}]}' >"$work/msgtype.json"

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
expect 2 "msgtype.json: faults\[0\]\.type: unknown message type 'RequestVotes' for raft \(did you mean 'RequestVote'\? its message types: RequestVote, " -- "$ballot" run "$work/msgtype.json"
expect 2 "faults\[0\]\.type: unknown message type 'RequestVotes' for paxos" -- "$ballot" run "$work/msgtype.json" --algo paxos
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
# Damage by name (Bully, seed 1): n3 led the majority during the split brain; n5 won back after
# the heal and its state replaced n3's, so every lost write was acknowledged by n3.
expect 0 "^    #[0-9]+ append k[0-9]=x[0-9]+; acknowledged by n3 at [0-9.]+s, erased at [0-9.]+s \(event [0-9]+: n3 took n5's state\)$" -- "$ballot" run "$lesson" --algo bully
expect 0 "^    \.\.\. [0-9]+ more in --json$" -- "$ballot" run "$lesson" --algo bully
expect 0 "^    period [0-9]+: n3 at [0-9.]+s, again n5 at [0-9.]+s$" -- "$ballot" run "$lesson" --algo bully
expect 0 "^only n3 acknowledged lost writes$" -- bash -c "'$ballot' run '$lesson' --algo bully --json > '$work/dmg.json' && grep -q '\"acknowledged_by\"' '$work/dmg.json' && ! tr -d ' \n' < '$work/dmg.json' | grep -oE '\"acknowledged_by\":\\{[^}]*\\}' | grep -v '\"node\":\"n3\"' | grep -q . && echo 'only n3 acknowledged lost writes'"
expect 0 "^algorithm,violations_n,violations_min,violations_median,violations_max,violations_mean" -- "$ballot" compare "$lesson" --seeds 1 --format csv
expect 0 '"runs_per_algorithm": 2' -- "$ballot" compare "$lesson" --seeds 1..2 --format json
expect 0 "identical" -- bash -c "'$ballot' compare '$lesson' --seeds 1..3 > '$work/c1.txt' && '$ballot' compare '$lesson' --seeds 1..3 > '$work/c2.txt' && cmp -s '$work/c1.txt' '$work/c2.txt' && echo identical"
expect 0 "seeds 1..3" -- cat "$work/c1.txt"
# From the source directory, by relative path: the header echoes the path as given, and a clone's
# absolute path may be of any length; the table itself must fit.
expect 0 "^all lines fit" -- bash -c "cd '$src' && '$ballot' compare scenarios/${lesson##*/} --algos bully,raft,paxos,lease --seeds 1 | awk 'length > 100 { long = 1 } END { if (!long) print \"all lines fit\" }'"
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
expect 2 "not a scenario file or a directory" -- "$ballot" check "$work/nowhere"
expect 0 "wrote [0-9]+ operations" -- bash -c "'$ballot' run '$lesson' --trace '$work/l.jsonl' >/dev/null; '$ballot' export '$work/l.jsonl' --format jepsen -o '$work/l.edn'"
expect 1 "NOT linearizable|not linearizable" -- "$ballot" lincheck "$work/l.edn"
expect 1 "minimal failing window: these [0-9]+ operations" -- "$ballot" lincheck "$work/l.edn"
expect 1 '"window_minimal": true' -- "$ballot" lincheck "$work/l.edn" --json
expect 1 "not shrunk" -- "$ballot" lincheck "$work/l.edn" --max-window-steps 0
expect 2 "--max-window-steps" -- "$ballot" lincheck "$work/l.edn" --max-window-steps lots
expect 2 "line 1" -- "$ballot" export "$work/binary.json" -o "$work/x.edn"

# Seed ranges: the end of the uint64 range terminates (the counter must not wrap), and an absurd
# range is refused up front, naming the flag.
expect 0 "3 passed, 0 failed" -- timeout 60 "$ballot" sweep "$scenario" --seeds 18446744073709551613..18446744073709551615
expect 2 "^ballot: --seeds: at most 1000000 seeds" -- timeout 10 "$ballot" sweep "$scenario" --seeds 1..18446744073709551615
expect 2 "^ballot: --seeds: at most 1000000 seeds" -- timeout 10 "$ballot" compare "$scenario" --seeds 0..18446744073709551615
expect 2 "^ballot: --seeds: at most 1000000 runs" -- timeout 10 "$ballot" compare "$scenario" --algos bully,raft --seeds 1..600000

# Algorithm names that no registered algorithm has, and other algorithms' parameters, are checked
# by run, sweep and compare too (not only by check).
printf '{"nodes": 3, "duration": "1s", "expect": {"by_algorithm": {"raftt": {"violations": 0}}}}' >"$work/by_algo.json"
printf '{"nodes": 3, "duration": "1s", "golden": {"rafy/3": "0123456789abcdef"}}' >"$work/golden.json"
printf '{"nodes": 3, "duration": "1s", "params": {"raft": {"pre_vot": true}}}' >"$work/other_param.json"
for cmd in "run" "sweep --seeds 1..2" "compare --algos bully --seeds 1"; do
  expect 2 "by_algo.json: expect.by_algorithm.raftt: unknown algorithm 'raftt' \(did you mean 'raft'\?\)" -- "$ballot" $cmd "$work/by_algo.json"
  expect 2 "golden.json: golden.rafy/3: unknown algorithm 'rafy' \(did you mean 'raft'\?\)" -- "$ballot" $cmd "$work/golden.json"
  expect 2 "other_param.json: params.raft.pre_vot: unknown parameter 'pre_vot' \(did you mean 'pre_vote'\?\)" -- "$ballot" $cmd "$work/other_param.json"
done

# Repro lines quote the scenario path for the shell: the printed command, run as it is, runs the
# same scenario again (and fails the same way).
odd="$work/it's \$HOME \"x\""
mkdir -p "$odd" && cp "$work/expect.json" "$odd/a b.json"
repro=$("$ballot" run "$odd/a b.json" --set 'name=a "b" $c' 2>&1 | sed -n 's/^  ballot run /run /p')
quoted=$(cat <<'PATTERN'
^  ballot run '.*/it'[\]''s [$]HOME "x"/a b[.]json' --algo bully --seed 1 --set 'name=a "b" [$]c'$
PATTERN
)
expect 1 "$quoted" -- "$ballot" run "$odd/a b.json" --set 'name=a "b" $c'
expect 1 "FAILED: .*; reproduce with" -- bash -c "'$ballot' $repro"
expect 1 'scenario +a "b" [$]c' -- bash -c "'$ballot' $repro"

# Input size caps: a device or an oversized file is refused with the file and the limit, never read
# until memory runs out.
truncate -s 17M "$work/huge.json"
truncate -s 257M "$work/huge.edn"
expect 2 "^ballot: /dev/zero: the scenario is larger than the 16 MiB limit" -- timeout 20 "$ballot" run /dev/zero
expect 2 "huge.json: the scenario is larger than the 16 MiB limit" -- timeout 20 "$ballot" run "$work/huge.json"
expect 2 "huge.json: the scenario is larger than the 16 MiB limit" -- timeout 20 "$ballot" sweep "$work/huge.json" --seeds 1..2
expect 2 "^ballot lincheck: /dev/zero: the history is larger than the 256 MiB limit" -- timeout 20 "$ballot" lincheck /dev/zero
expect 2 "huge.edn: the history is larger than the 256 MiB limit" -- timeout 20 "$ballot" lincheck "$work/huge.edn"
expect 2 "^ballot: /dev/zero: line 1: longer than the 16 MiB limit for a trace line" -- timeout 20 "$ballot" replay /dev/zero
expect 2 "^ballot: /dev/zero: line 1: longer than the 16 MiB limit for a trace line" -- timeout 20 "$ballot" export /dev/zero
{ head -n 3 "$work/t.jsonl"; head -c 17000000 /dev/zero | tr '\0' ' '; } >"$work/long_line.jsonl"
expect 2 "long_line.jsonl: line 4: longer than the 16 MiB limit for a trace line" -- timeout 20 "$ballot" replay "$work/long_line.jsonl"
expect 2 "long_line.jsonl: line 4: longer than the 16 MiB limit for a trace line" -- timeout 20 "$ballot" export "$work/long_line.jsonl"

# lincheck: a history without operations is no verdict (exit 4), and a ballot trace gets the
# command that converts it.
: >"$work/empty.edn"
printf '[]\n' >"$work/empty_vector.edn"
expect 4 "^nothing to check: .*empty.edn has no operations" -- "$ballot" lincheck "$work/empty.edn"
expect 4 "^nothing to check: .*empty_vector.edn has no operations" -- "$ballot" lincheck "$work/empty_vector.edn"
expect 4 '"verdict": "nothing to check"' -- "$ballot" lincheck "$work/empty.edn" --json
expect 2 "t.jsonl: this is a ballot trace, not a client history" -- "$ballot" lincheck "$work/t.jsonl"
expect 2 "ballot export .*t.jsonl --format jepsen" -- "$ballot" lincheck "$work/t.jsonl"

# Numbers out of range (beyond a double, or an integer beyond 64 bits) in a scenario or a trace:
# the file, the JSON path, line and column, and no JSON library text.
printf '{"nodes": 3,\n  "duration": 1e400}' >"$work/huge_number.json"
printf '{"nodes": 3, "seed": 99999999999999999999999}' >"$work/huge_int.json"
expect 2 "^ballot: .*huge_number.json: duration: at line 2, column 15: the number 1e400 is out of range[^[]*$" -- "$ballot" run "$work/huge_number.json"
expect 2 "^ballot: .*huge_int.json: seed: at line 1, column 22: the integer 99999999999999999999999 is out of range" -- "$ballot" run "$work/huge_int.json"
expect 2 "huge_int.json: seed: at line 1, column 22" -- "$ballot" sweep "$work/huge_int.json" --seeds 1..2
invoke=$(grep -n '"k":"invoke"' "$work/l.jsonl" | head -1 | cut -d: -f1)
sed "${invoke}s/\"t\":[0-9]*/\"t\":1e400/" "$work/l.jsonl" >"$work/huge_t.jsonl"
expect 2 "huge_t.jsonl: line $invoke: t: at column [0-9]+: the number 1e400 is out of range" -- "$ballot" export "$work/huge_t.jsonl" -o "$work/x.edn"
sed '1s/"nodes":\([0-9]*\)/"nodes":99999999999999999999999/' "$work/l.jsonl" >"$work/huge_header.jsonl"
expect 2 "huge_header.jsonl: line 1: scenario.nodes: at column [0-9]+: the integer 99999999999999999999999 is out of range" -- "$ballot" replay "$work/huge_header.jsonl"

# Progress goes to a terminal only: with stderr captured (not a terminal) nothing is drawn, and
# --quiet is accepted by every command that shows it.
expect 0 "^no progress$" -- bash -c "out=\$('$ballot' sweep '$src/scenarios/raft-election-downtime.json' --seeds 1..8 2>&1); grep -q \$'\\r' <<<\"\$out\" || echo no progress"
expect 0 "3 passed, 0 failed" -- "$ballot" sweep "$scenario" --seeds 1..3 --quiet
expect 0 "split brain" -- "$ballot" run "$scenario" --quiet
expect 0 "^algorithm," -- "$ballot" compare "$lesson" --seeds 1 --format csv --quiet
expect 1 "2 passed, 1 failed" -- "$ballot" check "$work/lessons" --quiet

# "no violations" only where a safety checker exists: Bully has none, so its run says so and names
# its damage; Raft's says none; compare shows "no checker" for Bully.
expect 0 "^Violations: not checked: bully has no safety checker.*its damage: [0-9]+ lost writes" -- "$ballot" run "$lesson" --algo bully --seed 1
expect 0 '"safety_checked": false' -- "$ballot" run "$lesson" --algo bully --seed 1 --json
expect 0 "^Violations: none$" -- "$ballot" run "$lesson" --algo raft --seed 1
expect 0 '"safety_checked": true' -- "$ballot" run "$lesson" --algo raft --seed 1 --json
expect 0 "^safety violations +no checker +1 +none +1" -- "$ballot" compare "$lesson" --algos bully,raft --seeds 1 --quiet

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
