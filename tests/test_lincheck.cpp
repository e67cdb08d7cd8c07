// The linearizability checker (sim/lincheck/lincheck.h) and the history parsers
// (sim/lincheck/history_parse.h): the known verdicts of the Jepsen histories in
// tests/data/linearizability, hand-made histories with known answers, a differential test against
// brute-force enumeration over many seeds, and malformed input.
//
// Reproduce: build/test_lincheck "[lincheck]"
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "bench/lincheck_gen.h"
#include "sim/lincheck/history_parse.h"
#include "sim/lincheck/lin_ops.h"
#include "sim/lincheck/lin_search.h"
#include "sim/lincheck/lin_window.h"
#include "sim/lincheck/lincheck.h"
#include "support/datadriven.h"

using namespace ballot::lin;

namespace {

// ---------------------------------------------------------------------------------------------
// The histories with known verdicts, kept in the repository (tests/data/linearizability/README.md)

std::string lin_data_dir() {
  const std::string dir = BALLOT_SOURCE_DIR "/tests/data/linearizability";
  if (!std::filesystem::is_directory(dir))
    FAIL("test data missing: expected the directory " << dir);
  return dir;
}

// The README's verdicts: exactly these etcd logs are linearizable; 095 is empty.
const std::set<int> kEtcdLinearizable = {2,  5,  7,  18, 25, 31, 38, 45, 48,  49,  51, 53,
                                         56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102};
constexpr int kEtcdEmpty = 95;
constexpr int kEtcdLast = 102;

std::string etcd_file(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "/etcd/etcd_%03d.log", i);
  return lin_data_dir() + name;
}

const char* const kKvFiles[] = {"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"};

std::string kv_file(const std::string& name) {
  return lin_data_dir() + "/kv/" + name + ".txt";
}

History load(const std::string& path) {
  ParseResult parsed = parse_history_file(path);
  if (const auto* error = std::get_if<ParseError>(&parsed)) {
    FAIL(error->file << ":" << error->line << ": " << error->message);
  }
  return std::get<History>(parsed);
}

ParseError parse_error(const std::string& text, HistoryFormat format = HistoryFormat::Auto) {
  ParseResult parsed = parse_history(text, "input.edn", format);
  if (!std::holds_alternative<ParseError>(parsed)) FAIL("expected a parse error for:\n" << text);
  return std::get<ParseError>(parsed);
}

History parse_ok(const std::string& text) {
  ParseResult parsed = parse_history(text, "input.edn");
  if (const auto* error = std::get_if<ParseError>(&parsed)) {
    FAIL("line " << error->line << ": " << error->message << "\nin:\n" << text);
  }
  return std::get<History>(parsed);
}

// ---------------------------------------------------------------------------------------------
// Hand-made histories

Op make(OpKind kind, std::optional<std::string> value, int64_t call, int64_t ret,
        Outcome outcome = Outcome::Ok) {
  Op op;
  op.kind = kind;
  op.value = std::move(value);
  op.call = call;
  op.ret = outcome == Outcome::Info ? kPendingReturn : ret;
  op.outcome = outcome;
  return op;
}

Op read(std::optional<std::string> result, int64_t call, int64_t ret) {
  return make(OpKind::Read, std::move(result), call, ret);
}
Op write(std::string v, int64_t call, int64_t ret) {
  return make(OpKind::Write, v, call, ret);
}
Op pending_write(std::string v, int64_t call) {
  return make(OpKind::Write, v, call, kPendingReturn, Outcome::Info);
}
Op cas(std::string from, std::string to, int64_t call, int64_t ret, Outcome outcome) {
  Op op = make(OpKind::Cas, to, call, ret, outcome);
  op.expected = from;
  return op;
}
Op keyed(Op op, std::string key) {
  op.key = std::move(key);
  return op;
}
Op get(std::string key, std::string result, int64_t call, int64_t ret) {
  return keyed(make(OpKind::Get, result, call, ret), key);
}
Op append(std::string key, std::string v, int64_t call, int64_t ret) {
  return keyed(make(OpKind::Append, v, call, ret), key);
}
Op put(std::string key, std::string v, int64_t call, int64_t ret) {
  return keyed(make(OpKind::Put, v, call, ret), key);
}

History history(std::vector<Op> ops) {
  for (size_t i = 0; i < ops.size(); ++i) ops[i].process = static_cast<int32_t>(i);
  return History{std::move(ops)};
}

bool window_has(const Verdict& v, size_t index) {
  return std::find(v.failing_window.begin(), v.failing_window.end(), index) !=
         v.failing_window.end();
}

// Checks what a minimal failing window promises, deciding each relaxed history with `decide`
// (true: linearizable): the window is one key's, relaxing everything else still fails, and
// relaxing any one more of its operations passes.
template <typename Decide>
void require_minimal_window(const History& h, const Verdict& v, Decide decide) {
  REQUIRE_FALSE(v.linearizable);
  REQUIRE(v.window_minimal);
  REQUIRE_FALSE(v.failing_window.empty());
  REQUIRE(std::is_sorted(v.failing_window.begin(), v.failing_window.end()));
  for (size_t i : v.failing_window) {
    REQUIRE(i < h.ops.size());
    REQUIRE(h.ops[i].key == h.ops[v.failing_window.front()].key);
  }
  REQUIRE_FALSE(decide(relax_outside(h, v.failing_window)));
  for (size_t k = 0; k < v.failing_window.size(); ++k) {
    std::vector<size_t> smaller = v.failing_window;
    smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(k));
    INFO("relaxing operation " << v.failing_window[k] << " too");
    REQUIRE(decide(relax_outside(h, smaller)));
  }
}

// The checker alone, without shrinking (the property under test is the shrinking's).
bool checker_says_linearizable(const History& h, Model model) {
  CheckOptions options;
  options.max_window_steps = 0;
  const Verdict v = check(h, model, options);
  REQUIRE_FALSE(v.timed_out);
  return v.linearizable;
}

// ---------------------------------------------------------------------------------------------
// Brute force: every order of the operations that respects real time, straight from the
// definitions (Herlihy & Wing 1990), memoized on (set used, state). Independent of the checker.

class BruteForce {
 public:
  BruteForce(const History& h, Model model) : h_(h), kv_(model == Model::KeyValue) {
    for (size_t i = 0; i < h.ops.size(); ++i) {
      const Op& op = h.ops[i];
      const bool observes = op.kind == OpKind::Read || op.kind == OpKind::Get;
      // Failed or unknown reads and failed writes constrain nothing.
      if (observes && op.outcome != Outcome::Ok) continue;
      if (!observes && op.kind != OpKind::Cas && op.outcome == Outcome::Fail) continue;
      considered_.push_back(i);
    }
  }

  bool linearizable() {
    std::set<std::string> keys;
    for (const Op& op : h_.ops) keys.insert(op.key);
    for (const std::string& key : keys) {
      key_ = key;
      failed_.clear();
      if (!search(0, initial())) return false;
    }
    return true;
  }

 private:
  using State = std::optional<std::string>;

  State initial() const { return kv_ ? State("") : State(); }
  State norm(const State& v) const { return kv_ && !v ? State("") : v; }
  int64_t ret_of(const Op& op) const {
    return op.outcome == Outcome::Info ? kPendingReturn : op.ret;
  }

  bool in_key(size_t i) const { return h_.ops[i].key == key_; }

  bool search(uint32_t used, const State& state) {
    bool done = true;
    for (size_t k = 0; k < considered_.size(); ++k) {
      const Op& op = h_.ops[considered_[k]];
      if (in_key(considered_[k]) && !(used >> k & 1) && op.outcome != Outcome::Info) done = false;
    }
    if (done) return true;
    const std::string memo = std::to_string(used) + "|" + (state ? "s" + *state : "nil");
    if (failed_.count(memo)) return false;
    for (size_t k = 0; k < considered_.size(); ++k) {
      if ((used >> k & 1) || !in_key(considered_[k]) || !callable(used, k)) continue;
      State next;
      if (step(h_.ops[considered_[k]], state, next) && search(used | (1u << k), next)) return true;
    }
    failed_.insert(memo);
    return false;
  }

  // No unused op of this key returned before op k was called.
  bool callable(uint32_t used, size_t k) const {
    const Op& op = h_.ops[considered_[k]];
    for (size_t j = 0; j < considered_.size(); ++j) {
      if (j == k || (used >> j & 1) || !in_key(considered_[j])) continue;
      if (ret_of(h_.ops[considered_[j]]) < op.call) return false;
    }
    return true;
  }

  bool step(const Op& op, const State& s, State& next) const {
    next = s;
    switch (op.kind) {
      case OpKind::Read:
      case OpKind::Get:
        return norm(op.value) == s;
      case OpKind::Write:
      case OpKind::Put:
        next = norm(op.value);
        return true;
      case OpKind::Append:
        next = s.value_or("") + op.value.value_or("");
        return true;
      case OpKind::Cas: {
        const bool match = norm(op.expected) == s;
        if (op.outcome == Outcome::Ok) {
          next = norm(op.value);
          return match;
        }
        if (op.outcome == Outcome::Fail) return !match;
        if (match) next = norm(op.value);
        return true;
      }
    }
    return false;
  }

  const History& h_;
  bool kv_;
  std::vector<size_t> considered_;
  std::string key_;
  std::set<std::string> failed_;
};

// Deterministic generator for the differential tests: the benchmark generator's splitmix64 (no
// std distributions).
using Rng = gen::Rng;

