// An algorithm's parameters as read from the scenario ("params": {"raft": {...}}), flattened to
// dotted keys ("bugs.figure8"). Each getter validates, records the key as known, and throws
// InputError naming the JSON path; finish() rejects keys nobody asked for, suggesting the closest.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/api/time.h"

namespace ballot {

struct ParamValue {
  enum class Kind { Int, Double, Bool, String } kind = Kind::Int;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string s;

  static ParamValue of_int(int64_t value) { return {Kind::Int, value, 0, false, {}}; }
  static ParamValue of_double(double value) { return {Kind::Double, 0, value, false, {}}; }
  static ParamValue of_bool(bool value) { return {Kind::Bool, 0, 0, value, {}}; }
  static ParamValue of_string(std::string value) {
    return {Kind::String, 0, 0, false, std::move(value)};
  }
};

// One parameter an algorithm asked for, as it asked: the viewer's Fork panel lists an
// algorithm's options and bug toggles by building its nodes once with no values and reading these
// (docs/viz.md#fork-at-the-cursor).
struct ParamAsked {
  enum class Type { Int, Double, Bool, Duration, Enum };
  std::string key;
  Type type = Type::Int;
  ParamValue fallback;               // Duration: of_int(µs); Enum: of_string
  std::vector<std::string> choices;  // Enum
};

class Params {
 public:
  Params() = default;
  // `path` is the JSON path of the object, e.g. "params.raft".
  Params(std::string path, std::map<std::string, ParamValue> values)
      : path_(std::move(path)), values_(std::move(values)) {}

  int64_t get_int(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  double get_double(const std::string& key, double fallback, double min, double max);
  bool get_bool(const std::string& key, bool fallback);
  // Accepts "150ms", "2s", "500us" or a number of milliseconds.
  Time_us get_duration_us(const std::string& key, Time_us fallback, Time_us min, Time_us max);
  std::string get_enum(const std::string& key, const std::string& fallback,
                       const std::vector<std::string>& allowed);
  bool has(const std::string& key) const { return values_.count(key) != 0; }

  // Throws InputError for the first key that no getter asked for.
  void finish() const;

  const std::string& path() const { return path_; }
  const std::map<std::string, ParamValue>& values() const { return values_; }
  // Every getter call so far, in order (a key asked twice appears twice).
  const std::vector<ParamAsked>& asked() const { return asked_; }

 private:
  std::string full_path(const std::string& key) const;
  std::string path_;
  std::map<std::string, ParamValue> values_;
  mutable std::set<std::string> known_;
  std::vector<ParamAsked> asked_;
};

// Parses "150ms", "2s", "1.5s", "500us", "3m" into microseconds; throws InputError(path, ...).
Time_us parse_duration_us(const std::string& text, const std::string& path);
// "150ms" style rendering of a duration (exact: picks the largest unit that divides it).
std::string format_duration(Time_us duration_us);
// Levenshtein-closest candidate, or "" when nothing is close.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace ballot
