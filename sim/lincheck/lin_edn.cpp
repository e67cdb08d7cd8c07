#include "sim/lincheck/lin_edn.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <optional>
#include <utility>

namespace ballot::lin::detail {
namespace {

constexpr int kMaxNesting = 64;

std::string byte_name(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

// A token for messages: printable ASCII as is, other bytes as \xNN.
std::string printable_token(std::string_view token) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : token) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The EDN number grammar (integers: [+-]?(0|[1-9][0-9]*)N?, floats: an integer part, then a
// fraction .[0-9]*, an exponent [eE][+-]?[0-9]+, or both, or a bare M; then M optionally). Returns
// the canonical text (sign '+' and suffix dropped), or nullopt if `token` is not a number.
struct NumberText {
  bool is_float = false;
  std::string text;
};
std::optional<NumberText> parse_number(std::string_view token) {
  size_t i = 0;
  std::string text;
  if (i < token.size() && (token[i] == '+' || token[i] == '-')) {
    if (token[i] == '-') text += '-';
    ++i;
  }
  const size_t int_start = i;
  while (i < token.size() && is_digit(token[i])) ++i;
  const size_t int_digits = i - int_start;
  if (int_digits == 0) return std::nullopt;
  if (int_digits > 1 && token[int_start] == '0')
    return std::nullopt;  // "No integer ... begin with 0"
  text += token.substr(int_start, int_digits);
  if (i == token.size()) return NumberText{false, text};
  if (token[i] == 'N' && i + 1 == token.size()) return NumberText{false, text};
  bool is_float = false;
  if (token[i] == '.') {
    is_float = true;
    const size_t frac_start = i++;
    while (i < token.size() && is_digit(token[i])) ++i;
    text += token.substr(frac_start, i - frac_start);
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    is_float = true;
    const size_t exp_start = i++;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    const size_t digits_start = i;
    while (i < token.size() && is_digit(token[i])) ++i;
    if (i == digits_start) return std::nullopt;
    text += token.substr(exp_start, i - exp_start);
  }
  if (i < token.size() && token[i] == 'M') {
    is_float = true;
    ++i;
  }
  if (i != token.size() || !is_float) return std::nullopt;
  return NumberText{true, text};
}

class EdnReader {
 public:
  EdnReader(std::string_view text, int64_t first_line) : text_(text), line_(first_line) {}

  // Skips whitespace, comments and discarded forms; true if no form follows.
  bool at_end() {
    skip_ignorable(0);
    return pos_ >= text_.size();
  }

  int64_t line() const { return line_; }

  Edn read() { return read_form(0); }

 private:
  static bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\f' || c == '\v';
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

  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool more() const { return pos_ < text_.size(); }
  char next() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }

  // Whitespace (commas included), ';' comments to the end of the line, and `#_ form`: the form
  // is read (so it must be well formed) and dropped, wherever whitespace may stand.
  void skip_ignorable(int depth) {
    while (more()) {
      if (is_blank(peek())) {
        next();
      } else if (peek() == ';') {
        while (more() && peek() != '\n') next();
      } else if (peek() == '#' && peek(1) == '_') {
        check_depth(depth + 1);  // "#_#_#_..." nests too
        const int64_t discard_line = line_;
        next();
        next();
        skip_ignorable(depth + 1);
        if (!more()) fail(discard_line, "expected a form to discard after #_, found end of input");
        read_form(depth + 1);
      } else {
        break;
      }
    }
  }

  void check_depth(int depth) const {
    if (depth > kMaxNesting)
      fail(line_, "expected at most " + std::to_string(kMaxNesting) + " nested collections");
  }

  Edn read_form(int depth) {
    check_depth(depth);
    skip_ignorable(depth);
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
        read_char(form);
        break;
      case ':':
        next();
        form.type = Edn::Type::Keyword;
        form.text = read_token();
        if (form.text.empty()) fail(form.line, "expected a keyword name after ':'");
        if (form.text[0] == ':' || form.text[0] == '#')
          fail(form.line, "expected a keyword, found ':" + form.text + "' (not EDN)");
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
      skip_ignorable(depth + 1);
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

  // After '#': a set #{...}, a symbolic value ##Inf ##-Inf ##NaN, or a tagged element
  // (#inst "...", #uuid "...", #jepsen.history.Op{...}), which reads as the element it tags.
  // (#_ is handled with the whitespace.)
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
    if (peek() == '#') {
      next();
      const std::string name = read_token();
      if (name != "Inf" && name != "-Inf" && name != "NaN")
        fail(start_line, "expected ##Inf, ##-Inf or ##NaN, found '##" + name + "'");
      Edn symbolic;
      symbolic.line = start_line;
      symbolic.type = Edn::Type::Float;
      symbolic.text = "##" + name;
      return symbolic;
    }
    if (!more() || !std::isalpha(static_cast<unsigned char>(peek()))) {
      fail(start_line, "expected a tag (a symbol starting with a letter), '{' or '_' after '#'");
    }
    const std::string tag = read_token();
    skip_ignorable(depth + 1);
    if (!more() || peek() == '}' || peek() == ']' || peek() == ')') {
      fail(start_line, "expected a value after the tag #" + tag + ", found " +
                           (more() ? std::string("'") + peek() + "'" : "end of input"));
    }
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

  // After '\': one character (any, even a delimiter: \" \( \;), or a name running to the next
  // delimiter: \newline \return \space \tab (and Clojure's \formfeed \backspace), \uXXXX,
  // \oNNN. The value is the character in UTF-8.
  void read_char(Edn& form) {
    form.type = Edn::Type::Char;
    if (!more() || is_blank(peek()))
      fail(form.line, "expected a character after '\\' (\\c, \\newline, \\space, \\uXXXX ...)");
    const size_t start = pos_;
    next();
    // A character outside ASCII is its whole UTF-8 sequence.
    if (static_cast<unsigned char>(text_[start]) >= 0x80) {
      while (more() && (static_cast<unsigned char>(peek()) & 0xC0) == 0x80) next();
    }
    while (more() && !is_delimiter(peek()) && peek() != '\\') next();
    const std::string_view token = text_.substr(start, pos_ - start);
    if (token.size() == 1 || static_cast<unsigned char>(token[0]) >= 0x80) {
      if (static_cast<unsigned char>(token[0]) >= 0x80 && !valid_utf8_char(token))
        fail(form.line, "expected a character, found the bytes '\\" + printable_token(token) +
                            "' (not one UTF-8 character)");
      form.text = std::string(token);
      return;
    }
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"newline", '\n'}, {"return", '\r'},   {"space", ' '},
        {"tab", '\t'},     {"formfeed", '\f'}, {"backspace", '\b'}};
    for (const auto& [name, c] : kNamed) {
      if (token == name) {
        form.text = std::string(1, c);
        return;
      }
    }
    if (token[0] == 'u' && token.size() == 5) {
      uint32_t code = 0;
      const auto [end, ec] = std::from_chars(token.data() + 1, token.data() + 5, code, 16);
      if (ec == std::errc() && end == token.data() + 5) {
        if (code >= 0xD800 && code <= 0xDFFF)
          fail(form.line,
               "expected a character, found the lone surrogate '\\" + std::string(token) + "'");
        append_utf8(form.text, code);
        return;
      }
    }
    if (token[0] == 'o' && token.size() >= 2 && token.size() <= 4) {
      uint32_t code = 0;
      const auto [end, ec] =
          std::from_chars(token.data() + 1, token.data() + token.size(), code, 8);
      if (ec == std::errc() && end == token.data() + token.size() && code <= 0377) {
        append_utf8(form.text, code);
        return;
      }
    }
    fail(form.line,
         "expected a character (\\c, \\newline, \\return, \\space, \\tab, \\uXXXX), "
         "found '\\" +
             printable_token(token) + "'");
  }

