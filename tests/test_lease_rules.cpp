// The lease lock's rules without the kernel: the lock service (grant, renew, expire, tokens across
// a restart), the fenced storage, the options, and a candidate's belief measured on its own clock.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/lease/candidate.h"
#include "algorithms/lease/lock_service.h"
#include "algorithms/lease/messages.h"
#include "algorithms/lease/options.h"
#include "algorithms/lease/storage.h"
#include "sim/api/input_error.h"
#include "support/input_error_of.h"
#include "support/recording_context.h"

using namespace ballot;
using namespace ballot::lease;

namespace {

constexpr Time_us ms = kMillisecond_us;
constexpr Time_us kTtl_us = 1000 * ms;

}  // namespace

TEST_CASE("Lock service: one holder at a time, each grant a higher token", "[lease]") {
  LockService service(kTtl_us, LockState{}, 0);
  const auto first = service.acquire(1, 0);
  REQUIRE(first.granted);
  CHECK(first.token == 1);
  // Another candidate is refused and told who holds it, until the TTL has passed.
  const auto refused = service.acquire(2, kTtl_us - 1);
  CHECK_FALSE(refused.granted);
  CHECK(refused.holder == 1);
  CHECK(refused.holder_token == 1);
  const auto second = service.acquire(2, kTtl_us);
  REQUIRE(second.granted);
  CHECK(second.token == 2);
  // The holder that lost track of its lease (a restart) asks again: a fresh, higher token.
  const auto again = service.acquire(2, kTtl_us + 10 * ms);
  REQUIRE(again.granted);
  CHECK(again.token == 3);
  CHECK(service.state().last_token == 3);
}

TEST_CASE("Lock service: renewal extends the lease by a TTL from the renewal", "[lease]") {
  LockService service(kTtl_us, LockState{}, 0);
  REQUIRE(service.acquire(1, 0).granted);
  REQUIRE(service.renew(1, 1, 800 * ms).granted);
  CHECK(service.expires_us() == 1800 * ms);
  CHECK_FALSE(service.expire(1799 * ms));
  CHECK_FALSE(service.acquire(2, 1799 * ms).granted);
  // Renewing with a wrong token, or by another node, is refused and changes nothing.
  CHECK_FALSE(service.renew(1, 7, 1000 * ms).granted);
  CHECK_FALSE(service.renew(2, 1, 1000 * ms).granted);
  CHECK(service.expires_us() == 1800 * ms);
  CHECK(service.expire(1800 * ms));
  CHECK(service.state().holder == kNoNode);
  // Too late: the lease is gone and a renewal cannot bring it back.
  const auto late = service.renew(1, 1, 1900 * ms);
  CHECK_FALSE(late.granted);
  CHECK(late.holder == kNoNode);
  CHECK(late.holder_token == 1);
}

TEST_CASE("Lock service: tokens keep increasing across a restart from disk", "[lease]") {
  LockService before(kTtl_us, LockState{}, 0);
  REQUIRE(before.acquire(1, 0).granted);
  REQUIRE(before.acquire(2, 2 * kTtl_us).granted);  // token 2, held by n3
  const LockState on_disk = before.state();
  // Restarted at 5s: it honours n3's lease for a full TTL, since it cannot know when n3 renewed.
  LockService after(kTtl_us, on_disk, 5000 * ms);
  CHECK(after.state().holder == 2);
  CHECK_FALSE(after.acquire(1, 5000 * ms + kTtl_us - 1).granted);
  CHECK(after.renew(2, 2, 5500 * ms).granted);
  const auto next = after.acquire(1, 5500 * ms + kTtl_us);
  REQUIRE(next.granted);
  CHECK(next.token == 3);  // never a token issued before the crash
  // A restart with nobody holding grants at once, still above every old token.
  LockService empty(kTtl_us, LockState{7, kNoNode, 0}, 0);
  CHECK(empty.acquire(1, 0).token == 8);
}

TEST_CASE("Fenced storage: refuses tokens below the highest seen, only with fencing on",
          "[lease]") {
  FencedStorage fenced(true, StorageState{});
  CHECK(fenced.apply(1, 1, "k", "a").accepted);
  CHECK(fenced.load(2).accepted);  // the successor loads: token 2 is now the highest
  const auto stale = fenced.apply(1, 2, "k", "b");
  CHECK_FALSE(stale.accepted);
  CHECK(stale.highest_before == 2);
  CHECK(fenced.state().data.at("k") == "a");
  CHECK_FALSE(fenced.apply(1, 3, "k", std::nullopt).accepted);  // a stale read is refused as well
  const auto same = fenced.apply(2, 1, "k", "c");
  CHECK(same.accepted);
  CHECK(same.value == std::optional<std::string>("c"));
  CHECK(fenced.apply(3, 1, "k", std::nullopt).value == std::optional<std::string>("c"));
  CHECK(fenced.state().highest_token == 3);

  FencedStorage open(false, StorageState{});
  CHECK(open.apply(2, 1, "k", "a").accepted);
  const auto landed = open.apply(1, 1, "k", "b");
  CHECK(landed.accepted);
  CHECK(landed.highest_before == 2);
  CHECK(open.state().data.at("k") == "b");
  CHECK(open.state().highest_token == 2);
}

