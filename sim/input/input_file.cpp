#include "sim/input/input_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>

namespace ballot {

std::string byte_size(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 20) && bytes % (uint64_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

bool read_file_capped(const std::string& file, uint64_t max_bytes, const std::string& what,
                      std::string& text, std::string& error) {
  namespace fs = std::filesystem;
  const std::string too_large = "the " + what + " is larger than the " + byte_size(max_bytes) +
                                " limit for " + what + " files (docs/cli.md)";
  std::error_code ec;
  const fs::file_status status = fs::status(file, ec);
  if (fs::is_directory(status)) {
    error = "cannot read the " + what + ": it is a directory";
    return false;
  }
  // A regular file's size is known up front; pipes and devices are read up to the cap.
  if (fs::is_regular_file(status)) {
    const uintmax_t size = fs::file_size(file, ec);
    if (!ec && size > max_bytes) {
      error = too_large;
      return false;
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "cannot read the " + what + ": " + std::strerror(errno);
    return false;
  }
  text.clear();
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<size_t>(in.gcount());
    if (text.size() + got > max_bytes) {
      error = too_large;
      text.clear();
      return false;
    }
    text.append(buffer, got);
  }
  if (in.bad()) {
    error = "cannot read the " + what + ": read error";
    return false;
  }
  return true;
}

LineRead read_line_capped(std::istream& in, std::string& line, uint64_t max_bytes) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  if (buf == nullptr) {
    in.setstate(std::ios::badbit);
    return LineRead::End;
  }
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(line.empty() ? std::ios::eofbit | std::ios::failbit : std::ios::eofbit);
      return line.empty() ? LineRead::End : LineRead::Line;
    }
    if (c == '\n') return LineRead::Line;
    if (line.size() >= max_bytes) return LineRead::TooLong;
    line += static_cast<char>(c);
  }
}

}  // namespace ballot
