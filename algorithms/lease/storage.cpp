#include "algorithms/lease/storage.h"

#include <algorithm>

namespace ballot::lease {

FencedStorage::Outcome FencedStorage::apply(int64_t token, const std::string& key,
                                            const std::optional<std::string>& value) {
  Outcome out;
  out.highest_before = state_.highest_token;
  if (!admits(token)) return out;
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
