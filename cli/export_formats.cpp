// `ballot export --format perfetto|shiviz` (docs/cli.md): a whole trace as the Trace Event Format
// JSON that Perfetto's UI (and chrome://tracing) opens, or as a ShiViz log with vector clocks.
#include "cli/export_formats.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

namespace ballot::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string node_name(int64_t n) {
  return "n" + std::to_string(n);
}

std::string str(const Json& e, const char* key) {
  return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : std::string();
}
int64_t num(const Json& e, const char* key) {
  return e.contains(key) && e[key].is_number_integer() ? e[key].get<int64_t>() : 0;
}

int64_t trace_end(const LoadedTrace& t) {
  int64_t end = t.events.empty() ? 0 : num(t.events.back(), "t");
  if (t.footer && t.footer->contains("end_us") && (*t.footer)["end_us"].is_number_integer())
    end = std::max(end, (*t.footer)["end_us"].get<int64_t>());
  return end;
}

// Perfetto: one output event, kept with its sort key (ts, then longer spans first so that a
// parent precedes its children, then the order made).
struct Out {
  int64_t ts = 0, dur = -1;
  size_t order = 0;
  Json j;
};

// One node's state spans: a role span at the bottom (or "crashed"), "paused" nested in it.
struct NodeSpans {
  struct Open {
    int64_t start = 0;
    std::string name;
    Json args;
  };
  std::optional<Open> base, paused;
};

}  // namespace

