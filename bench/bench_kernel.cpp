// Kernel throughput: a ping workload against a bare priority-queue loop, and a heartbeat workload
// at 5, 100 and 1000 nodes. Prints a table; docs/PERFORMANCE.md records the results.
//
//   bench_kernel [--quick]
//
// Timing lives here, never in sim/ or in tests.
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <ostream>
#include <queue>
#include <streambuf>
#include <vector>

#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

using namespace ballot;

namespace {

// Process CPU time, not wall time: on a shared machine a benchmark is often descheduled, which
// wall time would count. (Cache contention from neighbours still shows; run on a quiet machine.)
struct Clock {
  using time_point = std::clock_t;
  static time_point now() { return std::clock(); }
};

double seconds_since(Clock::time_point start) {
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

// ---- ping: pairs of nodes bounce one message each way, forever ----

struct Ball final : MessageBase<Ball> {
  static constexpr std::string_view kType = "Ball";
  int64_t hits = 0;
  void fields(FieldSink& sink) const override { sink.put_int("hits", hits); }
};

class PingNode final : public Node {
 public:
  using Node::Node;
  void on_start() override {
    // Even nodes serve to their odd partner.
    if (ctx_.self() % 2 == 0 && ctx_.self() + 1 < ctx_.cluster_size())
      ctx_.send(ctx_.self() + 1, std::make_unique<Ball>());
  }
  void on_message(NodeId from, const Message& msg) override {
    auto ball = std::make_unique<Ball>();
    ball->hits = static_cast<const Ball&>(msg).hits + 1;
    ctx_.send(from, std::move(ball));
  }
  void on_timer(uint64_t) override {}
};

// ---- heartbeat: n1 sends to everyone every 50 ms; each replies ----

struct Beat final : MessageBase<Beat> {
  static constexpr std::string_view kType = "Beat";
  int64_t round = 0;
  void fields(FieldSink& sink) const override { sink.put_int("round", round); }
};

struct BeatAck final : MessageBase<BeatAck> {
  static constexpr std::string_view kType = "BeatAck";
  int64_t round = 0;
  void fields(FieldSink& sink) const override { sink.put_int("round", round); }
};

class HeartbeatNode final : public Node {
 public:
  using Node::Node;
  static constexpr Time_us kInterval_us = 50 * kMillisecond_us;
  void on_start() override {
    if (ctx_.self() == 0) ctx_.set_timer(kInterval_us, 0);
  }
  void on_message(NodeId from, const Message& msg) override {
    if (msg.type() == Beat::kType) {
      auto ack = std::make_unique<BeatAck>();
      ack->round = static_cast<const Beat&>(msg).round;
      ctx_.send(from, std::move(ack));
    } else {
      ++acks_;  // the leader's bookkeeping: count replies for the round
    }
  }
  void on_timer(uint64_t) override {
    Beat beat;
    beat.round = ++round_;
    ctx_.broadcast(beat);
    ctx_.set_timer(kInterval_us, 0);
  }

 private:
  int64_t round_ = 0;
  int64_t acks_ = 0;
};

// A stream that discards everything (to time trace formatting without disk I/O).
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

struct Measure {
  double wall_s = 0;
  int64_t delivered = 0;
  uint64_t events = 0;
};

template <class NodeT>
Measure run_kernel(int32_t nodes, Time_us duration_us, bool trace_lines) {
  Scenario s;
  s.nodes = nodes;
  s.duration_us = duration_us;
  s.network.latency.dist = LatencyModel::Dist::Uniform;
  s.network.latency.min_us = 1000;
  s.network.latency.max_us = 5000;
  Simulator sim(
      s, [](Context& ctx) -> std::unique_ptr<Node> { return std::make_unique<NodeT>(ctx); }, false);
  NullBuffer null_buffer;
  std::ostream null_stream(&null_buffer);
  TraceLineWriter writer(null_stream);
  if (trace_lines) sim.watch(&writer);
  const auto start = Clock::now();
  const RunResult r = sim.run();
  Measure m;
  m.wall_s = seconds_since(start);
  m.delivered = r.metrics.at("messages_delivered");
  m.events = r.events;
  return m;
}

// The baseline: the same ping traffic as a bare std::priority_queue of (time, seq, from, to),
// with the same latency draws, and nothing else.
Measure run_bare_ping(int32_t nodes, Time_us duration_us) {
  struct E {
    Time_us at;
    uint64_t seq;
    int32_t from, to;
    bool operator>(const E& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<E, std::vector<E>, std::greater<E>> q;
  Rng rng(1);
  uint64_t seq = 0;
  for (int32_t i = 0; i + 1 < nodes; i += 2) q.push({rng.uniform_int(1000, 5000), seq++, i, i + 1});
  Measure m;
  const auto start = Clock::now();
  while (!q.empty() && q.top().at < duration_us) {
    const E e = q.top();
    q.pop();
    ++m.delivered;
    q.push({e.at + rng.uniform_int(1000, 5000), seq++, e.to, e.from});
  }
  m.wall_s = seconds_since(start);
  m.events = static_cast<uint64_t>(m.delivered);
  return m;
}

// The heartbeat baseline: only the bookkeeping (queue, latency draws, reply counting).
Measure run_bare_heartbeat(int32_t nodes, Time_us duration_us) {
  struct E {
    Time_us at;
    uint64_t seq;
    int32_t to;
    bool ack;
    bool operator>(const E& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<E, std::vector<E>, std::greater<E>> q;
  Rng rng(1);
  uint64_t seq = 0;
  int64_t acks = 0;
  Measure m;
  const auto start = Clock::now();
  for (Time_us round_us = 50000; round_us < duration_us || !q.empty();) {
    if (q.empty() || (round_us < duration_us && round_us <= q.top().at)) {
      for (int32_t to = 1; to < nodes; ++to)
        q.push({round_us + rng.uniform_int(1000, 5000), seq++, to, false});
      round_us += 50000;
      continue;
    }
    const E e = q.top();
    q.pop();
    if (e.at >= duration_us) break;
    ++m.delivered;
    if (e.ack)
      ++acks;
    else
      q.push({e.at + rng.uniform_int(1000, 5000), seq++, 0, true});
  }
  m.wall_s = seconds_since(start);
  if (acks < 0) std::puts("");  // keep the bookkeeping observable
  return m;
}

double per_s(const Measure& m) {
  return static_cast<double>(m.delivered) / m.wall_s;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const double scale = quick ? 0.1 : 1.0;
  std::printf("ballot kernel benchmark%s (trace hash always on)\n\n", quick ? " (quick)" : "");

  // Ping: 64 pairs bouncing; ~5 messages per ms of simulated time per pair.
  const Time_us ping_us = static_cast<Time_us>(400 * scale) * kSecond_us;
  const Measure bare = run_bare_ping(128, ping_us);
  const Measure kernel = run_kernel<PingNode>(128, ping_us, false);
  const Measure traced = run_kernel<PingNode>(128, ping_us, true);
  std::printf("ping (64 pairs)                      delivered       cpu s   msgs/s (M)\n");
  std::printf("  bare priority-queue loop        %12lld  %10.3f  %10.2f\n",
              static_cast<long long>(bare.delivered), bare.wall_s, per_s(bare) / 1e6);
  std::printf("  ballot kernel                   %12lld  %10.3f  %10.2f\n",
              static_cast<long long>(kernel.delivered), kernel.wall_s, per_s(kernel) / 1e6);
  std::printf("  ballot kernel + JSONL trace     %12lld  %10.3f  %10.2f\n",
              static_cast<long long>(traced.delivered), traced.wall_s, per_s(traced) / 1e6);
  std::printf("  kernel events/s (send+deliver): %.2f M; slowdown vs bare loop: %.2fx\n\n",
              static_cast<double>(kernel.events) / kernel.wall_s / 1e6,
              per_s(bare) / per_s(kernel));

  std::printf(
      "heartbeat (n1 -> all every 50 ms, replies)   nodes   delivered     cpu s   msgs/s (M)   "
      "bare loop (M)\n");
  for (int32_t n : {5, 100, 1000}) {
    // Aim for a few million messages per configuration.
    const Time_us sim_us = static_cast<Time_us>(scale * 4e6 / (2.0 * (n - 1)) * 50000.0);
    const Measure hb = run_kernel<HeartbeatNode>(n, sim_us, false);
    const Measure hb_bare = run_bare_heartbeat(n, sim_us);
    std::printf("                                             %5d  %10lld  %8.3f  %10.2f  %12.2f\n",
                n, static_cast<long long>(hb.delivered), hb.wall_s, per_s(hb) / 1e6,
                per_s(hb_bare) / 1e6);
  }
  return 0;
}
