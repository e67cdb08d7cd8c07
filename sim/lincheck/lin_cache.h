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
  // Entries are numbered from 0 in insertion order: the new one is size() - 1.
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

  uint32_t state_of(uint32_t entry) const { return entries_[entry].state; }
  uint64_t shape_of(uint32_t entry) const { return entries_[entry].shape; }
  uint32_t word_count_of(uint32_t entry) const { return entries_[entry].word_count; }
  const uint64_t* words_of(uint32_t entry) const { return arena_.data() + entries_[entry].offset; }

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

// Configurations that failed, kept for subsumption: a configuration with the same completed set
// and state as a failed one, that has linearized a superset of its pending operations (and is
// under no fewer normal-form constraints), fails too: every completion of it would complete the
// failed one, whose unlinearized pending operations include its own. The exact memo cannot see
// this: without it, every mix of unknown-outcome operations reaching one configuration is
// explored anew. A failed configuration is its memo entry; this adds 16 bytes per entry and a
// chain per (completed set, state) hash, of which lookups walk the newest kMaxWalk.
class FailedConfigs {
 public:
  // The configuration of memo entry `entry`, whose (completed set, state) hashes to `hash`,
  // failed.
  void add(uint64_t hash, uint32_t entry) {
    if ((records_.size() + 1) * 2 > heads_.size()) grow();
    const size_t slot = hash & (heads_.size() - 1);
    records_.push_back({hash, entry, heads_[slot]});
    heads_[slot] = static_cast<uint32_t>(records_.size() - 1);
  }

  // Whether a failed configuration dominates the one described: same hash, state and completed
  // set (the first finite_words of `words`, laid out as `shape` says), pending set (the rest of
  // `words`) a superset, constraints a superset.
  bool dominated(const ConfigCache& memo, uint64_t hash, uint32_t state, uint64_t shape,
                 uint64_t constraints, const uint64_t* words, uint32_t word_count) const {
    if (heads_.empty()) return false;
    const auto finite_words = static_cast<uint32_t>(shape);
    int walked = 0;
    for (uint32_t r = heads_[hash & (heads_.size() - 1)]; r != kNone && walked < kMaxWalk;
         r = records_[r].next) {
      const Record& record = records_[r];
      if (record.hash != hash) continue;
      ++walked;
      const uint64_t their_shape = memo.shape_of(record.entry);
      if (memo.state_of(record.entry) != state ||
          (their_shape & kShapeBits) != (shape & kShapeBits) ||
          ((their_shape >> kFlagShift) & ~constraints) != 0) {
        continue;
      }
      const uint64_t* theirs = memo.words_of(record.entry);
      if (!std::equal(words, words + finite_words, theirs)) continue;
      const uint32_t their_count = memo.word_count_of(record.entry);
      bool subset = true;
      for (uint32_t w = finite_words; w < their_count && subset; ++w) {
        const uint64_t mine = w < word_count ? words[w] : 0;
        subset = (theirs[w] & ~mine) == 0;
      }
      if (subset) return true;
    }
    return false;
  }

  // Shapes carry the normal-form constraint flags in their top bits.
  static constexpr int kFlagShift = 62;
  static constexpr uint64_t kShapeBits = (uint64_t{1} << kFlagShift) - 1;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr int kMaxWalk = 8;
  struct Record {
    uint64_t hash;
    uint32_t entry;
    uint32_t next;  // older record in the same slot's chain
  };

  void grow() {
    heads_.assign(std::max<size_t>(1 << 10, heads_.size() * 2), kNone);
    const size_t mask = heads_.size() - 1;
    for (size_t r = 0; r < records_.size(); ++r) {
      const size_t slot = records_[r].hash & mask;
      records_[r].next = heads_[slot];
      heads_[slot] = static_cast<uint32_t>(r);
    }
  }

  std::vector<uint32_t> heads_;
  std::vector<Record> records_;
};

}  // namespace ballot::lin::detail
