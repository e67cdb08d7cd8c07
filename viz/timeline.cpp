#include "viz/timeline.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "viz/draw_util.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

// Folding: in one pixel column of one lane, at most this many items are looked at; the rest
// are skipped with a binary search to the next column.
constexpr int kMaxItemsPerColumn = 6;
// Below this many visible messages every arrow is drawn; above, arrows are folded per column.
// Every arrow is drawn while there are at most this many (and this many per pixel of width) in
// view; beyond, they are folded into traffic ticks. Heartbeats fold sooner: they are many and
// alike. Software OpenGL pays for every long thin triangle, so these are kept modest.
constexpr size_t kArrowBudget = 1500;
constexpr float kArrowsPerPx = 0.8f;
constexpr size_t kHeartbeatArrowBudget = 400;
constexpr float kHeartbeatArrowsPerPx = 0.3f;
constexpr size_t kCountLimit = 20000;
// Folded traffic is drawn per column of this many pixels, looking at most at kMaxItemsPerColumn
// messages of each.
constexpr int kTrafficColumnPx = 2;
constexpr int kMarkColumnPx = 4;
constexpr Time_us kMinSpan_us = 20;
constexpr float kHitRadius_px = 5.0f;

bool is_network_fault_with_groups(const Fault& f) {
  return !f.groups.empty();
}

// By the fault's look (the trace header's table of fault kinds), never by its kind's name.
Rgb fault_color(const Fault& f) {
  if (f.look == "split" || f.look == "isolate") return kPartitionColor;
  if (f.look == "crash") return kCrashedHatchColor;
  if (f.look == "pause") return kPausedColor;
  if (f.look == "clock") return {70, 190, 200};
  if (f.look == "link" || f.look == "loss") return kDropColor;
  return kFaultBarColor;  // delay, heal, unknown
}

// A vertical line as a rectangle: no anti-aliased fringe, so cheaper to fill.
void vline(ImDrawList* dl, float x, float y0, float y1, ImU32 c, float w = 1.0f) {
  dl->AddRectFilled(ImVec2(x - w * 0.5f, y0), ImVec2(x + w * 0.5f, y1), c);
}

// Merges horizontal spans that touch or overlap (in pixels) into runs, so that a thousand
// sub-pixel intervals cost a handful of rectangles. Spans must come in order of their start.
class SpanRuns {
 public:
  template <typename Draw>
  void add(float xa, float xb, Draw&& draw) {
    if (open_ && xa <= x1_ + 1.0f) {
      x1_ = std::max(x1_, xb);
      return;
    }
    flush(draw);
    x0_ = xa, x1_ = xb, open_ = true;
  }
  template <typename Draw>
  void flush(Draw&& draw) {
    if (open_) draw(x0_, x1_);
    open_ = false;
  }

 private:
  float x0_ = 0, x1_ = 0;
  bool open_ = false;
};

int role_priority(Role r) {
  switch (r) {
    case Role::Leader:
      return 3;
    case Role::Candidate:
      return 2;
    case Role::Crashed:
      return 1;
    case Role::Follower:
      return 0;
  }
  return 0;
}

// A "nice" tick step (1, 2 or 5 times a power of ten microseconds) near `raw`.
Time_us nice_step(double raw) {
  if (raw < 1) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  const double nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
  return std::max<Time_us>(1, static_cast<Time_us>(nice * p));
}

std::string role_label(const RoleBand& b, bool epochs) {
  std::string epoch = epochs ? " e" + std::to_string(b.epoch) : "";
  switch (b.role) {
    case Role::Leader:
      return "LEADER" + epoch;
    case Role::Candidate:
      return "candidate" + epoch;
    case Role::Follower:
      return b.leader == 0 ? "follower" + epoch
                           : std::string(arrow_text()) + " " + node_name(b.leader) + epoch;
    case Role::Crashed:
      return "crashed";
  }
  return "";
}

bool message_shown(const TraceModel& m, const Message& msg, const ViewState& view,
                   const std::vector<bool>& type_hidden) {
  const Filters& f = view.filters;
  if (!f.show_messages) return false;
  if (f.hide_heartbeats && msg.heartbeat) return false;
  if (msg.fate == Message::Fate::Dropped && !f.show_drops) return false;
  if (msg.type < type_hidden.size() && type_hidden[msg.type]) return false;
  if (f.node_hidden(msg.from) || f.node_hidden(msg.to)) return false;
  (void)m;
  return true;
}

}  // namespace

struct Timeline::Geometry {
  float x0 = 0, x1 = 0;  // the plot area, horizontally
  float top = 0, bottom = 0;
  float ruler_h = 0;
  Time_us t0 = 0, t1 = 1;
  double px_per_us = 1;
  float font = 13;

  float x(Time_us t) const {
    const double v = x0 + static_cast<double>(t - t0) * px_per_us;
    return static_cast<float>(
        std::clamp(v, static_cast<double>(x0) - 1e5, static_cast<double>(x1) + 1e5));
  }
  Time_us t(float px) const {
    return t0 + static_cast<Time_us>(std::llround((px - x0) / px_per_us));
  }
};

struct Timeline::Section {
  const TraceModel* m = nullptr;
  int model = 0;
  bool show_header = false;
  float header_y = 0;
  float split_y = 0, split_h = 0;
  float faults_y = 0, fault_row_h = 0;
  int fault_rows = 0;
  std::vector<int> fault_row_of;
  float lanes_y = 0, lane_h = 0;
  std::vector<int32_t> lanes;   // visible nodes, top to bottom
  std::vector<float> lane_top;  // by node - 1; -1 when hidden
  float clients_y = 0, client_row_h = 0;
  int client_rows = 0;
  float bottom = 0;
  std::vector<bool> type_hidden;
  std::vector<Rgb> type_color;

  float band_top(int32_t node) const {
    return lane_top[static_cast<size_t>(node - 1)] + lane_h * 0.26f;
  }
  float band_bottom(int32_t node) const {
    return lane_top[static_cast<size_t>(node - 1)] + lane_h * 0.74f;
  }
  bool lane_visible(int32_t node) const {
    return node >= 1 && static_cast<size_t>(node - 1) < lane_top.size() &&
           lane_top[static_cast<size_t>(node - 1)] >= 0;
  }
};

float Timeline::lane_center_y(int model, int32_t node) const {
  if (model < 0 || static_cast<size_t>(model) >= lane_centers_.size()) return -1.0f;
  const auto& lanes = lane_centers_[static_cast<size_t>(model)];
  if (node < 1 || static_cast<size_t>(node) > lanes.size()) return -1.0f;
  return lanes[static_cast<size_t>(node - 1)];
}

void Timeline::FitAll(const std::vector<const TraceModel*>& models, ViewState& view) {
  Time_us end = 1;
  for (const TraceModel* m : models) end = std::max(end, m->end_us);
  const Time_us margin = std::max<Time_us>(end / 100, 1);
  view.t0_us = -margin;
  view.t1_us = end + margin;
}

void Timeline::Zoom(ViewState& view, double factor, Time_us anchor_us, Time_us full_span_us) {
  const double span = static_cast<double>(view.span_us());
  double new_span = std::clamp(
      span * factor, static_cast<double>(kMinSpan_us),
      std::max(static_cast<double>(full_span_us) * 1.5, static_cast<double>(kMinSpan_us)));
  const double frac = (static_cast<double>(anchor_us - view.t0_us)) / span;
  const double t0 = static_cast<double>(anchor_us) - frac * new_span;
  view.t0_us = static_cast<Time_us>(std::llround(t0));
  view.t1_us =
      view.t0_us + std::max<Time_us>(kMinSpan_us, static_cast<Time_us>(std::llround(new_span)));
}

