#!/usr/bin/env bash
# `ballot check` on files and directories, repro lines that work from any directory, "N more"
# notes that name where the rest really is, and warnings when --set changes what a scenario means.
# Usage: scenario_meaning_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
# expect_not PATTERN -- COMMAND...: the command's output (stdout and stderr) does not match.
expect_not() {
  local pattern=$1
  shift 2
  if "$@" 2>&1 | grep -qE -- "$pattern"; then
    failed=$((failed + 1))
    printf 'FAILED: %s\n  output matches /%s/\n' "$*" "$pattern"
  else
    passed=$((passed + 1))
  fi
}

scenarios=$src/scenarios
split=$scenarios/split-brain-3-2.json

# check: files and directories, several of either kind, in the order given.
mkdir -p "$work/one" "$work/two dir"
cp "$scenarios/bully-partition.json" "$work/one/"
printf '{"nodes": 3, "duration": "1s", "expect": {"leader_changes": 5}}' >"$work/two dir/it's bad.json"
# bully-partition.json runs twice: its own seed and one more golden hash.
expect 0 "^2 passed, 0 failed" -- "$ballot" check "$scenarios/bully-partition.json"
expect 0 "^4 passed, 0 failed" -- "$ballot" check "$work/one" "$scenarios/bully-partition.json"
expect 1 "^2 passed, 1 failed" -- "$ballot" check "$work/one" "$work/two dir/it's bad.json"
expect 2 "nowhere.json: not a scenario file or a directory" -- "$ballot" check "$work/one" "$work/nowhere.json"
expect 2 "empty: no scenario files" -- bash -c "mkdir -p '$work/empty' && '$ballot' check '$work/empty'"

# The repro line is absolute and shell-quoted: pasted into a shell anywhere, it reruns the failure.
expect 1 "reproduce with: ballot run '$work/two dir/it'\\\\''s bad.json' --algo bully --seed 1" -- \
  bash -c "cd '$work/two dir' && '$ballot' check \"it's bad.json\""
repro=$(cd "$work/two dir" && "$ballot" check "it's bad.json" | sed -n 's/^ *reproduce with: ballot run //p')
expect 1 "FAILED.*leader_changes" -- bash -c "cd / && eval \"'$ballot' run $repro\""
expect 1 "ballot run $work/one/expect.json --algo bully --seed 1" -- \
  bash -c "cp '$work/two dir/it'\\''s bad.json' '$work/one/expect.json' && cd '$work/one' && '$ballot' run expect.json"

# "N more": in --json when no trace was written, and in the trace when one was.
# raft-figure8-bug.json has 13 safety violations; twelve are listed.
figure8=$scenarios/raft-figure8-bug.json
expect 0 "^  \.\.\. 1 more in --json \(or run with --trace FILE\)$" -- "$ballot" run "$figure8"
expect 0 "^  \.\.\. 1 more in --json and in the trace $work/f.jsonl$" -- "$ballot" run "$figure8" --trace "$work/f.jsonl"
expect_not "more in the trace footer" -- "$ballot" run "$figure8"

# --set nodes=7 on a 3/2 split leaves n6 and n7 in no group: a warning on stderr and in --json.
# (Bully's split-brain expectations fail with 7 nodes: exit 1.)
expect 1 "warning: faults\[0\]: n6, n7 are in no partition group after --set nodes=7" -- "$ballot" run "$split" --set nodes=7
expect 1 '"warnings": \[' -- "$ballot" run "$split" --set nodes=7 --json
expect 1 'n6, n7 are in no partition group' -- bash -c "'$ballot' run '$split' --set nodes=7 --json 2>/dev/null"
expect 0 '"warnings": \[\]' -- "$ballot" run "$split" --json
expect_not "warning" -- "$ballot" run "$split"
expect_not "warning" -- "$ballot" run "$split" --set nodes=5 --algo raft --seed 2
expect 1 "warning: faults\[0\]: n6, n7" -- "$ballot" compare "$split" --seeds 1 --set nodes=7
# A file that leaves nodes out on purpose (they form the last group) means the same with more.
printf '%s' '{"nodes": 5, "duration": "1s", "faults": [{"at": "100ms", "kind": "partition", "groups": [["n1", "n2"]]}]}' >"$work/rest.json"
expect_not "warning" -- "$ballot" run "$work/rest.json" --set nodes=7
# Groups written as fractions or around the leader keep their meaning at any size: no warning,
# and the Faults section shows what they became.
printf '%s' '{"nodes": 5, "algorithm": "raft", "duration": "3s", "faults": [{"at": "1s", "duration": "1s", "kind": "partition", "groups": [["leader", "minority"]]}, {"at": "2500ms", "duration": "200ms", "kind": "link_cut", "from": "leader", "to": "majority"}]}' >"$work/scaled.json"
expect 1 'groups like \["majority", "minority"\]' -- "$ballot" run "$split" --set nodes=7 --algo raft
expect_not "warning" -- "$ballot" run "$work/scaled.json" --set nodes=7
expect 0 'partition  \[leader, minority\] = n[0-9],n[0-9],n[0-9] ' -- "$ballot" run "$work/scaled.json" --set nodes=7
expect 0 'partition  \[leader, minority\] = n[0-9],n[0-9] ' -- "$ballot" run "$work/scaled.json"
expect 0 'link_cut   \[leader\] -> \[majority\] = \{n[0-9]\} -> \{n[0-9],n[0-9],n[0-9],n[0-9]\}' -- "$ballot" run "$work/scaled.json" --set nodes=7
expect 0 'link_cut #2 begin  \{n[0-9]\} -> \{n[0-9],n[0-9],n[0-9]\}' -- bash -c "'$ballot' run '$work/scaled.json' --trace '$work/scaled.jsonl' >/dev/null && '$ballot' log '$work/scaled.jsonl' --kind fault"
# An explicit topology: nodes beyond its edges reach nobody.
printf '%s' '{"nodes": 3, "duration": "1s", "topology": {"kind": "explicit", "edges": [{"between": ["n1", "n2"]}, {"between": ["n2", "n3"]}]}}' >"$work/line.json"
expect_not "warning" -- "$ballot" run "$work/line.json"
expect 0 "warning: topology.edges: n4 has no edge after --set nodes=4, so it reaches no other node" -- "$ballot" run "$work/line.json" --set nodes=4

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
