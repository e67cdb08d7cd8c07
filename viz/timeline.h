// The timeline panel: one lane per node with role bands, message arrows, fault overlays,
// split-brain highlights, a client lane and a time ruler with the cursor. Draws one trace, or
// two stacked (Compare) sharing the time axis and cursor.
//
// Drawing cost is bounded by the width in pixels, not by the trace: the visible window is found
// by binary search, and whatever is narrower than a pixel is folded (at most a few primitives
// per pixel column per lane).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

class Timeline {
 public:
  // Draws into the remaining space of the current ImGui window; handles zoom (wheel, around the
  // mouse), pan (drag), scrubbing (drag on the ruler), selection (click) and hover tooltips.
  void Draw(const std::vector<const TraceModel*>& models, ViewState& view);

  // The whole run in view, with a small margin.
  static void FitAll(const std::vector<const TraceModel*>& models, ViewState& view);
  // Zooms by `factor` (< 1 zooms in) keeping time `anchor_us` at the same place.
  static void Zoom(ViewState& view, double factor, Time_us anchor_us, Time_us full_span_us);

  struct FrameStats {
    int arrows = 0;          // message arrows drawn
    int folded_columns = 0;  // pixel columns where messages were folded
    int bands = 0;           // band rectangles drawn
  };
  const FrameStats& stats() const { return stats_; }

  // Where the last frame put things, for tests that drive the UI: the plot's horizontal extent
  // and the centre of a node's band (-1 when the lane is not shown).
  float plot_x0() const { return plot_x0_; }
  float plot_x1() const { return plot_x1_; }
  float ruler_y() const { return ruler_y_; }
  float lane_center_y(int model, int32_t node) const;

 private:
  struct Geometry;
  struct Section;
  // Something drawn this frame that the mouse can point at: a segment (arrows) or a rectangle.
  struct Hit {
    enum class Kind : uint8_t { Arrow, Op, Mark, Fault, SplitBrain, Band };
    Kind kind = Kind::Band;
    bool segment = false;
    float ax = 0, ay = 0, bx = 0, by = 0;  // segment ends, or rectangle corners
    int model = 0;
    int64_t index = -1;  // in the model's messages / ops / events / faults / split_brains / bands
    int32_t node = 0;
  };
  void draw_section(const Section& s, const Geometry& g, ViewState& view);
  void draw_ruler(const std::vector<const TraceModel*>& models, const Geometry& g, ViewState& view);
  void draw_bands(const Section& s, const Geometry& g, const ViewState& view);
  void draw_messages(const Section& s, const Geometry& g, const ViewState& view);
  void draw_ops(const Section& s, const Geometry& g, const ViewState& view);
  void draw_faults(const Section& s, const Geometry& g);
  // Fills [xa, xb] across the section's lanes except under the (opaque) bands.
  void fill_gaps(const Section& s, float xa, float xb, unsigned int color);
  // Draws the legend wrapped into width w (when draw is false, only measures); returns its height.
  float draw_legend(const std::vector<const TraceModel*>& models, float x, float y, float w,
                    bool draw);
  void draw_message_overlays(const Section& s, const ViewState& view);
  // Messages too dense for arrows (heartbeats, the others, or both): per pixel column, a tick
  // above and below each sender's band.
  void draw_traffic(const Section& s, const Geometry& g, const ViewState& view, bool heartbeats,
                    bool others);
  void hover_and_click(const std::vector<Section>& sections, const Geometry& g, ViewState& view,
                       bool hovered, bool clicked);

  FrameStats stats_;
  std::vector<Hit> hits_;  // what was drawn this frame, for hover and click
  // Drawn over the bands after them: where messages were lost, and the selected message.
  struct DropMark {
    float x, y, r;
  };
  std::vector<DropMark> drop_marks_;
  int64_t selected_hit_ = -1;  // index in hits_ of the selected message's arrow
  float plot_x0_ = 0, plot_x1_ = 0, ruler_y_ = 0;
  std::vector<std::vector<float>> lane_centers_;  // [model][node - 1]
  bool dragging_ruler_ = false;
  bool dragging_plot_ = false;
};

}  // namespace ballot::viz