void Timeline::Draw(const std::vector<const TraceModel*>& models, ViewState& view) {
  stats_ = {};
  hits_.clear();
  if (models.empty()) return;
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.x = std::max(size.x, 200.0f);
  size.y = std::max(size.y, 150.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();

  Geometry g;
  g.font = ImGui::GetFontSize();
  const float label_w = std::max(84.0f, g.font * 5.6f);
  g.x0 = origin.x + label_w;
  g.x1 = origin.x + size.x - 8.0f;
  g.top = origin.y;
  g.bottom = origin.y + size.y;
  g.ruler_h = g.font + 14.0f;
  const float legend_h = draw_legend(models, origin.x + 6, 0, size.x - 12, false) + 6.0f;
  if (view.t1_us <= view.t0_us) view.t1_us = view.t0_us + kMinSpan_us;
  g.t0 = view.t0_us;
  g.t1 = view.t1_us;
  g.px_per_us = (g.x1 - g.x0) / static_cast<double>(g.t1 - g.t0);

  // ---- layout ----
  const std::vector<std::string> all_types = union_message_types(models);
  std::vector<Section> sections(models.size());
  float fixed_h = g.ruler_h + legend_h;
  int total_lanes = 0;
  for (size_t i = 0; i < models.size(); ++i) {
    Section& s = sections[i];
    s.m = models[i];
    s.model = static_cast<int>(i);
    s.show_header = models.size() > 1;
    s.split_h = std::max(12.0f, g.font * 0.8f);
    s.fault_row_h = g.font + 6.0f;
    // Fault rows: greedy interval packing, at most 4 rows (the rest share the last).
    constexpr int kMaxFaultRows = 4;
    std::vector<Time_us> row_end;
    s.fault_row_of.resize(s.m->faults.size());
    for (size_t f = 0; f < s.m->faults.size(); ++f) {
      const Fault& fault = s.m->faults[f];
      int row = -1;
      for (size_t r = 0; r < row_end.size(); ++r)
        if (row_end[r] <= fault.span.begin_us) {
          row = static_cast<int>(r);
          break;
        }
      if (row < 0) {
        if (static_cast<int>(row_end.size()) < kMaxFaultRows) {
          row_end.push_back(0);
          row = static_cast<int>(row_end.size()) - 1;
        } else {
          row = kMaxFaultRows - 1;
        }
      }
      // Labels need room: keep a fault's row busy a little past its end.
      row_end[static_cast<size_t>(row)] = std::max(fault.span.end_us, fault.span.begin_us + 1);
      s.fault_row_of[f] = row;
    }
    s.fault_rows = static_cast<int>(row_end.size());
    for (int32_t n = 1; n <= s.m->node_count; ++n)
      if (!view.filters.node_hidden(n)) s.lanes.push_back(n);
    s.client_rows = std::min(s.m->client_count, 4);
    total_lanes += static_cast<int>(s.lanes.size());
    fixed_h += (s.show_header ? g.font + 8.0f : 0.0f) + s.split_h + 4.0f +
               s.fault_rows * s.fault_row_h + (s.client_rows > 0 ? 8.0f : 0.0f) + 6.0f;
    s.type_hidden.assign(s.m->message_types.size(), false);
    s.type_color.assign(s.m->message_types.size(), Rgb{});
    for (size_t t = 0; t < s.m->message_types.size(); ++t) {
      s.type_hidden[t] = view.filters.hidden_types.count(s.m->message_types[t]) > 0;
      s.type_color[t] = message_type_color(all_types, s.m->message_types[t]);
    }
  }
  // Lanes share what is left; client rows take a fixed fraction of a lane each.
  int client_rows_total = 0;
  for (const Section& s : sections) client_rows_total += s.client_rows;
  const float avail = size.y - fixed_h;
  const float units =
      static_cast<float>(total_lanes) + 0.45f * static_cast<float>(client_rows_total);
  const float lane_h = std::clamp(avail / std::max(units, 1.0f), g.font * 1.6f, g.font * 6.0f);
  float y = g.top + g.ruler_h;
  for (Section& s : sections) {
    if (s.show_header) {
      s.header_y = y;
      y += g.font + 8.0f;
    }
    s.split_y = y + 2.0f;
    y += s.split_h + 4.0f;
    s.faults_y = y;
    y += s.fault_rows * s.fault_row_h;
    s.lanes_y = y;
    s.lane_h = lane_h;
    s.lane_top.assign(static_cast<size_t>(s.m->node_count), -1.0f);
    for (int32_t n : s.lanes) {
      s.lane_top[static_cast<size_t>(n - 1)] = y;
      y += lane_h;
    }
    if (s.client_rows > 0) {
      y += 8.0f;
      s.clients_y = y;
      s.client_row_h = std::max(8.0f, lane_h * 0.45f);
      y += s.client_rows * s.client_row_h;
    }
    s.bottom = y;
    y += 6.0f;
  }

  plot_x0_ = g.x0;
  plot_x1_ = g.x1;
  ruler_y_ = g.top + g.ruler_h * 0.5f;
  lane_centers_.assign(sections.size(), {});
  for (size_t i = 0; i < sections.size(); ++i) {
    const Section& s = sections[i];
    lane_centers_[i].assign(static_cast<size_t>(s.m->node_count), -1.0f);
    for (int32_t n : s.lanes)
      lane_centers_[i][static_cast<size_t>(n - 1)] = (s.band_top(n) + s.band_bottom(n)) * 0.5f;
  }

  // ---- input: the whole canvas is one invisible button ----
  ImGui::SetCursorScreenPos(origin);
  ImGui::InvisibleButton("##timeline", size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  const ImVec2 mouse = io.MousePos;
  const bool mouse_in_plot = hovered && mouse.x >= g.x0 && mouse.x <= g.x1;
  const bool mouse_in_ruler = hovered && mouse.y < g.top + g.ruler_h;
  Time_us full_span = 1;
  for (const TraceModel* m : models) full_span = std::max(full_span, m->end_us);

  if (hovered && io.MouseWheel != 0.0f) {
    if (io.KeyShift || io.KeyCtrl) {  // pan
      const Time_us d =
          static_cast<Time_us>(static_cast<double>(view.span_us()) * 0.1 * io.MouseWheel);
      view.t0_us -= d;
      view.t1_us -= d;
    } else {
      const Time_us anchor = mouse_in_plot ? g.t(mouse.x) : view.cursor_us;
      Zoom(view, std::pow(0.8, static_cast<double>(io.MouseWheel)), anchor, full_span);
    }
  }
  if (ImGui::IsItemActivated()) {
    dragging_ruler_ = mouse_in_ruler && ImGui::IsMouseDown(ImGuiMouseButton_Left);
    dragging_plot_ = !dragging_ruler_;
  }
  bool clicked = false;
  if (active && dragging_ruler_) {
    view.cursor_us = std::clamp(g.t(mouse.x), Time_us{0}, full_span);
    view.cursor_event = -1;
    view.playing = false;
  } else if (active && dragging_plot_ && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
    const Time_us d = static_cast<Time_us>(std::llround(io.MouseDelta.x / g.px_per_us));
    view.t0_us -= d;
    view.t1_us -= d;
  }
  if (ImGui::IsItemDeactivated() && dragging_plot_) {
    const ImVec2 drag = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0.0f);
    clicked = std::abs(drag.x) < 3.0f && std::abs(drag.y) < 3.0f;
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && mouse_in_plot &&
      !mouse_in_ruler) {
    view.cursor_us = std::clamp(g.t(mouse.x), Time_us{0}, full_span);
    view.cursor_event = -1;
  }
  // Re-derive the mapping after input so that this frame draws what the user asked for.
  g.t0 = view.t0_us;
  g.t1 = view.t1_us;
  g.px_per_us = (g.x1 - g.x0) / static_cast<double>(g.t1 - g.t0);

  // ---- draw ----
  // No background rectangle: the window is cleared to kBackgroundColor, and on software OpenGL
  // every full-size layer costs milliseconds.
  for (const Section& s : sections) draw_section(s, g, view);
  draw_ruler(models, g, view);

  // The time cursor across everything.
  const float cx = g.x(view.cursor_us);
  if (cx >= g.x0 - 1 && cx <= g.x1 + 1) {
    vline(dl, cx, g.top + g.ruler_h - 6, sections.back().bottom, col(kCursorColor, 230), 2.0f);
    dl->AddTriangleFilled(ImVec2(cx - 7, g.top + g.ruler_h - 10),
                          ImVec2(cx + 7, g.top + g.ruler_h - 10), ImVec2(cx, g.top + g.ruler_h - 1),
                          col(kCursorColor));
  }
  // The mouse's time, faintly.
  if (mouse_in_plot && !active) {
    vline(dl, mouse.x, g.top + g.ruler_h, sections.back().bottom, IM_COL32(255, 255, 255, 50));
  }
  draw_legend(models, origin.x + 6, g.bottom - legend_h + 4, size.x - 12, true);

  hover_and_click(sections, g, view, hovered, clicked && hovered);
  if (mouse_in_ruler && !active) {
    ImGui::SetTooltip("%s  (click or drag here to move the time cursor)",
                      format_time(g.t(mouse.x)).c_str());
  }
}

void Timeline::draw_section(const Section& s, const Geometry& g, ViewState& view) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const TraceModel& m = *s.m;
  const float left = g.x0 - std::max(84.0f, g.font * 5.6f);
  dl->PushClipRect(ImVec2(left, g.top), ImVec2(g.x1 + 8, g.bottom), true);

  if (s.show_header) {
    const std::string title = std::string(s.model == 0 ? "A: " : "B: ") + m.algorithm + " seed " +
                              std::to_string(m.seed) + "   " + m.file_label;
    dl->AddRectFilled(ImVec2(left, s.header_y), ImVec2(g.x1 + 8, s.header_y + g.font + 6),
                      IM_COL32(50, 56, 70, 255));
    dl->AddText(ImVec2(left + 6, s.header_y + 3), IM_COL32(235, 235, 240, 255), title.c_str());
  }

  // Lane backgrounds and labels, with each node's state at the cursor.
  for (size_t i = 0; i < s.lanes.size(); ++i) {
    const int32_t n = s.lanes[i];
    const float top = s.lane_top[static_cast<size_t>(n - 1)];
    // A separator rather than a filled lane background: full-width layers are what software
    // OpenGL pays for.
    if (i > 0) dl->AddRectFilled(ImVec2(left, top), ImVec2(g.x1 + 8, top + 1), col(kLaneAltColor));
    const NodeState st = state_at(m, n, view.cursor_us);
    const Rgb rc = st.band ? (st.paused ? kPausedColor : role_color(st.band->role)) : kUnknownColor;
    const float chip = g.font * 0.9f;
    const float ly = top + s.lane_h * 0.5f - g.font * 0.5f;
    dl->AddRectFilled(ImVec2(left + 6, ly + 1), ImVec2(left + 6 + chip, ly + 1 + chip), col(rc),
                      3.0f);
    if (st.band && st.band->role == Role::Crashed)
      hatch_rect(dl, ImVec2(left + 6, ly + 1), ImVec2(left + 6 + chip, ly + 1 + chip),
                 col(kCrashedHatchColor), 4.0f);
    const std::string name = node_name(n);
    text_at(dl, TextSize::Lane, ImVec2(left + 10 + chip, ly - g.font * 0.08f),
            IM_COL32(240, 240, 245, 255), name.c_str());
    // The partition group the node is in at the cursor.
    for (const Fault& f : m.faults) {
      if (f.groups.empty() || f.span.begin_us > view.cursor_us || f.span.end_us <= view.cursor_us)
        continue;
      for (size_t gi = 0; gi < f.groups.size(); ++gi) {
        if (std::find(f.groups[gi].begin(), f.groups[gi].end(), n) == f.groups[gi].end()) continue;
        const char tag[2] = {static_cast<char>('A' + gi % 26), 0};
        const float tx = g.x0 - g.font * 1.6f;
        dl->AddRectFilled(ImVec2(tx, ly), ImVec2(tx + g.font * 1.2f, ly + g.font * 1.1f),
                          col(kPartitionColor), 3.0f);
        dl->AddText(ImVec2(tx + g.font * 0.3f, ly + g.font * 0.05f), IM_COL32(255, 255, 255, 255),
                    tag);
      }
    }
    if (st.band && st.band->role == Role::Follower && st.band->leader != 0 &&
        s.lane_h > g.font * 2.2f) {
      const std::string follows = std::string(arrow_text()) + node_name(st.band->leader);
      dl->AddText(ImVec2(left + 10 + chip, ly + g.font * 1.05f), IM_COL32(170, 175, 190, 255),
                  follows.c_str());
    }
  }

  // Partitions: shaded across the lanes (each lane's group is tagged in the label column).
  const float lanes_bottom =
      s.lanes.empty() ? s.lanes_y : s.lanes_y + s.lane_h * static_cast<float>(s.lanes.size());
  SpanRuns partition_runs;
  auto shade_partition = [&](float xa, float xb) {
    fill_gaps(s, xa, xb, col(kPartitionColor, 38));
  };
  for (const Fault& f : m.faults) {
    if (f.span.end_us < g.t0 || f.span.begin_us > g.t1) continue;
    const float xa = std::max(g.x(f.span.begin_us), g.x0), xb = std::min(g.x(f.span.end_us), g.x1);
    if (is_network_fault_with_groups(f) || f.look == "isolate") {
      partition_runs.add(xa, std::max(xb, xa + 1), shade_partition);
      if (xb - xa >= 4) vline(dl, xa, s.lanes_y, lanes_bottom, col(kPartitionColor, 160));
    } else if (f.look == "link" && s.lane_visible(f.from) && s.lane_visible(f.to)) {
      // A one-way cut: a dashed red arrow from the sender's lane to the receiver's where it
      // begins, and a red edge under both lanes' bands while it lasts.
      for (int32_t n : {f.from, f.to})
        dl->AddRectFilled(ImVec2(xa, s.band_bottom(n) + 1),
                          ImVec2(std::max(xb, xa + 1), s.band_bottom(n) + 4), col(kDropColor, 170));
      const bool down =
          s.lane_top[static_cast<size_t>(f.to - 1)] > s.lane_top[static_cast<size_t>(f.from - 1)];
      const float ya = down ? s.band_bottom(f.from) : s.band_top(f.from);
      const float yb = down ? s.band_top(f.to) : s.band_bottom(f.to);
      const float dir = down ? 1.0f : -1.0f;
      if (xb - xa >= 6) {  // room to tell it apart
        for (float yy = ya; (yb - yy) * dir > 8; yy += 9 * dir)
          vline(dl, xa, std::min(yy, yy + 5 * dir), std::max(yy, yy + 5 * dir), col(kDropColor),
                2.0f);
        dl->AddTriangleFilled(ImVec2(xa - 5, yb - 8 * dir), ImVec2(xa + 5, yb - 8 * dir),
                              ImVec2(xa, yb), col(kDropColor));
      }
    }
  }

  partition_runs.flush(shade_partition);

  // Split brain: solid in its strip, translucent across the lanes.
  dl->AddRectFilled(ImVec2(g.x0, s.split_y), ImVec2(g.x1, s.split_y + s.split_h),
                    IM_COL32(40, 42, 50, 255));
  const float small = font_px(TextSize::Small);
  text_at(dl, TextSize::Small, ImVec2(left + 6, s.split_y + (s.split_h - small) * 0.5f),
          IM_COL32(200, 160, 170, 255), "split brain");
  SpanRuns split_runs;
  std::vector<std::pair<float, std::string>> labels;
  auto draw_split = [&](float xa, float xb) {
    dl->AddRectFilled(ImVec2(xa, s.split_y), ImVec2(xb, s.split_y + s.split_h),
                      col(kSplitBrainColor));
    fill_gaps(s, xa, xb, col(kSplitBrainColor, 60));
  };
  for (size_t i = 0; i < m.split_brains.size(); ++i) {
    const SplitBrain& sb = m.split_brains[i];
    if (sb.end_us < g.t0 || sb.begin_us > g.t1) continue;
    float xa = std::max(g.x(sb.begin_us), g.x0), xb = std::min(g.x(sb.end_us), g.x1);
    if (xb - xa < 2) xb = xa + 2;  // always visible, however short
    split_runs.add(xa, xb, draw_split);
    std::string label = "SPLIT BRAIN:";
    for (int32_t l : sb.leaders) label += " " + node_name(l);
    const float lw = text_size(TextSize::Small, label.c_str()).x;
    if (xb - xa > lw + 8) labels.emplace_back(xa + 4, std::move(label));
    hits_.push_back({Hit::Kind::SplitBrain, false, xa, s.split_y, xb, s.split_y + s.split_h,
                     s.model, static_cast<int64_t>(i), 0});
  }
  split_runs.flush(draw_split);
  for (const auto& [x, label] : labels)  // over the strip, which runs draw late
    text_at(dl, TextSize::Small, ImVec2(x, s.split_y + (s.split_h - small) * 0.5f),
            IM_COL32(255, 255, 255, 255), label.c_str());

  draw_faults(s, g);
  // Arrows go behind the bands, so that a message crossing other lanes does not stripe them;
  // where messages were lost, and the selected one, go on top.
  draw_messages(s, g, view);
  draw_bands(s, g, view);
  draw_message_overlays(s, view);
  draw_ops(s, g, view);

  // Split brain, over the bands: its edges across all lanes, and the leaders' bands framed in
  // the split-brain colour while it lasts.
  for (const SplitBrain& sb : m.split_brains) {
    if (sb.end_us < g.t0 || sb.begin_us > g.t1) continue;
    const float xa = std::max(g.x(sb.begin_us), g.x0),
                xb = std::max(std::min(g.x(sb.end_us), g.x1), xa + 2);
    if (xb - xa < 6) continue;  // the tint and the strip say it; edges and frames need room
    vline(dl, xa, s.lanes_y, lanes_bottom, col(kSplitBrainColor, 230), 2.0f);
    vline(dl, xb, s.lanes_y, lanes_bottom, col(kSplitBrainColor, 230), 2.0f);
    for (int32_t l : sb.leaders) {
      if (!s.lane_visible(l)) continue;
      // Frame only the parts where this node led.
      const NodeTrack& track = m.nodes[static_cast<size_t>(l - 1)];
      const IndexRange r = bands_in(track, std::max(sb.begin_us, g.t0), std::min(sb.end_us, g.t1));
      for (size_t i = r.first; i < r.last && i < r.first + 64; ++i) {
        const RoleBand& b = track.bands[i];
        if (b.role != Role::Leader) continue;
        const float ba = std::max({g.x(b.begin_us), xa}), bb = std::min({g.x(b.end_us), xb});
        if (bb - ba < 1) continue;
        dl->AddRect(ImVec2(ba, s.band_top(l) - 1), ImVec2(bb, s.band_bottom(l) + 1),
                    col(kSplitBrainColor), 0, 0, 3.0f);
      }
    }
  }

  // A truncated trace: where it stops, unmistakably.
  if (m.truncated() && m.end_us <= g.t1) {
    const float x = std::max(g.x(m.end_us), g.x0);
    if (x < g.x1)
      hatch_rect(dl, ImVec2(x, s.lanes_y), ImVec2(g.x1, lanes_bottom), col(kViolationColor, 70),
                 10.0f);
    vline(dl, x, s.split_y, lanes_bottom, col(kViolationColor), 2.5f);
    const char* text = "TRUNCATED: the trace ends here (no footer)";
    const float tw = ImGui::CalcTextSize(text).x;
    const float tx = x + tw + 12 < g.x1 ? x + 6 : std::max(g.x0 + 4, x - tw - 10);
    label_with_background(dl, ImVec2(tx, s.lanes_y + 4), col(kViolationColor), text,
                          IM_COL32(0, 0, 0, 220));
  }

  // Violations: a red mark on each involved lane.
  for (const Violation& v : m.violations) {
    if (v.t_us < g.t0 || v.t_us > g.t1) continue;
    const float x = g.x(v.t_us);
    vline(dl, x, s.lanes_y, lanes_bottom, col(kViolationColor, 200), 2.0f);
    for (int32_t n : v.nodes) {
      if (!s.lane_visible(n)) continue;
      const float yy = s.band_top(n);
      dl->AddTriangleFilled(ImVec2(x - 7, yy - 10), ImVec2(x + 7, yy - 10), ImVec2(x, yy),
                            col(kViolationColor));
    }
  }
  dl->PopClipRect();
}

