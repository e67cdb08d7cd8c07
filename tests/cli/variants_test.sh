#!/usr/bin/env bash
# Variants end to end (docs/scenario-format.md#variants): `ballot check` runs the file and every
# variant and fails when one variant's expectation fails; --variant on check, run, compare and
# list variants; --update-golden writes each variant's golden into its own object; bad names.
# Usage: variants_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"

lesson=$src/scenarios/lessons/09-lease-fencing.json
expect 0 "ok +09-lease-fencing.json +lease" -- "$ballot" check --quiet "$lesson"
expect 0 "ok +09-lease-fencing.json \[fenced\]" -- "$ballot" check --quiet "$lesson"
expect 0 "^2 passed, 0 failed" -- "$ballot" check --quiet "$lesson"
expect 0 "^1 passed, 0 failed" -- "$ballot" check --quiet --variant fenced "$lesson"
expect 0 "ok +09-lesson-fencing.json \[base\]|^1 passed, 0 failed" -- "$ballot" check --quiet --variant base "$lesson"

# One variant's expectation made wrong: check fails (exit 1) on that variant alone.
bad=$work/09-wrong.json
sed 's/"fencing_rejected_ops": {"min": 1}/"fencing_rejected_ops": {"min": 100}/' "$lesson" >"$bad"
expect 0 "min.: 100" -- cat "$bad"
expect 1 "FAILED 09-wrong.json \[fenced\]" -- "$ballot" check --quiet "$bad"
expect 1 "variants\[0\]|fencing_rejected_ops: wanted >= 100" -- "$ballot" check --quiet "$bad"
expect 1 "ok +09-wrong.json +lease" -- "$ballot" check --quiet "$bad"
expect 1 "^1 passed, 1 failed" -- "$ballot" check --quiet "$bad"
expect 1 "reproduce with: ballot run .*09-wrong.json --algo lease --seed 1 --variant fenced" -- \
  "$ballot" check --quiet "$bad"
expect 1 "fencing_rejected_ops" -- "$ballot" run --quiet "$bad" --variant fenced
# --trace-dir and --save-failures name the variant; the saved scenario is the variant's run.
expect 1 "saved to .*/09-wrong.fenced.lease.seed1.json" -- \
  "$ballot" check --quiet "$bad" --save-failures "$work/saved" --trace-dir "$work/traces"
expect 0 "^kept$" -- bash -c "test -s '$work/traces/09-wrong.fenced.lease.seed1.jsonl' && echo kept"
fenced_hash=$(grep -oE '"hash": "[0-9a-f]{16}"' "$lesson" | sed -n 2p | grep -oE '[0-9a-f]{16}')
expect 1 "trace hash $fenced_hash" -- "$ballot" run --quiet "$work/saved/09-wrong.fenced.lease.seed1.json"
expect 0 "Violations: none" -- "$ballot" run --quiet "$lesson" --variant fenced
# The variant's overrides by hand are judged by the file's own expectations, which expect the damage.
expect 1 "FAILED expect.lost_writes +>= 1 +got 0" -- "$ballot" run --quiet "$lesson" --set params.lease.fencing=true

# run --variant gives the same trace hash as the variant's overrides by hand.
hash_of() { "$ballot" run --quiet --json "$@" 2>/dev/null | grep -oE '"trace_hash": "[0-9a-f]{16}"'; }
by_variant=$(hash_of "$lesson" --variant fenced)
by_hand=$(hash_of "$lesson" --set params.lease.fencing=true)
base=$(hash_of "$lesson")
if [ -n "$by_variant" ] && [ "$by_variant" = "$by_hand" ] && [ "$by_variant" != "$base" ]; then
  pass
else
  fail "run --variant fenced ($by_variant) should equal --set params.lease.fencing=true ($by_hand) and differ from the base ($base)"
fi

# --update-golden: each variant's hash goes into its own object, the rest of the file is kept.
upd=$work/upd/08-bully-split-brain.json
mkdir -p "$(dirname "$upd")"
cp "$src/scenarios/lessons/08-bully-split-brain.json" "$upd"
stonith_hash=$(grep -oE '"hash": "[0-9a-f]{16}"' "$upd" | sed -n 2p | grep -oE '[0-9a-f]{16}')
sed "s/$stonith_hash/0123456789abcdef/" "$upd" >"$work/upd/edited.json"
mv "$work/upd/edited.json" "$upd"
expect 1 "FAILED 08-bully-split-brain.json \[stonith\]" -- "$ballot" check --quiet "$upd"
expect 0 "updated 08-bully-split-brain.json variants\[0\].golden.bully/1: hash 0123456789abcdef -> $stonith_hash" -- \
  "$ballot" check --quiet --update-golden "$upd"
expect 0 "^same$" -- bash -c "cmp -s '$upd' '$src/scenarios/lessons/08-bully-split-brain.json' && echo same"

# Listing, and names that do not exist.
expect 0 "^fenced +Fencing tokens on" -- "$ballot" list variants "$lesson"
expect 0 "declares no variants" -- "$ballot" list variants "$src/scenarios/lease-pause.json"
expect 2 "expected a scenario file" -- "$ballot" list variants
expect 0 "09-lease-fencing.json .*\(variants: fenced\)" -- "$ballot" list scenarios --dir "$src/scenarios/lessons"
expect 2 "--variant nope: no such variant \(the file's variants: fenced; base is the file without one\)" -- "$ballot" run "$lesson" --variant nope
expect 2 "--variant nope: no such variant" -- "$ballot" check "$lesson" --variant nope
expect 2 "--variant fenced: the file declares no variants" -- \
  "$ballot" run "$src/scenarios/lease-pause.json" --variant fenced
expect 2 "variants\[0\].set\[0\]: nodes=0: nodes: expected an integer in \[1, 1000\], got 0" -- bash -c \
  "sed 's/params.lease.fencing=true/nodes=0/' '$lesson' >'$work/badset.json' && '$ballot' run '$work/badset.json' --variant fenced"
# compare and sweep read scenarios through the same path: judged by the variant's expectations.
expect 0 "lease" -- "$ballot" compare "$lesson" --variant fenced --algos lease --seeds 1..2 --quiet
expect 0 "over 2 seeds: 2 passed, 0 failed" -- "$ballot" sweep "$lesson" --variant fenced --seeds 1..2 --quiet
expect 1 "reproduce|--variant fenced" -- "$ballot" sweep "$bad" --variant fenced --seeds 1..2 --quiet
expect 1 "ballot run .*09-wrong.json --algo lease --seed 1 --variant fenced" -- \
  "$ballot" sweep "$bad" --variant fenced --seeds 1..1 --quiet
# shrink: the variant's failure is kept; the file itself does not fail.
expect 0 "failure kept: expect.fencing_rejected_ops: wanted >= 100" -- \
  "$ballot" shrink "$bad" --variant fenced --out "$work/shrunk.json" --budget 30 --quiet
expect 2 "the run passes .*nothing to shrink" -- "$ballot" shrink "$bad" --out "$work/shrunk2.json" --budget 30 --quiet
# Sweep parts of different variants are not one sweep.
"$ballot" sweep "$lesson" --seeds 1..2 --shard 1/2 --json --quiet >"$work/p1.json" 2>/dev/null
"$ballot" sweep "$lesson" --variant fenced --seeds 1..2 --shard 2/2 --json --quiet >"$work/p2.json" 2>/dev/null
expect 2 "differs from .* in its --variant" -- "$ballot" merge "$work/p1.json" "$work/p2.json"

echo "variants: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
