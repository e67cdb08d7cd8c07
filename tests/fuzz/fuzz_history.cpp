// The history parsers (sim/lincheck/history_parse.h) on arbitrary bytes, in every format: bad input
// must be a ParseError naming a line of the input, never a crash, a hang or an exception; good
// input must survive a round trip through to_edn unchanged.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "sim/lincheck/history_parse.h"
#include "tests/fuzz/fuzz_check.h"

using namespace ballot::lin;

namespace {

void require_same_ops(const History& a, const History& b) {
  FUZZ_REQUIRE(a.ops.size() == b.ops.size());
  for (size_t i = 0; i < a.ops.size(); ++i) {
    const Op& x = a.ops[i];
    const Op& y = b.ops[i];
    FUZZ_REQUIRE(x.process == y.process);
    FUZZ_REQUIRE(x.kind == y.kind);
    FUZZ_REQUIRE(x.key == y.key);
    FUZZ_REQUIRE(x.value == y.value);
    FUZZ_REQUIRE(x.expected == y.expected);
    FUZZ_REQUIRE(x.outcome == y.outcome);
    FUZZ_REQUIRE((x.ret == kPendingReturn) == (y.ret == kPendingReturn));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto lines = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (HistoryFormat format : {HistoryFormat::Auto, HistoryFormat::EtcdLog, HistoryFormat::Edn}) {
    ParseStats stats;
    ParseResult parsed = parse_history(text, "fuzz.edn", format, &stats);
    if (const auto* error = std::get_if<ParseError>(&parsed)) {
      FUZZ_REQUIRE(error->file == "fuzz.edn");
      FUZZ_REQUIRE(error->line >= 1 && error->line <= lines);
      FUZZ_REQUIRE(!error->message.empty());
      continue;
    }
    const History& history = std::get<History>(parsed);
    FUZZ_REQUIRE(stats.skipped >= 0);
    FUZZ_REQUIRE((stats.skipped == 0) == (stats.first_skipped_line == 0));
    for (const Op& op : history.ops) FUZZ_REQUIRE(op.call <= op.ret);
    // What ballot writes, ballot reads back: the same operations, and to_edn is a fixpoint.
    const std::string edn = to_edn(history);
    ParseResult again = parse_history(edn, "to_edn", HistoryFormat::Edn);
    FUZZ_REQUIRE(std::holds_alternative<History>(again));
    require_same_ops(history, std::get<History>(again));
    FUZZ_REQUIRE(to_edn(std::get<History>(again)) == edn);
  }
  return 0;
}