void Timeline::fill_gaps(const Section& s, float xa, float xb, ImU32 c) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float y = s.lanes_y;
  for (int32_t n : s.lanes) {
    dl->AddRectFilled(ImVec2(xa, y), ImVec2(xb, s.band_top(n)), c);
    y = s.band_bottom(n);
  }
  const float bottom = s.lanes_y + s.lane_h * static_cast<float>(s.lanes.size());
  if (bottom > y) dl->AddRectFilled(ImVec2(xa, y), ImVec2(xb, bottom), c);
}

void Timeline::draw_faults(const Section& s, const Geometry& g) {
  if (s.fault_rows == 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = g.x0 - std::max(84.0f, g.font * 5.6f);
  text_at(dl, TextSize::Small, ImVec2(left + 6, s.faults_y + 3), IM_COL32(180, 190, 210, 255),
          "faults");
  dl->PushClipRect(ImVec2(g.x0, s.faults_y),
                   ImVec2(g.x1, s.faults_y + s.fault_rows * s.fault_row_h), true);
  const auto& faults = s.m->faults;
  for (size_t i = 0; i < faults.size(); ++i) {
    const Fault& f = faults[i];
    if (f.span.end_us < g.t0 || f.span.begin_us > g.t1) continue;
    const int row = s.fault_row_of[i];
    const float y0 = s.faults_y + static_cast<float>(row) * s.fault_row_h + 1;
    const float y1 = y0 + s.fault_row_h - 2;
    float xa = g.x(f.span.begin_us), xb = g.x(f.span.end_us);
    const Rgb c = fault_color(f);
    const bool instant = xb - xa < 3;
    if (instant) {  // a clock jump, or too short to see: a diamond
      const float xm = (xa + xb) * 0.5f, ym = (y0 + y1) * 0.5f, r = (y1 - y0) * 0.45f;
      dl->AddQuadFilled(ImVec2(xm, ym - r), ImVec2(xm + r, ym), ImVec2(xm, ym + r),
                        ImVec2(xm - r, ym), col(c));
      xa = xm - r;
      xb = xm + r;
    } else {
      xa = std::max(xa, g.x0 - 4);
      xb = std::min(xb, g.x1 + 4);
      dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), col(c, 210), 3.0f);
      for (Time_us flap : f.flaps_us) {
        const float fx = g.x(flap);
        vline(dl, fx, y0, y1, IM_COL32(255, 255, 255, 180));
      }
    }
    // The label goes inside the bar when it fits, else after it, up to the next fault of the row.
    float next_x = g.x1;
    for (size_t j = i + 1; j < faults.size(); ++j)
      if (s.fault_row_of[j] == row) {
        next_x = std::min(next_x, g.x(faults[j].span.begin_us));
        break;
      }
    const ImVec2 ts = ImGui::CalcTextSize(f.summary.c_str());
    const float ty = y0 + (y1 - y0 - ts.y) * 0.5f;
    const float inside_x = std::max(xa, g.x0) + 4;
    if (!instant && std::min(xb, g.x1) - inside_x >= ts.x + 4) {
      dl->AddText(ImVec2(inside_x, ty), text_color_on(c), f.summary.c_str());
    } else if (next_x - (xb + 5) >= std::min(ts.x, g.font * 4)) {
      dl->PushClipRect(ImVec2(xb + 4, y0), ImVec2(next_x - 2, y1), true);
      dl->AddText(ImVec2(xb + 5, ty), IM_COL32(225, 228, 235, 255), f.summary.c_str());
      dl->PopClipRect();
    } else if (!instant && std::min(xb, g.x1) - inside_x > g.font * 3) {
      dl->PushClipRect(ImVec2(inside_x, y0), ImVec2(std::min(xb, g.x1) - 2, y1), true);
      dl->AddText(ImVec2(inside_x, ty), text_color_on(c), f.summary.c_str());
      dl->PopClipRect();
    }
    hits_.push_back({Hit::Kind::Fault, false, xa, y0, std::max(xb, xa + 2), y1, s.model,
                     static_cast<int64_t>(i), 0});
  }
  dl->PopClipRect();
}