// Changes one read result or cas outcome, if there is one (the result may become impossible).
void corrupt_one_observation(Rng& rng, History& h) {
  std::vector<size_t> observers;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Op& op = h.ops[i];
    if (op.outcome != Outcome::Info && op.kind != OpKind::Write && op.kind != OpKind::Put &&
        op.kind != OpKind::Append) {
      observers.push_back(i);
    }
  }
  if (observers.empty()) return;
  Op& victim = h.ops[observers[static_cast<size_t>(rng.below(static_cast<int>(observers.size())))]];
  const std::optional<std::string> reads[] = {std::nullopt, "0", "1", "2"};
  const std::optional<std::string> gets[] = {"", "x", "y", "xy", "yx", "xx"};
  switch (victim.kind) {
    case OpKind::Cas:
      victim.outcome = victim.outcome == Outcome::Ok ? Outcome::Fail : Outcome::Ok;
      break;
    case OpKind::Read:
      while (true) {
        const auto v = reads[rng.below(4)];
        if (v == victim.value) continue;
        victim.value = v;
        break;
      }
      break;
    default:
      while (true) {
        const auto v = gets[rng.below(6)];
        if (v == victim.value) continue;
        victim.value = v;
        break;
      }
  }
}

// Random intervals; results come from executing the ops at random points inside their intervals
// (so the history is linearizable), then, half the time, one result is corrupted.
History random_history(Rng& rng, Model model, int max_ops, int unknown_percent) {
  const bool kv = model == Model::KeyValue;
  const int n = 2 + rng.below(max_ops - 1);
  const char* const reg_values[] = {"0", "1", "2"};
  const char* const kv_values[] = {"x", "y", ""};
  History h;
  std::vector<int64_t> point;
  for (int i = 0; i < n; ++i) {
    // Built in place: GCC 12 at -O3 warns falsely (-Wmaybe-uninitialized) about copying a local
    // Op's optional value into the vector.
    Op& op = h.ops.emplace_back();
    op.process = i;
    op.call = rng.below(2 * max_ops);
    op.ret = op.call + rng.below(8);
    op.key = kv && rng.chance(30) ? "k2" : "";
    const int r = rng.below(10);
    const char* v = kv ? kv_values[rng.below(3)] : reg_values[rng.below(3)];
    if (kv) {
      op.kind = r < 4 ? OpKind::Get : r < 8 ? OpKind::Append : OpKind::Put;
    } else {
      op.kind = r < 4 ? OpKind::Read : r < 7 ? OpKind::Write : OpKind::Cas;
    }
    if (op.kind != OpKind::Read && op.kind != OpKind::Get) op.value = v;
    if (op.kind == OpKind::Cas) op.expected = reg_values[rng.below(3)];
    op.outcome = rng.chance(unknown_percent) ? Outcome::Info : Outcome::Ok;
    // Unknown ops take effect half the time, at any point after their call.
    const bool takes_effect = op.outcome != Outcome::Info || rng.chance(50);
    point.push_back(takes_effect ? op.call + rng.below(static_cast<int>(op.ret - op.call) + 1)
                                 : INT64_MAX);
    if (op.outcome == Outcome::Info) op.ret = kPendingReturn;
  }
  // Execute in linearization-point order to fill in results.
  std::vector<size_t> order(h.ops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return point[a] < point[b]; });
  std::map<std::string, std::optional<std::string>> state;
  for (size_t i : order) {
    Op& op = h.ops[i];
    auto& s =
        state.try_emplace(op.key, kv ? std::optional<std::string>("") : std::nullopt).first->second;
    if (point[i] == INT64_MAX) continue;
    switch (op.kind) {
      case OpKind::Read:
      case OpKind::Get:
        op.value = s;
        break;
      case OpKind::Write:
      case OpKind::Put:
        s = op.value;
        break;
      case OpKind::Append:
        s = s.value_or("") + *op.value;
        break;
      case OpKind::Cas:
        if (s == op.expected) {
          s = op.value;
        } else if (op.outcome == Outcome::Ok) {
          op.outcome = Outcome::Fail;
        }
    }
  }
  if (rng.chance(50)) corrupt_one_observation(rng, h);
  return h;
}

