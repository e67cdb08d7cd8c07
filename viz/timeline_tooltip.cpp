// The timeline's tooltips: what the mouse points at, one function per kind of thing drawn.
#include <algorithm>
#include <string>

#include "viz/draw_util.h"
#include "viz/timeline_draw.h"
#include "viz/trace_query.h"

namespace ballot::viz::timeline {

namespace {

// At most this many of an event's fields in its tooltip.
constexpr int kMaxEventFields = 8;

void message_tooltip(const TraceModel& m, const Hit& hit) {
  const Message& msg = m.messages[static_cast<size_t>(hit.index)];
  ImGui::Text("%s #%lld   %s %s %s%s", m.message_types[msg.type].c_str(),
              static_cast<long long>(msg.id), node_name(msg.from).c_str(), arrow_text(),
              node_name(msg.to).c_str(), msg.heartbeat ? "   (heartbeat)" : "");
  ImGui::Text("sent %s", format_time(msg.send_us).c_str());
  if (msg.fate == Message::Fate::Delivered)
    ImGui::Text("delivered %s  (after %s)", format_time(msg.end_us).c_str(),
                format_time(msg.end_us - msg.send_us).c_str());
  else if (msg.fate == Message::Fate::Dropped)
    ImGui::TextColored(col4(kDropColor), "LOST at %s: %s", format_time(msg.end_us).c_str(),
                       m.drop_reasons[msg.drop_reason].c_str());
  else
    ImGui::TextUnformatted("still in flight when the trace ends");
  if (msg.answer == Message::Answer::Granted)
    ImGui::TextColored(col4(kVoteGrantedColor), "vote granted");
  else if (msg.answer == Message::Answer::Refused)
    ImGui::TextColored(col4(kVoteRefusedColor), "vote refused");
  if (msg.duplicate)
    ImGui::TextColored(col4(kDuplicateColor), "a duplicate copy made by the network");
}

void mark_tooltip(const TraceModel& m, const Hit& hit) {
  const auto e = static_cast<uint32_t>(hit.index);
  ImGui::Text("%s at %s, event %u", event_kind_name(m.events[e].kind),
              format_time(m.events[e].t_us).c_str(), e);
  int shown = 0;
  for (const auto& [k, v] : event_fields(m, e)) {
    if (k == "i" || k == "t" || k == "k" || k == "n") continue;
    if (++shown > kMaxEventFields) break;
    ImGui::Text("%s: %s", k.c_str(), v.c_str());
  }
}

void fault_tooltip(const TraceModel& m, const Hit& hit) {
  const Fault& f = m.faults[static_cast<size_t>(hit.index)];
  ImGui::Text("fault %lld: %s", static_cast<long long>(f.id), f.summary.c_str());
  if (f.span.end_us > f.span.begin_us)
    ImGui::Text("%s to %s (%s)", format_time(f.span.begin_us).c_str(),
                format_time(f.span.end_us).c_str(),
                format_time(f.span.end_us - f.span.begin_us).c_str());
  else
    ImGui::Text("at %s", format_time(f.span.begin_us).c_str());
  for (size_t gi = 0; gi < f.groups.size(); ++gi) {
    std::string members;
    for (int32_t n : f.groups[gi]) members += " " + node_name(n);
    ImGui::Text("group %c:%s", static_cast<char>('A' + gi % 26), members.c_str());
  }
}

void split_brain_tooltip(const TraceModel& m, const Hit& hit) {
  const SplitBrain& sb = m.split_brains[static_cast<size_t>(hit.index)];
  std::string leaders;
  for (int32_t l : sb.leaders) leaders += " " + node_name(l);
  ImGui::TextColored(col4(kSplitBrainColor), "SPLIT BRAIN: more than one node believes it leads");
  ImGui::Text("leaders:%s", leaders.c_str());
  ImGui::Text("%s to %s (%s)", format_time(sb.begin_us).c_str(), format_time(sb.end_us).c_str(),
              format_time(sb.end_us - sb.begin_us).c_str());
}

// A band, and at the mouse's time whether the node was paused or partitioned.
void band_tooltip(const TraceModel& m, const Hit& hit, Time_us t) {
  const RoleBand& b =
      m.nodes[static_cast<size_t>(hit.node - 1)].bands[static_cast<size_t>(hit.index)];
  ImGui::Text("%s: %s%s", node_name(hit.node).c_str(), role_name(b.role),
              m.has_epochs ? (", epoch " + std::to_string(b.epoch)).c_str() : "");
  if (b.role == Role::Follower)
    ImGui::Text("follows %s", b.leader ? node_name(b.leader).c_str() : "nobody");
  ImGui::Text("%s to %s (%s)", format_time(b.begin_us).c_str(), format_time(b.end_us).c_str(),
              format_time(b.end_us - b.begin_us).c_str());
  if (state_at(m, hit.node, t).paused)
    ImGui::TextColored(col4(kPausedColor), "paused at %s", format_time(t).c_str());
  for (const Fault& f : m.faults) {
    if (f.span.begin_us > t || f.span.end_us < t || f.groups.empty()) continue;
    for (const auto& group : f.groups)
      if (std::find(group.begin(), group.end(), hit.node) != group.end()) {
        std::string members;
        for (int32_t n : group) members += " " + node_name(n);
        ImGui::TextColored(col4(kPartitionColor), "partitioned: can reach only%s", members.c_str());
      }
  }
}

}  // namespace

void draw_tooltip(const Hit& hit, const TraceModel& m, Time_us mouse_t) {
  ImGui::BeginTooltip();
  switch (hit.kind) {
    case Hit::Kind::Message:
      message_tooltip(m, hit);
      break;
    case Hit::Kind::Op:
      op_text(m.ops[static_cast<size_t>(hit.index)], false);
      break;
    case Hit::Kind::Event:
      mark_tooltip(m, hit);
      break;
    case Hit::Kind::Fault:
      fault_tooltip(m, hit);
      break;
    case Hit::Kind::SplitBrain:
      split_brain_tooltip(m, hit);
      break;
    case Hit::Kind::Band:
      band_tooltip(m, hit, mouse_t);
      break;
    case Hit::Kind::None:  // drawers report no such hit
      break;
  }
  ImGui::TextDisabled("click to inspect");
  ImGui::EndTooltip();
}

}  // namespace ballot::viz::timeline