void Timeline::draw_bands(const Section& s, const Geometry& g, const ViewState& view) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const TraceModel& m = *s.m;
  for (int32_t n : s.lanes) {
    const NodeTrack& track = m.nodes[static_cast<size_t>(n - 1)];
    const float y0 = s.band_top(n), y1 = s.band_bottom(n);
    const IndexRange r = bands_in(track, g.t0, g.t1);
    // Folding state: the pixel column being accumulated and the most important role in it.
    int fold_col = INT_MIN;
    Role fold_role = Role::Follower;
    int in_col = 0;
    // Folded columns of the same colour side by side are drawn as one rectangle.
    float run_x0 = 0, run_x1 = 0;
    ImU32 run_color = 0;
    auto draw_run = [&] {
      if (run_color == 0) return;
      dl->AddRectFilled(ImVec2(run_x0, y0), ImVec2(run_x1, y1), run_color);
      ++stats_.bands;
      run_color = 0;
    };
    auto flush = [&] {
      if (fold_col == INT_MIN) return;
      const auto x = static_cast<float>(fold_col);
      const ImU32 c = col(role_color(fold_role));
      if (c == run_color && run_x1 >= x) {
        run_x1 = x + 1;
      } else {
        draw_run();
        run_x0 = x, run_x1 = x + 1, run_color = c;
      }
      fold_col = INT_MIN;
    };
    for (size_t i = r.first; i < r.last;) {
      const RoleBand& b = track.bands[i];
      const float xa = std::max(g.x(b.begin_us), g.x0), xb = std::min(g.x(b.end_us), g.x1);
      if (xb - xa >= 1.0f) {
        flush();
        draw_run();
        const Rgb c = role_color(b.role);
        dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), col(c));
        if (b.role == Role::Crashed)
          hatch_rect(dl, ImVec2(xa, y0), ImVec2(xb, y1), col(kCrashedHatchColor), 7.0f, 1.5f);
        ++stats_.bands;
        const std::string label = role_label(b, m.has_epochs);
        const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        if (xb - xa > ts.x + 8 && y1 - y0 > ts.y - 2) {
          dl->PushClipRect(ImVec2(xa, y0), ImVec2(xb, y1), true);
          dl->AddText(ImVec2(xa + 4, (y0 + y1 - ts.y) * 0.5f),
                      b.role == Role::Crashed ? IM_COL32(255, 200, 200, 255) : text_color_on(c),
                      label.c_str());
          dl->PopClipRect();
        }
        hits_.push_back(
            {Hit::Kind::Band, false, xa, y0, xb, y1, s.model, static_cast<int64_t>(i), n});
        ++i;
        continue;
      }
      const int c = static_cast<int>(std::floor(xa));
      if (c != fold_col) {
        flush();
        fold_col = c;
        fold_role = b.role;
        in_col = 0;
      } else if (role_priority(b.role) > role_priority(fold_role)) {
        fold_role = b.role;
      }
      if (++in_col > kMaxItemsPerColumn) {
        const Time_us next = g.t(static_cast<float>(c + 1));
        auto it = std::lower_bound(track.bands.begin() + static_cast<std::ptrdiff_t>(i),
                                   track.bands.begin() + static_cast<std::ptrdiff_t>(r.last), next,
                                   [](const RoleBand& x, Time_us t) { return x.begin_us < t; });
        i = std::max(i + 1, static_cast<size_t>(it - track.bands.begin()));
        continue;
      }
      ++i;
    }
    flush();
    draw_run();

    // Pauses: purple over the band, with the role still showing along its bottom edge.
    auto p = std::lower_bound(track.pauses.begin(), track.pauses.end(), g.t0,
                              [](const Interval& x, Time_us t) { return x.end_us < t; });
    for (; p != track.pauses.end() && p->begin_us <= g.t1; ++p) {
      const float xa = std::max(g.x(p->begin_us), g.x0),
                  xb = std::max(std::min(g.x(p->end_us), g.x1), xa + 1);
      const float yb = y1 - (y1 - y0) * 0.28f;
      dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, yb), col(kPausedColor));
      if (xb - xa > ImGui::CalcTextSize("paused").x + 8)
        dl->AddText(ImVec2(xa + 4, y0 + (yb - y0 - g.font) * 0.5f), IM_COL32(255, 255, 255, 255),
                    "paused");
    }

    // Marks (restart, clock, note, record): at most one per kMarkColumnPx.
    const auto& marks = track.marks;
    auto time_of = [&](uint32_t e) { return m.events[e].t_us; };
    auto it = std::lower_bound(marks.begin(), marks.end(), g.t0,
                               [&](uint32_t e, Time_us t) { return time_of(e) < t; });
    while (it != marks.end() && time_of(*it) <= g.t1) {
      const Event& e = m.events[*it];
      const float x = g.x(e.t_us);
      const int c = static_cast<int>(std::floor(x));
      switch (e.kind) {
        case EventKind::Clock:  // a small diamond, in the clock-fault colour
          dl->AddQuadFilled(ImVec2(x, y0 - 10), ImVec2(x + 4, y0 - 5.5f), ImVec2(x, y0 - 1),
                            ImVec2(x - 4, y0 - 5.5f), col({70, 190, 200}));
          break;
        case EventKind::Restart:
          dl->AddTriangleFilled(ImVec2(x, y0 - 1), ImVec2(x + 8, y0 - 5), ImVec2(x, y0 - 9),
                                col(kLeaderColor));
          break;
        case EventKind::Note:
          vline(dl, x, y1, y1 + 5, IM_COL32(230, 230, 230, 220), 1.5f);
          break;
        default:
          vline(dl, x, y1, y1 + 3, IM_COL32(160, 160, 170, 200));
          break;
      }
      hits_.push_back({Hit::Kind::Mark, false, x - 3, y0 - 10, x + 3, y1 + 6, s.model,
                       static_cast<int64_t>(*it), n});
      // Next column.
      const Time_us next = std::max(g.t(static_cast<float>(c + kMarkColumnPx)), e.t_us + 1);
      auto nx = std::lower_bound(it + 1, marks.end(), next,
                                 [&](uint32_t ev, Time_us t) { return time_of(ev) < t; });
      it = nx;
    }
    (void)view;
  }
}

