// A fixture for determinism:sources_catch_violations, never compiled: an algorithm header that
// starts a thread and keeps a hash set.
#pragma once
#include <thread>
#include <unordered_set>

struct ToyNode {
  std::unordered_set<int> peers;
  std::thread worker;
};
