// Internal to the linearizability checker: the values one key takes, as small integers.
// Appends build new strings at every step of the search, so a string is stored as a hash-consed
// concatenation node (left ++ right) with a polynomial hash, never copied. Equal strings always
// get equal ids: a hash match is confirmed by comparing the actual characters. Literal strings
// are viewed, not copied: they must outlive the table (they live in the History being checked).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lookup_map.h"

namespace ballot::lin::detail {

using ValueId = uint32_t;
inline constexpr ValueId kNilId = 0;

class ValueTable {
 public:
  // In the key-value model nil and "" are one value: a missing key reads as "".
  explicit ValueTable(bool nil_is_empty);

  ValueId intern(const std::optional<std::string>& value);  // keeps a view of *value
  ValueId concat(ValueId prefix, ValueId suffix);           // nil counts as ""

  // False only if `part` is certainly not a proper prefix of `whole` (nil is a prefix of every
  // string). May answer true wrongly on a hash collision: callers use it only to prune.
  bool may_be_proper_prefix(ValueId part, ValueId whole);

  std::string text(ValueId id) const;    // nil as ""
  std::string render(ValueId id) const;  // nil as "nil", strings as they are

 private:
  struct Node {
    uint64_t hash;   // sum of c[i] * kBase^(length-1-i), mod 2^64
    uint64_t power;  // kBase^length
    uint64_t length;
    ValueId left;  // concatenation: left ++ right; literal: both kNilId
    ValueId right;
    int32_t literal;     // index into literals_, or -1 for a concatenation
    ValueId next_equal;  // next node in the same by_hash_ bucket, or kNilId
  };

  // Hashes of the prefixes of one string at every kStride-th length; those in between are
  // extended from the nearest checkpoint, so the index costs a quarter byte per character.
  struct PrefixIndex {
    std::string text;
    std::vector<uint64_t> checkpoints;  // hash of text[0, i * kStride)
  };
  static constexpr uint64_t kStride = 32;

  ValueId intern_view(std::string_view text);
  ValueId find_or_add(const Node& node);
  bool same_text(ValueId a, ValueId b) const;
  void append_text(ValueId id, std::string& out) const;
  const PrefixIndex& prefix_index(ValueId id);

  bool nil_is_empty_;
  ValueId empty_id_ = kNilId;
  std::vector<Node> nodes_;  // nodes_[kNilId] is nil
  std::vector<std::string_view> literals_;
  // Lookup-only caches: LookupMap cannot be iterated, so no hash order can reach a verdict or an
  // output; value ids come from nodes_, in insertion order.
  LookupMap<uint64_t, ValueId> by_hash_;            // (hash, length) -> first node
  LookupMap<uint64_t, ValueId> concat_memo_;        // (prefix, suffix) -> result
  LookupMap<ValueId, PrefixIndex> prefix_indexes_;  // of read results
};

}  // namespace ballot::lin::detail