void Timeline::draw_messages(const Section& s, const Geometry& g, const ViewState& view) {
  const TraceModel& m = *s.m;
  if (!view.filters.show_messages || m.messages.empty()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const IndexRange r = messages_in(m, g.t0, g.t1);
  const size_t in_window = r.last - r.first;
  const float width = std::max(1.0f, g.x1 - g.x0);
  // Heartbeats and the other messages are decided apart: each class gets arrows while they can
  // be told apart, else it is folded into per-column traffic ticks (draw_traffic). Counting what
  // is shown costs one pass over the window, so beyond kCountLimit both classes fold unseen.
  size_t shown_hb = 0, shown_other = 0;
  const bool counted = in_window <= kCountLimit;
  if (counted)
    for (size_t i = r.first; i < r.last; ++i) {
      const Message& msg = m.messages[i];
      if (msg.end_us < g.t0 || !s.lane_visible(msg.from) || !s.lane_visible(msg.to) ||
          !message_shown(m, msg, view, s.type_hidden))
        continue;
      ++(msg.heartbeat ? shown_hb : shown_other);
    }
  const bool arrows_other = counted && shown_other <= kArrowBudget &&
                            static_cast<float>(shown_other) <= kArrowsPerPx * width;
  const bool arrows_hb = counted && shown_hb <= kHeartbeatArrowBudget &&
                         static_cast<float>(shown_hb) <= kHeartbeatArrowsPerPx * width;
  const bool dense = static_cast<float>(shown_hb + shown_other) > 0.25f * width;
  const float head = std::clamp(s.lane_h * 0.16f, 5.0f, 9.0f);
  const float gap = s.lane_h * 0.52f;  // between one lane's band and the next one's
  dl->PushClipRect(ImVec2(g.x0, s.lanes_y - 2), ImVec2(g.x1, s.bottom), true);

  auto draw_one = [&](size_t i) {
    const Message& msg = m.messages[i];
    if (!s.lane_visible(msg.from) || !s.lane_visible(msg.to)) return false;
    if (!message_shown(m, msg, view, s.type_hidden)) return false;
    const bool down = s.lane_top[static_cast<size_t>(msg.to - 1)] >=
                      s.lane_top[static_cast<size_t>(msg.from - 1)];
    const float ya = down ? s.band_bottom(msg.from) : s.band_top(msg.from);
    const float yb = down ? s.band_top(msg.to) : s.band_bottom(msg.to);
    ImVec2 a(g.x(msg.send_us), ya), b(g.x(msg.end_us), yb);
    const Rgb c = msg.duplicate   ? kDuplicateColor
                  : msg.heartbeat ? kHeartbeatColor
                                  : s.type_color[msg.type];
    const uint8_t alpha = msg.heartbeat ? (dense ? 70 : 150) : (dense ? 170 : 240);
    const float thick = msg.heartbeat ? 1.0f : 1.7f;
    const ImU32 color = col(c, alpha);
    if (msg.fate == Message::Fate::Dropped) {
      if (b.x - a.x < 3.0f) {
        // Lost as it was sent (a cut link, random loss): a short stub out of the sender, then X.
        const float len = std::min(gap * 0.55f, 16.0f);
        b = ImVec2(a.x, a.y + (down ? len : -len));
      }
      dl->AddLine(a, b, color, thick);
      drop_marks_.push_back({b.x, b.y, dense ? 3.0f : std::max(3.5f, head * 0.55f)});
    } else if (msg.fate == Message::Fate::InFlight) {
      dl->AddLine(a, b, col(c, 90), thick);
    } else {
      arrow(dl, a, b, color, thick, head);
      if (msg.duplicate) dl->AddCircle(b, 4.0f, col(kDuplicateColor), 8, 2.0f);
    }
    if (view.selection.kind == Selection::Kind::Message && view.selection.model == s.model &&
        view.selection.index == static_cast<int64_t>(i))
      selected_hit_ = static_cast<int64_t>(hits_.size());
    hits_.push_back(
        {Hit::Kind::Arrow, true, a.x, a.y, b.x, b.y, s.model, static_cast<int64_t>(i), 0});
    ++stats_.arrows;
    return true;
  };

  if (arrows_other || arrows_hb)
    for (size_t i = r.first; i < r.last; ++i) {
      const Message& msg = m.messages[i];
      if (msg.end_us >= g.t0 && (msg.heartbeat ? arrows_hb : arrows_other)) draw_one(i);
    }
  if (!arrows_other || !arrows_hb) draw_traffic(s, g, view, !arrows_hb, !arrows_other);
  dl->PopClipRect();
}

void Timeline::draw_traffic(const Section& s, const Geometry& g, const ViewState& view,
                            bool heartbeats, bool others) {
  const TraceModel& m = *s.m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& ms = m.messages;
  const float tick = std::min(s.lane_h * 0.14f, 7.0f);
  // Per lane: whether the column saw a message leave it, a non-heartbeat one (its colour), a loss.
  std::vector<int> seen(static_cast<size_t>(m.node_count), 0);
  std::vector<Rgb> color(static_cast<size_t>(m.node_count));
  std::vector<bool> lost(static_cast<size_t>(m.node_count));
  // Adjacent columns of the same colour are drawn as one rectangle: far fewer primitives.
  struct Run {
    float x0 = 0, x1 = 0;
    ImU32 c = 0;
  };
  std::vector<Run> runs(static_cast<size_t>(m.node_count)),
      lost_runs(static_cast<size_t>(m.node_count));
  auto flush = [&](Run& r, int32_t n, bool is_lost) {
    if (r.c == 0) return;
    const float yb = s.band_bottom(n), yt = s.band_top(n);
    if (is_lost) {
      dl->AddRectFilled(ImVec2(r.x0, yb + 2 + tick), ImVec2(r.x1, yb + 4 + tick), r.c);
    } else {
      dl->AddRectFilled(ImVec2(r.x0, yb + 1), ImVec2(r.x1, yb + 1 + tick), r.c);
      dl->AddRectFilled(ImVec2(r.x0, yt - 1 - tick), ImVec2(r.x1, yt - 1), r.c);
    }
    ++stats_.arrows;
    r.c = 0;
  };
  auto extend = [&](Run& r, float x, ImU32 c, int32_t n, bool is_lost) {
    if (c != 0 && c == r.c && r.x1 >= x) {
      r.x1 = x + kTrafficColumnPx;
      return;
    }
    flush(r, n, is_lost);
    if (c != 0) r = {x, x + kTrafficColumnPx, c};
  };
  auto it = ms.begin();
  for (float x = g.x0; x < g.x1; x += kTrafficColumnPx) {
    const Time_us c0 = g.t(x), c1 = g.t(x + kTrafficColumnPx);
    it = std::lower_bound(it, ms.end(), c0,
                          [](const Message& msg, Time_us t) { return msg.send_us < t; });
    std::fill(seen.begin(), seen.end(), 0);
    std::fill(lost.begin(), lost.end(), false);
    int looked = 0;
    for (auto k = it; k != ms.end() && k->send_us < c1 && looked < kMaxItemsPerColumn * 4;
         ++k, ++looked) {
      if ((k->heartbeat ? !heartbeats : !others) || !s.lane_visible(k->from) ||
          !s.lane_visible(k->to) || !message_shown(m, *k, view, s.type_hidden))
        continue;
      const auto n = static_cast<size_t>(k->from - 1);
      if (seen[n] < 2 && !k->heartbeat) color[n] = s.type_color[k->type], seen[n] = 2;
      if (seen[n] == 0) color[n] = kHeartbeatColor, seen[n] = 1;
      lost[n] = lost[n] || k->fate == Message::Fate::Dropped;
    }
    if (looked > 0) ++stats_.folded_columns;
    for (int32_t n : s.lanes) {
      const auto i = static_cast<size_t>(n - 1);
      extend(runs[i], x, seen[i] == 0 ? 0 : col(color[i], seen[i] == 2 ? 230 : 120), n, false);
      extend(lost_runs[i], x, lost[i] ? col(kDropColor) : 0, n, true);
    }
  }
  for (int32_t n : s.lanes) {
    flush(runs[static_cast<size_t>(n - 1)], n, false);
    flush(lost_runs[static_cast<size_t>(n - 1)], n, true);
  }
}

void Timeline::draw_message_overlays(const Section& s, const ViewState& view) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (const DropMark& d : drop_marks_) x_mark(dl, ImVec2(d.x, d.y), d.r, col(kDropColor), 2.0f);
  drop_marks_.clear();
  if (selected_hit_ >= 0) {
    const Hit& h = hits_[static_cast<size_t>(selected_hit_)];
    const Message& msg = s.m->messages[static_cast<size_t>(h.index)];
    if (msg.fate == Message::Fate::Delivered)
      arrow(dl, ImVec2(h.ax, h.ay), ImVec2(h.bx, h.by), col(kCursorColor), 3.0f, 10.0f);
    else
      dl->AddLine(ImVec2(h.ax, h.ay), ImVec2(h.bx, h.by), col(kCursorColor), 3.0f);
    // Rings at both ends, so that a short or vertical selection still stands out.
    dl->AddCircle(ImVec2(h.ax, h.ay), 6.0f, col(kCursorColor), 12, 2.0f);
    dl->AddCircle(ImVec2(h.bx, h.by), 8.0f, col(kCursorColor), 12, 2.0f);
    selected_hit_ = -1;
  }
  (void)view;
}