std::string dump(const History& h) {
  return to_edn(h);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Known verdicts on the Jepsen and key-value histories.

TEST_CASE("every etcd history reaches its known verdict", "[lincheck][data]") {
  int linearizable = 0, violations = 0;
  for (int i = 0; i <= kEtcdLast; ++i) {
    if (i == kEtcdEmpty) continue;
    const std::string path = etcd_file(i);
    const History h = load(path);
    REQUIRE(!h.ops.empty());
    const Verdict v = check(h, Model::Register);
    const bool expected = kEtcdLinearizable.count(i) > 0;
    INFO(path << ": " << v.explanation << "\nreproduce: ballot lincheck " << path);
    CHECK(v.linearizable == expected);
    CHECK_FALSE(v.timed_out);
    if (!v.linearizable) {
      CHECK_FALSE(v.explanation.empty());
      require_minimal_window(
          h, v, [](const History& r) { return checker_says_linearizable(r, Model::Register); });
      ++violations;
    } else {
      ++linearizable;
    }
  }
  CHECK(linearizable == 23);
  CHECK(violations == 79);
}

TEST_CASE("the empty etcd history parses to no operations", "[lincheck][data]") {
  CHECK(load(etcd_file(kEtcdEmpty)).ops.empty());
  CHECK(check(History{}, Model::Register).linearizable);
}

TEST_CASE("every kv history reaches its known verdict", "[lincheck][data]") {
  for (const std::string name : kKvFiles) {
    const History h = load(kv_file(name));
    REQUIRE(infer_model(h) == Model::KeyValue);
    const Verdict v = check(h, Model::KeyValue);
    INFO(name << ": " << v.explanation);
    CHECK(v.linearizable == (name.find("-ok") != std::string::npos));
    CHECK_FALSE(v.timed_out);
    if (!v.linearizable) {
      require_minimal_window(
          h, v, [](const History& r) { return checker_says_linearizable(r, Model::KeyValue); });
    }
  }
}

TEST_CASE("a tiny budget gives no verdict rather than a wrong one", "[lincheck][data]") {
  CheckOptions tiny;
  tiny.max_steps = 10;
  const Verdict v = check(load(kv_file("c50-ok")), Model::KeyValue, tiny);
  CHECK(v.timed_out);
  CHECK_FALSE(v.linearizable);
  CHECK(v.explanation.find("budget") != std::string::npos);
  CheckOptions few_states;
  few_states.max_states = 5;
  CHECK(check(load(etcd_file(2)), Model::Register, few_states).timed_out);
}

// ---------------------------------------------------------------------------------------------
// Hand-made histories.

TEST_CASE("sequential register operations", "[lincheck]") {
  CHECK(check(history({write("1", 0, 1), read("1", 2, 3)}), Model::Register).linearizable);
  CHECK(check(history({read(std::nullopt, 0, 1), write("1", 2, 3)}), Model::Register).linearizable);
}

TEST_CASE("a stale read is a violation and the window holds the read", "[lincheck]") {
  const History h = history({write("1", 0, 1), read(std::nullopt, 2, 3)});
  const Verdict v = check(h, Model::Register);
  CHECK_FALSE(v.linearizable);
  CHECK_FALSE(v.timed_out);
  CHECK(window_has(v, 1));
  CHECK(v.explanation.find("read -> nil") != std::string::npos);
}

TEST_CASE("a lost write is a violation", "[lincheck]") {
  const History h = history({write("1", 0, 1), write("2", 2, 3), read("1", 4, 5)});
  const Verdict v = check(h, Model::Register);
  CHECK_FALSE(v.linearizable);
  CHECK(window_has(v, 2));
}

TEST_CASE("cas on the wrong value is a violation", "[lincheck]") {
  CHECK_FALSE(check(history({write("1", 0, 1), cas("2", "3", 2, 3, Outcome::Ok)}), Model::Register)
                  .linearizable);
  // A failed cas says the value differed: failing on the current value is a violation too.
  CHECK_FALSE(
      check(history({write("1", 0, 1), cas("1", "3", 2, 3, Outcome::Fail)}), Model::Register)
          .linearizable);
  CHECK(check(history({write("1", 0, 1), cas("2", "3", 2, 3, Outcome::Fail), read("1", 4, 5)}),
              Model::Register)
            .linearizable);
  CHECK(check(history({write("1", 0, 1), cas("1", "3", 2, 3, Outcome::Ok), read("3", 4, 5)}),
              Model::Register)
            .linearizable);
}

TEST_CASE("concurrent operations can be ordered either way, but consistently", "[lincheck]") {
  // Two overlapping writes, then sequential reads.
  auto with_reads = [](const char* first, const char* second) {
    return history({write("1", 0, 5), write("2", 1, 6), read(first, 7, 8), read(second, 9, 10)});
  };
  CHECK(check(with_reads("1", "1"), Model::Register).linearizable);
  CHECK(check(with_reads("2", "2"), Model::Register).linearizable);
  CHECK_FALSE(check(with_reads("1", "2"), Model::Register).linearizable);
  CHECK_FALSE(check(with_reads("2", "1"), Model::Register).linearizable);
  // A read overlapping a write may see the old or the new value.
  CHECK(check(history({write("1", 0, 5), read("1", 1, 2)}), Model::Register).linearizable);
  CHECK(check(history({write("1", 0, 5), read(std::nullopt, 1, 2)}), Model::Register).linearizable);
  // Ops touching at one instant count as concurrent.
  CHECK(check(history({write("1", 0, 5), read(std::nullopt, 5, 6)}), Model::Register).linearizable);
}

TEST_CASE("pending writes may take effect at any later point, or never", "[lincheck]") {
  // Observed long after its call.
  CHECK(check(history({pending_write("1", 0), read(std::nullopt, 5, 6), read("1", 7, 8)}),
              Model::Register)
            .linearizable);
  // Never observed.
  CHECK(check(history({pending_write("1", 0), read(std::nullopt, 5, 6)}), Model::Register)
            .linearizable);
  // But once observed it has happened: the old value cannot come back.
  const Verdict v = check(
      history({pending_write("1", 0), read("1", 5, 6), read(std::nullopt, 7, 8)}), Model::Register);
  CHECK_FALSE(v.linearizable);
  CHECK(window_has(v, 2));
  // Not before its call.
  CHECK_FALSE(
      check(history({read("1", 0, 1), pending_write("1", 2)}), Model::Register).linearizable);
  // An unknown cas may apply or not.
  Op unknown_cas = cas(std::string("1"), "2", 2, 3, Outcome::Info);
  CHECK(check(history({write("1", 0, 1), unknown_cas, read("1", 4, 5)}), Model::Register)
            .linearizable);
  CHECK(check(history({write("1", 0, 1), unknown_cas, read("2", 4, 5)}), Model::Register)
            .linearizable);
}

TEST_CASE("failed reads constrain nothing, and failed writes did not happen", "[lincheck]") {
  Op timed_out_read = make(OpKind::Read, std::nullopt, 2, 3, Outcome::Fail);
  CHECK(check(history({write("1", 0, 1), timed_out_read, read("1", 4, 5)}), Model::Register)
            .linearizable);
  Op failed_write = make(OpKind::Write, "2", 2, 3, Outcome::Fail);
  CHECK(check(history({write("1", 0, 1), failed_write, read("1", 4, 5)}), Model::Register)
            .linearizable);
  CHECK_FALSE(check(history({write("1", 0, 1), failed_write, read("2", 4, 5)}), Model::Register)
                  .linearizable);
}

TEST_CASE("key-value appends must be seen in one order", "[lincheck]") {
  CHECK(check(history({append("k", "a", 0, 1), append("k", "b", 2, 3), get("k", "ab", 4, 5)}),
              Model::KeyValue)
            .linearizable);
  const Verdict v =
      check(history({append("k", "a", 0, 1), append("k", "b", 2, 3), get("k", "ba", 4, 5)}),
            Model::KeyValue);
  CHECK_FALSE(v.linearizable);
  CHECK(window_has(v, 2));
  // Concurrent appends: either order, but every reader agrees.
  CHECK(check(history({append("k", "a", 0, 5), append("k", "b", 0, 5), get("k", "ba", 6, 7)}),
              Model::KeyValue)
            .linearizable);
  CHECK_FALSE(check(history({append("k", "a", 0, 5), append("k", "b", 0, 5), get("k", "ba", 6, 7),
                             get("k", "ab", 8, 9)}),
                    Model::KeyValue)
                  .linearizable);
  // Every key starts as "", and a put resets it.
  CHECK(check(history({get("k", "", 0, 1), put("k", "z", 2, 3), append("k", "a", 4, 5),
                       get("k", "za", 6, 7)}),
              Model::KeyValue)
            .linearizable);
}

TEST_CASE("keys are independent, and the window stays within the violating key", "[lincheck]") {
  const History h = history({append("x", "a", 0, 1), append("y", "b", 0, 1), get("x", "a", 2, 3),
                             get("y", "", 2, 3), get("x", "a", 4, 5)});
  const Verdict v = check(h, Model::KeyValue);
  CHECK_FALSE(v.linearizable);
  CHECK(window_has(v, 3));
  for (size_t i : v.failing_window) CHECK(h.ops[i].key == "y");
  CHECK(v.explanation.find("\"y\"") != std::string::npos);
  // The same ops on registers with keys.
  const History r = history({keyed(write("1", 0, 1), "a"), keyed(read(std::nullopt, 2, 3), "b"),
                             keyed(read("1", 2, 3), "a")});
  CHECK(check(r, Model::Register).linearizable);
}

TEST_CASE("the failing window is minimal: bystanders are left out", "[lincheck][window]") {
  // A stale read (ops 0-2) amid operations that were open where the search got stuck but play no
  // part: a concurrent write of 3, its read, a failed cas, a timed-out write.
  const History h =
      history({write("1", 0, 1), write("2", 2, 3), write("3", 4, 10), read("1", 4, 5),
               cas("7", "8", 4, 6, Outcome::Fail), pending_write("9", 5), read("3", 11, 12)});
  const Verdict v = check(h, Model::Register);
  CHECK(v.failing_window == std::vector<size_t>{0, 1, 3});
  CHECK(v.window_minimal);
  require_minimal_window(
      h, v, [](const History& r) { return checker_says_linearizable(r, Model::Register); });
  // Without shrinking, the read is still refuted as stale before any search (write 2 certainly
  // overwrote 1 before it was called): that proof's window, not claimed minimal.
  CheckOptions no_shrinking;
  no_shrinking.max_window_steps = 0;
  const Verdict raw = check(h, Model::Register, no_shrinking);
  CHECK_FALSE(raw.linearizable);
  CHECK_FALSE(raw.window_minimal);
  CHECK(raw.failing_window == std::vector<size_t>{0, 1, 3});
}

TEST_CASE("an unshrunk violation found by the search is reported where it got stuck",
          "[lincheck][window]") {
  // 1, 2, 1, 2, 1 read one after another (ops 4-8) while the writes, two of each value, are open
  // throughout: no writer returns before a read, and none is the only one that can explain a
  // read, so no read is stale; yet four writes cannot make five changes. Bystanders as above.
  // Minimal: the reads alone (relaxed, each write still takes effect at most once).
  const History h =
      history({write("1", 0, 20), write("1", 0, 20), write("2", 0, 20), write("2", 0, 20),
               read("1", 1, 2), read("2", 3, 4), read("1", 5, 6), read("2", 7, 8), read("1", 9, 10),
               cas("7", "8", 9, 11, Outcome::Fail), pending_write("9", 9), read("1", 21, 22)});
  const Verdict v = check(h, Model::Register);
  CHECK(v.failing_window == std::vector<size_t>{4, 5, 6, 7, 8});
  require_minimal_window(
      h, v, [](const History& r) { return checker_says_linearizable(r, Model::Register); });
  CheckOptions no_shrinking;
  no_shrinking.max_window_steps = 0;
  const Verdict raw = check(h, Model::Register, no_shrinking);
  CHECK_FALSE(raw.linearizable);
  CHECK_FALSE(raw.window_minimal);
  CHECK(raw.explanation.find("the search got furthest") != std::string::npos);
  CHECK(window_has(raw, 8));
}

TEST_CASE("a failed operation whose failure is the contradiction stays in the window",
          "[lincheck][window]") {
  // The only write of 5 failed, yet 5 was read: relaxing the failed write (it may have happened)
  // explains the read, so both are in the window.
  Op failed = write("5", 0, 1);
  failed.outcome = Outcome::Fail;
  const History h = history({failed, write("6", 2, 3), read("5", 4, 5)});
  const Verdict v = check(h, Model::Register);
  CHECK(v.failing_window == std::vector<size_t>{0, 2});
  CHECK(v.window_minimal);
}

TEST_CASE("relax_outside gives every other operation the benefit of the doubt",
          "[lincheck][window]") {
  const History h = history({write("1", 0, 1), read("1", 2, 3), cas("1", "2", 4, 5, Outcome::Fail),
                             keyed(make(OpKind::Get, "a", 6, 7), "k"),
                             keyed(make(OpKind::Append, "b", 8, 9), "k")});
  const History r = relax_outside(h, {1});
  REQUIRE(r.ops.size() == h.ops.size());
  CHECK(r.ops[0].outcome == Outcome::Info);
  CHECK(r.ops[0].ret == kPendingReturn);
  CHECK(r.ops[0].call == 0);
  CHECK(r.ops[1].outcome == Outcome::Ok);  // kept as recorded
  CHECK(r.ops[1].ret == 3);
  CHECK(r.ops[2].outcome == Outcome::Info);  // the compare may have matched after all
  CHECK(r.ops[3].outcome == Outcome::Fail);  // a get without a result constrains nothing
  CHECK(r.ops[4].outcome == Outcome::Info);
  CHECK(r.ops[4].value == h.ops[4].value);
}

TEST_CASE("runs of unknown appends ending at an unreachable read are cut early",
          "[lincheck][window]") {
  // 16 appends of unknown outcome, then a read of a value no order of them can build (it starts
  // with a put's value that no put provides). Every order of every subset used to be tried
  // before the read rejected it (16! runs); the run lookahead stops each run at its first step.
  std::vector<Op> ops;
  for (int i = 0; i < 16; ++i) {
    ops.push_back(
        keyed(make(OpKind::Append, "<" + std::to_string(i) + ">", i, kPendingReturn, Outcome::Info),
              "k"));
  }
  ops.push_back(get("k", "zz<1><2>", 20, 21));
  const History h = history(ops);
  CheckOptions budget;
  budget.max_states = 5'000;
  const Verdict v = check(h, Model::KeyValue, budget);
  CHECK_FALSE(v.timed_out);
  CHECK_FALSE(v.linearizable);
  CHECK(v.failing_window == std::vector<size_t>{16});
  // And a value they can build is found.
  ops.back() = get("k", "<3><1><2>", 20, 21);
  CHECK(check(history(ops), Model::KeyValue, budget).linearizable);
}

TEST_CASE("without a budget to shrink, the window is failing but not claimed minimal",
          "[lincheck][window]") {
  const History h = load(etcd_file(3));
  CheckOptions tiny;
  tiny.max_window_steps = 1;
  const Verdict v = check(h, Model::Register, tiny);
  CHECK_FALSE(v.linearizable);
  CHECK_FALSE(v.timed_out);
  CHECK_FALSE(v.window_minimal);
  CHECK_FALSE(checker_says_linearizable(relax_outside(h, v.failing_window), Model::Register));
}

TEST_CASE("a history whose op returns before its call is rejected", "[lincheck]") {
  CHECK_THROWS_AS(check(history({write("1", 5, 1)}), Model::Register), std::invalid_argument);
}

TEST_CASE("describe renders operations for people", "[lincheck]") {
  CHECK(describe(read("3", 0, 1)) == "read -> 3");
  CHECK(describe(read(std::nullopt, 0, 1)) == "read -> nil");
  CHECK(describe(cas("1", "2", 0, 1, Outcome::Fail)) == "cas 1 -> 2 (failed)");
  CHECK(describe(pending_write("4", 0)) == "write 4 (unknown outcome)");
  CHECK(describe(get("k", "ab", 0, 1)) == "get \"k\" -> \"ab\"");
  CHECK(describe(append("k", "x", 0, 1)) == "append \"k\" \"x\"");
}

// ---------------------------------------------------------------------------------------------
// Differential test: the checker agrees with brute force on random small histories.

// Over `seeds` random histories of up to `max_ops` operations per model.
void agree_with_brute_force(int seeds, int max_ops, int unknown_percent) {
  for (Model model : {Model::Register, Model::KeyValue}) {
    int linearizable = 0, violations = 0;
    for (int seed = 0; seed < seeds; ++seed) {
      Rng rng(static_cast<uint64_t>(seed) * 2 + (model == Model::KeyValue) +
              (static_cast<uint64_t>(max_ops) << 32) +
              (static_cast<uint64_t>(unknown_percent) << 40));
      const History h = random_history(rng, model, max_ops, unknown_percent);
      const bool expected = BruteForce(h, model).linearizable();
      const Verdict v = check(h, model);
      INFO("model " << (model == Model::Register ? "register" : "kv") << ", max_ops " << max_ops
                    << ", unknown " << unknown_percent << "%"
                    << ", seed " << seed << ", history:\n"
                    << dump(h) << v.explanation);
      REQUIRE(v.linearizable == expected);
      REQUIRE_FALSE(v.timed_out);
      if (!expected) {
        // The window is minimal by brute force's judgement, not only the checker's.
        require_minimal_window(
            h, v, [&](const History& r) { return BruteForce(r, model).linearizable(); });
      }
      (expected ? linearizable : violations) += 1;
    }
    // Both answers must be common, or the test could not fail.
    CHECK(linearizable > seeds / 5);
    CHECK(violations > seeds / 5);
  }
}

TEST_CASE("the checker agrees with brute force on random histories", "[lincheck][property]") {
  SECTION("up to 10 operations, 4000 seeds per model") {
    agree_with_brute_force(4000, 10, 15);
  }
  SECTION("up to 16 operations, 1000 seeds per model") {
    agree_with_brute_force(1000, 16, 15);
  }
  SECTION("mostly unknown outcomes, 2000 seeds per model") {
    agree_with_brute_force(2000, 12, 60);
  }
}

// ---------------------------------------------------------------------------------------------
// Stale observations: refuted before any search
// (docs/lincheck.md#before-and-beside-the-search-proofs-that-need-no-search).

// A check whose budget no search at this scale could live on: the verdict must come from the
// stale-observation proof or an easy search.
CheckOptions small_search_budget() {
  CheckOptions options;
  options.max_states = 20'000;
  options.max_steps = 400'000;
  return options;
}

TEST_CASE("a read of a value certainly overwritten is refuted before any search",
          "[lincheck][stale]") {
  SECTION("the only write of the value is followed by another before the read") {
    const History h = history({write("1", 0, 1), write("2", 2, 3), read("1", 4, 5)});
    const Verdict v = check(h, Model::Register, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.failing_window == std::vector<size_t>{0, 1, 2});
    CHECK(v.window_minimal);
    CHECK(v.explanation.find("cannot have seen its value") != std::string::npos);
  }
  SECTION("the initial nil, after a completed write") {
    const History h = history({write("1", 0, 1), read(std::nullopt, 2, 3)});
    const Verdict v = check(h, Model::Register);
    CHECK_FALSE(v.linearizable);
    CHECK(v.failing_window == std::vector<size_t>{0, 1});
    CHECK(v.explanation.find("initial value") != std::string::npos);
  }
  SECTION("every writer of the value overwritten, each by its own successor") {
    const History h = history({write("1", 0, 1), write("2", 2, 3), write("1", 4, 5),
                               cas("1", "3", 6, 7, Outcome::Ok), read("1", 8, 9)});
    const Verdict v = check(h, Model::Register);
    CHECK_FALSE(v.linearizable);
    CHECK(window_has(v, 4));
    require_minimal_window(
        h, v, [](const History& r) { return checker_says_linearizable(r, Model::Register); });
  }
  SECTION("a failed write of the value belongs to the window") {
    // Relaxed, the failed write could have written 1 after write 2: it is part of the proof.
    const History h = history({write("1", 0, 1), write("2", 2, 3),
                               make(OpKind::Write, "1", 2, 3, Outcome::Fail), read("1", 4, 5)});
    const Verdict v = check(h, Model::Register);
    CHECK_FALSE(v.linearizable);
    CHECK(window_has(v, 2));
    require_minimal_window(
        h, v, [](const History& r) { return checker_says_linearizable(r, Model::Register); });
  }
  SECTION("key-value puts and gets too, and a missing key reads as the empty string") {
    const History h = history({put("k", "a", 0, 1), put("k", "b", 2, 3), get("k", "a", 4, 5),
                               get("j", "", 0, 1), put("j", "c", 2, 3), get("j", "", 4, 5)});
    const Verdict v = check(h, Model::KeyValue, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.failing_window == std::vector<size_t>{4, 5});  // key "j" comes first
    CHECK(v.window_minimal);
  }
  SECTION("a successful cas observes too") {
    const History h =
        history({write("1", 0, 1), write("2", 2, 3), cas("1", "5", 4, 5, Outcome::Ok)});
    const Verdict v = check(h, Model::Register);
    CHECK_FALSE(v.linearizable);
    CHECK(v.failing_window == std::vector<size_t>{0, 1, 2});
  }
}

TEST_CASE("a completed operation that saw another value rules the writer out too",
          "[lincheck][stale]") {
  // Between the writer and the read (after its return, before the read's call), an operation
  // that cannot happen while the value stays the writer's: no write in between is needed.
  SECTION("a read of another value: the new-old inversion") {
    const History h = history({write("1", 0, 1), write("2", 2, 10), read("2", 3, 4),
                               read("1", 5, 6), cas("7", "8", 5, 7, Outcome::Fail)});
    detail::Partition partition = detail::partition_by_key(h, Model::Register).begin()->second;
    const auto stale = detail::find_stale_observation(h, partition);
    REQUIRE(stale);
    CHECK(stale->observer == 3);
    CHECK(stale->overwriter == 2);
    const Verdict v = check(h, Model::Register, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.explanation.find("cannot have seen its value") != std::string::npos);
    CHECK(v.explanation.find("such as process 2 read -> 2") != std::string::npos);
    CHECK(v.failing_window == std::vector<size_t>{0, 2, 3});
    CHECK(v.window_minimal);
    require_minimal_window(
        h, v, [](const History& r) { return BruteForce(r, Model::Register).linearizable(); });
  }
  SECTION("a failed cas from the value") {
    const History h = history(
        {write("1", 0, 1), write("2", 0, 10), cas("1", "5", 2, 3, Outcome::Fail), read("1", 4, 5)});
    const Verdict v = check(h, Model::Register, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.explanation.find("cannot have seen its value") != std::string::npos);
    CHECK(v.failing_window == std::vector<size_t>{0, 2, 3});
    CHECK(v.window_minimal);
    require_minimal_window(
        h, v, [](const History& r) { return BruteForce(r, Model::Register).linearizable(); });
  }
  SECTION("the initial nil, after a read of a value written by an operation still open") {
    const History h = history({write("1", 0, 10), read("1", 1, 2), read(std::nullopt, 3, 4)});
    const Verdict v = check(h, Model::Register, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.explanation.find("initial value") != std::string::npos);
    CHECK(v.failing_window == std::vector<size_t>{1, 2});
    CHECK(v.window_minimal);
  }
  SECTION("key-value gets") {
    const History h = history(
        {put("k", "a", 0, 1), put("k", "b", 0, 10), get("k", "b", 2, 3), get("k", "a", 4, 5)});
    const Verdict v = check(h, Model::KeyValue, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.explanation.find("cannot have seen its value") != std::string::npos);
    CHECK(v.failing_window == std::vector<size_t>{0, 2, 3});
  }
  SECTION("a value written once is pinned before its first read") {
    // Write 1 is open until 10, but read 1 at [1, 2] needs it, so it came before 2; then 2 was
    // read, and 1 cannot be read again.
    const History h = history(
        {write("1", 0, 10), write("2", 0, 10), read("1", 1, 2), read("2", 3, 4), read("1", 5, 6)});
    detail::Partition partition = detail::partition_by_key(h, Model::Register).begin()->second;
    const auto stale = detail::find_stale_observation(h, partition);
    REQUIRE(stale);
    CHECK(stale->observer == 4);
    CHECK(stale->overwriter == 3);
    CHECK(stale->pinned_by == 2);
    const Verdict v = check(h, Model::Register, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.explanation.find("which only that writer can explain") != std::string::npos);
    CHECK(v.failing_window == std::vector<size_t>{2, 3, 4});
    CHECK(v.window_minimal);
    require_minimal_window(
        h, v, [](const History& r) { return BruteForce(r, Model::Register).linearizable(); });
  }
  SECTION("a writer of unknown outcome is pinned too") {
    const History h = history({pending_write("1", 0), write("2", 0, 10), read("1", 1, 2),
                               read("2", 3, 4), read("1", 5, 6)});
    const Verdict v = check(h, Model::Register, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.explanation.find("cannot have seen its value") != std::string::npos);
    require_minimal_window(
        h, v, [](const History& r) { return BruteForce(r, Model::Register).linearizable(); });
  }
  SECTION("each writer by its own witness") {
    // Two writers of 1; the first is ruled out by a read of 2, the second by a failed cas from 1.
    const History h =
        history({write("1", 0, 1), write("2", 0, 20), read("2", 2, 3), write("1", 2, 4),
                 write("3", 4, 20), cas("1", "6", 5, 6, Outcome::Fail), read("1", 7, 8)});
    const Verdict v = check(h, Model::Register, small_search_budget());
    CHECK_FALSE(v.linearizable);
    CHECK(v.explanation.find("each of the 2 operations") != std::string::npos);
    require_minimal_window(
        h, v, [](const History& r) { return BruteForce(r, Model::Register).linearizable(); });
  }
}

TEST_CASE("reads that some writer may still explain are left to the search", "[lincheck][stale]") {
  // Each would be refuted if the writer counted as overwritten; each is linearizable.
  SECTION("the overwrite is concurrent with the read") {
    CHECK(check(history({write("1", 0, 1), write("2", 2, 5), read("1", 4, 6)}), Model::Register)
              .linearizable);
  }
  SECTION("the overwrite is concurrent with the write") {
    CHECK(check(history({write("1", 0, 2), write("2", 1, 3), read("1", 4, 5)}), Model::Register)
              .linearizable);
  }
  SECTION("operations that touch at one instant are concurrent") {
    CHECK(check(history({write("1", 0, 1), write("2", 1, 4), read("1", 4, 5)}), Model::Register)
              .linearizable);
  }
  SECTION("a later writer of the value") {
    CHECK(check(history({write("1", 0, 1), write("2", 2, 3), write("1", 3, 6), read("1", 4, 5)}),
                Model::Register)
              .linearizable);
  }
  SECTION("a writer of unknown outcome") {
    CHECK(
        check(history({pending_write("1", 0), write("2", 2, 3), read("1", 4, 5)}), Model::Register)
            .linearizable);
  }
  SECTION("the overwrite is a cas of unknown outcome or a failed one") {
    Op unknown_cas = cas("1", "2", 2, 3, Outcome::Info);
    CHECK(check(history({write("1", 0, 1), unknown_cas, read("1", 4, 5)}), Model::Register)
              .linearizable);
    CHECK(check(history({write("1", 0, 1), cas("0", "2", 2, 3, Outcome::Fail), read("1", 4, 5)}),
                Model::Register)
              .linearizable);
  }
  SECTION("the overwrite writes the same value") {
    CHECK(check(history({write("1", 0, 1), write("1", 2, 3), read("1", 4, 5)}), Model::Register)
              .linearizable);
  }
  SECTION("a read of another value concurrent with the writer, or touching its return") {
    for (int64_t read_call : {1, 2}) {
      CHECK(check(history({write("1", 0, 2), write("2", 0, 10), read("2", read_call, 3),
                           read("1", 4, 5)}),
                  Model::Register)
                .linearizable);
    }
  }
  SECTION("a read of another value concurrent with the read") {
    CHECK(check(history({write("1", 0, 1), write("2", 0, 10), read("2", 2, 5), read("1", 4, 6)}),
                Model::Register)
              .linearizable);
  }
  SECTION("a read of the same value, or a failed cas from another one, in between") {
    CHECK(check(history({write("1", 0, 1), read("1", 2, 3), read("1", 4, 5)}), Model::Register)
              .linearizable);
    CHECK(check(history({write("1", 0, 1), cas("7", "8", 2, 3, Outcome::Fail), read("1", 4, 5)}),
                Model::Register)
              .linearizable);
  }
  SECTION("a read without a result, or a cas from another value of unknown outcome") {
    CHECK(check(history({write("1", 0, 1), make(OpKind::Read, "2", 2, 3, Outcome::Fail),
                         read("1", 4, 5)}),
                Model::Register)
              .linearizable);
    CHECK(check(history({write("1", 0, 1), cas("2", "3", 2, 3, Outcome::Info), read("1", 4, 5)}),
                Model::Register)
              .linearizable);
  }
  SECTION("no pin when another writer of the value could explain the first read") {
    // The long write of 1 is first, but the short one, returned by then, may explain read 1 at
    // [3, 4]; the long one can come after read 2 and explain the last read.
    CHECK(check(history({write("1", 0, 10), write("1", 1, 2), write("2", 0, 10), read("1", 3, 4),
                         read("2", 5, 6), read("1", 7, 8)}),
                Model::Register)
              .linearizable);
    CHECK(check(history({write("1", 0, 10), write("1", 0, 10), write("2", 0, 10), read("1", 1, 2),
                         read("2", 3, 4), read("1", 5, 6)}),
                Model::Register)
              .linearizable);
    // Nor when the value is the initial one: the first read of nil needs no writer, so the only
    // write of nil may come after the read of 1.
    Op write_nil = write("", 0, 10);
    write_nil.value = std::nullopt;
    CHECK(check(history({write_nil, write("1", 0, 10), read(std::nullopt, 1, 2), read("1", 3, 4),
                         read(std::nullopt, 5, 6)}),
                Model::Register)
              .linearizable);
  }
  SECTION("a read of another value in between, but another writer of the value after it") {
    CHECK(check(history({write("1", 0, 1), write("2", 0, 10), read("2", 2, 3), write("1", 2, 6),
                         read("1", 4, 5)}),
                Model::Register)
              .linearizable);
  }
}

TEST_CASE("a stale observation is found only in violations, and its window fails on its own",
          "[lincheck][stale][property]") {
  // Whenever the proof fires, brute force must find the history, and the proof's window relaxed
  // outside (docs/lincheck.md#the-failing-window), not linearizable. On random histories of 3
  // values, and on generated ones (bench/lincheck_gen.h) with one read changed to a recent value.
  // It must fire on some, on some with a read as a witness, and on some with a writer pinned
  // before an observer of its value, or this could not fail.
  int violations = 0, refuted = 0, by_observation = 0, pinned = 0;
  auto examine = [&](const History& h) {
    const bool linearizable = BruteForce(h, Model::Register).linearizable();
    violations += !linearizable;
    for (auto& [key, partition] : detail::partition_by_key(h, Model::Register)) {
      const auto stale = detail::find_stale_observation(h, partition);
      if (!stale) continue;
      INFO(dump(h));
      REQUIRE_FALSE(linearizable);
      REQUIRE_FALSE(BruteForce(relax_outside(h, stale->window), Model::Register).linearizable());
      ++refuted;
      // Reads enter the window only as the observer, a witness or a pin.
      by_observation += std::any_of(stale->window.begin(), stale->window.end(), [&](size_t i) {
        return i != stale->observer && h.ops[i].kind == OpKind::Read;
      });
      pinned += stale->pinned_by >= 0;
    }
  };
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    INFO("random, seed " << seed);
    Rng rng(seed * 0x9E37 + 11);
    examine(random_history(rng, Model::Register, 12, seed % 3 == 0 ? 30 : 0));
  }
  CHECK(violations > 500);
  CHECK(refuted > violations / 4);
  CHECK(by_observation > 10);
  const int random_by_observation = by_observation;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    INFO("generated, seed " << seed);
    gen::Params p;
    p.ops = 20;
    p.clients = 3 + static_cast<int>(seed % 2);
    p.values = static_cast<int>(seed % 3);  // 0: unique values
    p.max_duration = 6;
    examine(gen::with_changed_read(gen::linearizable_history(p, seed), seed, nullptr));
  }
  CHECK(by_observation - random_by_observation > 100);
  CHECK(pinned > 10);
}

