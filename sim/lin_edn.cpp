#include "sim/lin_edn.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>

namespace ballot::lin::detail {
namespace {

constexpr int kMaxNesting = 64;

std::string byte_name(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

class EdnReader {
 public:
  EdnReader(std::string_view text, int64_t first_line) : text_(text), line_(first_line) {}

  // Skips whitespace and comments; true if no form follows.
  bool at_end() {
    skip_blank();
    return pos_ >= text_.size();
  }

  int64_t line() const { return line_; }

  Edn read() { return read_form(0); }

 private:
  static bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
  }
  static bool is_symbol_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return false;
    return std::isalnum(u) != 0 ||
           std::string_view(".*+!-_?$%&=<>/:#'").find(c) != std::string_view::npos;
  }
  static bool is_delimiter(char c) {
    return is_blank(c) || std::string_view("{}[]()\";").find(c) != std::string_view::npos;
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool more() const { return pos_ < text_.size(); }
  char next() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }

  void skip_blank() {
    while (more()) {
      if (is_blank(peek())) {
        next();
      } else if (peek() == ';') {
        while (more() && peek() != '\n') next();
      } else {
        break;
      }
    }
  }

  Edn read_form(int depth) {
    if (depth > kMaxNesting)
      fail(line_, "expected at most " + std::to_string(kMaxNesting) + " nested collections");
    skip_blank();
    if (!more()) fail(line_, "expected an EDN value, found end of input");
    Edn form;
    form.line = line_;
    const char c = peek();
    switch (c) {
      case '{':
        next();
        read_items(form, Edn::Type::Map, '}', depth);
        break;
      case '[':
        next();
        read_items(form, Edn::Type::Vector, ']', depth);
        break;
      case '(':
        next();
        read_items(form, Edn::Type::List, ')', depth);
        break;
      case '"':
        next();
        read_string(form);
        break;
      case '#':
        return read_dispatch(depth);
      case '\\':
        next();
        form.type = Edn::Type::Char;
        form.text = read_token();
        break;
      case ':':
        next();
        form.type = Edn::Type::Keyword;
        form.text = read_token();
        if (form.text.empty()) fail(form.line, "expected a keyword name after ':'");
        break;
      case '}':
      case ']':
      case ')':
        fail(line_, std::string("expected an EDN value, found an unmatched '") + c + "'");
      default:
        if (!is_symbol_char(c))
          fail(line_, "expected an EDN value, found " + byte_name(static_cast<unsigned char>(c)));
        read_atom(form);
    }
    return form;
  }

  void read_items(Edn& form, Edn::Type type, char close, int depth) {
    form.type = type;
    const int64_t open_line = form.line;
    while (true) {
      skip_blank();
      if (!more()) {
        fail(open_line, std::string("expected '") + close +
                            "' to close the collection opened on line " +
                            std::to_string(open_line) + ", found end of input");
      }
      if (peek() == close) {
        next();
        break;
      }
      if (peek() == '}' || peek() == ']' || peek() == ')') {
        fail(line_, std::string("expected '") + close +
                        "' to close the collection opened on line " + std::to_string(open_line) +
                        ", found '" + peek() + "'");
      }
      form.items.push_back(read_form(depth + 1));
    }
    if (type == Edn::Type::Map && form.items.size() % 2 != 0) {
      fail(open_line, "expected a map with a value for every key, found an odd number of forms");
    }
  }

  Edn read_dispatch(int depth) {
    const int64_t start_line = line_;
    next();  // '#'
    if (peek() == '{') {
      Edn set;
      set.line = start_line;
      next();
      read_items(set, Edn::Type::Set, '}', depth);
      return set;
    }
    if (peek() == '_') {
      next();
      read_form(depth + 1);  // discarded
      if (at_end())
        fail(line_, "expected an EDN value after the discarded form, found end of input");
      return read_form(depth);
    }
    if (!more() || !std::isalpha(static_cast<unsigned char>(peek()))) {
      fail(start_line, "expected a tag, '{' or '_' after '#'");
    }
    read_token();  // the tag: its element reads as the plain form
    return read_form(depth + 1);
  }

