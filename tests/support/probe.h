// A probe algorithm for kernel tests: every node pings every other node on a period and logs what
// it sees, so tests can state exactly what the network and the fault injector must have done.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/api/node_api.h"
#include "sim/kernel/simulator.h"

namespace ballot::test {

struct Ping final : MessageBase<Ping> {
  static constexpr std::string_view kType = "Ping";
  int64_t seq = 0;
  void fields(FieldSink& sink) const override { sink.put_int("seq", seq); }
};

struct ProbeLog {
  struct Delivery {
    Time_us at_us;
    NodeId to, from;
    int64_t seq;
  };
  struct Fired {
    Time_us at_us;
    NodeId node;
    uint64_t tag;
    Time_us local_us;
  };
  std::vector<Delivery> deliveries;
  std::vector<Fired> timers;
  struct Boot {
    NodeId node;
    int64_t boots;   // durable boot count, this boot included
    int64_t writes;  // durable write count that survived
  };
  std::vector<Boot> boots;
  // Set by the test: the simulator whose virtual time the probe reads for its log.
  const Simulator* sim = nullptr;
  Time_us now_us = 0;  // updated by the LogClock observer
};

struct ProbeDurable final : DurableState {
  int64_t boots = 0;
  int64_t writes = 0;
  std::unique_ptr<DurableState> clone() const override {
    return std::make_unique<ProbeDurable>(*this);
  }
};

struct ProbeOptions {
  Time_us ping_period_us = 100 * kMillisecond_us;             // 0: never ping
  std::vector<std::pair<Time_us, uint64_t>> one_shot_timers;  // (local delay, tag) at start
  bool sync_each_write = false;
};

class ProbeNode final : public Node {
 public:
  ProbeNode(Context& ctx, ProbeLog& log, ProbeOptions options)
      : Node(ctx), log_(log), options_(std::move(options)) {}
  void on_start() override {
    if (ctx_.durable() == nullptr) ctx_.set_durable(std::make_unique<ProbeDurable>());
    auto* d = static_cast<ProbeDurable*>(ctx_.durable());
    ++d->boots;
    ctx_.sync();
    log_.boots.push_back({ctx_.self(), d->boots, d->writes});
    ctx_.report(ctx_.self() == 0 ? Role::Leader : Role::Follower, 1, 0);
    if (options_.ping_period_us > 0) ctx_.set_timer(options_.ping_period_us, kPing);
    for (const auto& [delay_us, tag] : options_.one_shot_timers) ctx_.set_timer(delay_us, tag);
  }
  void on_message(NodeId from, const Message& msg) override {
    log_.deliveries.push_back({log_.now_us, ctx_.self(), from, static_cast<const Ping&>(msg).seq});
    auto* d = static_cast<ProbeDurable*>(ctx_.durable());
    ++d->writes;
    if (options_.sync_each_write) ctx_.sync();
  }
  void on_timer(uint64_t tag) override {
    log_.timers.push_back({log_.now_us, ctx_.self(), tag, ctx_.now()});
    if (tag != kPing) return;
    Ping p;
    p.seq = ++seq_;
    ctx_.broadcast(p);
    ctx_.set_timer(options_.ping_period_us, kPing);
  }
  int64_t volatile_seq() const { return seq_; }

  static constexpr uint64_t kPing = 1;

 private:
  ProbeLog& log_;
  ProbeOptions options_;
  int64_t seq_ = 0;  // volatile: restarts from 0 after a crash
};

// Keeps ProbeLog::now_us equal to virtual time (the probe itself only sees its local clock).
class LogClock final : public Observer {
 public:
  explicit LogClock(ProbeLog& log) : log_(log) {}
  void on_event(const TraceEvent& ev) override { log_.now_us = ev.time_us; }

 private:
  ProbeLog& log_;
};

// Collects every event as its JSON line, and the parsed essentials.
class Recorder final : public Observer {
 public:
  void on_event(const TraceEvent& ev) override {
    lines.push_back(event_to_json(ev));
    kinds.push_back(ev.kind);
    if (ev.kind == EventKind::Drop) drop_reasons.emplace_back(ev.text);
  }
  std::vector<std::string> lines;
  std::vector<EventKind> kinds;
  std::vector<std::string> drop_reasons;
};

inline std::function<std::unique_ptr<Node>(Context&)> probe_factory(ProbeLog& log,
                                                                    ProbeOptions options = {}) {
  return [&log, options](Context& ctx) -> std::unique_ptr<Node> {
    return std::make_unique<ProbeNode>(ctx, log, options);
  };
}

}  // namespace ballot::test
