// Internal to the linearizability checker: the memo of explored configurations (set of linearized
// operations, model state). Open addressing over a flat arena: no allocation per entry, and a
// lookup touches the bitset only when the 64-bit hashes already match.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ballot::lin::detail {

class ConfigCache {
 public:
  size_t size() const { return entries_.size(); }

  // Inserts (state, shape, words); false if present already. The caller guarantees that equal
  // configurations give equal (shape, words), and that `shape` tells how `words` encode a set.
  bool insert(uint64_t hash, uint32_t state, uint64_t shape, const uint64_t* words,
              uint32_t word_count) {
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.entry == kEmpty) {
        slot = {hash, static_cast<uint32_t>(entries_.size())};
        entries_.push_back({arena_.size(), shape, state, word_count});
        arena_.insert(arena_.end(), words, words + word_count);
        return true;
      }
      if (slot.hash == hash && equal(entries_[slot.entry], state, shape, words, word_count)) {
        return false;
      }
    }
  }

 private:
  static constexpr size_t kInitialSlots = 1 << 10;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t entry = kEmpty;
  };
  struct Entry {
    size_t offset;  // into arena_
    uint64_t shape;
    uint32_t state;
    uint32_t word_count;
  };

  bool equal(const Entry& e, uint32_t state, uint64_t shape, const uint64_t* words,
             uint32_t word_count) const {
    return e.state == state && e.shape == shape && e.word_count == word_count &&
           std::equal(words, words + word_count, arena_.begin() + static_cast<ptrdiff_t>(e.offset));
  }

  void grow() {
    std::vector<Slot> old(std::max(kInitialSlots, slots_.size() * 2));
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.entry == kEmpty) continue;
      size_t i = slot.hash & mask;
      while (slots_[i].entry != kEmpty) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::vector<uint64_t> arena_;
};

}  // namespace ballot::lin::detail
