// Internal to the history parsers: a reader for EDN as its specification defines it
// (https://github.com/edn-format/edn; docs/lincheck.md lists what is read). Tagged elements
// (#jepsen.history.Op{...}, #inst "...") read as their untagged form; characters read as their
// UTF-8 text. Bad input throws InputFailure naming the line; nesting (collections, tags, #_) is
// bounded, so no input can exhaust the stack.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ballot::lin::detail {

// Bad input, thrown inside the parsers and turned into a ParseError at the API boundary.
struct InputFailure {
  int64_t line;
  std::string message;  // what was expected, and what was found
};

[[noreturn]] void fail(int64_t line, std::string message);

struct Edn {
  enum class Type : uint8_t {
    Nil,
    Bool,
    Int,
    Float,
    String,
    Keyword,
    Symbol,
    Char,
    Vector,
    List,
    Map,
    Set
  };
  Type type = Type::Nil;
  // Int/Float digits, String contents, Keyword/Symbol name (no ':'), Char as UTF-8.
  std::string text;
  std::vector<Edn> items;  // collections; a Map holds key, value, key, value, ...
  int64_t line = 0;        // where the form starts
};

// Every top-level form of `text`, whose first line is numbered `first_line`.
std::vector<Edn> read_edn(std::string_view text, int64_t first_line);

// A form as messages show it: ":keyword", "\"string\"", "a map", ...
std::string render(const Edn& e);

}  // namespace ballot::lin::detail