void Timeline::draw_ops(const Section& s, const Geometry& g, const ViewState& view) {
  const TraceModel& m = *s.m;
  if (s.client_rows == 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = g.x0 - std::max(84.0f, g.font * 5.6f);
  dl->AddRectFilled(ImVec2(left, s.clients_y),
                    ImVec2(g.x1 + 8, s.clients_y + s.client_rows * s.client_row_h),
                    col(kLaneColor));
  dl->AddText(ImVec2(left + 6, s.clients_y + (s.client_rows * s.client_row_h - g.font) * 0.5f),
              IM_COL32(220, 220, 230, 255), "clients");
  const IndexRange r = ops_in(m, g.t0, g.t1);
  std::vector<int> row_column(static_cast<size_t>(s.client_rows), INT_MIN);
  std::vector<int> row_count(static_cast<size_t>(s.client_rows), 0);
  // Narrow ops of one colour side by side in a row are drawn as one rectangle.
  struct Run {
    float x0 = 0, x1 = 0;
    ImU32 c = 0;
  };
  std::vector<Run> runs(static_cast<size_t>(s.client_rows));
  auto row_y0 = [&](size_t row) {
    return s.clients_y + static_cast<float>(row) * s.client_row_h + 1;
  };
  auto draw_run = [&](size_t row) {
    Run& run = runs[row];
    if (run.c == 0) return;
    dl->AddRectFilled(ImVec2(run.x0, row_y0(row)), ImVec2(run.x1, row_y0(row) + s.client_row_h - 2),
                      run.c);
    run.c = 0;
  };
  for (size_t i = r.first; i < r.last; ++i) {
    const ClientOp& op = m.ops[i];
    if (op.return_us < g.t0) continue;
    const auto row = static_cast<size_t>(op.client % s.client_rows);
    const float y0 = row_y0(row);
    const float y1 = y0 + s.client_row_h - 2;
    const float xa = std::max(g.x(op.invoke_us), g.x0),
                xb = std::max(std::min(g.x(op.return_us), g.x1), xa + 2);
    const Rgb oc = op.lost ? kOpLostColor : op.blamed ? kOpBlamedColor : op_color(op.outcome);
    const ImU32 fill = col(oc, op.outcome == ClientOp::Outcome::Pending ? 120 : 230);
    if (xb - xa < 3 && !op.blamed &&
        !op.lost) {  // narrow: one per 2-pixel column and row, merged into runs
      const int c = static_cast<int>(std::floor(xa / 2));
      if (row_column[row] != c) row_column[row] = c, row_count[row] = 0;
      if (++row_count[row] > 1) continue;
      Run& run = runs[row];
      if (run.c == fill && run.x1 + 2 >= xa) {
        run.x1 = std::max(run.x1, xb);
      } else {
        draw_run(row);
        run = {xa, xb, fill};
      }
      hits_.push_back({Hit::Kind::Op, false, xa, y0, xb, y1, s.model, static_cast<int64_t>(i), 0});
      continue;
    }
    draw_run(row);
    dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), fill, 2.0f);
    if (op.blamed)
      dl->AddRect(ImVec2(xa - 1, y0 - 1), ImVec2(xb + 1, y1 + 1), col(kOpBlamedColor), 2.0f, 0,
                  2.5f);
    const bool selected = view.selection.kind == Selection::Kind::Op &&
                          view.selection.model == s.model &&
                          view.selection.index == static_cast<int64_t>(i);
    if (selected)
      dl->AddRect(ImVec2(xa - 1, y0 - 1), ImVec2(xb + 1, y1 + 1), col(kCursorColor), 2.0f, 0, 2.0f);
    const ImVec2 ts = ImGui::CalcTextSize(op.label.c_str());
    if (xb - xa > ts.x + 6 && y1 - y0 >= ts.y - 3)
      dl->AddText(ImVec2(xa + 3, (y0 + y1 - ts.y) * 0.5f), text_color_on(oc), op.label.c_str());
    hits_.push_back({Hit::Kind::Op, false, xa, y0, xb, y1, s.model, static_cast<int64_t>(i), 0});
  }
  for (size_t row = 0; row < runs.size(); ++row) draw_run(row);
}

