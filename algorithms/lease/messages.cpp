#include "algorithms/lease/messages.h"

namespace ballot::lease {

int64_t StorageOp::size_bytes() const {
  return 32 + static_cast<int64_t>(key.size() + (value ? value->size() : 0));
}

int64_t StorageSnapshot::size_bytes() const {
  int64_t bytes = 32;
  for (const auto& [key, value] : state) bytes += static_cast<int64_t>(key.size() + value.size());
  return bytes;
}

}  // namespace ballot::lease