TEST_CASE("Fenced storage: an old operation delivered again is ignored, not re-applied",
          "[lease]") {
  FencedStorage storage(true, StorageState{});
  CHECK(storage.apply(1, 1, "id", "1").accepted);
  CHECK(storage.apply(1, 2, "id", "2").accepted);
  // The network duplicates the first write: applying it would move the counter back to 1.
  const auto again = storage.apply(1, 1, "id", "1");
  CHECK(again.duplicate);
  CHECK_FALSE(again.accepted);
  CHECK(storage.state().data.at("id") == "2");
  // Numbers are per token and key: another key, or the next holder's first operation, is new.
  CHECK(storage.apply(1, 1, "k", "x").accepted);
  CHECK(storage.apply(2, 1, "id", "3").accepted);
  CHECK(storage.state().data.at("id") == "3");
}

namespace {

std::string options_error(std::map<std::string, ParamValue> values, int32_t n = 5) {
  Params params("params.lease", std::move(values));
  return testkit::input_error_of([&] { read_lease_options(params, n); });
}

}  // namespace

TEST_CASE("Lease options: defaults, overrides and clear errors", "[lease]") {
  Params none("params.lease", {});
  const LeaseOptions d = read_lease_options(none, 5);
  CHECK(d.lock_node == 0);
  CHECK(d.ttl_us == 2000 * ms);
  CHECK(d.renew_interval_us == 500 * ms);
  CHECK(d.clock_drift_margin_us == 100 * ms);
  CHECK(d.fencing);

  const ParamValue off = ParamValue::of_bool(false);
  Params some("params.lease", {{"lock_node", ParamValue::of_string("n3")},
                               {"ttl", ParamValue::of_string("5s")},
                               {"fencing", off}});
  const LeaseOptions o = read_lease_options(some, 5);
  CHECK(o.lock_node == 2);
  CHECK(o.ttl_us == 5000 * ms);
  CHECK_FALSE(o.fencing);

  CHECK(
      options_error({{"renew_interval", ParamValue::of_string("2s")}}) ==
      "params.lease.renew_interval: expected less than ttl - clock_drift_margin (1900ms), got 2s: "
      "the holder must renew before it stops believing it holds the lease");
  CHECK(options_error({{"clock_drift_margin", ParamValue::of_string("2s")}})
            .rfind("params.lease.clock_drift_margin: expected less than ttl (2s), got 2s", 0) == 0);
  CHECK(options_error({{"lock_node", ParamValue::of_string("n9")}})
            .rfind("params.lease.lock_node:", 0) == 0);
  CHECK(options_error({{"ttl", ParamValue::of_string("0ms")}}).rfind("params.lease.ttl:", 0) == 0);
  CHECK(options_error({{"tll", ParamValue::of_string("1s")}}).find("did you mean 'ttl'") !=
        std::string::npos);
  CHECK(options_error({}, 1).rfind("params.lease: the lease lock needs at least 2 nodes", 0) == 0);
}

namespace {

// A candidate runs as n2 of 3 on the test kit's recording context: the test sets its local clock,
// hands it messages and fires its timers by hand.
using testkit::RecordingContext;

LeaseOptions unit_options() {
  LeaseOptions o;
  o.ttl_us = kTtl_us;
  o.renew_interval_us = 300 * ms;
  o.clock_drift_margin_us = 100 * ms;
  return o;
}

}  // namespace

TEST_CASE("Candidate: believes until its own clock passes ask time + ttl - margin", "[lease]") {
  RecordingContext ctx(1, 3);
  const LeaseOptions options = unit_options();
  CandidateNode node(ctx, options);
  ctx.set_now(50 * ms);
  node.on_start();
  const Acquire* ask = ctx.last_sent<Acquire>();
  REQUIRE(ask != nullptr);
  CHECK(ask->sent_us == 50 * ms);
  // The grant arrives 20ms later: the deadline counts from when the node asked, not from now.
  ctx.set_now(70 * ms);
  Granted grant;
  grant.token = 4;
  grant.sent_us = ask->sent_us;
  node.on_message(0, grant);
  REQUIRE(node.holding());
  CHECK(node.token() == 4);
  CHECK(node.deadline_us() == 50 * ms + kTtl_us - 100 * ms);
  CHECK(ctx.reports.back().role == Role::Leader);
  // Its renewals get no answer (the service is unreachable): it renews every 300ms on its own
  // clock, and stops believing exactly at the deadline.
  ctx.advance(node, 949 * ms);
  CHECK(node.holding());
  ctx.advance(node, 950 * ms);
  CHECK_FALSE(node.holding());
  CHECK(ctx.reports.back().role == Role::Follower);
}

