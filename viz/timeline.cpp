#include "viz/timeline.h"

#include <algorithm>
#include <string>

#include <imgui.h>

#include "viz/draw_util.h"
#include "viz/sizes.h"
#include "viz/timeline_diff.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

// One frame of the mouse over the canvas (the InvisibleButton just submitted), as ImGui says.
PointerInput read_pointer() {
  const ImGuiIO& io = ImGui::GetIO();
  PointerInput in;
  in.x = io.MousePos.x;
  in.y = io.MousePos.y;
  in.wheel = io.MouseWheel;
  in.pan_modifier = io.KeyShift || io.KeyCtrl;
  in.hovered = ImGui::IsItemHovered();
  in.activated = ImGui::IsItemActivated();
  in.active = ImGui::IsItemActive();
  in.deactivated = ImGui::IsItemDeactivated();
  in.left_down = ImGui::IsMouseDown(ImGuiMouseButton_Left);
  in.dragging = ImGui::IsMouseDragging(ImGuiMouseButton_Left, kDragThreshold_px);
  in.delta_x = io.MouseDelta.x;
  const ImVec2 drag = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0.0f);
  in.drag_x = drag.x;
  in.drag_y = drag.y;
  in.double_clicked = ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left);
  return in;
}

// One trace's section, back to front. Arrows go behind the bands, so that a message crossing
// other lanes does not stripe them; where messages were lost, and the selected one, go on top.
void draw_section(timeline::Frame& f, const timeline::Section& s) {
  using namespace timeline;
  // Reveal mode: the model holds nothing after the cursor (reveal_until); the clip also keeps
  // labels and marks that stand at an earlier time from spilling past it.
  float right = f.L.right;
  if (s.m->revealed())
    right = std::min(right, f.axis().x(s.m->revealed_until_us) + kRevealClipMargin_px);
  f.dl->PushClipRect(ImVec2(f.label_x(), f.L.top), ImVec2(right, f.L.bottom), true);
  draw_section_header(f, s);
  draw_lane_labels(f, s);
  draw_network_faults(f, s);
  draw_split_brain_strip(f, s);
  draw_fault_lane(f, s);
  draw_messages(f, s);
  draw_node_lanes(f, s);
  draw_aggregated_lane(f, s);
  draw_pinned_rule(f, s);
  draw_message_overlays(f, s);
  draw_client_lane(f, s);
  draw_split_brain_frames(f, s);
  draw_truncation(f, s);
  draw_violations(f, s);
  f.dl->PopClipRect();
  draw_lane_scrollbar(f, s);
}

}  // namespace

void Timeline::Draw(const std::vector<const TraceModel*>& models, ViewState& view) {
  stats_ = {};
  hits_.clear();
  if (models.empty()) return;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImDrawList* dl = ImGui::GetWindowDrawList();

  // ---- layout ----
  Viewport vp{origin.x, origin.y, avail.x, avail.y, ImGui::GetFontSize(), 0.0f};
  const float legend_x = origin.x + kLegendInset_px;
  const float legend_w = std::max(avail.x, kCanvasMinWidth_px) - 2 * kLegendInset_px;
  vp.legend_h = timeline::draw_legend(dl, models, legend_x, 0, legend_w, false) + kLegendPadding_px;
  // A short canvas (a small window, a small --record or --size) keeps its height for the lanes:
  // a legend that would take more than kLegendMaxShare of it is left out rather than squeezing
  // the lanes into a sliver (docs/viz.md, "Many nodes").
  const bool legend_shown = vp.legend_h <= avail.y * kLegendMaxShare;
  if (!legend_shown) vp.legend_h = 0;
  if (view.t1_us <= view.t0_us) view.t1_us = view.t0_us + kMinSpan_us;
  layout_ = layout_timeline(models, view, vp);

  // ---- input: the whole canvas is one invisible button ----
  ImGui::SetCursorScreenPos(origin);
  ImGui::InvisibleButton("##timeline", ImVec2(layout_.width, layout_.height),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const PointerInput in = read_pointer();
  const PointerResult pointer = apply_pointer(in, layout_, drag_, view);
  // Re-derive the mapping after input so that this frame draws what the user asked for.
  layout_.axis = TimeAxis::make(layout_.axis.x0, layout_.axis.x1, view.t0_us, view.t1_us);

  // ---- draw ----
  // No background rectangle: the window is cleared to kBackgroundColor, and on software OpenGL
  // every full-size layer costs milliseconds.
  const std::vector<timeline::Section> sections = timeline::make_sections(models, layout_, view);
  timeline::Frame frame{dl, layout_, view, hits_, stats_, {}, -1, {}};
  for (const timeline::Section& s : sections) draw_section(frame, s);
  if (diff_marks_ && models.size() == 2) timeline::draw_diff_marks(frame, sections, *diff_marks_);
  timeline::draw_ruler(frame, models);
  timeline::draw_cursor(frame, in.x, pointer.in_plot && !in.active);
  if (legend_shown)
    timeline::draw_legend(dl, models, legend_x, layout_.bottom - layout_.legend_h + 4, legend_w,
                          true);

  // ---- hover and click on what was drawn ----
  if (const Hit* hit = hover_and_click(hits_, in, layout_, pointer.clicked && in.hovered, view))
    timeline::draw_tooltip(*hit, *models[static_cast<size_t>(hit->model)], layout_.axis.t(in.x));
  if (pointer.in_ruler && !in.active) {
    ImGui::SetTooltip("%s  (click or drag here to move the time cursor)",
                      format_time(layout_.axis.t(in.x)).c_str());
  }
}

}  // namespace ballot::viz
