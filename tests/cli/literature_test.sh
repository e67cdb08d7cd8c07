#!/usr/bin/env bash
# The published experiments (scenarios/literature/, docs/literature.md): every scenario passes
# `ballot check` (expectations and goldens), a few seeds of every variant the page sweeps keep
# safety, and docs/literature.sh regenerates a page of the committed page's shape (on a few seeds,
# so the numbers differ; the structure may not).
# Usage: literature_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
dir=$src/scenarios/literature

# ballot check on the folder: every scenario's expectations and golden hashes.
expect 0 ' 0 failed' -- "$ballot" check "$dir" --quiet

# Every scenario, every algorithm variant the page uses, seeds 1..3: no safety violation (each
# scenario expects "violations": 0; goldens off since a variant changes the run).
variants=(
  "--algo raft"
  "--algo raft --set params.raft.pre_vote=true"
  "--algo raft --set params.raft.pre_vote=true --set params.raft.check_quorum=true"
  "--algo paxos"
  "--algo paxos --set params.paxos.leader_liveness=check_quorum"
)
for f in "$dir"/*.json; do
  for v in "${variants[@]}"; do
    read -r -a args <<<"$v"
    expect 0 'over 3 seeds: 3 passed, 0 failed' -- "$ballot" sweep "$f" --seeds 1..3 --quiet --set golden=null "${args[@]}"
  done
done

# Each scenario cites its source in its description.
for f in "$dir"/*.json; do
  if grep -qE '"description": "[^"]*Source[^"]*: ' "$f"; then pass; else fail "$f: description names no source"; fi
done

# The page regenerates (tiny seed count) with the committed page's structure: the same headings
# and the same table rows (first cell), and nothing failed.
page=$work/literature.md
if bash "$src/docs/literature.sh" "$ballot" 5 >"$page" 2>"$work/err"; then pass; else
  fail "docs/literature.sh exited non-zero: $(head -5 "$work/err")"
fi
shape() { grep -E '^(#|\| )' "$1" | sed -E 's/^(\| [^|]*\|).*/\1/'; }
if diff <(shape "$src/docs/literature.md") <(shape "$page") >"$work/shape.diff"; then pass; else
  fail "docs/literature.md is not what docs/literature.sh makes (headings, table rows); regenerate it: $(head -10 "$work/shape.diff")"
fi
if grep -q 'Some sweeps FAILED' "$page" || grep -E 'passed, [0-9]+ failed' "$page" | grep -vq ' 0 failed'; then
  fail "the regenerated page reports a failed run"
else pass; fi
rows=$(grep -cE '^\| [0-9]|^\| (Raft|Multi-Paxos)' "$page")
if [ "$rows" -ge 40 ]; then pass; else fail "the regenerated page has $rows result rows, wanted at least 40"; fi
if grep -q 'bash docs/literature.sh BALLOT 5 ' "$page"; then pass; else fail "the page does not name the command and seed count"; fi
# Bad arguments are refused.
expect 2 'usage' -- bash "$src/docs/literature.sh"
expect 2 'SEEDS must be a positive integer' -- bash "$src/docs/literature.sh" "$ballot" zero

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