std::string to_perfetto(const LoadedTrace& t) {
  std::vector<Out> out;
  auto push = [&](int64_t ts, int64_t dur, Json j) {
    out.push_back(Out{ts, dur, out.size(), std::move(j)});
  };
  const int64_t end = trace_end(t) + 1;  // message slices last 1 us
  const int pid = 1;

  // Metadata: the run is the process, each node a thread, cluster-wide events on thread 0.
  std::vector<Json> meta;
  meta.push_back(Json{
      {"ph", "M"},
      {"pid", pid},
      {"tid", 0},
      {"name", "process_name"},
      {"args",
       {{"name", "ballot " + t.header.algorithm + " seed " + std::to_string(t.header.seed)}}}});
  for (int n = 0; n <= t.nodes; ++n) {
    meta.push_back(Json{{"ph", "M"},
                        {"pid", pid},
                        {"tid", n},
                        {"name", "thread_name"},
                        {"args", {{"name", n == 0 ? std::string("cluster") : node_name(n)}}}});
    meta.push_back(Json{{"ph", "M"},
                        {"pid", pid},
                        {"tid", n},
                        {"name", "thread_sort_index"},
                        {"args", {{"sort_index", n}}}});
  }

  // One flow per delivery of a sent message, numbered in delivery order. Each flow event is
  // written right after its message's slice (the same sort key, made next), so that a reader
  // that binds a flow to the slice open on its thread at its time (Perfetto, catapult) finds
  // that one even when a node sends several messages at the same microsecond.
  std::map<int64_t, std::vector<int64_t>> flows_of;  // message id -> its flows
  {
    std::set<int64_t> sent_ids;
    int64_t next_flow = 1;
    for (const Json& e : t.events) {
      const std::string k = str(e, "k");
      if (k == "send") sent_ids.insert(num(e, "id"));
      if (k == "deliver" && sent_ids.count(num(e, "id")))
        flows_of[num(e, "id")].push_back(next_flow++);
    }
  }
  std::map<int64_t, size_t> delivered;  // message id -> deliveries seen
  std::map<int64_t, NodeSpans> spans;

  auto span = [&](int64_t node, const NodeSpans::Open& o, int64_t until) {
    if (until <= o.start) return;  // a state that lasted no time is not drawn
    push(o.start, until - o.start,
         Json{{"ph", "X"},
              {"pid", pid},
              {"tid", node},
              {"ts", o.start},
              {"dur", until - o.start},
              {"cat", "state"},
              {"name", o.name},
              {"args", o.args}});
  };
  auto close_paused = [&](int64_t node, int64_t at) {
    NodeSpans& s = spans[node];
    if (s.paused) span(node, *s.paused, at);
    s.paused.reset();
  };
  auto set_base = [&](int64_t node, int64_t at, std::optional<NodeSpans::Open> next) {
    close_paused(node, at);
    NodeSpans& s = spans[node];
    if (s.base) span(node, *s.base, at);
    s.base = std::move(next);
  };
  auto instant = [&](int64_t ts, int64_t node, const std::string& cat, const std::string& name,
                     Json args) {
    Json j{{"ph", "i"},  {"pid", pid},  {"tid", node}, {"ts", ts}, {"s", node == 0 ? "g" : "t"},
           {"cat", cat}, {"name", name}};
    if (!args.is_null()) j["args"] = std::move(args);
    push(ts, -1, std::move(j));
  };

  for (const Json& e : t.events) {
    const std::string k = str(e, "k");
    const int64_t ts = num(e, "t"), n = num(e, "n"), index = num(e, "i");
    if (k == "send") {
      push(ts, 1,
           Json{{"ph", "X"},
                {"pid", pid},
                {"tid", n},
                {"ts", ts},
                {"dur", 1},
                {"cat", "send"},
                {"name", "send " + str(e, "type")},
                {"args",
                 {{"event", index},
                  {"to", node_name(num(e, "to"))},
                  {"id", num(e, "id")},
                  {"msg", e.contains("msg") ? e["msg"] : Json::object()}}}});
      for (const int64_t flow : flows_of[num(e, "id")])
        push(ts, 1,
             Json{{"ph", "s"},
                  {"pid", pid},
                  {"tid", n},
                  {"ts", ts},
                  {"cat", "msg"},
                  {"name", str(e, "type")},
                  {"id", flow}});
    } else if (k == "deliver") {
      const int64_t id = num(e, "id");
      push(ts, 1,
           Json{{"ph", "X"},
                {"pid", pid},
                {"tid", n},
                {"ts", ts},
                {"dur", 1},
                {"cat", "deliver"},
                {"name", "deliver " + str(e, "type")},
                {"args",
                 {{"event", index},
                  {"from", node_name(num(e, "from"))},
                  {"id", id},
                  {"dup", e.contains("dup") && e["dup"].is_boolean() && e["dup"].get<bool>()}}}});
      auto it = flows_of.find(id);
      const size_t nth = delivered[id]++;
      if (it != flows_of.end() && nth < it->second.size())
        push(ts, 1,
             Json{{"ph", "f"},
                  {"bp", "e"},
                  {"pid", pid},
                  {"tid", n},
                  {"ts", ts},
                  {"cat", "msg"},
                  {"name", str(e, "type")},
                  {"id", it->second[nth]}});
    } else if (k == "drop") {
      instant(ts, n, "drop", "drop " + str(e, "type") + " (" + str(e, "reason") + ")",
              Json{{"event", index}, {"from", node_name(num(e, "from"))}, {"id", num(e, "id")}});
    } else if (k == "role") {
      set_base(n, ts,
               NodeSpans::Open{ts, str(e, "role"),
                               Json{{"epoch", num(e, "epoch")},
                                    {"leader", num(e, "leader") ? node_name(num(e, "leader"))
                                                                : std::string("none")}}});
    } else if (k == "crash") {
      instant(ts, n, "node", "crash", e.contains("why") ? Json{{"why", e["why"]}} : Json());
      set_base(n, ts, NodeSpans::Open{ts, "crashed", Json::object()});
    } else if (k == "restart") {
      instant(ts, n, "node", "restart", e.contains("why") ? Json{{"why", e["why"]}} : Json());
      set_base(n, ts, std::nullopt);
    } else if (k == "pause") {
      instant(ts, n, "node", "pause", Json());
      close_paused(n, ts);
      spans[n].paused = NodeSpans::Open{ts, "paused", Json::object()};
    } else if (k == "resume") {
      instant(ts, n, "node", "resume", Json());
      close_paused(n, ts);
    } else if (k == "clock") {
      instant(ts, n, "node", "clock",
              e.contains("detail") ? Json{{"detail", e["detail"]}} : Json());
    } else if (k == "timer") {
      instant(ts, n, "timer", "timer " + str(e, "tag"), Json());
    } else if (k == "fault") {
      instant(
          ts, n, "fault",
          "fault " + std::to_string(num(e, "fault")) + " " + str(e, "kind") + " " + str(e, "phase"),
          Json{{"event", index}, {"detail", e.contains("detail") ? e["detail"] : Json()}});
    } else if (k == "caption") {
      instant(ts, 0, "caption", str(e, "text"), Json());
    }
  }
  for (auto& [node, s] : spans) {
    close_paused(node, end);
    if (s.base) span(node, *s.base, end);
  }
  std::stable_sort(out.begin(), out.end(), [](const Out& a, const Out& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    if (a.dur != b.dur) return a.dur > b.dur;
    return a.order < b.order;
  });
  std::string s = "{\"displayTimeUnit\":\"ms\",\"otherData\":";
  s += Json{{"source", "ballot"},
            {"algorithm", t.header.algorithm},
            {"seed", t.header.seed},
            {"file", t.header.file}}
           .dump();
  s += ",\"traceEvents\":[\n";
  bool first = true;
  auto line = [&](const Json& j) {
    if (!first) s += ",\n";
    first = false;
    s += j.dump();
  };
  for (const Json& j : meta) line(j);
  for (const Out& o : out) line(o.j);
  s += "\n]}\n";
  return s;
}

