// A 4-ary min-heap: the kernel's event queue. Order comes only from `Less` (time, then the
// sequence number assigned at scheduling), so equal times pop first-in first-out. A 4-ary heap is
// shallower than a binary one and keeps a node's children in one cache line for small events.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/api/require.h"

namespace ballot {

template <class T, class Less>
class EventQueue {
 public:
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const T& top() const {
    BALLOT_REQUIRE(!heap_.empty(), "top() of an empty event queue");
    return heap_.front();
  }

  void push(const T& value) {
    heap_.push_back(value);
    sift_up(heap_.size() - 1);
  }

  T pop() {
    BALLOT_REQUIRE(!heap_.empty(), "pop() from an empty event queue");
    T out = std::move(heap_.front());
    T last = std::move(heap_.back());
    heap_.pop_back();
    if (!heap_.empty()) sift_down(std::move(last));
    return out;
  }

  // Visits every queued element (in no particular order): for releasing owned payloads.
  template <class F>
  void for_each(F&& f) {
    for (T& value : heap_) f(value);
  }

 private:
  static constexpr size_t kArity = 4;

  void sift_up(size_t i) {
    T value = std::move(heap_[i]);
    while (i > 0) {
      const size_t parent = (i - 1) / kArity;
      if (!less_(value, heap_[parent])) break;
      heap_[i] = std::move(heap_[parent]);
      i = parent;
    }
    heap_[i] = std::move(value);
  }

  // Places `value` (the former last element) starting from the root.
  void sift_down(T value) {
    const size_t n = heap_.size();
    size_t i = 0;
    for (;;) {
      const size_t first = i * kArity + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t last = first + kArity < n ? first + kArity : n;
      for (size_t c = first + 1; c < last; ++c)
        if (less_(heap_[c], heap_[best])) best = c;
      if (!less_(heap_[best], value)) break;
      heap_[i] = std::move(heap_[best]);
      i = best;
    }
    heap_[i] = std::move(value);
  }

  std::vector<T> heap_;
  Less less_;
};

}  // namespace ballot
