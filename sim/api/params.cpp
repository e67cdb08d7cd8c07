// Algorithm parameters, durations and "did you mean" suggestions (sim/api/params.h).
#include "sim/api/params.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sim/api/input_error.h"
#include "sim/api/int128.h"

namespace ballot {

namespace {

// Units a duration may carry, longest suffix first so that "ms" is not read as "m" + "s".
struct DurationUnit {
  const char* suffix;
  int64_t us;
};
constexpr DurationUnit kParseUnits[] = {
    {"us", 1},
    {"\xC2\xB5s", 1},  // "µs"
    {"ms", kMillisecond_us},
    {"s", kSecond_us},
    {"m", 60 * kSecond_us},
    {"h", 3600 * kSecond_us},
};
// Units format_duration may print, largest first.
constexpr DurationUnit kFormatUnits[] = {
    {"m", 60 * kSecond_us}, {"s", kSecond_us}, {"ms", kMillisecond_us}, {"us", 1}};

// More fractional digits than this cannot matter: the largest unit (1h) is 3.6e9 µs.
constexpr size_t kMaxFractionDigits = 12;
constexpr size_t kMaxIntegerDigits = 18;

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

[[noreturn]] void bad_duration(const std::string& text, const std::string& path) {
  throw InputError(
      path, "expected a duration like \"150ms\" (units us, ms, s, m, h), got " + quoted(text));
}

std::string render_double(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  // Prefer the shortest representation that reads back to the same value.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, d);
    if (std::strtod(shorter, nullptr) == d) return shorter;
  }
  return buf;
}

// How a parameter's value reads in a message: 3, 1.5, true, "abc".
std::string describe(const ParamValue& v) {
  switch (v.kind) {
    case ParamValue::Kind::Int:
      return std::to_string(v.i);
    case ParamValue::Kind::Double:
      return render_double(v.d);
    case ParamValue::Kind::Bool:
      return v.b ? "true" : "false";
    case ParamValue::Kind::String:
      return quoted(v.s);
  }
  return "?";
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Edit distance counting an adjacent transposition as one edit ("wirte" -> "write"), ignoring
// case (optimal string alignment).
size_t edit_distance(const std::string& a, const std::string& b) {
  auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool starts_with_ignoring_case(const std::string& word, const std::string& prefix) {
  if (prefix.size() > word.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Time_us parse_duration_us(const std::string& text, const std::string& path) {
  size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++pos;
  const size_t int_begin = pos;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  const std::string integer = text.substr(int_begin, pos - int_begin);
  std::string fraction;
  if (pos < text.size() && text[pos] == '.') {
    const size_t frac_begin = ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    fraction = text.substr(frac_begin, pos - frac_begin);
    if (fraction.empty()) bad_duration(text, path);
  }
  if (integer.empty()) bad_duration(text, path);
  const std::string suffix = text.substr(pos);
  int64_t unit_us = 0;
  for (const auto& unit : kParseUnits) {
    if (suffix == unit.suffix) unit_us = unit.us;
  }
  if (suffix.empty() && fraction.empty() && integer.find_first_not_of('0') == std::string::npos) {
    return 0;  // "0" needs no unit
  }
  if (unit_us == 0) bad_duration(text, path);
  const std::string digits =
      integer.substr(std::min(integer.find_first_not_of('0'), integer.size()));
  if (digits.size() > kMaxIntegerDigits || fraction.size() > kMaxFractionDigits) {
    throw InputError(path, "duration " + quoted(text) + " is out of range");
  }
  // Exact decimal arithmetic: 1.5s is 1500000 µs, never 1499999.
  i128 total = static_cast<i128>(digits.empty() ? 0 : std::stoll(digits)) * unit_us;
  if (!fraction.empty()) {
    i128 scale = 1;
    for (size_t i = 0; i < fraction.size(); ++i) scale *= 10;
    const i128 numerator = static_cast<i128>(std::stoll(fraction)) * unit_us;
    if (numerator % scale != 0) {
      throw InputError(path, "duration " + quoted(text) + " is not a whole number of microseconds");
    }
    total += numerator / scale;
  }
  if (total > INT64_MAX) throw InputError(path, "duration " + quoted(text) + " is out of range");
  return negative ? -static_cast<Time_us>(total) : static_cast<Time_us>(total);
}

std::string format_duration(Time_us duration_us) {
  if (duration_us == 0) return "0ms";
  if (duration_us == INT64_MIN) return std::to_string(duration_us) + "us";
  if (duration_us < 0) return "-" + format_duration(-duration_us);
  for (const auto& unit : kFormatUnits) {
    if (duration_us % unit.us == 0) return std::to_string(duration_us / unit.us) + unit.suffix;
  }
  return std::to_string(duration_us) + "us";
}

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  // Close enough to be a typo: about one edit per three characters, and never a rewrite of the
  // whole word ("foo" does not suggest "to"). Ties go to the earlier candidate.
  const size_t allowed = std::max<size_t>(1, word.size() / 3);
  std::string best;
  size_t best_distance = allowed + 1;
  for (const auto& candidate : candidates) {
    const size_t d = edit_distance(word, candidate);
    if (d < best_distance && d < std::max(word.size(), candidate.size())) {
      best = candidate;
      best_distance = d;
    }
  }
  if (!best.empty()) return best;
  // Otherwise a spelled-out or abbreviated form: "equal" -> "eq", "elect" -> "election_timeout".
  constexpr size_t kMinPrefix = 2;
  for (const auto& candidate : candidates) {
    const std::string& shorter = candidate.size() < word.size() ? candidate : word;
    const std::string& longer = candidate.size() < word.size() ? word : candidate;
    if (shorter.size() >= kMinPrefix && starts_with_ignoring_case(longer, shorter)) {
      return candidate;
    }
  }
  return "";
}

std::string Params::full_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

int64_t Params::get_int(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  known_.insert(key);
  asked_.push_back({key, ParamAsked::Type::Int, ParamValue::of_int(fallback), {}});
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const ParamValue& v = it->second;
  const std::string range = "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (v.kind != ParamValue::Kind::Int) {
    throw InputError(full_path(key), "expected an integer in " + range + ", got " + describe(v));
  }
  if (v.i < min || v.i > max) {
    throw InputError(full_path(key), "expected an integer in " + range + ", got " + describe(v));
  }
  return v.i;
}

double Params::get_double(const std::string& key, double fallback, double min, double max) {
  known_.insert(key);
  asked_.push_back({key, ParamAsked::Type::Double, ParamValue::of_double(fallback), {}});
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const ParamValue& v = it->second;
  const std::string range = "[" + render_double(min) + ", " + render_double(max) + "]";
  double d = 0;
  if (v.kind == ParamValue::Kind::Int) {
    d = static_cast<double>(v.i);
  } else if (v.kind == ParamValue::Kind::Double) {
    d = v.d;
  } else {
    throw InputError(full_path(key), "expected a number in " + range + ", got " + describe(v));
  }
  if (!(d >= min && d <= max)) {
    throw InputError(full_path(key), "expected a number in " + range + ", got " + describe(v));
  }
  return d;
}

bool Params::get_bool(const std::string& key, bool fallback) {
  known_.insert(key);
  asked_.push_back({key, ParamAsked::Type::Bool, ParamValue::of_bool(fallback), {}});
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  if (it->second.kind != ParamValue::Kind::Bool) {
    throw InputError(full_path(key), "expected true or false, got " + describe(it->second));
  }
  return it->second.b;
}

Time_us Params::get_duration_us(const std::string& key, Time_us fallback, Time_us min,
                                Time_us max) {
  known_.insert(key);
  asked_.push_back({key, ParamAsked::Type::Duration, ParamValue::of_int(fallback), {}});
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const ParamValue& v = it->second;
  const std::string range = max == kNever_us
                                ? ">= " + format_duration(min)
                                : "in [" + format_duration(min) + ", " + format_duration(max) + "]";
  Time_us d = 0;
  if (v.kind == ParamValue::Kind::String) {
    d = parse_duration_us(v.s, full_path(key));
  } else if (v.kind == ParamValue::Kind::Int || v.kind == ParamValue::Kind::Double) {
    // A bare number is milliseconds, as everywhere in scenario files.
    const double ms = v.kind == ParamValue::Kind::Int ? static_cast<double>(v.i) : v.d;
    const double us = ms * static_cast<double>(kMillisecond_us);
    const double rounded = std::round(us);
    if (!(std::fabs(rounded) < 9.2e18)) {
      throw InputError(full_path(key), "duration " + describe(v) + " ms is out of range");
    }
    if (std::fabs(us - rounded) > 1e-6 * std::max(1.0, std::fabs(us))) {
      throw InputError(full_path(key),
                       "duration " + describe(v) + " ms is not a whole number of microseconds");
    }
    d = static_cast<Time_us>(rounded);
  } else {
    throw InputError(full_path(key), "expected a duration like \"150ms\", got " + describe(v));
  }
  if (d < min || d > max) {
    throw InputError(full_path(key), "expected a duration " + range + ", got " + describe(v));
  }
  return d;
}

std::string Params::get_enum(const std::string& key, const std::string& fallback,
                             const std::vector<std::string>& allowed) {
  known_.insert(key);
  asked_.push_back({key, ParamAsked::Type::Enum, ParamValue::of_string(fallback), allowed});
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const ParamValue& v = it->second;
  if (v.kind != ParamValue::Kind::String) {
    throw InputError(full_path(key), "expected one of " + join(allowed) + ", got " + describe(v));
  }
  if (std::find(allowed.begin(), allowed.end(), v.s) != allowed.end()) return v.s;
  const std::string guess = closest_name(v.s, allowed);
  throw InputError(full_path(key), "unknown value " + quoted(v.s) +
                                       (guess.empty() ? "" : " (did you mean '" + guess + "'?)") +
                                       ": expected one of " + join(allowed));
}

void Params::finish() const {
  for (const auto& [key, value] : values_) {
    if (known_.count(key)) continue;
    const std::vector<std::string> known(known_.begin(), known_.end());
    const std::string guess = closest_name(key, known);
    std::string hint;
    if (!guess.empty()) {
      hint = " (did you mean '" + guess + "'?)";
    } else if (known.empty()) {
      hint = " (this algorithm takes no parameters)";
    } else {
      hint = " (known parameters: " + join(known) + ")";
    }
    throw InputError(full_path(key), "unknown parameter '" + key + "'" + hint);
  }
}

}  // namespace ballot