TEST_CASE("the stale proof fires only where the search alone finds a violation",
          "[lincheck][stale][property]") {
  // Histories too long for brute force (40 to 160 operations from 6 to 12 clients, a new value
  // per write or 2 or 3 values), each with one or two reads changed: the search (detail::Search,
  // which never uses the proof) decides them all, and must find a violation wherever the proof
  // fires. (A pin that ignored a second writer of the value is caught here, a few times.)
  int fired = 0, pinned = 0, violations = 0;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    gen::Params p;
    p.ops = 40 + static_cast<int>(seed % 121);
    p.clients = 6 + static_cast<int>(seed % 7);
    p.values = seed % 3 == 0 ? 0 : 2 + static_cast<int>(seed % 2);
    p.max_duration = 4 + static_cast<int64_t>(seed % 17);
    const History ok = gen::linearizable_history(p, seed);
    const History one = gen::with_changed_read(ok, seed, nullptr);
    const History two = gen::with_changed_read(gen::with_changed_read(ok, seed * 7 + 1, nullptr),
                                               seed * 13 + 5, nullptr);
    for (const History* h : {&one, &two}) {
      INFO("seed " << seed << "\n" << dump(*h));
      auto partitions = detail::partition_by_key(*h, Model::Register);
      const auto stale = detail::find_stale_observation(*h, partitions.begin()->second);
      auto fresh = detail::partition_by_key(*h, Model::Register);
      detail::Budget budget{CheckOptions{}};
      detail::Search search(fresh.begin()->second, budget);
      detail::Status status = detail::Status::Running;
      while (status == detail::Status::Running) status = search.run(detail::kStepsPerTurn);
      REQUIRE(status != detail::Status::TimedOut);
      violations += status == detail::Status::NotLinearizable;
      if (!stale) continue;
      REQUIRE(status == detail::Status::NotLinearizable);
      ++fired;
      pinned += stale->pinned_by >= 0;
    }
  }
  CHECK(violations > 1000);
  CHECK(fired > violations / 2);
  CHECK(pinned > 50);
}

