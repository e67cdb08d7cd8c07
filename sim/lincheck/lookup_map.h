// Internal to the linearizability checker: a hash map that can only be looked up, never walked.
// An unordered container's iteration order depends on the standard library and on the order of
// insertions, so a loop over one could make a verdict or an output differ between builds. This
// wrapper has no begin()/end(): a loop over it does not compile, and the order cannot leak.
#pragma once
#include <unordered_map>
#include <utility>

namespace ballot::lin::detail {

template <class Key, class Value>
class LookupMap {
 public:
  // The value stored for `key`, or nullptr. The pointer stays valid until the map is destroyed
  // (std::unordered_map never moves its elements).
  Value* find(const Key& key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  // Inserts {key, Value(args...)} unless `key` is there; returns the stored value and whether it
  // was inserted.
  template <class... Args>
  std::pair<Value*, bool> try_emplace(const Key& key, Args&&... args) {
    auto [it, inserted] = map_.try_emplace(key, std::forward<Args>(args)...);
    return {&it->second, inserted};
  }

 private:
  std::unordered_map<Key, Value> map_;
};

// The guarantee itself, checked by every build that includes this header.
template <class T>
concept Walkable = requires(T& t) {
  t.begin();
}
|| requires(T& t) {
  begin(t);
};
static_assert(Walkable<std::unordered_map<int, int>>, "the check must see a walkable map");
static_assert(!Walkable<LookupMap<int, int>>, "LookupMap must not be iterable");

}  // namespace ballot::lin::detail