  std::string read_token() {
    const size_t start = pos_;
    while (more() && !is_delimiter(peek())) {
      if (!is_symbol_char(peek())) {
        fail(line_,
             "expected a symbol character, found " + byte_name(static_cast<unsigned char>(peek())));
      }
      next();
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  void read_atom(Edn& form) {
    const std::string token = read_token();
    const bool signed_number = (token[0] == '-' || token[0] == '+') && token.size() > 1 &&
                               std::isdigit(static_cast<unsigned char>(token[1]));
    if (std::isdigit(static_cast<unsigned char>(token[0])) || signed_number) {
      read_number(form, token);
    } else if (token == "nil") {
      form.type = Edn::Type::Nil;
    } else if (token == "true" || token == "false") {
      form.type = Edn::Type::Bool;
      form.text = token;
    } else {
      form.type = Edn::Type::Symbol;
      form.text = token;
    }
  }

  void read_number(Edn& form, std::string token) {
    if (token[0] == '+') token.erase(0, 1);
    if (token.back() == 'N') token.pop_back();
    const size_t digits_start = token[0] == '-' ? 1 : 0;
    const bool all_digits =
        token.size() > digits_start &&
        std::all_of(token.begin() + static_cast<ptrdiff_t>(digits_start), token.end(),
                    [](char d) { return std::isdigit(static_cast<unsigned char>(d)) != 0; });
    if (all_digits) {
      form.type = Edn::Type::Int;
      form.text = token;
      return;
    }
    if (token.back() == 'M') token.pop_back();
    if (token.find_first_not_of("0123456789+-.eE") != std::string::npos) {
      fail(form.line, "expected a number, found '" + token + "'");
    }
    form.type = Edn::Type::Float;
    form.text = token;
  }

  void read_string(Edn& form) {
    form.type = Edn::Type::String;
    while (true) {
      if (!more())
        fail(form.line, "expected '\"' to close the string opened on line " +
                            std::to_string(form.line) + ", found end of input");
      const char c = next();
      if (c == '"') return;
      if (c != '\\') {
        form.text += c;
        continue;
      }
      if (!more()) continue;  // reported as unterminated on the next iteration
      read_escape(form.text, next());
    }
  }

  void read_escape(std::string& out, char escape) {
    switch (escape) {
      case 'n':
        out += '\n';
        return;
      case 't':
        out += '\t';
        return;
      case 'r':
        out += '\r';
        return;
      case 'b':
        out += '\b';
        return;
      case 'f':
        out += '\f';
        return;
      case '"':
      case '\\':
      case '/':
        out += escape;
        return;
      case 'u':
        append_utf8(out, read_hex4());
        return;
      default:
        fail(line_,
             std::string("expected a string escape (\\n \\t \\r \\\" \\\\ \\uXXXX), found ") +
                 byte_name(static_cast<unsigned char>(escape)));
    }
  }

  uint32_t read_hex4() {
    if (text_.size() - pos_ < 4) fail(line_, "expected 4 hex digits after \\u");
    uint32_t code = 0;
    const char* begin = text_.data() + pos_;
    const auto [end, ec] = std::from_chars(begin, begin + 4, code, 16);
    if (ec != std::errc() || end != begin + 4) fail(line_, "expected 4 hex digits after \\u");
    pos_ += 4;
    return code;
  }

  static void append_utf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_;
};

}  // namespace

void fail(int64_t line, std::string message) {
  throw InputFailure{line, std::move(message)};
}

std::vector<Edn> read_edn(std::string_view text, int64_t first_line) {
  EdnReader reader(text, first_line);
  std::vector<Edn> forms;
  while (!reader.at_end()) forms.push_back(reader.read());
  return forms;
}

std::string render(const Edn& e) {
  switch (e.type) {
    case Edn::Type::Nil:
      return "nil";
    case Edn::Type::Keyword:
      return ":" + e.text;
    case Edn::Type::String:
      return "\"" + e.text + "\"";
    case Edn::Type::Vector:
      return "a vector";
    case Edn::Type::Map:
      return "a map";
    case Edn::Type::List:
      return "a list";
    case Edn::Type::Set:
      return "a set";
    default:
      return e.text;
  }
}

}  // namespace ballot::lin::detail
