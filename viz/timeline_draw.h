// The timeline's drawers, one per lane kind, and what they share in one frame. Internal to the
// timeline (viz/timeline*.cpp). Each drawer reads the positions from the Layout
// (viz/timeline_layout.h), draws with ImGui, and reports what the mouse can point at (Hit).
//
//   timeline_nodes.cpp     node lanes: labels, role bands, pauses, marks
//   timeline_lanes.cpp     the aggregated lane, the pinned lanes' rule, the lanes' scrollbar
//   timeline_messages.cpp  message arrows, folded traffic, losses and the selected message
//   timeline_faults.cpp    the fault lane; partitions and cuts across the lanes; split brain;
//                          truncation and violations
//   timeline_clients.cpp   the client lane
//   timeline_ruler.cpp     the ruler, the time cursor and the legend
//   timeline_tooltip.cpp   the tooltip of what the mouse points at
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include <imgui.h>

#include "viz/colors.h"
#include "viz/sizes.h"
#include "viz/timeline_input.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

// What the last frame drew, for the benchmark.
struct TimelineStats {
  int arrows = 0;          // message arrows drawn
  int folded_columns = 0;  // pixel columns where messages were folded
  int bands = 0;           // band rectangles drawn
};

namespace timeline {

// A section as the drawers see it: its layout, its model and how its message types show.
struct Section : SectionLayout {
  const TraceModel* m = nullptr;
  std::vector<bool> type_hidden;  // by the model's type index
  std::vector<Rgb> type_color;
};
std::vector<Section> make_sections(const std::vector<const TraceModel*>& models,
                                   const Layout& layout, const ViewState& view);

// Where a message was lost: an X drawn over the bands.
struct DropMark {
  float x, y, r;
};

// A vote reply's answer: a green tick (granted) or a red bar (refused) in a disc on its arrow,
// drawn over the bands.
struct AnswerMark {
  float x, y, r;
  bool granted;
};

// What one frame's drawers share.
struct Frame {
  ImDrawList* dl;
  const Layout& L;
  const ViewState& view;
  std::vector<Hit>& hits;  // what was drawn, for hover and click
  TimelineStats& stats;
  std::vector<DropMark> drop_marks;      // per section, drawn over its bands
  int64_t selected_hit = -1;             // index in hits of the selected message's arrow
  std::vector<AnswerMark> answer_marks;  // per section, drawn over its bands

  const TimeAxis& axis() const { return L.axis; }
  // The label column's left edge.
  float label_x() const { return L.axis.x0 - L.label_w; }
};

// Node lanes.
void draw_section_header(Frame& f, const Section& s);
void draw_lane_labels(Frame& f, const Section& s);  // names, state chips, partition tags
void draw_node_lanes(Frame& f, const Section& s);   // role bands, pauses, marks
// Many nodes (timeline_lanes.cpp): the aggregated "+N more" lane, the rule under the pinned
// lanes, the lanes' scrollbar.
void draw_aggregated_lane(Frame& f, const Section& s);
void draw_pinned_rule(Frame& f, const Section& s);
void draw_lane_scrollbar(Frame& f, const Section& s);
// Messages: arrows (behind the bands), or traffic ticks where too dense; then losses and the
// selected message over the bands.
void draw_messages(Frame& f, const Section& s);
void draw_message_overlays(Frame& f, const Section& s);
// Faults: the fault lane; network faults across the node lanes; split brain in its strip and
// over the bands; the end of a truncated trace; violations.
void draw_fault_lane(Frame& f, const Section& s);
void draw_network_faults(Frame& f, const Section& s);
void draw_split_brain_strip(Frame& f, const Section& s);
void draw_split_brain_frames(Frame& f, const Section& s);
void draw_truncation(Frame& f, const Section& s);
void draw_violations(Frame& f, const Section& s);
// The client lane.
void draw_client_lane(Frame& f, const Section& s);
// The ruler, the time cursor and the mouse's time across the sections, the legend.
void draw_ruler(Frame& f, const std::vector<const TraceModel*>& models);
void draw_cursor(Frame& f, float mouse_x, bool mouse_line);
// Draws the legend wrapped into width w (when draw is false, only measures); returns its height.
float draw_legend(ImDrawList* dl, const std::vector<const TraceModel*>& models, float x, float y,
                  float w, bool draw);

// The tooltip of what the mouse points at (mouse_t: the mouse's time).
void draw_tooltip(const Hit& hit, const TraceModel& m, Time_us mouse_t);

// Shared by the drawers.
// A vertical line as a rectangle: no anti-aliased fringe, so cheaper to fill.
inline void vline(ImDrawList* dl, float x, float y0, float y1, ImU32 c, float w = 1.0f) {
  dl->AddRectFilled(ImVec2(x - w * 0.5f, y0), ImVec2(x + w * 0.5f, y1), c);
}
// Fills [xa, xb] across the section's lanes except under the (opaque) bands.
void fill_gaps(ImDrawList* dl, const Section& s, float xa, float xb, ImU32 color);
// Whether the filters show a message.
bool message_shown(const Message& msg, const Filters& filters,
                   const std::vector<bool>& type_hidden);

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

}  // namespace timeline
}  // namespace ballot::viz
