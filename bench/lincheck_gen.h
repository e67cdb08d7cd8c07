// Random register histories at sweep scale, for bench_lincheck_scale and the checker's tests:
// C clients each issue operations one after another (read, write, cas) with random durations and
// gaps, so about C are in flight at any time. Each operation takes effect at a random point
// inside its interval; executing them in that order fills in read results and cas outcomes, so
// the history is linearizable by construction.
//
// A bad variant then changes one read's result to a value it provably cannot see: every
// operation that could have written that value is followed, entirely after it returned and
// entirely before the read was called, by an operation that certainly wrote another value (a
// stale read), or is called after the read returned. No linearization can explain that read.
//
// Header-only, deterministic (splitmix64, no std distributions).
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/history.h"

namespace ballot::lin::gen {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int64_t below(int64_t n) { return static_cast<int64_t>(next() % static_cast<uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }

 private:
  uint64_t state_;
};

struct Params {
  int ops = 3000;
  int clients = 20;
  int values = 5;         // distinct values written; 0: every write a new value
  int read_percent = 50;  // the rest: writes, and cas_percent of all operations
  int cas_percent = 10;
  int64_t max_duration = 20;  // an operation lasts 1..max_duration
  int64_t max_gap = 4;        // a client waits 0..max_gap before its next operation
};

// A linearizable history (see above). Ops are in call order; processes are the clients.
inline History linearizable_history(const Params& p, uint64_t seed) {
  Rng rng(seed);
  History h;
  std::vector<int64_t> point;
  std::vector<int64_t> free_at(static_cast<size_t>(p.clients), 0);
  for (auto& t : free_at) t = rng.below(p.max_gap + 1);
  int next_unique = 1;
  for (int i = 0; i < p.ops; ++i) {
    // The client that is free first issues the next operation (ties: lowest client).
    const auto c =
        static_cast<size_t>(std::min_element(free_at.begin(), free_at.end()) - free_at.begin());
    Op& op = h.ops.emplace_back();
    op.process = static_cast<int32_t>(c);
    op.call = free_at[c];
    op.ret = op.call + 1 + rng.below(p.max_duration);
    op.outcome = Outcome::Ok;
    free_at[c] = op.ret + 1 + rng.below(p.max_gap + 1);
    const int64_t r = rng.below(100);
    auto value = [&] {
      return std::to_string(p.values > 0 ? static_cast<int>(rng.below(p.values)) : next_unique++);
    };
    if (r < p.read_percent) {
      op.kind = OpKind::Read;
    } else if (r < p.read_percent + p.cas_percent) {
      op.kind = OpKind::Cas;
      op.expected = p.values > 0
                        ? value()
                        : std::to_string(std::max<int64_t>(1, next_unique - 1 - rng.below(3)));
      op.value = value();
    } else {
      op.kind = OpKind::Write;
      op.value = value();
    }
    point.push_back(op.call + rng.below(op.ret - op.call + 1));
  }
  std::vector<size_t> order(h.ops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return point[a] < point[b]; });
  std::optional<std::string> state;
  for (size_t i : order) {
    Op& op = h.ops[i];
    switch (op.kind) {
      case OpKind::Read:
        op.value = state;
        break;
      case OpKind::Write:
        state = op.value;
        break;
      case OpKind::Cas:
        if (state == op.expected) {
          state = op.value;
        } else {
          op.outcome = Outcome::Fail;
        }
        break;
      default:
        break;
    }
  }
  return h;
}

// Whether a read at `r` provably cannot see `v` (see the file comment); the read itself is
// ignored as a writer.
inline bool unreadable(const History& h, size_t r, const std::optional<std::string>& v) {
  const Op& read = h.ops[r];
  auto certainly_overwrites = [&](const Op& w) {
    return w.outcome == Outcome::Ok && (w.kind == OpKind::Write || w.kind == OpKind::Cas) &&
           w.value != v;
  };
  auto dominated = [&](int64_t after) {  // some certain overwrite lies in (after, read.call)
    return std::any_of(h.ops.begin(), h.ops.end(), [&](const Op& w) {
      return certainly_overwrites(w) && w.call > after && w.ret < read.call;
    });
  };
  if (!v && !dominated(INT64_MIN)) return false;  // the initial nil
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Op& s = h.ops[i];
    if (i == r || (s.kind != OpKind::Write && s.kind != OpKind::Cas) || s.value != v) continue;
    if (s.outcome == Outcome::Fail && s.kind == OpKind::Cas) continue;  // wrote nothing
    if (s.call > read.ret) continue;                                    // too late
    if (s.outcome != Outcome::Ok || !dominated(s.ret)) return false;
  }
  return true;
}

// The history with one read's result changed to a value it provably cannot see, chosen at random
// among the reads in the middle half; nullopt if no read there has such a value.
inline std::optional<History> with_bad_read(const History& ok, uint64_t seed, size_t* bad_op) {
  Rng rng(seed ^ 0xBAD0BAD0BAD0BAD0ULL);
  std::vector<size_t> reads;
  const size_t n = ok.ops.size();
  for (size_t i = n / 4; i < n - n / 4; ++i) {
    if (ok.ops[i].kind == OpKind::Read) reads.push_back(i);
  }
  // Candidate values: those written somewhere (a value never written is too easy).
  std::vector<std::string> written;
  for (const Op& op : ok.ops) {
    if (op.kind != OpKind::Read && op.value) written.push_back(*op.value);
  }
  std::sort(written.begin(), written.end());
  written.erase(std::unique(written.begin(), written.end()), written.end());
  for (int attempt = 0; attempt < 200 && !reads.empty(); ++attempt) {
    const size_t r = reads[static_cast<size_t>(rng.below(static_cast<int64_t>(reads.size())))];
    // Prefer values written shortly before the read: stale, not absurd.
    std::vector<std::string> recent;
    for (size_t i = r >= 200 ? r - 200 : 0; i < r; ++i) {
      const Op& op = ok.ops[i];
      if (op.kind == OpKind::Write && op.value && op.value != ok.ops[r].value) {
        recent.push_back(*op.value);
      }
    }
    const std::vector<std::string>& pool = recent.empty() ? written : recent;
    const std::string v = pool[static_cast<size_t>(rng.below(static_cast<int64_t>(pool.size())))];
    if (v == ok.ops[r].value || !unreadable(ok, r, v)) continue;
    History bad = ok;
    bad.ops[r].value = v;
    if (bad_op) *bad_op = r;
    return bad;
  }
  return std::nullopt;
}

// The history with one read in the middle half changed to another value written within the 200
// operations before it: often a violation, not always, and not always a stale one.
inline History with_changed_read(const History& ok, uint64_t seed, size_t* changed_op) {
  Rng rng(seed ^ 0x0C4A4E6ED0C4A4E6ULL);
  const size_t n = ok.ops.size();
  History bad = ok;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const size_t r = n / 4 + static_cast<size_t>(rng.below(static_cast<int64_t>(n - n / 2)));
    if (ok.ops[r].kind != OpKind::Read) continue;
    std::vector<std::string> recent;
    for (size_t i = r >= 200 ? r - 200 : 0; i < r; ++i) {
      const Op& op = ok.ops[i];
      if (op.kind == OpKind::Write && op.value && op.value != ok.ops[r].value) {
        recent.push_back(*op.value);
      }
    }
    if (recent.empty()) continue;
    bad.ops[r].value = recent[static_cast<size_t>(rng.below(static_cast<int64_t>(recent.size())))];
    if (changed_op) *changed_op = r;
    return bad;
  }
  return bad;
}

}  // namespace ballot::lin::gen
