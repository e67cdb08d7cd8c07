#!/usr/bin/env bash
# Situations from the command line (docs/cli.md): `ballot run` lists those reached (text and
# --json), `ballot sweep --coverage` counts them over seeds and names those never reached, sharded
# parts carry the coverage so that `ballot merge` prints it byte for byte as the unsharded sweep,
# `expect.reached` fails a run (exit 1) and an unknown name is bad input (exit 2), and
# `ballot list situations` lists the tables.
# Usage: coverage_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
cd "$work" || exit 1
cp "$src/scenarios/raft-partition-check-quorum.json" scenario.json

# run: the section, the names not reached, and --json.
expect 0 '^Situations: [0-9]+ of 12 reached' -- "$ballot" run scenario.json
expect 0 '^  check_quorum_step_down +1   first at ' -- "$ballot" run scenario.json
expect 0 '^  not reached: .*split_vote' -- "$ballot" run scenario.json
expect 0 '"name": "check_quorum_step_down"' -- "$ballot" run scenario.json --json
if "$ballot" run scenario.json --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
s = {x["name"]: x for x in j["situations"]}
assert len(j["situations"]) == 12, j["situations"]
assert s["check_quorum_step_down"]["count"] == 1 and s["check_quorum_step_down"]["first_node"]
assert s["split_vote"]["count"] == 0 and s["split_vote"]["first_us"] is None
'; then pass; else fail "run --json: situations"; fi

# sweep --coverage: the table, the never-reached line; nothing of it without the flag.
"$ballot" sweep scenario.json --seeds 1..12 --coverage --quiet >whole.txt
expect 0 '^situation +seeds +share +count +first seed' -- cat whole.txt
expect 0 '^check_quorum_step_down +12 +100\.0% +12  1$' -- cat whole.txt
expect 0 '^never reached \([0-9]+ of 12\): split_vote, ' -- cat whole.txt
expect 0 'over 12 seeds: 12 passed, 0 failed' -- cat whole.txt
"$ballot" sweep scenario.json --seeds 1..3 --quiet >plain.txt
expect 1 '^0$' -- grep -c situation plain.txt
"$ballot" sweep scenario.json --seeds 1..12 --coverage --json --quiet >whole.json
if python3 -c '
import json, sys
c = json.load(open("whole.json"))["coverage"]
rows = {r["name"]: r for r in c["situations"]}
assert rows["check_quorum_step_down"]["seeds"] == 12 and rows["check_quorum_step_down"]["share"] == 1.0
assert rows["split_vote"]["first_seed"] is None and "split_vote" in c["never_reached"]
'; then pass; else fail "sweep --coverage --json"; fi
# Bully over the split-brain lesson reaches every situation but two; a run that reaches all says so.
expect 0 '^never reached \(' -- "$ballot" sweep "$src/scenarios/split-brain-3-2.json" --algo bully --seeds 1..3 --coverage --quiet

# Shards: parts carry each run's situations; merge prints the unsharded coverage byte for byte.
for k in 1 2 3; do
  "$ballot" sweep scenario.json --seeds 1..12 --coverage --shard $k/3 --json --quiet >part-$k.json
done
"$ballot" merge part-1.json part-2.json part-3.json >merged.txt
"$ballot" merge part-3.json part-1.json part-2.json --json >merged.json
expect 0 '' -- cmp whole.txt merged.txt
expect 0 '' -- cmp whole.json merged.json
"$ballot" sweep scenario.json --seeds 1..12 --shard 2/3 --json --quiet >plain-2.json
expect 2 'differs from part-1.json in its --coverage' -- "$ballot" merge part-1.json plain-2.json part-3.json

# expect.reached: reached passes, not reached fails (exit 1, naming the path), unknown is exit 2.
expect 0 'ok +expect.reached\[0\] +reached check_quorum_step_down' -- "$ballot" run scenario.json --set 'expect.reached=["check_quorum_step_down"]'
expect 1 'FAILED expect.reached\[0\] +reached split_vote got not reached' -- "$ballot" run scenario.json --set 'expect.reached=["split_vote"]'
expect 1 'expect.reached\[0\]: wanted reached split_vote, got not reached' -- "$ballot" sweep scenario.json --seeds 1..2 --set 'expect.reached=["split_vote"]'
expect 2 "scenario.json: expect.reached\[0\]: unknown situation 'split_vot' for raft \(did you mean 'split_vote'\?\)" -- "$ballot" run scenario.json --set 'expect.reached=["split_vot"]'
expect 2 "expect.by_algorithm.paxos.reached\[0\]: unknown situation 'split_vote' for paxos" -- "$ballot" sweep scenario.json --seeds 1..2 --set 'expect.by_algorithm.paxos.reached=["split_vote"]'

# list situations: every algorithm's, or one's in Markdown.
expect 0 '^lease +fencing_rejection ' -- "$ballot" list situations
# compare --coverage: one table per algorithm (the sweep's, over the same seeds), in --json too;
# nothing of it without the flag.
"$ballot" compare scenario.json --algos raft,paxos --seeds 1..12 --coverage --quiet >compare.txt
expect 0 '^situations of raft over 12 runs:$' -- cat compare.txt
expect 0 '^situations of paxos over 12 runs:$' -- cat compare.txt
# The raft rows equal the sweep's.
if [ "$(grep -E '^check_quorum_step_down ' compare.txt)" = "$(grep -E '^check_quorum_step_down ' whole.txt)" ] &&
   [ "$(grep -c '^never reached\|^all [0-9]* situations reached' compare.txt)" -eq 2 ]; then
  pass
else
  fail "compare --coverage: the raft table differs from the sweep's: $(cat compare.txt)"
fi
if "$ballot" compare scenario.json --algos raft,paxos --seeds 1..12 | grep -q '^situations of'; then
  fail "compare: a coverage table without --coverage"
else
  pass
fi
expect 0 '^\| situation \| seeds \| share \| count \| first seed \|$' -- "$ballot" compare scenario.json --algos raft --seeds 1..3 --coverage --format md --quiet
if "$ballot" compare scenario.json --algos raft,paxos --seeds 1..12 --coverage --format json --quiet | python3 -c '
import json, sys
j = json.load(sys.stdin)
a = {x["algorithm"]: x for x in j["algorithms"]}
raft = {s["name"]: s for s in a["raft"]["coverage"]["situations"]}
assert len(raft) == 12, raft
assert raft["check_quorum_step_down"] == {"name": "check_quorum_step_down", "seeds": 12, "share": 1.0, "count": 12, "first_seed": 1}, raft
assert raft["split_vote"]["first_seed"] is None and "split_vote" in a["raft"]["coverage"]["never_reached"]
assert "dueling_proposers" in {s["name"] for s in a["paxos"]["coverage"]["situations"]}
'; then pass; else fail "compare --coverage --json"; fi
expect 0 '^\| `dueling_proposers` \| ' -- "$ballot" list situations --algo paxos --markdown
expect 2 "unknown algorithm 'rafts'" -- "$ballot" list situations --algo rafts

printf 'coverage_test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
