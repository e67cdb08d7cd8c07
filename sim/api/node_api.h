// The node API: everything an algorithm may see of the simulator (DESIGN.md, "Node API").
//
// An algorithm is a pure state machine. It reacts to on_start / on_message / on_timer /
// on_client_request and acts only through its Context: it never reads a clock, a random source
// or a global of its own. This header is the only part of sim/ that algorithms/ includes
// (together with the small headers it includes).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "sim/api/history.h"
#include "sim/api/message.h"
#include "sim/api/rng.h"
#include "sim/api/situation.h"
#include "sim/api/time.h"

namespace ballot {

// Nodes are numbered 0..n-1 and shown as n1..nN.
using NodeId = int32_t;
inline constexpr NodeId kNoNode = -1;
using TimerId = uint64_t;

// What a node believes about itself, as reported through Context::report.
enum class Role : uint8_t { Follower, Candidate, Leader };
const char* role_name(Role role);

// State that survives a crash. The node allocates it once (set_durable) and keeps a pointer; the
// kernel owns it. Writes are durable at once unless the scenario enables loss of unsynced writes
// (disk_loss faults, or a disk model), in which case a crash reverts the state to the last
// Context::sync() that reached the disk.
class DurableState {
 public:
  virtual ~DurableState() = default;
  virtual std::unique_ptr<DurableState> clone() const = 0;
  // What Context::sync() does when unsynced writes can be lost: brings `synced` (null, or the
  // copy an earlier sync_to of this state made) up to date with this state. The default copies
  // everything; a state that grows, like a log, may copy only what changed since the last sync.
  virtual void sync_to(std::unique_ptr<DurableState>& synced) { synced = clone(); }
};

// A client operation delivered to a node. The kernel's clients pick the node they believe leads,
// follow redirects, time out, and record the history (sim/api/history.h) for the checkers.
struct ClientRequest {
  uint64_t op_id = 0;  // unique for the run; echo it in the response
  int32_t client = 0;  // the client process
  lin::OpKind kind = lin::OpKind::Read;
  std::string key;                      // "" for the single register
  std::optional<std::string> value;     // write/put/append argument; cas new value
  std::optional<std::string> expected;  // cas old value
};

enum class ClientStatus : uint8_t {
  Ok,         // applied (or read) by a leader; `value` holds a read result
  Fail,       // definitely not applied (for example a cas whose expected value did not match)
  NotLeader,  // not applied; `leader_hint` is where to retry, if known
};

struct ClientResponse {
  uint64_t op_id = 0;
  ClientStatus status = ClientStatus::Ok;
  std::optional<std::string> value;
  NodeId leader_hint = kNoNode;
};

// The effects a node can have on the world. Every call is recorded in the trace.
class Context {
 public:
  virtual ~Context() = default;

  virtual NodeId self() const = 0;
  virtual int32_t cluster_size() const = 0;
  // The node's local clock (virtual time seen through its drift and jumps).
  virtual Time_us now() const = 0;

  virtual void send(NodeId to, std::unique_ptr<Message> msg) = 0;
  // Sends a copy to every other node, in increasing id order.
  virtual void broadcast(const Message& msg) = 0;

  // Fires on_timer(tag) once the local clock has advanced by delay_us. Timers die with a crash.
  virtual TimerId set_timer(Time_us delay_us, uint64_t tag) = 0;
  // Cancelling a timer that already fired or was cancelled is harmless.
  virtual void cancel_timer(TimerId id) = 0;

  // This node's own random stream (derived from the run's seed and the node id).
  virtual Rng& random() = 0;

  // Durable storage: null until the node first calls set_durable; survives crashes.
  virtual DurableState* durable() = 0;
  virtual void set_durable(std::unique_ptr<DurableState> state) = 0;
  // Writes the durable state to disk (the point a disk-loss fault reverts to). With a disk model
  // (scenario "storage") the write takes time: until it is on disk, what this node sends and its
  // client replies wait, and a crash loses it. Call it before answering from durable state.
  virtual void sync() = 0;

