#include "viz/trace_query.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>

namespace ballot::viz {

NodeState state_at(const TraceModel& model, int32_t node, Time_us t) {
  NodeState s;
  if (node < 1 || node > static_cast<int32_t>(model.nodes.size())) return s;
  const NodeTrack& track = model.nodes[static_cast<size_t>(node - 1)];
  auto b = std::upper_bound(track.bands.begin(), track.bands.end(), t,
                            [](Time_us x, const RoleBand& band) { return x < band.begin_us; });
  if (b != track.bands.begin()) s.band = &*std::prev(b);
  auto p = std::upper_bound(track.pauses.begin(), track.pauses.end(), t,
                            [](Time_us x, const Interval& i) { return x < i.begin_us; });
  if (p != track.pauses.begin()) {
    const Interval& last = *std::prev(p);
    s.paused = t < last.end_us;
  }
  auto v = std::upper_bound(track.votes.begin(), track.votes.end(), t,
                            [](Time_us x, const Vote& vote) { return x < vote.t_us; });
  if (v != track.votes.begin()) s.last_vote = *std::prev(v);
  return s;
}

LogView log_at(const TraceModel& model, int32_t node, Time_us t) {
  LogView view;
  if (node < 1 || node > static_cast<int32_t>(model.nodes.size())) return view;
  const NodeTrack& track = model.nodes[static_cast<size_t>(node - 1)];
  view.any_facts = !track.log_facts.empty();
  for (const LogFact& f : track.log_facts) {
    if (f.t_us > t) break;
    switch (f.kind) {
      case LogFact::Kind::Append:
        // Appends extend the log by one; an index that is not next (a fact from a newer format)
        // resizes it so the view stays aligned with the index.
        if (f.index >= 1) {
          view.entries.resize(static_cast<size_t>(f.index - 1));
          view.entries.push_back({f.index, f.term, f.event});
        }
        break;
      case LogFact::Kind::Truncate:
        if (f.index >= 1 && static_cast<size_t>(f.index - 1) < view.entries.size())
          view.entries.resize(static_cast<size_t>(f.index - 1));
        break;
      case LogFact::Kind::Commit:
        view.commit_index = f.index;
        break;
      case LogFact::Kind::Apply:
        view.last_applied = f.index;
        break;
    }
  }
  return view;
}

const Caption* caption_at(const TraceModel& model, Time_us t) {
  // Captions are in trace order, so in time order: the last one at or before t.
  const auto after = std::upper_bound(model.captions.begin(), model.captions.end(), t,
                                      [](Time_us x, const Caption& c) { return x < c.t_us; });
  return after == model.captions.begin() ? nullptr : &*std::prev(after);
}

uint32_t first_event_at_or_after(const TraceModel& model, Time_us t) {
  auto it = std::lower_bound(model.events.begin(), model.events.end(), t,
                             [](const Event& e, Time_us x) { return e.t_us < x; });
  return static_cast<uint32_t>(it - model.events.begin());
}

int64_t neighbour_in(const std::vector<uint32_t>& list, int64_t event, int dir) {
  if (dir > 0) {
    auto it = std::upper_bound(list.begin(), list.end(), event,
                               [](int64_t x, uint32_t e) { return x < static_cast<int64_t>(e); });
    return it == list.end() ? -1 : static_cast<int64_t>(*it);
  }
  auto it = std::lower_bound(list.begin(), list.end(), event,
                             [](uint32_t e, int64_t x) { return static_cast<int64_t>(e) < x; });
  return it == list.begin() ? -1 : static_cast<int64_t>(*std::prev(it));
}

int64_t neighbour_in_time(const TraceModel& model, const std::vector<uint32_t>& list, Time_us t,
                          int dir) {
  auto time_of = [&](uint32_t e) { return model.events[e].t_us; };
  if (dir > 0) {
    auto it = std::upper_bound(list.begin(), list.end(), t,
                               [&](Time_us x, uint32_t e) { return x < time_of(e); });
    return it == list.end() ? -1 : static_cast<int64_t>(*it);
  }
  auto it = std::lower_bound(list.begin(), list.end(), t,
                             [&](uint32_t e, Time_us x) { return time_of(e) < x; });
  return it == list.begin() ? -1 : static_cast<int64_t>(*std::prev(it));
}

namespace {

// The items that can show in [t0, t1]: from the first whose running maximum end reaches t0 to
// the last that starts by t1. `items` are sorted by their start; end_max[i] is the largest end
// among items[0..i].
template <typename Item, typename Start>
IndexRange window_of(const std::vector<Item>& items, const std::vector<Time_us>& end_max,
                     Time_us t0, Time_us t1, Start start) {
  IndexRange r;
  r.first =
      static_cast<size_t>(std::lower_bound(end_max.begin(), end_max.end(), t0) - end_max.begin());
  r.last = static_cast<size_t>(
      std::upper_bound(items.begin(), items.end(), t1,
                       [&](Time_us x, const Item& item) { return x < start(item); }) -
      items.begin());
  if (r.last < r.first) r.last = r.first;
  return r;
}

}  // namespace

IndexRange messages_in(const TraceModel& model, Time_us t0, Time_us t1) {
  return window_of(model.messages, model.messages_end_max_us, t0, t1,
                   [](const Message& m) { return m.send_us; });
}

IndexRange ops_in(const TraceModel& model, Time_us t0, Time_us t1) {
  return window_of(model.ops, model.ops_end_max_us, t0, t1,
                   [](const ClientOp& o) { return o.invoke_us; });
}

IndexRange bands_in(const NodeTrack& track, Time_us t0, Time_us t1) {
  const auto& bands = track.bands;
  IndexRange r;
  // Bands are contiguous, so their ends are sorted too.
  r.first = static_cast<size_t>(
      std::upper_bound(bands.begin(), bands.end(), t0,
                       [](Time_us x, const RoleBand& b) { return x < b.end_us; }) -
      bands.begin());
  r.last = static_cast<size_t>(
      std::upper_bound(bands.begin(), bands.end(), t1,
                       [](Time_us x, const RoleBand& b) { return x < b.begin_us; }) -
      bands.begin());
  if (r.first > 0 && bands[r.first - 1].end_us == t0 && bands[r.first - 1].begin_us == t0)
    --r.first;
  if (r.last < r.first) r.last = r.first;
  return r;
}

namespace {
constexpr Time_us kMs = 1000, kS = 1000 * 1000;

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
}  // namespace

std::string format_time(Time_us t) {
  if (t == 0) return "0s";
  const std::string sign = t < 0 ? "-" : "";
  const Time_us a = std::llabs(t);
  if (a >= kS) return sign + trim_zeros(fixed(static_cast<double>(a) / kS, 6)) + "s";
  if (a >= kMs) return sign + trim_zeros(fixed(static_cast<double>(a) / kMs, 3)) + "ms";
  return sign + std::to_string(a) + "us";
}

std::string format_tick(Time_us t, Time_us step_us) {
  if (t == 0) return "0";
  // The unit from the magnitude, the decimals so that the step is visible.
  const Time_us a = std::llabs(t);
  const Time_us unit = a >= kS ? kS : a >= kMs ? kMs : 1;
  const char* suffix = unit == kS ? "s" : unit == kMs ? "ms" : "us";
  int decimals = 0;
  for (Time_us s = step_us; s % unit != 0 && decimals < 6; s *= 10) ++decimals;
  return trim_zeros(fixed(static_cast<double>(t) / static_cast<double>(unit), decimals)) + suffix;
}

std::optional<Time_us> parse_time(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v)) return std::nullopt;
  const std::string unit(end);
  double scale;
  if (unit.empty() || unit == "us")
    scale = 1;
  else if (unit == "ms")
    scale = kMs;
  else if (unit == "s")
    scale = kS;
  else if (unit == "m")
    scale = 60.0 * kS;
  else
    return std::nullopt;
  return static_cast<Time_us>(std::llround(v * scale));
}