TEST_CASE("generated bad reads are violations, and the checker finds them",
          "[lincheck][stale][property]") {
  // bench/lincheck_gen.h promises that its bad read cannot be explained: brute force agrees on
  // small histories, and so does the checker.
  int checked = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    gen::Params p;
    p.ops = 24;
    p.clients = 3;
    p.values = static_cast<int>(seed % 4);  // 0: unique values
    p.max_duration = 6;
    const History ok = gen::linearizable_history(p, seed);
    INFO("seed " << seed << "\n" << dump(ok));
    REQUIRE(BruteForce(ok, Model::Register).linearizable());
    REQUIRE(checker_says_linearizable(ok, Model::Register));
    const auto bad = gen::with_bad_read(ok, seed, nullptr);
    if (!bad) continue;
    INFO("bad:\n" << dump(*bad));
    REQUIRE_FALSE(BruteForce(*bad, Model::Register).linearizable());
    const Verdict v = check(*bad, Model::Register);
    REQUIRE_FALSE(v.linearizable);
    REQUIRE_FALSE(v.timed_out);
    require_minimal_window(
        *bad, v, [](const History& r) { return BruteForce(r, Model::Register).linearizable(); });
    ++checked;
  }
  CHECK(checked > 100);
}

TEST_CASE("register histories at sweep scale are decided within a small budget",
          "[lincheck][stale][scale]") {
  // 3,000 operations from 20 clients. Linearizable by construction: the search finds an order
  // at once. With one bad read: the stale-observation proof decides it; the search alone used to
  // exhaust 5 million states. Both value domains: 5 values, and a new value per write.
  for (int values : {5, 0}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      INFO("values " << values << ", seed " << seed);
      gen::Params p;
      p.values = values;
      const History ok = gen::linearizable_history(p, seed);
      const Verdict good = check(ok, Model::Register, small_search_budget());
      CHECK(good.linearizable);
      CHECK_FALSE(good.timed_out);
      size_t bad_op = 0;
      const auto bad = gen::with_bad_read(ok, seed, &bad_op);
      REQUIRE(bad);
      CheckOptions budget = small_search_budget();
      budget.max_window_steps = 0;
      const Verdict v = check(*bad, Model::Register, budget);
      CHECK_FALSE(v.linearizable);
      CHECK_FALSE(v.timed_out);
      CHECK(window_has(v, bad_op));
      // Without the bad read's result, what the proof kept is linearizable: the read is the
      // culprit.
      History without = *bad;
      without.ops[bad_op].outcome = Outcome::Fail;
      CHECK(check(without, Model::Register, small_search_budget()).linearizable);
    }
  }
}

