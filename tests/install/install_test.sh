#!/usr/bin/env bash
# `cmake --install` into a prefix, then MOVE the prefix and run the installed ballot there: it
# must find the installed scenarios from its own location, never the source tree it was built from.
# Usage: install_test.sh CMAKE BUILD_DIR WORK_DIR WITH_VIZ(0|1)
set -u
cmake=$1
build=$2
work=$3
with_viz=$4
passed=0
failed=0

check() {  # check DESCRIPTION COMMAND...: the command must succeed.
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAILED: %s\n' "$what"
  fi
}

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

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd -P)  # as /proc/self/exe will name it
if ! "$cmake" --install "$build" --prefix "$work/staged" >"$work/install.log" 2>&1; then
  echo "FAILED: cmake --install $build --prefix $work/staged"
  cat "$work/install.log"
  exit 1
fi
# A prefix moved after installing (a relocated package, a copied directory) must still work.
mv "$work/staged" "$work/moved"
prefix=$work/moved
ballot=$prefix/bin/ballot
shipped=$prefix/share/ballot/scenarios
unset BALLOT_SCENARIOS

check "installed bin/ballot" test -x "$ballot"
check "installed share/ballot/scenarios/bully-partition.json" \
  test -f "$shipped/bully-partition.json"
# The stock lessons are installed in their folder, and the installed ballot checks them there.
check "installed share/ballot/scenarios/lessons/01-leader-election.json" \
  test -f "$shipped/lessons/01-leader-election.json"
expect 0 " 0 failed" -- "$ballot" check "$shipped/lessons" --quiet
check "installed share/doc/ballot/README.md" test -f "$prefix/share/doc/ballot/README.md"
check "installed share/doc/ballot/docs/cli.md" test -f "$prefix/share/doc/ballot/docs/cli.md"
if [ "$with_viz" = 1 ]; then
  check "installed bin/ballot-viz" test -x "$prefix/bin/ballot-viz"
fi

# A scenario that exists only in the installed copy: listing it proves where ballot looked.
sed 's/"description": *"[^"]*"/"description": "only in the moved install"/' \
  "$shipped/bully-partition.json" >"$shipped/zz-installed-only.json"
check "marker scenario written" \
  grep -q "only in the moved install" "$shipped/zz-installed-only.json"
expect 0 "zz-installed-only.json +bully +only in the moved install" -- "$ballot" list scenarios
listed=$("$ballot" list scenarios | wc -l)
installed=$(find "$shipped" -maxdepth 1 -name '*.json' | wc -l)  # list reads one folder, not literature/
check "list scenarios shows the $installed installed files (it showed $listed)" \
  test "$listed" -eq "$installed"

# Runs by path from the installed scenarios, and `check` of the default directory.
expect 0 "split brain" -- "$ballot" run "$shipped/bully-partition.json"
mkdir -p "$work/keep"
find "$shipped" -name '*.json' ! -name 'bully-partition.json' ! -name 'zz-installed-only.json' \
  -exec mv {} "$work/keep/" \;
expect 0 "4 passed, 0 failed" -- "$ballot" check

# BALLOT_SCENARIOS still overrides.
expect 0 "split-brain-3-2.json" -- env BALLOT_SCENARIOS="$work/keep" "$ballot" list scenarios

# Without its scenarios an installed ballot says where it looked; it must not fall back to the
# source tree.
rm -rf "$shipped"
expect 2 "$shipped: not a directory of scenarios" -- "$ballot" list scenarios
expect 2 "$shipped: not a scenario file or a directory of scenarios" -- "$ballot" check

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