namespace {

// "n2 (epoch 3) at 1.2s"; without epochs (Bully) "n2 at 1.2s".
std::string occurrence_text(const TraceModel& m, const DamageOccurrence& o) {
  std::string text = o.node <= 0 ? "-" : "n" + std::to_string(o.node);
  if (m.has_epochs) text += " (epoch " + std::to_string(o.epoch) + ")";
  return text + " at " + format_time(o.t_us);
}

// The first event of `node` at time t, or -1.
int64_t event_at(const TraceModel& m, int32_t node, Time_us t) {
  if (node <= 0 || static_cast<size_t>(node) > m.nodes.size()) return -1;
  const std::vector<uint32_t>& events = m.nodes[static_cast<size_t>(node) - 1].events;
  auto it = std::lower_bound(events.begin(), events.end(), t,
                             [&m](uint32_t e, Time_us t_us) { return m.events[e].t_us < t_us; });
  return it != events.end() && m.events[*it].t_us == t ? int64_t{*it} : -1;
}

}  // namespace

const char* trace_badge(const TraceModel& shown) {
  if (shown.revealed()) return "";
  if (!shown.cut_limit.empty()) return "CUT";
  if (shown.truncated()) return "TRUNCATED";
  return "";
}

std::vector<DamageLine> damage_lines(const TraceModel& m, size_t max_per_list) {
  std::vector<DamageLine> out;
  auto more = [&out, max_per_list](size_t total, const char* what) {
    if (total > max_per_list)
      out.push_back({std::to_string(total - max_per_list) + " more " + what, false, -1, 0});
  };
  for (size_t i = 0; i < m.lost_writes.size() && i < max_per_list; ++i) {
    const LostWrite& w = m.lost_writes[i];
    DamageLine line;
    line.text = "lost write op " + std::to_string(w.op) + ": " + w.f + " " + w.key + "=" + w.value +
                ", acknowledged by " + occurrence_text(m, w.acknowledged);
    if (w.erased_event >= 0)
      line.text += "; erased at " + format_time(w.erased_us) + " (event " +
                   std::to_string(w.erased_event) + ": n" + std::to_string(w.erased_node) +
                   " took n" + std::to_string(w.erased_from) + "'s state)";
    line.t_us = w.acknowledged.t_us;
    line.event = w.return_event;
    out.push_back(std::move(line));
  }
  more(m.lost_writes.size(), "lost writes");
  auto duplicates = [&](const std::vector<DuplicateRun>& list, const std::string& what,
                        const char* rest) {
    for (size_t i = 0; i < list.size() && i < max_per_list; ++i) {
      const DuplicateRun& d = list[i];
      out.push_back({what + " " + std::to_string(d.what) + ": " + occurrence_text(m, d.first) +
                         ", again " + occurrence_text(m, d.again),
                     true, event_at(m, d.again.node, d.again.t_us), d.again.t_us});
    }
    more(list.size(), rest);
  };
  duplicates(m.job_duplicates, "duplicate job run, period", "duplicate job runs");
  duplicates(m.id_duplicates, "duplicate id", "duplicate ids");
  return out;
}

}  // namespace ballot::viz