const char* const kShivizRegex = "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})";

std::string to_shiviz(const LoadedTrace& t) {
  std::string s = std::string(kShivizRegex) + "\n\n";     // the regex, then an empty delimiter line
  std::map<int64_t, std::map<int64_t, int64_t>> clock;    // node -> its vector clock
  std::map<int64_t, std::map<int64_t, int64_t>> at_send;  // message id -> sender's clock
  for (const Json& e : t.events) {
    const int64_t n = num(e, "n");
    if (n <= 0) continue;  // cluster-wide events (faults on the network, captions) have no host
    const std::string k = str(e, "k");
    // Arming and cancelling a timer is a node's own bookkeeping, not a step ShiViz orders: the
    // timer's firing is shown, its arming would only double the events on every host.
    if (k == "arm" || k == "cancel") continue;
    auto& c = clock[n];
    if (k == "deliver") {
      auto it = at_send.find(num(e, "id"));
      if (it != at_send.end())
        for (const auto& [node, v] : it->second) c[node] = std::max(c[node], v);
    }
    ++c[n];
    if (k == "send") at_send[num(e, "id")] = c;
    std::string text = std::to_string(num(e, "t")) + "us " + k;
    if (k == "send")
      text += " " + str(e, "type") + " to " + node_name(num(e, "to")) + " #" +
              std::to_string(num(e, "id"));
    else if (k == "deliver" || k == "drop")
      text += " " + str(e, "type") + " from " + node_name(num(e, "from")) + " #" +
              std::to_string(num(e, "id")) + (k == "drop" ? " (" + str(e, "reason") + ")" : "");
    else if (k == "role")
      text += " " + str(e, "role") + " epoch " + std::to_string(num(e, "epoch"));
    else if (k == "timer")
      text += " " + str(e, "tag");
    else if (k == "fault")
      text += " " + std::to_string(num(e, "fault")) + " " + str(e, "kind") + " " + str(e, "phase");
    text += " [event " + std::to_string(num(e, "i")) + "]";
    for (char& ch : text)
      if (ch == '\n' || ch == '\r') ch = ' ';
    Json vc = Json::object();
    for (const auto& [node, v] : c) vc[node_name(node)] = v;
    s += text + "\n" + node_name(n) + " " + vc.dump() + "\n";
  }
  return s;
}

}  // namespace ballot::cli