TEST_CASE("a read after a read of another value is refuted at sweep scale",
          "[lincheck][stale][scale]") {
  // 10,000 operations from 50 clients, a new value per write; one read changed to a recent value
  // (seed 6 of bench_lincheck_scale --ops 10000 --clients 50 --values 0). The only write of the
  // value returned before another client read a different one, which returned before the changed
  // read was called. No write lies in between, so only the read shows it; the search alone
  // exhausted 5 million states on every order of the 50 operations in flight before the three.
  gen::Params p;
  p.ops = 10'000;
  p.clients = 50;
  p.values = 0;
  size_t changed = 0;
  const History bad = gen::with_changed_read(gen::linearizable_history(p, 6), 6, &changed);
  CheckOptions budget = small_search_budget();
  budget.max_window_steps = 0;
  const Verdict v = check(bad, Model::Register, budget);
  CHECK_FALSE(v.linearizable);
  CHECK_FALSE(v.timed_out);
  CHECK(v.explanation.find("cannot have seen its value") != std::string::npos);
  REQUIRE(v.failing_window.size() == 3);
  CHECK(window_has(v, changed));
  // The window: the writer, a read of another value, and the changed read, one after another.
  const Op& writer = bad.ops[v.failing_window[0]];
  const Op& witness = bad.ops[v.failing_window[1]];
  CHECK(writer.kind == OpKind::Write);
  CHECK(writer.value == bad.ops[changed].value);
  CHECK(witness.kind == OpKind::Read);
  CHECK(witness.value != bad.ops[changed].value);
  CHECK(writer.ret < witness.call);
  CHECK(witness.ret < bad.ops[changed].call);
  // Seed 22 (also undecided in 5 million states before): the write of the value returns only
  // as the read of another value does (1333), but an earlier read of the value (returning at
  // 1329), which only that write can explain, pins it before that.
  const History bad22 = gen::with_changed_read(gen::linearizable_history(p, 22), 22, &changed);
  const Verdict v22 = check(bad22, Model::Register, budget);
  CHECK_FALSE(v22.linearizable);
  CHECK_FALSE(v22.timed_out);
  CHECK(v22.explanation.find("which only that writer can explain") != std::string::npos);
  CHECK(window_has(v22, changed));
}

TEST_CASE("a value some read still needs and nothing left can write ends the configuration",
          "[lincheck][scale]") {
  // 10,000 operations from 50 clients, a new value per write, linearizable: linearizing a write
  // too early orphans a concurrent read of the value it replaced. Without the orphan count the
  // search only noticed at that read, after every order of the operations between; two of these
  // seeds exhausted 5 million states.
  gen::Params p;
  p.ops = 10'000;
  p.clients = 50;
  p.values = 0;
  for (uint64_t seed : {1, 2}) {
    INFO("seed " << seed);
    CheckOptions budget;
    budget.max_states = 200'000;
    const Verdict v = check(gen::linearizable_history(p, seed), Model::Register, budget);
    CHECK(v.linearizable);
    CHECK_FALSE(v.timed_out);
  }
}

// ---------------------------------------------------------------------------------------------
// Time cuts (docs/lincheck.md, "Before and beside the search").