  // Tells the kernel what this node believes: its role, its epoch (term, ballot, fencing token;
  // 0 where the algorithm has none) and the leader it follows (kNoNode when none). Call it on every
  // change; the observers derive leader intervals, split brain and downtime from these reports.
  virtual void report(Role role, int64_t epoch, NodeId leader) = 0;

  // A free-text line for the trace (shown in the viewer's inspector).
  virtual void note(std::string_view text) = 0;

  // A structured fact for the checkers and the viewer (e.g. Raft "append", "commit", "apply").
  // Uses the Message interface for its type name and fields; it is not sent anywhere.
  virtual void record(const Message& fact) = 0;

  // Answers a client request.
  virtual void reply(const ClientResponse& response) = 0;

  // Leader duties (the scheduled-job and unique-ID workloads): the node says it actually ran
  // the job of period `period`, or handed out the unique id `id`. The damage observer counts
  // periods run twice or never, and ids handed out twice.
  virtual void job_ran(int64_t period) = 0;
  virtual void id_issued(int64_t id) = 0;

  // STONITH (docs/stonith.md): a node that is about to act as the new leader asks the
  // scenario's fencing device to power off `previous`, the leader (or lock holder) it replaces.
  // Returns false when the scenario has no device (the node acts at once, as without STONITH).
  // Returns true when the request is on its way: the node must not act as leader until
  // Node::on_fenced(previous, ...) is called: with true once the device has powered `previous`
  // off (or found it off), with false when the device did not answer in time and the scenario
  // says "proceed" (with "wait" the kernel keeps asking and on_fenced comes only with true).
  // The default (contexts without a kernel, like the test kit's) has no device.
  virtual bool fence(NodeId previous) {
    (void)previous;
    return false;
  }
  // The node no longer waits to power off `previous` (it heard of another leader, or stepped
  // down): the kernel stops asking again, and on_fenced for it will not come. A request already
  // on its way may still reach the device and be carried out.
  virtual void cancel_fence(NodeId previous) { (void)previous; }
  // The node reached one of its algorithm's situations (sim/api/situation.h): `situation` indexes
  // the algorithm's table. Counted by the kernel beside the trace, not in it, so it changes no
  // trace and no trace hash. Call it exactly at the rule that realises the situation.
  virtual void reached(SituationId situation) = 0;
  // The same with the algorithm's enum of its situations (in the order of its table).
  template <class E>
  requires std::is_enum_v<E>
  void reached(E situation) { reached(static_cast<SituationId>(situation)); }
};

// The node's durable state as a T, for on_start: what survived a crash, or at the node's first
// start a fresh T, synced at once (an empty disk is a synced disk). Null if what survived is not
// a T.
template <class T>
T* durable_state(Context& ctx) {
  if (ctx.durable() == nullptr) {
    ctx.set_durable(std::make_unique<T>());
    ctx.sync();
  }
  return dynamic_cast<T*>(ctx.durable());
}

// An algorithm's node. Constructed at boot and again at every restart (volatile state starts
// fresh; durable() returns what survived).
class Node {
 public:
  explicit Node(Context& ctx) : ctx_(ctx) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  virtual void on_start() = 0;
  virtual void on_message(NodeId from, const Message& msg) = 0;
  virtual void on_timer(uint64_t tag) = 0;
  // Default: this algorithm does not serve clients.
  virtual void on_client_request(const ClientRequest& request);
  // Leader duties, called when the node's local clock reaches a duty time (only when the
  // scenario's workload asks for them). A node that believes it leads does the duty, through
  // whatever its algorithm requires, and reports it with Context::job_ran / id_issued.
  // `period` numbers the job's periods from 0 on the node's own clock. Default: no duty.
  virtual void on_job(int64_t period) { (void)period; }
  virtual void on_id_tick() {}
  // STONITH: the answer to Context::fence(target). `powered_off` is true when the device powered
  // `target` off (or found it off), false when it did not answer and the scenario proceeds
  // without it. Default: nothing (an algorithm that never calls fence).
  virtual void on_fenced(NodeId target, bool powered_off) {
    (void)target;
    (void)powered_off;
  }

 protected:
  Context& ctx_;
};

}  // namespace ballot
