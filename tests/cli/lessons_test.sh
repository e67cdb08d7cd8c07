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
  # Whether the run's algorithm has a safety checker at all (Bully has none: "not checked").
  unchecked=0
  if "$ballot" run "$f" 2>&1 | grep -q '^Violations: not checked'; then unchecked=1; fi
  # The shape of a lesson, read with python3 (the scenario reader has checked the types).
  if msg=$(python3 - "$f" "$unchecked" <<'PY'
import json, sys
path, unchecked = sys.argv[1], sys.argv[2] == "1"
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
if not has_verdict and not unchecked:
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

# docs/teaching.md and the lessons' variants agree: every `--variant NAME` the page gives exists
# (base, or a variant of the lesson it is about: the lesson named on the same command line, else
# the lesson of the "### NN" section it is in, else of some lesson), and each lesson's section
# shows every variant of its file with `--variant`. Checked on the page, then on two doctored
# copies, each of which must fail.
check_doc() {
  python3 - "$1" "$dir" <<'PY'
import glob, json, os, re, sys
doc, lesson_dir = sys.argv[1], sys.argv[2]
text = open(doc).read()
variants = {}
for path in sorted(glob.glob(os.path.join(lesson_dir, "*.json"))):
    s = json.load(open(path))
    variants[os.path.basename(path)] = [v["name"] for v in s.get("variants", [])]
by_number = {name[:2]: name for name in variants}
problems = []
section = None  # the lesson of the current "### NN" section
shown = {name: set() for name in variants}
raw = text.split("\n")
number = 0
while number < len(raw):
    first = number + 1
    line = raw[number]
    # A command continued with a backslash is one line.
    while line.endswith("\\") and number + 1 < len(raw):
        number += 1
        line = line[:-1] + " " + raw[number]
    number += 1
    if line.startswith("## "):
        section = None
    elif line.startswith("### "):
        section = by_number.get(line[4:6])
    for m in re.finditer(r"--variant[ =]([a-z0-9,-]+)", line):
        names = m.group(1).split(",")
        files = re.findall(r"scenarios/lessons/(\d\d-[a-z0-9-]+\.json)", line)
        lesson = files[0] if files else section
        for name in names:
            if lesson is not None:
                if lesson not in variants:
                    problems.append(f"line {first}: {lesson} is not a lesson")
                elif name != "base" and name not in variants[lesson]:
                    problems.append(f"line {first}: --variant {name}: {lesson} has no such variant "
                                    f"(its variants: {', '.join(variants[lesson]) or 'none'}; base is the file)")
                else:
                    shown[lesson].add(name)
            elif name != "base" and not any(name in v for v in variants.values()):
                problems.append(f"line {first}: --variant {name}: no lesson has such a variant")
for lesson, names in variants.items():
    for name in names:
        if name not in shown[lesson]:
            problems.append(f"{lesson}: its variant {name} is not shown with --variant in its section")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
}
if msg=$(check_doc "$src/docs/teaching.md"); then pass; else fail "docs/teaching.md: $msg"; fi
sed -E 's/--variant buggy/--variant correct/' "$src/docs/teaching.md" >"$work/wrong-name.md"
if msg=$(check_doc "$work/wrong-name.md"); then
  fail "a teaching.md with --variant correct passed the variant check"
elif grep -q -- "--variant correct: 04-election-restriction.json has no such variant" <<<"$msg"; then pass; else
  fail "a teaching.md with --variant correct: unexpected report: $msg"
fi
sed -E 's/--variant (three|base,three)/--variant base/g' "$src/docs/teaching.md" >"$work/missing.md"
if msg=$(check_doc "$work/missing.md"); then
  fail "a teaching.md without lesson 07's variant three passed the variant check"
elif grep -q "07-four-nodes.json: its variant three is not shown" <<<"$msg"; then pass; else
  fail "a teaching.md without --variant three: unexpected report: $msg"
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