void Timeline::draw_ruler(const std::vector<const TraceModel*>& models, const Geometry& g,
                          ViewState& view) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float y0 = g.top, y1 = g.top + g.ruler_h;
  dl->AddRectFilled(ImVec2(g.x0 - std::max(84.0f, g.font * 5.6f), y0), ImVec2(g.x1 + 8, y1),
                    IM_COL32(44, 48, 58, 255));
  const Time_us step = nice_step(100.0 / g.px_per_us);
  const Time_us minor = step % 5 == 0 ? step / 5 : (step % 2 == 0 ? step / 2 : step);
  dl->PushClipRect(ImVec2(g.x0 - 30, y0), ImVec2(g.x1 + 8, y1), true);
  const Time_us first = (g.t0 / minor) * minor;
  float label_end = -1e9f;
  // The cursor's time box (drawn below) hides the tick labels it would overlap.
  const std::string cursor_text = format_time(view.cursor_us);
  const float cursor_w = ImGui::CalcTextSize(cursor_text.c_str()).x;
  const float cursor_x = std::clamp(g.x(view.cursor_us) - cursor_w * 0.5f, g.x0, g.x1 - cursor_w);
  const bool cursor_shown = g.x(view.cursor_us) >= g.x0 - 1 && g.x(view.cursor_us) <= g.x1 + 1;
  for (Time_us t = first; t <= g.t1; t += minor) {
    if (t < g.t0) continue;
    const float x = g.x(t);
    const bool major = t % step == 0;
    vline(dl, x, y1 - (major ? 9 : 4), y1, IM_COL32(200, 200, 210, 255));
    if (major) {
      const std::string label = format_tick(t, step);
      const float lw = ImGui::CalcTextSize(label.c_str()).x;
      const float lx = std::min(x + 3, g.x1 + 6 - lw);
      const bool under_cursor =
          cursor_shown && lx < cursor_x + cursor_w + 8 && lx + lw > cursor_x - 8;
      if (lx > label_end + 6 && !under_cursor) {
        dl->AddText(ImVec2(lx, y0 + 3), IM_COL32(225, 225, 232, 255), label.c_str());
        label_end = lx + lw;
      }
    }
  }
  // Captions (yellow flags) and violations (red) on the ruler.
  for (const TraceModel* m : models) {
    for (const Caption& c : m->captions) {
      if (c.t_us < g.t0 || c.t_us > g.t1) continue;
      const float x = g.x(c.t_us);
      dl->AddRectFilled(ImVec2(x, y1 - 12), ImVec2(x + 8, y1 - 6), col(kCaptionColor));
      vline(dl, x, y1 - 12, y1, col(kCaptionColor), 1.5f);
    }
    for (const Violation& v : m->violations) {
      if (v.t_us < g.t0 || v.t_us > g.t1) continue;
      const float x = g.x(v.t_us);
      dl->AddTriangleFilled(ImVec2(x - 6, y0 + 1), ImVec2(x + 6, y0 + 1), ImVec2(x, y0 + 11),
                            col(kViolationColor));
    }
  }
  dl->PopClipRect();
  // The cursor's time, in a box.
  const float cx = g.x(view.cursor_us);
  if (cx >= g.x0 - 1 && cx <= g.x1 + 1) {
    const std::string t = format_time(view.cursor_us);
    const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
    float bx = std::clamp(cx - ts.x * 0.5f, g.x0, g.x1 - ts.x);
    dl->AddRectFilled(ImVec2(bx - 4, y0 + 1), ImVec2(bx + ts.x + 4, y0 + ts.y + 3),
                      IM_COL32(240, 240, 245, 255), 3.0f);
    dl->AddText(ImVec2(bx, y0 + 2), IM_COL32(10, 10, 15, 255), t.c_str());
  }
}

