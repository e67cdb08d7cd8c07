// The linearizability checker (sim/lincheck/lincheck.h) on every history the parsers accept, with a
// small budget: it must give a verdict or time out, never crash or hang, and a failing window it
// reports must really fail on its own (relax_outside keeps it non-linearizable).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "sim/lincheck/history_parse.h"
#include "sim/lincheck/lincheck.h"
#include "tests/fuzz/fuzz_check.h"

using namespace ballot::lin;

namespace {

constexpr size_t kMaxOps = 256;  // bigger histories only cost time: the search is per key

CheckOptions small_budget() {
  CheckOptions options;
  options.max_states = 20'000;
  options.max_steps = 100'000;
  options.max_window_steps = 100'000;
  return options;
}

void check_one(const History& history, Model model) {
  const Verdict verdict = check(history, model, small_budget());
  FUZZ_REQUIRE(!(verdict.linearizable && verdict.timed_out));
  if (verdict.linearizable) {
    FUZZ_REQUIRE(verdict.failing_window.empty());
    return;
  }
  FUZZ_REQUIRE(!verdict.explanation.empty());
  for (size_t index : verdict.failing_window) {
    FUZZ_REQUIRE(index < history.ops.size());
    FUZZ_REQUIRE(!describe(history.ops[index]).empty());
  }
  if (verdict.timed_out || verdict.failing_window.empty()) return;
  // The window fails on its own: giving every other operation the benefit of the doubt must not
  // make the history linearizable (it may run out of budget).
  const Verdict relaxed =
      check(relax_outside(history, verdict.failing_window), model, small_budget());
  FUZZ_REQUIRE(!relaxed.linearizable);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseResult parsed = parse_history(text, "fuzz.edn");
  const History* history = std::get_if<History>(&parsed);
  if (history == nullptr || history->ops.size() > kMaxOps) return 0;
  check_one(*history, Model::Register);
  check_one(*history, Model::KeyValue);
  return 0;
}
