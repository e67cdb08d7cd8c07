#!/usr/bin/env bash
# The stock lessons (scenarios/lessons/, docs/teaching.md): every file in the folder, whenever it
# was added, passes `ballot check` (expectations and golden hashes) and is a lesson: numbered
# NN-name.json, with a name, a description, captions of which at least one pauses, expectations
# that include the safety verdict, golden hashes, and a section in docs/teaching.md.
# Usage: lessons_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
dir=$src/scenarios/lessons

shopt -s nullglob
lessons=("$dir"/*.json)
if [ "${#lessons[@]}" -gt 0 ]; then pass; else fail "$dir holds no lesson"; fi

# One check of the whole folder: it exits 1 if any run fails; every file has a passing line.
out=$("$ballot" check "$dir" --quiet 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -qE ' 0 failed' <<<"$out"; then pass; else
  fail "$(printf 'ballot check %s: exit %s\n%s' "$dir" "$rc" "$(grep -E 'FAILED|failed|^ ' <<<"$out" | head -20)")"
fi

for f in "${lessons[@]}"; do
  base=$(basename "$f")
  if [[ $base =~ ^[0-9][0-9]-[a-z0-9-]+\.json$ ]]; then pass; else
    fail "$base: a lesson is named NN-name.json (two digits give the order of the class)"
  fi
  if grep -qE "^ok +$base " <<<"$out"; then pass; else fail "$base: no passing run in ballot check"; fi
  # The shape of a lesson, read with python3 (the scenario reader has checked the types).
  if msg=$(python3 - "$f" <<'PY'
import json, sys
path = sys.argv[1]
s = json.load(open(path))
problems = []
for key in ("name", "description"):
    if not s.get(key):
        problems.append(f"no {key}")
caps = s.get("captions", [])
if len(caps) < 3:
    problems.append(f"{len(caps)} captions: a lesson tells its story in at least 3")
if not any(c.get("pause") for c in caps):
    problems.append('no caption with "pause": true (where the class predicts what comes next)')
expect = s.get("expect", {})
has_verdict = "violations" in expect or any(
    "violations" in e for e in expect.get("by_algorithm", {}).values())
if not has_verdict:
    problems.append("expect has no 'violations': a lesson says whether safety holds")
if not s.get("golden"):
    problems.append("no golden hash")
print("; ".join(problems))
sys.exit(1 if problems else 0)
PY
  ); then pass; else fail "$base: $msg"; fi
  if grep -q "scenarios/lessons/$base" "$src/docs/teaching.md"; then pass; else
    fail "$base: docs/teaching.md does not describe it (no mention of scenarios/lessons/$base)"
  fi
done

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
