# Shared by the CLI test scripts: source it as `source "$(dirname "$0")/lib.sh" "$@"` with the
# script's arguments, BALLOT_BINARY [SOURCE_DIR]. It sets $ballot, $src and a scratch $work
# (removed at exit), counts checks in $passed and $failed, and defines pass, fail and expect.
ballot=$1
src=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  printf 'FAILED: %s\n' "$1"
}

# expect CODE PATTERN -- COMMAND...: the command exits with CODE and its output matches PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
    pass
  else
    fail "$(printf '%s\n  wanted exit %s and /%s/, got exit %s:\n%s' "$*" "$code" "$pattern" "$rc" "$(head -8 <<<"$out")")"
  fi
}
