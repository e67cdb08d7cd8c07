#include "sim/lincheck/lin_values.h"

namespace ballot::lin::detail {
namespace {

// Odd, so that powers never vanish mod 2^64. Arithmetic wraps on purpose.
constexpr uint64_t kBase = 0x100000001B3ULL * 2 + 1;

uint64_t bucket_key(uint64_t hash, uint64_t length) {
  return hash ^ (length * 0x9E3779B97F4A7C15ULL);
}

}  // namespace

ValueTable::ValueTable(bool nil_is_empty) : nil_is_empty_(nil_is_empty) {
  // nil: unlike any string (it hashes like "" but never compares equal to one).
  nodes_.push_back({0, 1, 0, kNilId, kNilId, -1, kNilId});
  if (nil_is_empty_) empty_id_ = intern_view("");
}

ValueId ValueTable::intern(const std::optional<std::string>& value) {
  if (!value) return nil_is_empty_ ? empty_id_ : kNilId;
  return intern_view(*value);
}

ValueId ValueTable::intern_view(std::string_view text) {
  Node node{0, 1, text.size(), kNilId, kNilId, static_cast<int32_t>(literals_.size()), kNilId};
  for (char c : text) {
    node.hash = node.hash * kBase + static_cast<unsigned char>(c);
    node.power *= kBase;
  }
  literals_.push_back(text);
  const ValueId id = find_or_add(node);
  if (nodes_[id].literal != node.literal) literals_.pop_back();  // an equal value existed
  return id;
}

ValueId ValueTable::concat(ValueId prefix, ValueId suffix) {
  if (suffix == kNilId || nodes_[suffix].length == 0) {
    return prefix == kNilId ? intern_view("") : prefix;
  }
  if (prefix == kNilId || nodes_[prefix].length == 0) return suffix;
  const uint64_t memo_key = (uint64_t{prefix} << 32) | suffix;
  if (const ValueId* known = concat_memo_.find(memo_key)) return *known;
  const Node& a = nodes_[prefix];
  const Node& b = nodes_[suffix];
  const Node node{a.hash * b.power + b.hash,
                  a.power * b.power,
                  a.length + b.length,
                  prefix,
                  suffix,
                  -1,
                  kNilId};
  const ValueId id = find_or_add(node);
  concat_memo_.try_emplace(memo_key, id);
  return id;
}

// Returns an existing node with the same text, or adds `node`.
ValueId ValueTable::find_or_add(const Node& node) {
  const uint64_t key = bucket_key(node.hash, node.length);
  const auto id = static_cast<ValueId>(nodes_.size());
  nodes_.push_back(node);
  auto [first, inserted] = by_hash_.try_emplace(key, id);
  if (inserted) return id;
  for (ValueId other = *first; other != kNilId; other = nodes_[other].next_equal) {
    if (nodes_[other].hash == node.hash && nodes_[other].length == node.length &&
        same_text(other, id)) {
      nodes_.pop_back();
      return other;
    }
  }
  nodes_.back().next_equal = *first;
  *first = id;
  return id;
}

bool ValueTable::same_text(ValueId a, ValueId b) const {
  if (a == b) return true;
  if ((a == kNilId) != (b == kNilId)) return false;
  return text(a) == text(b);
}

void ValueTable::append_text(ValueId id, std::string& out) const {
  // Iterative: concatenation chains are as deep as the number of appends.
  std::vector<ValueId> todo{id};
  while (!todo.empty()) {
    const Node& node = nodes_[todo.back()];
    todo.pop_back();
    if (node.literal >= 0) {
      out += literals_[static_cast<size_t>(node.literal)];
    } else if (node.left != kNilId || node.right != kNilId) {
      todo.push_back(node.right);
      todo.push_back(node.left);
    }
  }
}

std::string ValueTable::text(ValueId id) const {
  std::string out;
  append_text(id, out);
  return out;
}

std::string ValueTable::render(ValueId id) const {
  return id == kNilId ? "nil" : text(id);
}

const ValueTable::PrefixIndex& ValueTable::prefix_index(ValueId id) {
  auto [stored, inserted] = prefix_indexes_.try_emplace(id);
  PrefixIndex& index = *stored;
  if (inserted) {
    index.text = text(id);
    uint64_t hash = 0;
    for (size_t i = 0; i < index.text.size(); ++i) {
      if (i % kStride == 0) index.checkpoints.push_back(hash);
      hash = hash * kBase + static_cast<unsigned char>(index.text[i]);
    }
  }
  return index;
}

bool ValueTable::may_be_proper_prefix(ValueId part, ValueId whole) {
  if (whole == kNilId) return false;
  if (part == kNilId) return true;
  const Node& p = nodes_[part];
  if (p.length >= nodes_[whole].length) return false;
  const PrefixIndex& index = prefix_index(whole);
  uint64_t hash = index.checkpoints[p.length / kStride];
  for (uint64_t i = p.length / kStride * kStride; i < p.length; ++i) {
    hash = hash * kBase + static_cast<unsigned char>(index.text[i]);
  }
  return hash == p.hash;
}

}  // namespace ballot::lin::detail