  // One UTF-8 encoded code point, well formed (no overlong form, no surrogate).
  static bool valid_utf8_char(std::string_view s) {
    const auto b0 = static_cast<unsigned char>(s[0]);
    size_t n = 0;
    uint32_t code = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      n = 2, code = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      n = 3, code = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      n = 4, code = b0 & 0x07;
    } else {
      return false;
    }
    if (s.size() != n) return false;
    for (size_t i = 1; i < n; ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      if ((b & 0xC0) != 0x80) return false;
      code = (code << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    return code >= kMin[n] && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF);
  }

  void read_atom(Edn& form) {
    const std::string token = read_token();
    const bool sign = token[0] == '-' || token[0] == '+' || token[0] == '.';
    if (is_digit(token[0]) || (sign && token.size() > 1 && is_digit(token[1]))) {
      const auto number = parse_number(token);
      if (!number) fail(form.line, "expected a number, found '" + token + "'");
      form.type = number->is_float ? Edn::Type::Float : Edn::Type::Int;
      form.text = number->text;
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

  // EDN's escapes (\t \r \n \\ \"), and Clojure's (\b \f \uXXXX, octal \NNN); \/ as in JSON.
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
        append_utf8(out, read_unicode_escape());
        return;
      default:
        if (escape >= '0' && escape <= '7') {
          uint32_t code = static_cast<uint32_t>(escape - '0');
          for (int k = 0; k < 2 && peek() >= '0' && peek() <= '7'; ++k)
            code = code * 8 + static_cast<uint32_t>(next() - '0');
          if (code > 0377) fail(line_, "expected an octal escape of at most \\377");
          append_utf8(out, code);
          return;
        }
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

  // \uXXXX, and a UTF-16 surrogate pair \uD83D\uDE00 as the one code point it encodes.
  uint32_t read_unicode_escape() {
    const uint32_t code = read_hex4();
    if (code >= 0xDC00 && code <= 0xDFFF)
      fail(line_, "expected a high surrogate before the low surrogate \\u" + hex4(code));
    if (code < 0xD800 || code > 0xDBFF) return code;
    if (peek() != '\\' || peek(1) != 'u')
      fail(line_, "expected a low surrogate \\uDC00-\\uDFFF after \\u" + hex4(code));
    pos_ += 2;
    const uint32_t low = read_hex4();
    if (low < 0xDC00 || low > 0xDFFF)
      fail(line_, "expected a low surrogate \\uDC00-\\uDFFF after \\u" + hex4(code));
    return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }

  static std::string hex4(uint32_t code) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string s;
    for (int shift = 12; shift >= 0; shift -= 4) s += kHex[(code >> shift) & 15];
    return s;
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

namespace {

std::string render_char(const std::string& c) {
  if (c == "\n") return "\\newline";
  if (c == "\r") return "\\return";
  if (c == " ") return "\\space";
  if (c == "\t") return "\\tab";
  return "\\" + printable_token(c);
}

}  // namespace

std::string render(const Edn& e) {
  switch (e.type) {
    case Edn::Type::Nil:
      return "nil";
    case Edn::Type::Keyword:
      return ":" + e.text;
    case Edn::Type::String:
      return "\"" + e.text + "\"";
    case Edn::Type::Char:
      return render_char(e.text);
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