float Timeline::draw_legend(const std::vector<const TraceModel*>& models, float x, float y, float w,
                            bool draw) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = ImGui::GetFontSize();
  const float row_h = h + 6;
  float cx = x, cy = y;
  auto item = [&](Rgb c, const char* label, int style) {
    const float sw = h * 1.3f;
    const float tw = ImGui::CalcTextSize(label).x;
    if (cx + sw + tw + 5 > x + w && cx > x) {  // wrap
      cx = x;
      cy += row_h;
    }
    if (draw) {
      const ImVec2 a(cx, cy + h * 0.1f), b(cx + sw, cy + h * 0.9f);
      switch (style) {
        case 0:
          dl->AddRectFilled(a, b, col(c));
          break;
        case 1:  // crashed
          dl->AddRectFilled(a, b, col(c));
          hatch_rect(dl, a, b, col(kCrashedHatchColor), 5.0f, 1.5f);
          break;
        case 2:
          x_mark(dl, ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f), h * 0.3f, col(c), 2.0f);
          break;
        case 3:
          dl->AddCircle(ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f), h * 0.3f, col(c), 10, 2.0f);
          break;
        case 4:
          dl->AddRectFilled(a, b, col(c, 70));
          dl->AddRect(a, b, col(c));
          break;
        case 5:
          arrow(dl, ImVec2(a.x, b.y), ImVec2(b.x, a.y), col(c), 1.5f, 6.0f);
          break;
        case 6:  // paused: purple over the role colour
          dl->AddRectFilled(a, b, col(kFollowerColor));
          dl->AddRectFilled(a, ImVec2(b.x, b.y - (b.y - a.y) * 0.3f), col(c));
          break;
      }
      dl->AddText(ImVec2(cx + sw + 5, cy), IM_COL32(215, 215, 222, 255), label);
    }
    cx += sw + tw + 20;
  };
  item(kFollowerColor, "follower", 0);
  item(kCandidateColor, "candidate", 0);
  item(kLeaderColor, "leader", 0);
  item(kCrashedColor, "crashed", 1);
  item(kPausedColor, "paused", 6);
  item(kSplitBrainColor, "split brain", 0);
  item(kPartitionColor, "partition", 4);
  item(kMessagePalette[1], "message", 5);
  item(kHeartbeatColor, "heartbeat", 5);
  item(kDropColor, "lost", 2);
  item(kDuplicateColor, "duplicate", 3);
  bool ops = false, blamed = false, lost = false;
  for (const TraceModel* m : models) {
    ops |= !m->ops.empty();
    blamed |= !m->lincheck_failing_ops.empty();
    lost |= !m->lost_writes.empty();
  }
  if (ops) {
    item(kOpOkColor, "op ok", 0);
    item(kOpFailColor, "op failed", 0);
    item(kOpInfoColor, "op unknown", 0);
  }
  if (blamed) item(kOpBlamedColor, "not linearizable", 0);
  if (lost) item(kOpLostColor, "lost write", 0);
  return cy - y + row_h;
}

void Timeline::hover_and_click(const std::vector<Section>& sections, const Geometry& g,
                               ViewState& view, bool hovered, bool clicked) {
  view.hovered = {};
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (!hovered || mouse.x < g.x0 || mouse.x > g.x1 || mouse.y < g.top + g.ruler_h) return;
  // The nearest arrow within a few pixels wins; then rectangles, the smallest kinds first.
  const Hit* best = nullptr;
  float best_d = kHitRadius_px * kHitRadius_px;
  for (const Hit& h : hits_) {
    if (!h.segment) continue;
    const float d = distance_sq_to_segment(mouse, ImVec2(h.ax, h.ay), ImVec2(h.bx, h.by));
    if (d <= best_d) best_d = d, best = &h;
  }
  if (best == nullptr) {
    static constexpr Hit::Kind kOrder[] = {Hit::Kind::Mark, Hit::Kind::Op, Hit::Kind::Fault,
                                           Hit::Kind::SplitBrain, Hit::Kind::Band};
    for (Hit::Kind kind : kOrder) {
      for (const Hit& h : hits_)
        if (!h.segment && h.kind == kind && mouse.x >= h.ax - 1 && mouse.x <= h.bx + 1 &&
            mouse.y >= h.ay && mouse.y <= h.by) {
          best = &h;
          break;
        }
      if (best) break;
    }
  }
  if (best == nullptr) {
    // A click on empty space moves the time cursor there.
    if (clicked) {
      view.cursor_us = std::max<Time_us>(0, g.t(mouse.x));
      view.cursor_event = -1;
    }
    return;
  }
  const TraceModel& m = *sections[static_cast<size_t>(best->model)].m;
  Selection sel;
  sel.model = best->model;
  sel.index = best->index;
  sel.node = best->node;
  ImGui::BeginTooltip();
  switch (best->kind) {
    case Hit::Kind::Arrow: {
      sel.kind = Selection::Kind::Message;
      const Message& msg = m.messages[static_cast<size_t>(best->index)];
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
      if (msg.duplicate)
        ImGui::TextColored(col4(kDuplicateColor), "a duplicate copy made by the network");
      break;
    }
    case Hit::Kind::Op: {
      sel.kind = Selection::Kind::Op;
      const ClientOp& op = m.ops[static_cast<size_t>(best->index)];
      static const char* outcomes[] = {"ok", "fail", "info (unknown)", "pending"};
      ImGui::Text("client %d, op %lld: %s", op.client, static_cast<long long>(op.op),
                  op.label.c_str());
      ImGui::Text("outcome %s", outcomes[static_cast<int>(op.outcome)]);
      ImGui::Text("%s to %s (%s)", format_time(op.invoke_us).c_str(),
                  format_time(op.return_us).c_str(),
                  format_time(op.return_us - op.invoke_us).c_str());
      if (op.blamed)
        ImGui::TextColored(col4(kOpBlamedColor), "blamed by the linearizability checker");
      if (op.lost)
        ImGui::TextColored(col4(kOpLostColor), "lost: acknowledged, then gone (see Summary)");
      break;
    }
    case Hit::Kind::Mark: {
      sel.kind = Selection::Kind::Event;
      const auto e = static_cast<uint32_t>(best->index);
      ImGui::Text("%s at %s, event %u", event_kind_name(m.events[e].kind),
                  format_time(m.events[e].t_us).c_str(), e);
      int shown = 0;
      for (const auto& [k, v] : event_fields(m, e)) {
        if (k == "i" || k == "t" || k == "k" || k == "n") continue;
        if (++shown > 8) break;
        ImGui::Text("%s: %s", k.c_str(), v.c_str());
      }
      break;
    }
    case Hit::Kind::Fault: {
      sel.kind = Selection::Kind::Fault;
      const Fault& f = m.faults[static_cast<size_t>(best->index)];
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
      break;
    }
    case Hit::Kind::SplitBrain: {
      sel.kind = Selection::Kind::SplitBrain;
      const SplitBrain& sb = m.split_brains[static_cast<size_t>(best->index)];
      std::string leaders;
      for (int32_t l : sb.leaders) leaders += " " + node_name(l);
      ImGui::TextColored(col4(kSplitBrainColor),
                         "SPLIT BRAIN: more than one node believes it leads");
      ImGui::Text("leaders:%s", leaders.c_str());
      ImGui::Text("%s to %s (%s)", format_time(sb.begin_us).c_str(), format_time(sb.end_us).c_str(),
                  format_time(sb.end_us - sb.begin_us).c_str());
      break;
    }
    case Hit::Kind::Band: {
      sel.kind = Selection::Kind::Band;
      const RoleBand& b =
          m.nodes[static_cast<size_t>(best->node - 1)].bands[static_cast<size_t>(best->index)];
      ImGui::Text("%s: %s%s", node_name(best->node).c_str(), role_name(b.role),
                  m.has_epochs ? (", epoch " + std::to_string(b.epoch)).c_str() : "");
      if (b.role == Role::Follower)
        ImGui::Text("follows %s", b.leader ? node_name(b.leader).c_str() : "nobody");
      ImGui::Text("%s to %s (%s)", format_time(b.begin_us).c_str(), format_time(b.end_us).c_str(),
                  format_time(b.end_us - b.begin_us).c_str());
      const Time_us t = g.t(mouse.x);
      if (state_at(m, best->node, t).paused)
        ImGui::TextColored(col4(kPausedColor), "paused at %s", format_time(t).c_str());
      for (const Fault& f : m.faults) {
        if (f.span.begin_us > t || f.span.end_us < t || f.groups.empty()) continue;
        for (const auto& group : f.groups)
          if (std::find(group.begin(), group.end(), best->node) != group.end()) {
            std::string members;
            for (int32_t n : group) members += " " + node_name(n);
            ImGui::TextColored(col4(kPartitionColor), "partitioned: can reach only%s",
                               members.c_str());
          }
      }
      break;
    }
  }
  ImGui::TextDisabled("click to inspect");
  ImGui::EndTooltip();
  view.hovered = sel;
  if (clicked) view.selection = sel;
}

}  // namespace ballot::viz