TEST_CASE("Candidate: a renewal moves the deadline, a refused renewal ends the belief", "[lease]") {
  RecordingContext ctx(1, 3);
  CandidateNode node(ctx, unit_options());
  node.on_start();
  Granted grant;
  grant.token = 1;
  node.on_message(0, grant);
  REQUIRE(node.deadline_us() == 900 * ms);
  ctx.advance(node, 300 * ms);
  const Renew* renew = ctx.last_sent<Renew>();
  REQUIRE(renew != nullptr);
  CHECK(renew->token == 1);
  CHECK(renew->sent_us == 300 * ms);
  Granted renewed;
  renewed.token = 1;
  renewed.renewal = true;
  renewed.sent_us = renew->sent_us;
  ctx.set_now(310 * ms);
  node.on_message(0, renewed);
  CHECK(node.deadline_us() == 1200 * ms);
  ctx.advance(node, 1100 * ms);
  CHECK(node.holding());
  Denied gone;
  gone.holder = 2;
  gone.token = 2;
  gone.renewed_token = 1;
  node.on_message(0, gone);
  CHECK_FALSE(node.holding());
  // A client is now sent to the holder the service named.
  ClientRequest request;
  request.op_id = 9;
  node.on_client_request(request);
  REQUIRE(ctx.replies.size() == 1);
  CHECK(ctx.replies[0].status == ClientStatus::NotLeader);
  CHECK(ctx.replies[0].leader_hint == 2);
}

TEST_CASE("Candidate: a grant that arrives after its deadline is not believed", "[lease]") {
  RecordingContext ctx(1, 3);
  CandidateNode node(ctx, unit_options());
  node.on_start();
  ctx.set_now(900 * ms);  // the grant took the whole belief period to arrive
  Granted grant;
  grant.token = 1;
  grant.sent_us = 0;
  node.on_message(0, grant);
  CHECK_FALSE(node.holding());
}

namespace {

// Makes `node` the holder of token 1 with its copy loaded from `state`; returns the load's seq.
void hold_and_load(RecordingContext& ctx, CandidateNode& node,
                   const std::map<std::string, std::string>& state) {
  node.on_start();
  Granted grant;
  grant.token = 1;
  node.on_message(0, grant);
  REQUIRE(node.holding());
  const StorageLoad* load = ctx.last_sent<StorageLoad>();
  REQUIRE(load != nullptr);
  StorageSnapshot snapshot;
  snapshot.seq = load->seq;
  snapshot.accepted = true;
  snapshot.highest_token = 1;
  snapshot.state = state;
  node.on_message(0, snapshot);
}

}  // namespace

TEST_CASE("Candidate: a duplicated snapshot does not roll its copy back", "[lease]") {
  RecordingContext ctx(1, 3);
  CandidateNode node(ctx, unit_options());
  hold_and_load(ctx, node, {{std::string(kIdKey), "90"}});
  const StorageLoad load = *ctx.last_sent<StorageLoad>();
  node.on_id_tick();
  const StorageOp* write = ctx.last_sent<StorageOp>();
  REQUIRE(write != nullptr);
  CHECK(write->value == std::optional<std::string>("91"));
  StorageResult ok;
  ok.seq = write->seq;
  ok.accepted = true;
  ok.highest_token = 1;
  ok.value = "91";
  node.on_message(0, ok);
  // The network delivers the load's answer a second time, with the state from before the write.
  StorageSnapshot late;
  late.seq = load.seq;
  late.accepted = true;
  late.highest_token = 1;
  late.state = {{std::string(kIdKey), "90"}};
  node.on_message(0, late);
  node.on_id_tick();
  CHECK(ctx.last_sent<StorageOp>()->value == std::optional<std::string>("92"));
}

TEST_CASE("Candidate: a duplicated grant does not bring back a token it gave up", "[lease]") {
  RecordingContext ctx(1, 3);
  CandidateNode node(ctx, unit_options());
  hold_and_load(ctx, node, {});
  Denied gone;
  gone.holder = 2;
  gone.token = 2;
  gone.renewed_token = 1;
  node.on_message(0, gone);
  REQUIRE_FALSE(node.holding());
  Granted again;  // the first grant, duplicated by the network, still within its belief period
  again.token = 1;
  node.on_message(0, again);
  CHECK_FALSE(node.holding());
}

TEST_CASE("Candidate: a refused write ends the belief and tells the client to go elsewhere",
          "[lease]") {
  RecordingContext ctx(1, 3);
  CandidateNode node(ctx, unit_options());
  hold_and_load(ctx, node, {{"k", "a;"}});
  ClientRequest append;
  append.op_id = 5;
  append.kind = lin::OpKind::Append;
  append.key = "k";
  append.value = "b;";
  node.on_client_request(append);
  const StorageOp* write = ctx.last_sent<StorageOp>();
  REQUIRE(write != nullptr);
  CHECK(write->token == 1);
  CHECK(write->value == std::optional<std::string>("a;b;"));  // computed on the holder's copy
  StorageResult refused;
  refused.seq = write->seq;
  refused.accepted = false;
  refused.highest_token = 2;
  node.on_message(0, refused);
  CHECK_FALSE(node.holding());
  REQUIRE(ctx.replies.size() == 1);
  CHECK(ctx.replies[0].op_id == 5);
  CHECK(ctx.replies[0].status == ClientStatus::NotLeader);
}
