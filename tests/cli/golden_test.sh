#!/usr/bin/env bash
# Golden entries end to end: what `ballot check` prints when a golden hash differs (the summary's
# differences), `--update-golden` (rewrites hashes and summaries in place, keeps the rest of the
# file) and `--trace-dir` (keeps the traces of failing runs).
# Usage: golden_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"

mkdir -p "$work/g"
a=$work/g/raft-split-vote.json
cp "$src/scenarios/raft-split-vote.json" "$a"

# Recording is idempotent: a second update changes nothing, byte for byte.
expect 0 "1 passed, 0 failed; [01] golden entr(y|ies) updated" -- "$ballot" check --quiet --update-golden "$a"
cp "$a" "$work/recorded.json"
expect 0 "1 passed, 0 failed; 0 golden entries updated in 0 files" -- "$ballot" check --quiet --update-golden "$a"
expect 0 "^same$" -- bash -c "cmp -s '$a' '$work/recorded.json' && echo same"
expect 0 '"summary": \{' -- cat "$a"
expect 0 '"leaders": \[\]' -- cat "$a"
expect 0 '"RequestVote": [0-9]+' -- cat "$a"
hash=$(grep -oE '"hash": "[0-9a-f]{16}"' "$a" | grep -oE '[0-9a-f]{16}')

# A wrong hash with the right summary: the summary cannot show what changed, and says so.
b=$work/g/b/raft-split-vote.json
mkdir -p "$(dirname "$b")"
sed "s/$hash/0123456789abcdef/" "$a" >"$b"
expect 1 "golden.raft/1: wanted == 0123456789abcdef, got $hash" -- "$ballot" check --quiet "$b"
expect 1 "the summary is unchanged" -- "$ballot" check --quiet "$b"
expect 1 "if the change is meant: ballot check --update-golden .*b/raft-split-vote.json" -- "$ballot" check --quiet "$b"

# A summary that differs too: each differing field, expected and got.
sed -i -E 's/"events": [0-9]+/"events": 1/; s/"RequestVote": [0-9]+/"RequestVote": 2/' "$b"
expect 1 "^        events: expected 1, got [0-9]+$" -- "$ballot" check --quiet "$b"
expect 1 "^        messages.RequestVote: expected 2, got [0-9]+$" -- "$ballot" check --quiet "$b"
# ballot run says the same under its failure.
expect 1 "^golden.raft/1 differs:$" -- "$ballot" run "$b"
expect 1 "^  events: expected 1, got [0-9]+$" -- "$ballot" run "$b"

# --trace-dir keeps the failing run's trace, under a name that says which run; replay accepts it.
expect 1 "trace: .*/traces/sub/raft-split-vote.raft.seed1.jsonl" -- "$ballot" check --quiet "$b" --trace-dir "$work/traces/sub"
expect 0 "replay ok" -- "$ballot" replay "$work/traces/sub/raft-split-vote.raft.seed1.jsonl"
# Passing runs leave no trace.
expect 0 "^no traces$" -- bash -c "'$ballot' check --quiet '$a' --trace-dir '$work/t2' >/dev/null && [ -z \"\$(ls -A '$work/t2')\" ] && echo 'no traces'"
touch "$work/plain-file"
expect 2 "--trace-dir .*cannot create" -- "$ballot" check --quiet "$b" --trace-dir "$work/plain-file/sub"

# --update-golden fixes it, says what changed, and gives back exactly the recorded file.
expect 0 "updated raft-split-vote.json golden.raft/1: hash 0123456789abcdef -> $hash" -- "$ballot" check --quiet --update-golden "$b"
expect 0 "^same$" -- bash -c "cmp -s '$b' '$work/recorded.json' && echo same"
sed "s/$hash/0123456789abcdef/; s/\"events\": [0-9]*/\"events\": 1/" "$a" >"$b"
expect 0 "^    events: expected 1, got [0-9]+$" -- "$ballot" check --quiet --update-golden "$b"

# The older form (the hash alone) is read, and migrated; odd formatting elsewhere is kept, and
# entries keep their order. A failing expectation still fails the check (exit 1) after the update.
c=$work/g/old-form.json
cat >"$c" <<'JSON'
{ "name":"old form",  "description": "tabs\tand {braces} \"quoted\"",
    "nodes": 3, "algorithm": "raft", "duration": "1s",
  "expect": {"leader_changes": 99},
  "golden": {"raft/2": "0000000000000000",
             "raft/1": "0000000000000000"},
  "captions": [{"at": "100ms", "text": "a caption"}]
}
JSON
head -n 3 "$c" >"$work/head.txt"
cp "$c" "$work/g/old-form.json.orig"
expect 1 "expect.leader_changes: wanted == 99, got" -- "$ballot" check --quiet --update-golden "$c"
expect 1 "; 2 golden entries updated in 1 file$" -- "$ballot" check --quiet --update-golden "$work/g/old-form.json.orig"
expect 0 "^kept$" -- bash -c "head -n 3 '$c' | cmp -s - '$work/head.txt' && echo kept"
expect 0 '^  "captions": \[\{"at": "100ms", "text": "a caption"\}\]$' -- cat "$c"
expect 0 '"raft/2": \{' -- bash -c "grep -A1 '\"golden\": {' '$c'"
expect 0 "^ok +old-form.json +raft +seed 2 " -- bash -c "'$ballot' check --quiet '$c'; true"
# Golden runs alone pass once recorded (only the own run's expectation fails).
expect 1 "^1 passed, 1 failed" -- "$ballot" check --quiet "$c"

# The golden hash covers what the run did: a lesson's description and captions can change (a typo
# fixed) and its golden entry still holds; a parameter that changes the run breaks it.
d=$work/g/d/raft-split-vote.json
mkdir -p "$(dirname "$d")"
sed -E 's/"description": "[^"]*"/"description": "A typo, fixed"/; s/"text": "All five/"text": "All 5 nodes/' \
  "$src/scenarios/raft-split-vote.json" >"$d"
expect 0 "^edited$" -- bash -c "grep -q 'All 5 nodes' '$d' && grep -q 'A typo, fixed' '$d' && echo edited"
expect 0 "^1 passed, 0 failed$" -- "$ballot" check --quiet "$d"
sed -i 's/"election_timeout_max": "150ms"/"election_timeout_max": "151ms"/' "$d"
expect 1 "golden.raft/1: wanted == " -- "$ballot" check --quiet "$d"
# Replay still checks captions, event by event.
"$ballot" run "$src/scenarios/raft-split-vote.json" --trace "$work/sv.jsonl" >/dev/null
sed -E '/"k":"caption"/ s/"text":"All five/"text":"All 5/' "$work/sv.jsonl" >"$work/sv-edited.jsonl"
expect 0 "^edited$" -- bash -c "! cmp -s '$work/sv.jsonl' '$work/sv-edited.jsonl' && echo edited"
expect 1 "DIVERGED at event" -- "$ballot" replay "$work/sv-edited.jsonl"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
