// RaftDurable::sync_to copies only the part of the log written since the last sync. Checked
// against a full copy over random sequences of appends, truncations, term and vote changes,
// syncs, and crashes that revert to the synced copy.
#include <catch2/catch.hpp>

#include <memory>

#include "algorithms/raft/node.h"
#include "sim/api/rng.h"

using namespace ballot;
using namespace ballot::raft;

namespace {

LogEntry entry(int64_t term, uint64_t op_id) {
  LogEntry e;
  e.term = term;
  e.command.kind = CommandKind::Put;
  e.command.key = "k";
  e.command.value = std::to_string(op_id);
  e.command.op_id = op_id;
  return e;
}

bool same(const RaftDurable& a, const RaftDurable& b) {
  return a.current_term == b.current_term && a.voted_for == b.voted_for && a.log == b.log;
}

}  // namespace

TEST_CASE("RaftDurable::sync_to keeps the synced copy equal to a full copy", "[raft][durable]") {
  int syncs = 0, crashes = 0, truncations = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    Rng rng(seed);
    auto live = std::make_unique<RaftDurable>();
    std::unique_ptr<DurableState> synced;
    std::unique_ptr<DurableState> reference;  // a full clone at the last sync
    uint64_t next_op = 1;
    for (int step = 0; step < 300; ++step) {
      const uint64_t action = rng.next_u64() % 10;
      if (action < 4) {
        live->note_log_write(live->log.size());
        live->log.push_back(entry(live->current_term, next_op++));
      } else if (action == 4 && !live->log.empty()) {
        const size_t keep = rng.next_u64() % live->log.size();
        live->note_log_write(keep);
        live->log.resize(keep);
        ++truncations;
      } else if (action == 5) {
        ++live->current_term;
        live->voted_for = static_cast<NodeId>(rng.next_u64() % 5);
      } else if (action < 9) {
        live->sync_to(synced);
        reference = live->clone();
        ++syncs;
        const auto* copy = dynamic_cast<const RaftDurable*>(synced.get());
        REQUIRE(copy != nullptr);
        INFO("seed " << seed << ", step " << step);
        REQUIRE(same(*copy, *live));
      } else if (synced) {
        // A crash losing unsynced writes: the node comes back with the synced copy.
        live.reset(static_cast<RaftDurable*>(synced->clone().release()));
        REQUIRE(same(*live, static_cast<const RaftDurable&>(*reference)));
        ++crashes;
      }
    }
  }
  // Every kind of step happened often, or the test could not fail.
  CHECK(syncs > 10000);
  CHECK(crashes > 1000);
  CHECK(truncations > 1000);
}
