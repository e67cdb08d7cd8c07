// Text -> JSON for the scenario reader: refuses nesting deeper than kMaxNesting before nlohmann
// sees the text, a key repeated in one object and a number out of range, each with its line and
// column.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "sim/scenario/scenario_read.h"

namespace ballot::reader {

namespace {

// ---------------------------------------------------------------------------------------------
// Text -> JSON

struct LineColumn {
  size_t line = 1, column = 0;
};

// The position after `count` bytes, counted the way nlohmann counts (column = bytes since the
// last newline).
LineColumn line_column(const std::string& text, size_t count) {
  LineColumn lc;
  for (size_t i = 0; i < std::min(count, text.size()); ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 0;
    } else {
      ++lc.column;
    }
  }
  if (count > text.size()) lc.column += count - text.size();  // the end of input counts as one
  return lc;
}

std::string at_line_column(const LineColumn& lc) {
  return "line " + std::to_string(lc.line) + ", column " + std::to_string(lc.column);
}

}  // namespace

// Refuses nesting deeper than kMaxNesting before nlohmann sees the text.
void check_nesting(const std::string& text, const std::string& path, const std::string& prefix) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) {
        throw InputError(path, prefix + at_line_column(line_column(text, i + 1)) +
                                   ": nesting deeper than " + std::to_string(kMaxNesting) +
                                   " levels; a scenario is a few levels deep");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

namespace {

// Finds a key repeated within one object (nlohmann keeps the last one silently) and a number out
// of range (nlohmann turns an integer beyond 64 bits into an inexact double silently, and throws
// its own message for a double beyond +-1.8e308), and names the path. A second, SAX pass over
// text that already parsed (or failed with a number out of range): nlohmann's callback parser
// would do the same job in quadratic time on long lists of objects.
class DuplicateKeyCheck : public json::json_sax_t {
 public:
  static void run(const std::string& text) {
    DuplicateKeyCheck check(text);
    json::sax_parse(text, &check);
  }

  bool null() override { return element_done(); }
  bool boolean(bool) override { return element_done(); }
  bool number_integer(number_integer_t) override { return number_done(); }
  bool number_unsigned(number_unsigned_t) override { return number_done(); }
  bool number_float(number_float_t, const string_t& literal) override {
    // Digits without a fraction or exponent that still arrive as a double: they overflowed the
    // 64-bit integer range.
    if (literal.find_first_of(".eE") == std::string::npos) {
      throw InputError(path_to(frames_.size()),
                       "at " + at_line_column(number_start(numbers_)) + ": the integer " +
                           shown(literal) + " is out of range: integers must lie in [-2^63, " +
                           "2^64 - 1]");
    }
    return number_done();
  }
  bool string(string_t&) override { return element_done(); }
  bool binary(binary_t&) override { return element_done(); }
  bool start_object(std::size_t) override {
    frames_.emplace_back().object = true;
    return true;
  }
  bool key(string_t& key) override {
    Frame& f = frames_.back();
    f.key = key;
    if (!f.keys.insert(key).second) {
      throw InputError(path_to(frames_.size()),
                       "duplicate key '" + key + "': each key may appear once");
    }
    return true;
  }
  bool end_object() override { return end_container(); }
  bool start_array(std::size_t) override {
    frames_.emplace_back().object = false;
    return true;
  }
  bool end_array() override { return end_container(); }
  bool parse_error(std::size_t end, const std::string& token,
                   const nlohmann::detail::exception& e) override {
    // The text parsed once already, or failed on a number out of range (406): the only error
    // left to report here.
    if (e.id == 406) {
      throw InputError(
          path_to(frames_.size()),
          "at " + at_line_column(line_column(text_, end - std::min(end, token.size()) + 1)) +
              ": the number " + shown(token) +
              " is out of range: a number must fit a double (about +-1.8e308)");
    }
    return false;
  }

 private:
  explicit DuplicateKeyCheck(const std::string& text) : text_(text) {}
  static std::string shown(const std::string& literal) {
    return literal.size() > kMaxShown ? literal.substr(0, kMaxShown - 3) + "..." : literal;
  }
  bool number_done() {
    ++numbers_;
    return element_done();
  }
  // Where the number with this 0-based ordinal starts. Outside strings, a valid JSON text has
  // digits and '-' only in numbers, so each number begins where such a character follows one
  // that cannot be part of a number.
  LineColumn number_start(size_t ordinal) const {
    bool in_string = false, escaped = false, in_number = false;
    size_t seen = 0;
    for (size_t i = 0; i < text_.size(); ++i) {
      const char c = text_[i];
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      const bool number_char = std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
                               c == '+' || c == '.' || c == 'e' || c == 'E';
      if (c == '"') {
        in_string = true;
      } else if (!in_number && (std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        if (seen++ == ordinal) return line_column(text_, i + 1);
      }
      in_number = !in_string && number_char;
    }
    return line_column(text_, text_.size());
  }
  const std::string& text_;
  size_t numbers_ = 0;
  struct Frame {
    bool object = true;
    std::string key;   // object: the key being read
    size_t index = 0;  // array: the element being read
    std::set<std::string> keys;
  };
  bool end_container() {
    frames_.pop_back();
    return element_done();
  }
  bool element_done() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  std::string path_to(size_t depth) const {
    std::string path;
    for (size_t i = 0; i < depth; ++i) {
      path =
          frames_[i].object ? key_path(path, frames_[i].key) : index_path(path, frames_[i].index);
    }
    return path;
  }
  std::vector<Frame> frames_;
};

}  // namespace

void check_repeated_keys(const std::string& text) {
  DuplicateKeyCheck::run(text);
}

json parse_json_text(const std::string& text) {
  check_nesting(text, "", "");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::out_of_range&) {
    DuplicateKeyCheck::run(text);  // names the number out of range, its path and position
    throw;
  } catch (const json::parse_error& e) {
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1, column 2: <detail>".
    const std::string what = e.what();
    const size_t colon = what.find(": ", what.find("parse error"));
    const std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw InputError("", "syntax error at " + at_line_column(line_column(text, e.byte)) + ": " +
                             printable(detail));
  }
  DuplicateKeyCheck::run(text);
  return doc;
}

json parse_document(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError("", "the file is empty: expected a JSON object describing the scenario");
  }
  return parse_json_text(text);
}

}  // namespace ballot::reader
