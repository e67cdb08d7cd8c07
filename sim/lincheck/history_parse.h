// Reading and writing client histories in Jepsen's formats (see docs/lincheck.md):
//   - the Jepsen/etcd text log: `INFO  jepsen.util - <process> :<type> :<f> <value>` per line;
//   - EDN: one operation map per line, or a vector of maps, as written by Jepsen and Knossos
//     (`{:process 0, :type :invoke, :f :cas, :value [1 2]}`), including the key-value form with
//     `:key "k"` and :get/:put/:append.
// Timestamps of parsed operations are 1-based line numbers of their records (if several records
// share a line, record ordinals instead). Bad input is an expected failure: a ParseError value,
// never an exception or a crash.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "sim/api/history.h"

namespace ballot::lin {

struct ParseError {
  std::string file;
  int64_t line = 0;     // 1-based; 0 when the file as a whole is at fault (unreadable, empty)
  std::string message;  // what was expected, and what was found
};

using ParseResult = std::variant<History, ParseError>;

// What a successful parse left out: history entries that are not client operations (a map
// without :process or :type, e.g. Jepsen's log messages; a record of a non-client process such as
// :nemesis). Lines of other loggers in an etcd log are not history entries and are not counted.
struct ParseStats {
  int64_t skipped = 0;
  int64_t first_skipped_line = 0;  // 0 when nothing was skipped
};

enum class HistoryFormat { Auto, EtcdLog, Edn };

// EtcdLog if the first non-blank line mentions "jepsen.util", else Edn.
HistoryFormat detect_format(std::string_view text);

// `file_name` only labels errors. `stats`, when given, receives what was skipped.
ParseResult parse_history(std::string_view text, std::string_view file_name,
                          HistoryFormat format = HistoryFormat::Auto, ParseStats* stats = nullptr);

// Reads the file and parses it; an unreadable file is a ParseError at line 0.
ParseResult parse_history_file(const std::string& path, HistoryFormat format = HistoryFormat::Auto,
                               ParseStats* stats = nullptr);

// A Jepsen/Knossos EDN history, one map per line: each operation's :invoke and its completion
// (:ok, :fail or :info) in time order; completion before invocation at equal times. Operations
// without a known return get their :info record before their process's next invocation, or at
// the end. parse_history(to_edn(h)) gives h back up to renumbered timestamps.
std::string to_edn(const History& history);

}  // namespace ballot::lin
