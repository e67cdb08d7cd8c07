// Tables of test cases in data files (tests/data/<area>/*.txt), after etcd's datadriven tests: a
// test reads the records and runs each through one small driver, so that a table of bad inputs
// and expected errors is data, not a 200-line TEST_CASE.
//
// The format (see tests/data/README.md):
//
//   # a comment (only between records)
//   command arg key=value key=value
//   input line 1
//   input line 2
//   ----
//   key: expected value
//   key: another expected value
//
// A record is a command line with its arguments (words, or key=value where the value runs to the
// next space, or key=(value) where the value may hold spaces; a key may repeat), the input lines up
// to a line "----" (joined with "\n", no final newline), and the expected lines up to a blank line
// or the end of the file, each "key: value"
// ("key:" alone for an empty value). With the argument `escaped`, the input lines are concatenated
// without newlines and read as a C string: \n \t \r \0 \\ and \xHH (two hex digits). With
// `repeat=N`, the input stands N times over.
#pragma once
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ballot::testkit {

struct DataCase {
  std::string file;
  int line = 0;  // of the command
  std::string command;
  std::vector<std::pair<std::string, std::string>> args;  // a bare word has an empty value
  std::string input;
  std::vector<std::pair<std::string, std::string>> expected;

  // "file:line: command args", for INFO.
  std::string where() const {
    std::string text = file + ":" + std::to_string(line) + ": " + command;
    for (const auto& [key, value] : args) text += " " + key + (value.empty() ? "" : "=" + value);
    return text;
  }
  bool has_arg(const std::string& key) const {
    for (const auto& a : args)
      if (a.first == key) return true;
    return false;
  }
  // The value of the first argument `key`, or `fallback`.
  std::string arg(const std::string& key, const std::string& fallback = "") const {
    for (const auto& a : args)
      if (a.first == key) return a.second;
    return fallback;
  }
  // The values of every argument `key`, in order.
  std::vector<std::string> arg_list(const std::string& key) const {
    std::vector<std::string> values;
    for (const auto& a : args)
      if (a.first == key) values.push_back(a.second);
    return values;
  }
  bool expects(const std::string& key) const {
    for (const auto& e : expected)
      if (e.first == key) return true;
    return false;
  }
  // The expected value `key`; throws if the record has none (a mistake in the table).
  std::string expect(const std::string& key) const {
    for (const auto& e : expected)
      if (e.first == key) return e.second;
    throw std::runtime_error(where() + ": no expected '" + key + "'");
  }
};

namespace datadriven_detail {

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline std::string unescape(const std::string& text, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) throw std::runtime_error(where + ": a lone \\ at the end of the input");
    switch (text[i]) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '0':
        out += '\0';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x': {
        const int hi = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) throw std::runtime_error(where + ": \\x needs two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        throw std::runtime_error(where + ": unknown escape \\" + std::string(1, text[i]));
    }
  }
  return out;
}

// "command word key=value key=(a value with spaces)": the value in parentheses runs to the first
// ")" that ends a word.
inline void parse_command(const std::string& line, DataCase& c) {
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < line.size() && line[i] == ' ') ++i;
  };
  auto word_end = [&](size_t from) {
    const size_t end = line.find(' ', from);
    return end == std::string::npos ? line.size() : end;
  };
  skip_spaces();
  size_t end = word_end(i);
  c.command = line.substr(i, end - i);
  i = end;
  for (skip_spaces(); i < line.size(); skip_spaces()) {
    end = word_end(i);
    const size_t eq = line.find('=', i);
    if (eq == std::string::npos || eq > end) {
      c.args.emplace_back(line.substr(i, end - i), "");
      i = end;
      continue;
    }
    std::string key = line.substr(i, eq - i);
    if (eq + 1 < line.size() && line[eq + 1] == '(') {
      size_t close = line.find(')', eq + 2);
      while (close != std::string::npos && close + 1 < line.size() && line[close + 1] != ' ')
        close = line.find(')', close + 1);
      if (close == std::string::npos)
        throw std::runtime_error(c.file + ":" + std::to_string(c.line) + ": no ')' after " + key +
                                 "=(");
      c.args.emplace_back(key, line.substr(eq + 2, close - eq - 2));
      i = close + 1;
    } else {
      c.args.emplace_back(key, line.substr(eq + 1, end - eq - 1));
      i = end;
    }
  }
}

}  // namespace datadriven_detail

// The records of a data file, in order. Throws std::runtime_error naming the file and line if it
// cannot be read or a record is malformed.
inline std::vector<DataCase> read_data_cases(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string short_name = path;
  if (const size_t at = path.find("tests/data/"); at != std::string::npos)
    short_name = path.substr(at);

  std::vector<DataCase> cases;
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].empty() || lines[i][0] == '#') {
      ++i;
      continue;
    }
    DataCase c;
    c.file = short_name;
    c.line = static_cast<int>(i + 1);
    datadriven_detail::parse_command(lines[i], c);
    ++i;
    std::vector<std::string> input;
    while (i < lines.size() && lines[i] != "----") input.push_back(lines[i++]);
    if (i == lines.size()) throw std::runtime_error(c.where() + ": no \"----\" after the input");
    ++i;
    const bool escaped = c.has_arg("escaped");
    for (size_t k = 0; k < input.size(); ++k) c.input += (k > 0 && !escaped ? "\n" : "") + input[k];
    if (escaped) c.input = datadriven_detail::unescape(c.input, c.where());
    if (c.has_arg("repeat")) {
      const std::string once = c.input;
      const int times = std::stoi(c.arg("repeat"));
      for (int k = 1; k < times; ++k) c.input += once;
    }
    for (; i < lines.size() && !lines[i].empty(); ++i) {
      const std::string& l = lines[i];
      const size_t colon = l.find(':');
      if (colon == std::string::npos)
        throw std::runtime_error(short_name + ":" + std::to_string(i + 1) +
                                 ": expected \"key: value\", got \"" + l + "\"");
      std::string value = l.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      c.expected.emplace_back(l.substr(0, colon), value);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace ballot::testkit
