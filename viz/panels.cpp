#include "viz/panels.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "viz/cdf_plot_draw.h"
#include "viz/draw_util.h"
#include "viz/timeline_layout.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

// A table that scrolls sideways when its columns are wider than the panel (large fonts), as tall
// as its rows plus a horizontal scrollbar.
bool begin_wide_table(const char* id, int columns, int rows) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float row_h = ImGui::GetTextLineHeight() + 2 * style.CellPadding.y;
  const float h =
      row_h * static_cast<float>(rows + 1) + style.ScrollbarSize + 2 * style.CellPadding.y;
  if (!ImGui::BeginTable(id, columns,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                             ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX,
                         ImVec2(0, h)))
    return false;
  ImGui::PushTextWrapPos(-1.0f);  // cells do not wrap: the columns fit their text
  return true;
}
void end_wide_table() {
  ImGui::PopTextWrapPos();
  ImGui::EndTable();
}

// A two-column table of an event's fields.
void fields_table(const TraceModel& m, uint32_t event, const char* id) {
  if (!ImGui::BeginTable(id, 2,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                             ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
  ImGui::PushTextWrapPos(-1.0f);  // the names fit their column; the values wrap
  for (const auto& [k, v] : event_fields(m, event)) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextDisabled("%s", k.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextWrapped("%s", v.c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::EndTable();
}

bool event_button(const char* label, const Models& models, int model, uint32_t event,
                  ViewState& view) {
  ImGui::PushID(static_cast<int>(event));
  const bool pressed = ImGui::SmallButton(label);
  ImGui::PopID();
  if (pressed) jump_to_event(models, model, event, view);
  return pressed;
}

bool is_time_metric(const std::string& name) {
  return name.size() > 3 && name.compare(name.size() - 3, 3, "_us") == 0;
}

std::string metric_text(const std::string& name, const std::string& value) {
  if (is_time_metric(name) && !value.empty() &&
      (std::isdigit(static_cast<unsigned char>(value[0])) != 0))
    return format_time(std::stoll(value));
  if (name == "final_leader" && value != "0") return "n" + value;
  return value;
}

}  // namespace

void jump_to_time(Time_us t, ViewState& view) {
  view.cursor_us = t;
  const Time_us span = view.span_us();
  if (t < view.t0_us || t > view.t1_us) {
    view.t0_us = t - span / 2;
    view.t1_us = view.t0_us + span;
  }
}

void jump_to_event(const Models& models, int model, uint32_t event, ViewState& view) {
  const TraceModel& m = *models[static_cast<size_t>(model)];
  if (event >= m.events.size()) return;
  const Event& e = m.events[event];
  jump_to_time(e.t_us, view);
  view.cursor_event = model == 0 ? static_cast<int64_t>(event) : -1;
  Selection sel;
  sel.model = model;
  switch (e.kind) {
    case EventKind::Send:
    case EventKind::Deliver:
    case EventKind::Drop:
      sel.kind = Selection::Kind::Message;
      sel.index = e.aux;
      break;
    case EventKind::Invoke:
    case EventKind::Return:
      sel.kind = Selection::Kind::Op;
      sel.index = e.aux;
      break;
    default:
      sel.kind = Selection::Kind::Event;
      sel.index = event;
      break;
  }
  if (e.aux == kNoAux && sel.kind != Selection::Kind::Event) {
    sel.kind = Selection::Kind::Event;
    sel.index = event;
  }
  view.selection = sel;
}

bool event_shown(const TraceModel& m, uint32_t event, const Filters& filters) {
  const Event& e = m.events[event];
  if (filters.node_hidden(e.node)) return false;
  // Timer bookkeeping: stepping would stop twice at every reset; the cluster view's rings show it.
  if (e.kind == EventKind::Arm || e.kind == EventKind::Cancel) return false;
  if ((e.kind == EventKind::Send || e.kind == EventKind::Deliver || e.kind == EventKind::Drop) &&
      e.aux != kNoAux) {
    const Message& msg = m.messages[e.aux];
    if (filters.hide_heartbeats && msg.heartbeat) return false;
    if (!filters.show_messages) return false;
    if (msg.fate == Message::Fate::Dropped && !filters.show_drops) return false;
    if (filters.hidden_types.count(m.message_types[msg.type]) > 0) return false;
    if (filters.node_hidden(msg.from) || filters.node_hidden(msg.to)) return false;
  }
  return true;
}

// ---- Inspector ----

void Inspector::Draw(const Models& models, ViewState& view) {
  // Long lines wrap at the panel's edge (large fonts); tables scroll sideways instead.
  ImGui::PushTextWrapPos(0.0f);
  draw_selection(models, view);
  ImGui::Separator();
  draw_state_at_cursor(models, view);
  ImGui::PopTextWrapPos();
}

void Inspector::draw_selection(const Models& models, ViewState& view) {
  const Selection& sel = view.selection;
  if (sel.kind == Selection::Kind::None || static_cast<size_t>(sel.model) >= models.size()) {
    ImGui::TextDisabled(
        "Click a message, band, op or fault on the timeline,\nor step with the arrow keys.");
    return;
  }
  const TraceModel& m = *models[static_cast<size_t>(sel.model)];
  if (models.size() > 1) ImGui::TextDisabled("trace %c", sel.model == 0 ? 'A' : 'B');
  switch (sel.kind) {
    case Selection::Kind::Message: {
      if (sel.index < 0 || static_cast<size_t>(sel.index) >= m.messages.size()) return;
      const Message& msg = m.messages[static_cast<size_t>(sel.index)];
      ImGui::Text("%s #%lld:  %s %s %s", m.message_types[msg.type].c_str(),
                  static_cast<long long>(msg.id), node_name(msg.from).c_str(), arrow_text(),
                  node_name(msg.to).c_str());
      if (msg.answer == Message::Answer::Granted)
        ImGui::TextColored(col4(kVoteGrantedColor), "vote GRANTED: %s votes for %s",
                           node_name(msg.from).c_str(), node_name(msg.to).c_str());
      else if (msg.answer == Message::Answer::Refused)
        ImGui::TextColored(col4(kVoteRefusedColor), "vote REFUSED: %s does not vote for %s",
                           node_name(msg.from).c_str(), node_name(msg.to).c_str());
      ImGui::Text("sent at %s", format_time(msg.send_us).c_str());
      ImGui::SameLine();
      event_button("go##send", models, sel.model, msg.send_event, view);
      if (msg.fate == Message::Fate::Delivered) {
        ImGui::Text("delivered at %s (latency %s)", format_time(msg.end_us).c_str(),
                    format_time(msg.end_us - msg.send_us).c_str());
        ImGui::SameLine();
        event_button("go##end", models, sel.model, msg.end_event, view);
      } else if (msg.fate == Message::Fate::Dropped) {
        ImGui::TextColored(col4(kDropColor), "LOST at %s: %s", format_time(msg.end_us).c_str(),
                           m.drop_reasons[msg.drop_reason].c_str());
        ImGui::SameLine();
        event_button("go##end", models, sel.model, msg.end_event, view);
      } else {
        ImGui::TextUnformatted("in flight when the trace ends");
      }
      if (msg.duplicate)
        ImGui::TextColored(col4(kDuplicateColor), "this copy is a duplicate made by the network");
      if (msg.heartbeat)
        ImGui::TextDisabled("counted as a heartbeat (hidden by 'Hide heartbeats')");
      if (msg.cause_event >= 0) {
        ImGui::Text("sent while handling event %lld", static_cast<long long>(msg.cause_event));
        ImGui::SameLine();
        event_button("show cause", models, sel.model, static_cast<uint32_t>(msg.cause_event), view);
      }
      ImGui::Spacing();
      ImGui::TextUnformatted("send event");
      fields_table(m, msg.send_event, "send");
      if (msg.fate != Message::Fate::InFlight) {
        ImGui::TextUnformatted(msg.fate == Message::Fate::Dropped ? "drop event" : "deliver event");
        fields_table(m, msg.end_event, "end");
      }
      break;
    }
    case Selection::Kind::Op: {
      if (sel.index < 0 || static_cast<size_t>(sel.index) >= m.ops.size()) return;
      const ClientOp& op = m.ops[static_cast<size_t>(sel.index)];
      op_text(op, true);
      ImGui::TextUnformatted("invoke event");
      fields_table(m, op.invoke_event, "invoke");
      if (op.return_event != op.invoke_event) {
        ImGui::TextUnformatted("return event");
        fields_table(m, op.return_event, "return");
      }
      break;
    }
    case Selection::Kind::Fault: {
      if (sel.index < 0 || static_cast<size_t>(sel.index) >= m.faults.size()) return;
      const Fault& f = m.faults[static_cast<size_t>(sel.index)];
      ImGui::Text("fault %lld: %s", static_cast<long long>(f.id), f.summary.c_str());
      ImGui::Text("from %s to %s", format_time(f.span.begin_us).c_str(),
                  format_time(f.span.end_us).c_str());
      event_button("go to begin", models, sel.model, f.span.begin_event, view);
      if (f.span.end_event != f.span.begin_event) {
        ImGui::SameLine();
        event_button("go to end", models, sel.model, f.span.end_event, view);
      }
      fields_table(m, f.span.begin_event, "fault");
      break;
    }
    case Selection::Kind::SplitBrain: {
      if (sel.index < 0 || static_cast<size_t>(sel.index) >= m.split_brains.size()) return;
      const SplitBrain& sb = m.split_brains[static_cast<size_t>(sel.index)];
      ImGui::TextColored(col4(kSplitBrainColor), "SPLIT BRAIN");
      std::string leaders;
      for (int32_t l : sb.leaders) leaders += " " + node_name(l);
      ImGui::Text("nodes that believed they led:%s", leaders.c_str());
      ImGui::Text("%s to %s (%s)", format_time(sb.begin_us).c_str(), format_time(sb.end_us).c_str(),
                  format_time(sb.end_us - sb.begin_us).c_str());
      event_button("go to its start", models, sel.model, sb.begin_event, view);
      break;
    }
    case Selection::Kind::Band: {
      if (sel.node < 1 || sel.node > m.node_count) return;
      const auto& bands = m.nodes[static_cast<size_t>(sel.node - 1)].bands;
      if (sel.index < 0 || static_cast<size_t>(sel.index) >= bands.size()) return;
      const RoleBand& b = bands[static_cast<size_t>(sel.index)];
      ImGui::Text("%s: %s", node_name(sel.node).c_str(), role_name(b.role));
      if (m.has_epochs) ImGui::Text("epoch %lld", static_cast<long long>(b.epoch));
      ImGui::Text("follows %s", b.leader ? node_name(b.leader).c_str() : "nobody");
      ImGui::Text("%s to %s (%s)", format_time(b.begin_us).c_str(), format_time(b.end_us).c_str(),
                  format_time(b.end_us - b.begin_us).c_str());
      event_button("go to the event that began it", models, sel.model, b.event, view);
      fields_table(m, b.event, "band");
      break;
    }
    case Selection::Kind::Event: {
      if (sel.index < 0 || static_cast<size_t>(sel.index) >= m.events.size()) return;
      const auto e = static_cast<uint32_t>(sel.index);
      const Event& ev = m.events[e];
      ImGui::Text("event %u: %s%s%s at %s", e, event_kind_name(ev.kind), ev.node ? " at " : "",
                  ev.node ? node_name(ev.node).c_str() : "", format_time(ev.t_us).c_str());
      fields_table(m, e, "event");
      break;
    }
    case Selection::Kind::None:
      break;
  }
}

void Inspector::draw_state_at_cursor(const Models& models, ViewState& view) {
  ImGui::Text("At the cursor, %s", format_time(view.cursor_us).c_str());
  for (size_t mi = 0; mi < models.size(); ++mi) {
    const TraceModel& m = *models[mi];
    if (models.size() > 1) ImGui::TextUnformatted(stack_label(m, static_cast<int>(mi)).c_str());
    bool any_votes = false, any_log = false;
    for (const NodeTrack& n : m.nodes) {
      any_votes |= !n.votes.empty();
      // Only Raft-style logs (appended entries) are drawn: Paxos records applies, not appends.
      for (const LogFact& f : n.log_facts) any_log |= f.kind == LogFact::Kind::Append;
    }
    const int columns = 4 + (m.has_epochs ? 1 : 0) + (any_votes ? 1 : 0);
    ImGui::PushID(static_cast<int>(mi));
    if (begin_wide_table("state", columns, m.node_count)) {
      ImGui::TableSetupColumn("node");
      ImGui::TableSetupColumn("role");
      if (m.has_epochs) ImGui::TableSetupColumn("epoch");
      ImGui::TableSetupColumn("follows");
      ImGui::TableSetupColumn("state");
      if (any_votes) ImGui::TableSetupColumn("voted for");
      ImGui::TableHeadersRow();
      const float row_h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
      for (int32_t n = 1; n <= m.node_count; ++n) {
        // Rows out of sight are left empty: a thousand nodes cost about what a screenful does.
        ImGui::TableNextRow(0, row_h);
        ImGui::TableNextColumn();
        if (!ImGui::IsRectVisible(ImVec2(1.0f, row_h))) continue;
        const NodeState st = state_at(m, n, view.cursor_us);
        ImGui::Text("%s", node_name(n).c_str());
        ImGui::TableNextColumn();
        if (st.band)
          ImGui::TextColored(
              col4(st.band->role == Role::Crashed ? kCrashedHatchColor : role_color(st.band->role)),
              "%s", role_name(st.band->role));
        else
          ImGui::TextDisabled("not started");
        if (m.has_epochs) {
          ImGui::TableNextColumn();
          if (st.band) ImGui::Text("%lld", static_cast<long long>(st.band->epoch));
        }
        ImGui::TableNextColumn();
        if (st.band) ImGui::Text("%s", st.band->leader ? node_name(st.band->leader).c_str() : "-");
        ImGui::TableNextColumn();
        if (st.paused)
          ImGui::TextColored(col4(kPausedColor), "paused");
        else if (st.band && st.band->role == Role::Crashed)
          ImGui::TextColored(col4(kCrashedHatchColor), "down");
        else
          ImGui::TextDisabled("up");
        if (any_votes) {
          ImGui::TableNextColumn();
          if (st.last_vote)
            ImGui::Text("%s in %lld",
                        st.last_vote->candidate == n ? "itself"
                                                     : node_name(st.last_vote->candidate).c_str(),
                        static_cast<long long>(st.last_vote->term));
        }
      }
      end_wide_table();
    }
    ImGui::PopID();
    if (!any_log) continue;
    // Each node's log as the paper draws it: one box per entry, coloured and numbered by term;
    // committed entries filled, the rest outlined.
    ImGui::Spacing();
    ImGui::TextWrapped("Logs (box = entry, number = term; filled = committed)");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float box = ImGui::GetFontSize() * 1.35f;
    const float avail = ImGui::GetContentRegionAvail().x;
    const float label_w = ImGui::CalcTextSize("n00 c000 ").x;
    const int max_boxes = std::max(4, static_cast<int>((avail - label_w) / (box + 2)));
    for (int32_t n = 1; n <= m.node_count; ++n) {
      if (!ImGui::IsRectVisible(ImVec2(avail, box + 3))) {  // out of sight: only its room
        ImGui::Dummy(ImVec2(avail, box + 3));
        continue;
      }
      const LogView log = log_at(m, n, view.cursor_us);
      const ImVec2 p = ImGui::GetCursorScreenPos();
      char label[64];
      std::snprintf(label, sizeof label, "%s c%lld", node_name(n).c_str(),
                    static_cast<long long>(log.commit_index));
      dl->AddText(ImVec2(p.x, p.y + (box - ImGui::GetFontSize()) * 0.5f),
                  IM_COL32(220, 220, 230, 255), label);
      const size_t count = log.entries.size();
      const size_t first =
          count > static_cast<size_t>(max_boxes) ? count - static_cast<size_t>(max_boxes) : 0;
      float x = p.x + label_w;
      if (first > 0) {
        dl->AddText(ImVec2(x, p.y + (box - ImGui::GetFontSize()) * 0.5f),
                    IM_COL32(160, 160, 170, 255), "..");
        x += ImGui::CalcTextSize(".. ").x;
      }
      for (size_t i = first; i < count; ++i) {
        const LogEntryView& entry = log.entries[i];
        const Rgb c = term_color(entry.term);
        const ImVec2 a(x, p.y), b(x + box, p.y + box);
        if (entry.index <= log.commit_index)
          dl->AddRectFilled(a, b, col(c), 3.0f);
        else
          dl->AddRect(a, b, col(c), 3.0f, 0, 2.0f);
        const std::string term = std::to_string(entry.term);
        const ImVec2 ts = ImGui::CalcTextSize(term.c_str());
        dl->AddText(ImVec2(x + (box - ts.x) * 0.5f, p.y + (box - ts.y) * 0.5f),
                    entry.index <= log.commit_index ? text_color_on(c) : col(c), term.c_str());
        if (ImGui::IsMouseHoveringRect(a, b)) {
          ImGui::BeginTooltip();
          ImGui::Text("%s index %lld, term %lld%s", node_name(n).c_str(),
                      static_cast<long long>(entry.index), static_cast<long long>(entry.term),
                      entry.index <= log.commit_index ? ", committed" : "");
          for (const auto& [k, v] : event_fields(m, entry.event))
            if (k.rfind("fact.command", 0) == 0) ImGui::Text("%s: %s", k.c_str() + 5, v.c_str());
          ImGui::EndTooltip();
        }
        x += box + 2;
      }
      ImGui::Dummy(ImVec2(avail, box + 3));
    }
  }
}

// ---- Filters ----

void FiltersPanel::Draw(const Models& models, ViewState& view) {
  Filters& f = view.filters;
  ImGui::Checkbox("Hide heartbeats  (H)", &f.hide_heartbeats);
  ImGui::Checkbox("Show messages", &f.show_messages);
  ImGui::SameLine();
  ImGui::Checkbox("Show lost messages", &f.show_drops);
  ImGui::Separator();
  ImGui::TextUnformatted("Message types (sent)");
  const std::vector<std::string> all = union_message_types(models);
  for (const std::string& type : all) {
    bool shown = f.hidden_types.count(type) == 0;
    const Rgb c = message_type_color(all, type);
    ImGui::PushID(type.c_str());
    ImGui::ColorButton("##c", col4(c), ImGuiColorEditFlags_NoTooltip,
                       ImVec2(ImGui::GetFontSize(), ImGui::GetFontSize()));
    ImGui::SameLine();
    std::string counts;
    for (const TraceModel* m : models) {
      int64_t sent = 0;
      for (size_t t = 0; t < m->message_types.size(); ++t)
        if (m->message_types[t] == type && t < m->message_type_sent.size())
          sent = m->message_type_sent[t];
      counts += (counts.empty() ? "" : " / ") + std::to_string(sent);
    }
    const std::string label = type + "  (" + counts + ")";
    if (ImGui::Checkbox(label.c_str(), &shown)) {
      if (shown)
        f.hidden_types.erase(type);
      else
        f.hidden_types.insert(type);
    }
    ImGui::PopID();
  }
  ImGui::Separator();
  ImGui::TextUnformatted("Nodes");
  nodes_.Draw(models, view);
  ImGui::Separator();
  if (ImGui::Button("Show everything")) f = Filters{};
}

// ---- Captions ----

void DrawCaptionBanner(const Models& models, const ViewState& view) {
  const Caption* current = caption_at(*models.front(), view.cursor_us);
  if (current == nullptr) return;
  const float w = ImGui::GetContentRegionAvail().x;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const std::string when = "[" + format_time(current->t_us) + "] ";
  const float pad = 8.0f;
  const ImVec2 ws = text_size(TextSize::Large, when.c_str());
  const float wrap = w - ws.x - 2 * pad - 4;
  const ImVec2 ts = text_size(TextSize::Large, current->text.c_str(), wrap);
  const float h = std::max(ts.y, ws.y) + 2 * pad;
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(58, 52, 30, 255), 4.0f);
  dl->AddRectFilled(p, ImVec2(p.x + 5, p.y + h), col(kCaptionColor), 4.0f);
  text_at(dl, TextSize::Large, ImVec2(p.x + pad + 4, p.y + pad), col(kCaptionColor, 200),
          when.c_str());
  text_at(dl, TextSize::Large, ImVec2(p.x + pad + 4 + ws.x, p.y + pad), col(kCaptionColor),
          current->text.c_str(), wrap);
  ImGui::Dummy(ImVec2(w, h + 4));
}

void CaptionsPanel::Draw(const Models& models, ViewState& view) {
  ImGui::Checkbox("Pause playback at captions marked \"pause\"", &view.pause_at_captions);
  ImGui::Separator();
  const TraceModel& m = *models.front();
  if (m.captions.empty()) ImGui::TextDisabled("This scenario has no captions.");
  for (size_t i = 0; i < m.captions.size(); ++i) {
    const Caption& c = m.captions[i];
    ImGui::PushID(static_cast<int>(i));
    const bool current = c.t_us <= view.cursor_us &&
                         (i + 1 == m.captions.size() || m.captions[i + 1].t_us > view.cursor_us);
    const std::string label = format_time(c.t_us) + (c.pause ? "  (pause)" : "");
    if (ImGui::Selectable(label.c_str(), current)) jump_to_event(models, 0, c.event, view);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(c.text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopID();
  }
}

// ---- Summary ----

void SummaryPanel::Draw(const Models& models, ViewState& view) {
  ImGui::PushTextWrapPos(0.0f);  // as in the Inspector
  draw(models, view);
  ImGui::PopTextWrapPos();
}

void SummaryPanel::draw(const Models& models, ViewState& view) {
  for (size_t mi = 0; mi < models.size(); ++mi) {
    const TraceModel& m = *models[mi];
    ImGui::PushID(static_cast<int>(mi));
    if (models.size() > 1) ImGui::Text("%c", mi == 0 ? 'A' : 'B');
    ImGui::TextWrapped("%s", m.file_label.c_str());
    ImGui::TextWrapped("%s  %s  seed %llu  nodes %d", m.scenario_name.c_str(), m.algorithm.c_str(),
                       static_cast<unsigned long long>(m.seed), m.node_count);
    ImGui::TextWrapped("%zu events, %s simulated%s%s", m.events.size(),
                       format_time(m.end_us).c_str(), m.trace_hash.empty() ? "" : ", hash ",
                       m.trace_hash.c_str());
    if (m.truncated())
      ImGui::TextColored(col4(kViolationColor),
                         "TRUNCATED: no footer%s. Metrics and verdicts are missing.",
                         m.last_line_incomplete ? "; the last line was cut" : "");
    if (m.revealed()) {
      ImGui::PushStyleColor(ImGuiCol_Text, col4(kCaptionColor));
      ImGui::TextWrapped(
          "REVEAL: the run up to %s of %s. The verdict, violations, damage and metrics are "
          "revealed at the end.",
          format_time(m.revealed_until_us).c_str(), format_time(m.run_end_us()).c_str());
      ImGui::PopStyleColor();
    }
    if (!m.cut_limit.empty())
      ImGui::TextColored(col4(kViolationColor),
                         "CUT: a limit (%s %llu) stopped the run here; metrics and verdicts cover "
                         "the run up to the cut.",
                         m.cut_limit.c_str(), static_cast<unsigned long long>(m.cut_value));

    ImGui::Spacing();
    // Green only when a checker watched the run and it did no damage: never "no violations" next
    // to 77 lost writes, nor for Bully, which nothing checks.
    const std::string damage = damage_text(m);
    if (m.has_footer && !safety_checked(m)) {
      ImGui::PushStyleColor(ImGuiCol_Text, col4(kCandidateColor));
      ImGui::TextWrapped(
          "No safety checker for %s: it makes no safety promise, so nothing was "
          "checked.",
          m.algorithm.c_str());
      ImGui::PopStyleColor();
    } else if (m.violations.empty() && m.has_footer && damage.empty())
      ImGui::TextColored(col4(kLeaderColor), "No safety violations.");
    else if (m.violations.empty() && m.has_footer)
      ImGui::TextColored(col4(kCandidateColor), "No checker reported a violation.");
    if (!damage.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, col4(kViolationColor));
      ImGui::TextWrapped("DAMAGE: %s", damage.c_str());
      ImGui::PopStyleColor();
    }
    // Each loss with its cause (the footer's "damage"); a click jumps to the event.
    const std::vector<DamageLine> losses = damage_lines(m);
    for (size_t i = 0; i < losses.size(); ++i) {
      const DamageLine& d = losses[i];
      ImGui::PushID(static_cast<int>(i) + 1000000);
      ImGui::PushTextWrapPos(0.0f);
      if (!d.target) {
        ImGui::TextDisabled("%s", d.text.c_str());
      } else {
        // A Selectable does not wrap: size it to the wrapped text and draw the text on it.
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float width = std::max(ImGui::GetContentRegionAvail().x, 50.0f);
        const ImVec2 size = ImGui::CalcTextSize(d.text.c_str(), nullptr, false, width);
        if (ImGui::Selectable("##loss", false, 0, ImVec2(width, size.y))) {
          if (d.event >= 0 && static_cast<size_t>(d.event) < m.events.size())
            jump_to_event(models, static_cast<int>(mi), static_cast<uint32_t>(d.event), view);
          else
            jump_to_time(d.t_us, view);
        }
        ImGui::GetWindowDrawList()->AddText(nullptr, 0.0f, at, col(kOpLostColor), d.text.c_str(),
                                            nullptr, width);
      }
      ImGui::PopTextWrapPos();
      ImGui::PopID();
    }
    for (size_t i = 0; i < m.violations.size(); ++i) {
      const Violation& v = m.violations[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::PushStyleColor(ImGuiCol_Text, col4(kViolationColor));
      const std::string label = "VIOLATION " + v.checker + " at " + format_time(v.t_us);
      if (ImGui::Selectable(label.c_str())) {
        if (v.event >= 0 && static_cast<size_t>(v.event) < m.events.size())
          jump_to_event(models, static_cast<int>(mi), static_cast<uint32_t>(v.event), view);
        else
          jump_to_time(v.t_us, view);
      }
      ImGui::PopStyleColor();
      ImGui::TextWrapped("%s", v.message.c_str());
      ImGui::PopID();
    }
    if (m.has_lincheck) {
      ImGui::Spacing();
      if (m.lincheck_timed_out)
        ImGui::TextColored(col4(kCandidateColor),
                           "Linearizability: undecided (the checker timed out)");
      else if (m.linearizable)
        ImGui::TextColored(col4(kLeaderColor),
                           "Linearizable: the clients saw one consistent register.");
      else
        ImGui::TextColored(col4(kOpBlamedColor), "NOT linearizable");
      if (!m.lincheck_explanation.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", m.lincheck_explanation.c_str());
        ImGui::PopTextWrapPos();
      }
      if (!m.lincheck_failing_ops.empty()) {
        ImGui::TextUnformatted(
            m.lincheck_window_minimal
                ? "Minimal failing window (magenta in the client lane): these operations\n"
                  "contradict each other whatever the others did; drop any one and they don't."
                : "Blamed operations (magenta in the client lane):");
        for (int64_t id : m.lincheck_failing_ops) {
          for (size_t i = 0; i < m.ops.size(); ++i) {
            if (m.ops[i].op != id) continue;
            const std::string label = "op " + std::to_string(id) + ": client " +
                                      std::to_string(m.ops[i].client) + " " + m.ops[i].label +
                                      " at " + format_time(m.ops[i].invoke_us);
            ImGui::PushID(static_cast<int>(id));
            if (ImGui::Selectable(label.c_str()))
              jump_to_event(models, static_cast<int>(mi), m.ops[i].invoke_event, view);
            ImGui::PopID();
            break;
          }
        }
      }
    }
    if (!m.expectations.empty()) {
      ImGui::Spacing();
      ImGui::TextUnformatted("Expectations");
      for (const Expectation& x : m.expectations) {
        ImGui::PushStyleColor(ImGuiCol_Text, col4(x.ok ? kLeaderColor : kViolationColor));
        ImGui::TextWrapped("%s %s %s (got %s)", x.ok ? "ok  " : "FAIL", x.path.c_str(),
                           x.wanted.c_str(), x.got.c_str());
        ImGui::PopStyleColor();
      }
    }
    if (!m.metrics.empty() && begin_wide_table("metrics", 2, static_cast<int>(m.metrics.size()))) {
      ImGui::TableSetupColumn("metric");
      ImGui::TableSetupColumn("value");
      ImGui::TableHeadersRow();
      for (const auto& [name, value] : m.metrics) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(name.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(metric_text(name, value).c_str());
      }
      end_wide_table();
    }
    ImGui::PopID();
    ImGui::Separator();
  }
}

// ---- Compare ----

void ComparePanel::Draw(const Models& models, ViewState& view, std::string* open_path,
                        bool* close) {
  (void)view;
  ImGui::TextWrapped(
      "Open a second trace of the same scenario and seed (for example the same "
      "scenario run with another algorithm): the two are stacked with one time cursor.");
  ImGui::SetNextItemWidth(-80);
  const bool enter = ImGui::InputTextWithHint("##path", "path/to/other.jsonl", path_, sizeof path_,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Open") || enter) && path_[0] != '\0') *open_path = path_;
  cdf_ = {};
  if (models.size() < 2) return;
  const TraceModel& a = *models[0];
  const TraceModel& b = *models[1];
  if (ImGui::Button("Close the comparison")) *close = true;
  if (a.scenario_name != b.scenario_name || a.seed != b.seed)
    ImGui::TextColored(
        col4(kCandidateColor),
        "Note: the traces differ in scenario or seed (%s seed %llu vs %s seed %llu).",
        a.scenario_name.c_str(), static_cast<unsigned long long>(a.seed), b.scenario_name.c_str(),
        static_cast<unsigned long long>(b.seed));
  // What `ballot compare --plot` draws per algorithm, here per trace (docs/viz.md), above
  // the metrics.
  ImGui::Spacing();
  ImGui::TextWrapped("Leader loss (per loss), leader_loss_per_loss_us: empirical CDF");
  cdf_ = DrawCdfPlot({a.leader_losses_us, b.leader_losses_us},
                     {stack_label(a, 0), stack_label(b, 1)}, 160);
  ImGui::Spacing();
  if (!ImGui::BeginTable("cmp", 3,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                             ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("metric");
  ImGui::TableSetupColumn(stack_label(a, 0).c_str());
  ImGui::TableSetupColumn(stack_label(b, 1).c_str());
  ImGui::TableHeadersRow();
  for (const auto& [name, va] : a.metrics) {
    std::string vb = "-";
    for (const auto& [nb, x] : b.metrics)
      if (nb == name) vb = x;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name.c_str());
    const bool differ = va != vb;
    ImGui::TableNextColumn();
    ImGui::TextColored(differ ? ImVec4(1, 1, 0.6f, 1) : ImVec4(0.8f, 0.8f, 0.8f, 1), "%s",
                       metric_text(name, va).c_str());
    ImGui::TableNextColumn();
    ImGui::TextColored(differ ? ImVec4(1, 1, 0.6f, 1) : ImVec4(0.8f, 0.8f, 0.8f, 1), "%s",
                       metric_text(name, vb).c_str());
  }
  ImGui::EndTable();
}

}  // namespace ballot::viz