TEST_CASE("a time cut refutes only violations", "[lincheck][cut][property]") {
  // Any window ending at any operation's return: when the cut says "fails from every start
  // value", brute force must agree that the history is not linearizable. And cuts must find
  // some violations, or this could not fail.
  int refuted = 0;
  int violations = 0;
  for (uint64_t seed = 1; seed <= 1500; ++seed) {
    Rng rng(seed);
    const History h = random_history(rng, Model::Register, 12, seed % 3 == 0 ? 30 : 0);
    const bool linearizable = BruteForce(h, Model::Register).linearizable();
    violations += !linearizable;
    for (size_t anchor = 0; anchor < h.ops.size(); ++anchor) {
      if (!detail::refute_by_cut(h, Model::Register, "", anchor, 100'000)) continue;
      INFO("seed " << seed << ", anchor " << anchor << "\n" << dump(h));
      REQUIRE_FALSE(linearizable);
      ++refuted;
      break;
    }
  }
  CHECK(violations > 300);
  CHECK(refuted > violations / 4);
}

TEST_CASE("a violation hidden behind a hard prefix is proved by a time cut", "[lincheck][cut]") {
  // 3,000 operations from 20 clients, a new value per write; one read changed to a recent value
  // (seed 32 of bench_lincheck_scale --values 0). No read is stale, not even with reads and failed
  // cas counted as witnesses.
  gen::Params p;
  p.values = 0;
  const History ok = gen::linearizable_history(p, 32);
  size_t changed = 0;
  const History bad = gen::with_changed_read(ok, 32, &changed);
  CheckOptions budget;
  budget.max_states = 400'000;
  const Verdict v = check(bad, Model::Register, budget);
  CHECK_FALSE(v.timed_out);
  CHECK_FALSE(v.linearizable);
  REQUIRE(v.window_cut.has_value());
  CHECK(window_has(v, changed));
  CHECK(v.failing_window.size() < 100);
  CHECK(v.explanation.find("Whatever the value at time") != std::string::npos);
  // The original is linearizable, and decided at once.
  CHECK(check(ok, Model::Register, small_search_budget()).linearizable);
}

// ---------------------------------------------------------------------------------------------
// Parsers.

TEST_CASE("format detection", "[lincheck][parse]") {
  CHECK(detect_format("\n\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n") ==
        HistoryFormat::EtcdLog);
  CHECK(detect_format("{:process 0, :type :invoke, :f :read, :value nil}") == HistoryFormat::Edn);
  CHECK(detect_format("") == HistoryFormat::Edn);
}

TEST_CASE("the etcd log format", "[lincheck][parse]") {
  const History h = parse_ok(
      "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 1   :invoke :cas    [3 0]\n"
      "INFO  jepsen.core - some other log line\n"
      "INFO  jepsen.util - 0\t:ok\t:read\t3\n"
      "INFO  jepsen.util - 1\t:fail\t:cas\t[3 0]\n"
      "INFO  jepsen.util - 2\t:invoke\t:write\t4\n"
      "INFO  jepsen.util - 2\t:info\t:write\t:timed-out\n"
      "INFO  jepsen.util - 3\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out\n"
      "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
      "\n"
      "INFO  jepsen.util - 4\t:invoke\t:write\t1\n");
  REQUIRE(h.ops.size() == 5);
  CHECK(h.ops[0].kind == OpKind::Read);
  CHECK(h.ops[0].value == "3");
  CHECK(h.ops[0].call == 1);
  CHECK(h.ops[0].ret == 4);
  CHECK(h.ops[1].kind == OpKind::Cas);
  CHECK(h.ops[1].expected == "3");
  CHECK(h.ops[1].value == "0");
  CHECK(h.ops[1].outcome == Outcome::Fail);
  CHECK(h.ops[2].outcome == Outcome::Info);
  CHECK(h.ops[2].ret == kPendingReturn);
  CHECK(h.ops[2].value == "4");
  CHECK(h.ops[3].outcome == Outcome::Fail);
  CHECK_FALSE(h.ops[3].value);
  CHECK(h.ops[4].outcome == Outcome::Info);  // open at the end
  CHECK(h.ops[4].call == 12);
}

TEST_CASE("the kv line format", "[lincheck][parse]") {
  const History h = parse_ok(
      "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "{:process 1, :type :invoke, :f :get, :key \"0\", :value nil}\n"
      "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "{:process 1, :type :ok, :f :get, :key \"0\", :value \"x 0 0 y\"}\n");
  REQUIRE(h.ops.size() == 2);
  CHECK(h.ops[0].kind == OpKind::Append);
  CHECK(h.ops[0].key == "0");
  CHECK(h.ops[1].value == "x 0 0 y");
  CHECK(h.ops[1].ret == 4);
  CHECK(infer_model(h) == Model::KeyValue);
}

TEST_CASE("general Jepsen EDN histories", "[lincheck][parse]") {
  SECTION("a vector of maps with extra fields, tags, comments and a nemesis") {
    const History h = parse_ok(
        "; a Knossos-style history\n"
        "[{:process 0, :type :invoke, :f :write, :value 1, :time 10, :index 0}\n"
        " {:process :nemesis, :type :info, :f :start, :value nil}\n"
        " #jepsen.history.Op{:process 0, :type :ok, :f :write, :value 1, :error nil}\n"
        " {:process 1 :type :invoke :f :cas :value [1 \"two\"]}\n"
        " {:process 1 :type :info :f :cas :value [1 \"two\"] :error [:timeout {:ms 5}]}\n"
        " {:process 2, :type :invoke, :f :read, :value nil}\n"
        " {:process 2, :type :ok, :f :read, :value \"two\"}]\n");
    REQUIRE(h.ops.size() == 3);
    CHECK(h.ops[0].ret == 4);
    CHECK(h.ops[1].expected == "1");
    CHECK(h.ops[1].value == "two");
    CHECK(h.ops[1].outcome == Outcome::Info);
    CHECK(h.ops[2].value == "two");
    CHECK(check(h, Model::Register).linearizable);
  }
  SECTION("several records on one line get ordinal timestamps") {
    const History h =
        parse_ok("[{:process 0 :type :invoke :f :read} {:process 0 :type :ok :f :read :value 5}]");
    REQUIRE(h.ops.size() == 1);
    CHECK(h.ops[0].call == 1);
    CHECK(h.ops[0].ret == 2);
  }
  SECTION("string escapes") {
    const History h = parse_ok(
        "{:process 0 :type :invoke :f :put :key \"k\" :value \"a\\\"b\\\\c\\n\\u0041\"}\n");
    CHECK(h.ops[0].value == "a\"b\\c\nA");
  }
}

// ---------------------------------------------------------------------------------------------
// EDN as its specification defines it (https://github.com/edn-format/edn), wherever it appears.

namespace {

// The :value of a write whose value is written as `edn`.
std::optional<std::string> write_value(const std::string& edn) {
  const History h = parse_ok("{:process 0 :type :invoke :f :write :value " + edn + "}");
  REQUIRE(h.ops.size() == 1);
  return h.ops[0].value;
}

ParseError write_value_error(const std::string& edn) {
  return parse_error("\n{:process 0 :type :invoke :f :write :value " + edn + "}");
}

}  // namespace

TEST_CASE("EDN character literals", "[lincheck][parse][edn]") {
  CHECK(write_value("\\a") == "a");
  CHECK(write_value("\\\"") == "\"");
  CHECK(write_value("\\\\") == "\\");
  CHECK(write_value("\\(") == "(");
  CHECK(write_value("\\;") == ";");
  CHECK(write_value("\\newline") == "\n");
  CHECK(write_value("\\return") == "\r");
  CHECK(write_value("\\space") == " ");
  CHECK(write_value("\\tab") == "\t");
  CHECK(write_value("\\u0041") == "A");
  CHECK(write_value("\\u00e9") == "\xc3\xa9");
  CHECK(write_value("\\o101") == "A");
  CHECK(write_value("\\\xc3\xa9") == "\xc3\xa9");  // a character outside ASCII, in UTF-8
}

TEST_CASE("EDN character literals end at a delimiter", "[lincheck][parse][edn]") {
  // The first character after a backslash is taken whatever it is; a delimiter or another
  // backslash ends the literal.
  const History h = parse_ok(
      "{:process 0 :type :invoke :f :cas :value [\\a \\\xc3\xa9]}\n"
      "{:process 0 :type :fail :f :cas :value [\\a\\b]}\n"
      "{:process 1 :type :invoke :f :write :value \\z}");
  REQUIRE(h.ops.size() == 2);
  CHECK(h.ops[0].expected == "a");
  CHECK(h.ops[0].value == "\xc3\xa9");
  CHECK(h.ops[1].value == "z");
}

TEST_CASE("malformed EDN characters are errors naming the line", "[lincheck][parse][edn]") {
  CHECK(write_value_error("\\ ").line == 2);
  const ParseError named = write_value_error("\\newlines");
  CHECK(named.line == 2);
  CHECK(named.message.find("\\newlines") != std::string::npos);
  CHECK(write_value_error("\\uD800").message.find("surrogate") != std::string::npos);
  CHECK(write_value_error("\\u12").line == 2);
  CHECK(write_value_error("\\o400").line == 2);
  CHECK(write_value_error("\\\xc3").line == 2);  // half a UTF-8 character
  CHECK(parse_error("{:process 0 :type :invoke :f :write :value \\").line == 1);
}

TEST_CASE("EDN strings with escapes", "[lincheck][parse][edn]") {
  CHECK(write_value("\"tab\\t cr\\r nl\\n bs\\\\ q\\\" b\\b f\\f\"") ==
        "tab\t cr\r nl\n bs\\ q\" b\b f\f");
  CHECK(write_value("\"\\u00e9\\u20ac\"") == "\xc3\xa9\xe2\x82\xac");
  CHECK(write_value("\"\\uD83D\\uDE00\"") == "\xf0\x9f\x98\x80");  // a surrogate pair: U+1F600
  CHECK(write_value("\"\\101\\0\"") == std::string("A\0", 2));     // octal, as Clojure reads it
  CHECK(write_value("\"two\nlines\"") == "two\nlines");
  CHECK(write_value_error("\"\\q\"").message.find("escape") != std::string::npos);
  CHECK(write_value_error("\"\\u12\"").line == 2);
  CHECK(write_value_error("\"\\uDE00\"").message.find("surrogate") != std::string::npos);
  CHECK(write_value_error("\"\\uD83D x\"").message.find("low surrogate") != std::string::npos);
}

TEST_CASE("EDN tagged elements read as the element they tag", "[lincheck][parse][edn]") {
  const History h = parse_ok(
      "{:process 0 :type :invoke :f :read :value nil\n"
      " :time #inst \"1985-04-12T23:20:50.52Z\" :id #uuid "
      "\"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"}\n"
      "#jepsen.history.Op {:process 0 :type :ok :f :read :value #tag #_ 6 #other 7}\n");
  REQUIRE(h.ops.size() == 1);
  CHECK(h.ops[0].value == "7");
  CHECK(h.ops[0].outcome == Outcome::Ok);
  CHECK(write_value("#my.app/tag 5") == "5");
  CHECK(write_value("#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"") ==
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  CHECK(write_value_error("#1 5").line == 2);  // a tag starts with a letter
  CHECK(write_value_error("#inst").message.find("#inst") != std::string::npos);
  CHECK(write_value_error("# inst \"x\"").line == 2);
}

TEST_CASE("EDN discards", "[lincheck][parse][edn]") {
  const History h = parse_ok(
      "#_{:process 9 :type :invoke :f :read}\n"
      "[{:process 0 #_ :ignored #_ 42 :type :invoke :f :read #_#_ :value 1}\n"
      " #_ #_ {:process 0} {:process 1}\n"
      " {:process 0 :type :ok :f :read :value 3 #_:trailing}\n"
      " #_[1 2 3]]\n"
      "#_ {:also \"discarded\"}");
  REQUIRE(h.ops.size() == 1);
  CHECK(h.ops[0].value == "3");
  CHECK(h.ops[0].ret == 4);
  CHECK(parse_error("[{:process 0 :type :invoke :f :read}\n#_").line == 2);
  CHECK(parse_error("\n#_ {:open").line == 2);  // a discarded form must still be well formed
  CHECK(parse_error(std::string(100000, '#') + "_").line == 1);
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "#_";
  CHECK(parse_error(deep + "1 2").message.find("nested") != std::string::npos);
}

TEST_CASE("EDN sets, comments, commas and nested collections", "[lincheck][parse][edn]") {
  const History h = parse_ok(
      "; comment line, then a history vector\n"
      "[,{:process 0,,, :type :invoke, :f :write, :value 1, :meta #{:a \"b\" [1 {:c #{}}] ()}} ; "
      "ok\n"
      " {:process 0 :type :ok :f :write :value 1 :error {:nested [[[[{:deep (1 (2 (3)))}]]]]}},]\n"
      "; trailing comment without a newline");
  REQUIRE(h.ops.size() == 1);
  CHECK(h.ops[0].value == "1");
  CHECK(h.ops[0].ret == 3);
  std::string nested = "{:process 0 :type :invoke :f :read :x ";
  nested += std::string(60, '[') + std::string(60, ']') + "}";
  CHECK(parse_ok(nested).ops.size() == 1);
  CHECK(parse_error("{:process 0 :type :invoke :f :read :x #{1 2}").line == 1);  // unclosed
}

TEST_CASE("EDN symbols, keywords, nil and booleans", "[lincheck][parse][edn]") {
  const History h = parse_ok(
      "{:process 0 :type :invoke :f :put :key my.ns/key-1? :value true}\n"
      "{:process 0 :type :ok :f :put :key my.ns/key-1? :value true}\n"
      "{:process 1 :type :invoke :f :get :key :k/w :value nil}\n"
      "{:process 1 :type :ok :f :get :key :k/w :value false}\n");
  REQUIRE(h.ops.size() == 2);
  CHECK(h.ops[0].key == "my.ns/key-1?");
  CHECK(h.ops[0].value == "true");
  CHECK(h.ops[1].key == "k/w");
  CHECK(h.ops[1].value == "false");
  CHECK_FALSE(write_value("nil"));
  CHECK(write_value_error(":kw").message.find(":kw") != std::string::npos);
  CHECK(write_value_error("::auto").line == 2);
  CHECK(write_value_error(":").line == 2);
}

TEST_CASE("EDN integers and floats with their suffixes", "[lincheck][parse][edn]") {
  CHECK(write_value("42") == "42");
  CHECK(write_value("42N") == "42");
  CHECK(write_value("+7") == "7");
  CHECK(write_value("-7") == "-7");
  CHECK(write_value("0") == "0");
  CHECK(write_value("123456789012345678901234567890N") == "123456789012345678901234567890");
  CHECK(write_value("1.5") == "1.5");
  CHECK(write_value("1.5M") == "1.5");
  CHECK(write_value("7M") == "7");
  CHECK(write_value("-2.5e-3") == "-2.5e-3");
  CHECK(write_value("1E10") == "1E10");
  CHECK(write_value("##Inf") == "##Inf");
  CHECK(write_value("##NaN") == "##NaN");
  for (const char* bad : {"007", "1.2.3", "0x10", "1/2", ".5", "1e", "5NM", "1.5N", "##Infinity"}) {
    INFO(bad);
    const ParseError e = write_value_error(bad);
    CHECK(e.line == 2);
  }
  CHECK(parse_error("{:process 007 :type :invoke :f :read}").message.find("007") !=
        std::string::npos);
}

TEST_CASE("entries that are not operations are skipped and counted", "[lincheck][parse][edn]") {
  SECTION("EDN: maps without :process or :type, and the nemesis") {
    const std::string text =
        "{:process 0 :type :invoke :f :read}\n"
        "{:type :log :message \"leader elected\"}\n"
        "{:process :nemesis :type :info :f :start :value nil}\n"
        "{:process 3 :value 5}\n"
        "{}\n"
        "{:process 0 :type :ok :f :read :value 1}\n";
    ParseStats stats;
    ParseResult r = parse_history(text, "h.edn", HistoryFormat::Auto, &stats);
    REQUIRE(std::holds_alternative<History>(r));
    CHECK(std::get<History>(r).ops.size() == 1);
    CHECK(std::get<History>(r).ops[0].ret == 6);
    CHECK(stats.skipped == 4);
    CHECK(stats.first_skipped_line == 2);
  }
  SECTION("the etcd log: records of non-numeric processes, not other loggers' lines") {
    ParseStats stats;
    ParseResult r = parse_history(
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
        "INFO  jepsen.core - a line of another logger\n"
        "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
        "INFO  jepsen.util - 0\t:ok\t:read\t1\n",
        "h.log", HistoryFormat::Auto, &stats);
    REQUIRE(std::holds_alternative<History>(r));
    CHECK(stats.skipped == 1);
    CHECK(stats.first_skipped_line == 3);
  }
  SECTION("nothing skipped") {
    ParseStats stats;
    stats.skipped = 7;  // overwritten
    REQUIRE(std::holds_alternative<History>(parse_history("{:process 0 :type :invoke :f :read}",
                                                          "h.edn", HistoryFormat::Auto, &stats)));
    CHECK(stats.skipped == 0);
    CHECK(stats.first_skipped_line == 0);
  }
  SECTION("an entry that is an operation but malformed is still an error") {
    const ParseError e = parse_error(
        "{:type :log}\n{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :value 2}\n");
    CHECK(e.line == 3);
    CHECK(e.message.find(":f") != std::string::npos);
    CHECK(parse_error("[5]").line == 1);  // not a map at all
  }
}

TEST_CASE("malformed input is an error naming the line", "[lincheck][parse]") {
  const auto cases = ballot::testkit::read_data_cases(std::string(BALLOT_SOURCE_DIR) +
                                                      "/tests/data/history/malformed.txt");
  REQUIRE_FALSE(cases.empty());
  for (const ballot::testkit::DataCase& c : cases) {
    INFO(c.where());
    REQUIRE(c.command == "parse");
    const ParseError e = parse_error(c.input);
    CHECK(e.line == std::stoi(c.expect("line")));
    if (c.expects("file")) CHECK(e.file == c.expect("file"));
    if (c.expects("message-has"))
      CHECK(e.message.find(c.expect("message-has")) != std::string::npos);
  }
}

TEST_CASE("unreadable files are an error at line 0", "[lincheck][parse]") {
  ParseResult r = parse_history_file("/nonexistent/history.edn");
  REQUIRE(std::holds_alternative<ParseError>(r));
  CHECK(std::get<ParseError>(r).line == 0);
  CHECK(std::get<ParseError>(r).file == "/nonexistent/history.edn");
  ParseResult dir = parse_history_file(lin_data_dir());
  REQUIRE(std::holds_alternative<ParseError>(dir));
  CHECK(std::get<ParseError>(dir).message.find("directory") != std::string::npos);
}

TEST_CASE("mangled data files never crash the parser", "[lincheck][parse][property]") {
  const std::string text = [] {
    std::ifstream in(kv_file("c01-ok"));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str() + [] {
      std::ifstream log(etcd_file(0));
      std::ostringstream s2;
      s2 << log.rdbuf();
      return s2.str();
    }();
  }();
  REQUIRE(text.size() > 1000);
  const auto lines = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (int seed = 0; seed < 300; ++seed) {
    Rng rng(static_cast<uint64_t>(seed));
    std::string mangled =
        text.substr(0, static_cast<size_t>(rng.below(static_cast<int>(text.size()))));
    for (int k = 0; k < 5; ++k) {
      if (mangled.empty()) break;
      mangled[static_cast<size_t>(rng.below(static_cast<int>(mangled.size())))] =
          static_cast<char>(rng.below(256));
    }
    for (HistoryFormat format : {HistoryFormat::Auto, HistoryFormat::EtcdLog, HistoryFormat::Edn}) {
      ParseResult r = parse_history(mangled, "mangled", format);
      if (const auto* e = std::get_if<ParseError>(&r)) {
        INFO("seed " << seed << ": " << e->message);
        CHECK(e->line >= 1);
        CHECK(e->line <= lines);
        CHECK_FALSE(e->message.empty());
      } else {
        check(std::get<History>(r), infer_model(std::get<History>(r)));  // must not throw
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// EDN output.

void require_same_ops(const History& a, const History& b) {
  REQUIRE(a.ops.size() == b.ops.size());
  for (size_t i = 0; i < a.ops.size(); ++i) {
    INFO("op " << i);
    CHECK(a.ops[i].process == b.ops[i].process);
    CHECK(a.ops[i].kind == b.ops[i].kind);
    CHECK(a.ops[i].key == b.ops[i].key);
    CHECK(a.ops[i].value == b.ops[i].value);
    CHECK(a.ops[i].expected == b.ops[i].expected);
    CHECK(a.ops[i].outcome == b.ops[i].outcome);
    CHECK((a.ops[i].ret == kPendingReturn) == (b.ops[i].ret == kPendingReturn));
  }
}

TEST_CASE("to_edn round-trips through the parser", "[lincheck][parse]") {
  std::vector<std::string> files;
  for (int i : {0, 2, 17, 49, 100}) files.push_back(etcd_file(i));
  for (const std::string name : kKvFiles) files.push_back(kv_file(name));
  for (const std::string& path : files) {
    INFO(path);
    const History original = load(path);
    const std::string edn = to_edn(original);
    const History again = parse_ok(edn);
    require_same_ops(original, again);
    CHECK(to_edn(again) == edn);  // a fixpoint: event order survives
    CHECK(check(again, infer_model(again)).linearizable ==
          check(original, infer_model(original)).linearizable);
  }
}

TEST_CASE("to_edn writes Jepsen records", "[lincheck][parse]") {
  Op w = write("1", 0, 1);
  Op c = cas("1", "x y", 2, 5, Outcome::Fail);
  Op r = read(std::nullopt, 3, 4);
  Op p = pending_write("7", 6);
  Op g = get("k\"", "v", 7, 8);
  w.process = 0, c.process = 1, r.process = 2, p.process = 0, g.process = 3;
  const std::string edn = to_edn(History{{w, c, r, p, g}});
  CHECK(edn ==
        "{:process 0, :type :invoke, :f :write, :value 1}\n"
        "{:process 0, :type :ok, :f :write, :value 1}\n"
        "{:process 1, :type :invoke, :f :cas, :value [1 \"x y\"]}\n"
        "{:process 2, :type :invoke, :f :read, :value nil}\n"
        "{:process 2, :type :ok, :f :read, :value nil}\n"
        "{:process 1, :type :fail, :f :cas, :value [1 \"x y\"]}\n"
        "{:process 0, :type :invoke, :f :write, :value 7}\n"
        "{:process 3, :type :invoke, :f :get, :key \"k\\\"\", :value nil}\n"
        "{:process 3, :type :ok, :f :get, :key \"k\\\"\", :value \"v\"}\n"
        "{:process 0, :type :info, :f :write, :value 7}\n");
  // Ops touching at one instant stay concurrent; a process still completes before reinvoking.
  Op a = write("1", 0, 5);
  Op b = read("1", 5, 6);
  Op a2 = write("2", 5, 7);
  a.process = 0, b.process = 1, a2.process = 0;
  const History touching = parse_ok(to_edn(History{{a, b, a2}}));
  CHECK(touching.ops[1].call < touching.ops[0].ret);
  CHECK(touching.ops[0].ret < touching.ops[2].call);
}
