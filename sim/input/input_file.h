// Reading input files (scenarios, traces, histories) with a size cap, so that a wrong path such as
// /dev/zero or a runaway file is refused with a message instead of filling memory. The caps are
// documented in docs/cli.md; they are far above any real input.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>

namespace ballot {

// Scenario files: real ones are a few kilobytes.
inline constexpr uint64_t kMaxScenarioBytes = uint64_t{16} << 20;
// Client histories for `ballot lincheck`: millions of operations.
inline constexpr uint64_t kMaxHistoryBytes = uint64_t{256} << 20;
// One line of a trace (traces are streamed, so only a line is held at once; the header line
// carries the resolved scenario, hence the scenario cap).
inline constexpr uint64_t kMaxTraceLineBytes = kMaxScenarioBytes;

// "16 MiB", "512 KiB", "100 bytes".
std::string byte_size(uint64_t bytes);

// Reads the whole of `file` (a regular file, a pipe or a device) into `text`, reading at most
// max_bytes + 1 bytes. On failure returns false with `error` saying why, e.g. "cannot read the
// scenario: it is a directory" or "the scenario is larger than the 16 MiB limit"; `what` names
// the kind of file ("scenario", "history").
bool read_file_capped(const std::string& file, uint64_t max_bytes, const std::string& what,
                      std::string& text, std::string& error);

enum class LineRead { Line, End, TooLong };
// std::getline with a cap: TooLong when the line has more than max_bytes bytes (the stream is
// left in the middle of it); End at the end of input with nothing read.
LineRead read_line_capped(std::istream& in, std::string& line, uint64_t max_bytes);

}  // namespace ballot
