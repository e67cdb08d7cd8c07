#include "algorithms/lease/storage.h"

#include <algorithm>

namespace ballot::lease {

FencedStorage::Outcome FencedStorage::apply(int64_t token, uint64_t seq, const std::string& key,
                                            const std::optional<std::string>& value) {
  Outcome out;
  out.highest_before = state_.highest_token;
  uint64_t& last = state_.last_seq[{token, key}];
  if (seq <= last) {
    out.duplicate = true;
    return out;
  }
  if (!admits(token)) return out;
  last = seq;
  out.accepted = true;
  state_.highest_token = std::max(state_.highest_token, token);
  if (value) state_.data[key] = *value;
  auto it = state_.data.find(key);
  if (it != state_.data.end()) out.value = it->second;
  return out;
}

FencedStorage::Outcome FencedStorage::load(int64_t token) {
  Outcome out;
  out.highest_before = state_.highest_token;
  if (!admits(token)) return out;
  out.accepted = true;
  state_.highest_token = std::max(state_.highest_token, token);
  return out;
}

}  // namespace ballot::lease
