// The timeline's mouse handling, apart from its drawing: zoom (wheel, around the mouse), pan
// (shift or ctrl and the wheel, or a drag), scrubbing (a drag on the ruler), moving the cursor
// (a click on empty space, a double click) and hover and selection (what the drawers reported
// drawing). Pure functions of one frame's pointer, the layout and the view: no ImGui, so tests
// drive them directly. The Timeline reads the PointerInput from ImGui (viz/timeline.cpp).
#pragma once
#include <cstdint>
#include <vector>

#include "viz/timeline_layout.h"
#include "viz/view_state.h"

namespace ballot::viz {

// One frame of the pointer over the timeline's canvas.
struct PointerInput {
  float x = 0, y = 0;            // the mouse
  float wheel = 0;               // notches this frame
  bool pan_modifier = false;     // shift or ctrl held: the wheel pans
  bool hovered = false;          // the mouse is over the canvas
  bool activated = false;        // a button went down on the canvas this frame
  bool active = false;           // a button is held since it went down on the canvas
  bool deactivated = false;      // that button went up this frame
  bool left_down = false;        // the left button is down
  bool dragging = false;         // the left button is held and moved past kDragThreshold_px
  float delta_x = 0;             // the mouse's movement this frame
  float drag_x = 0, drag_y = 0;  // its movement since the button went down
  bool double_clicked = false;
};

// What a drag started on, kept from the frame the button went down to the frame it goes up.
struct DragState {
  bool ruler = false;
  bool plot = false;
  int scrollbar = -1;  // the section whose scrollbar is dragged
};

struct PointerResult {
  bool in_plot = false;   // hovered, between the plot's left and right edges
  bool in_ruler = false;  // hovered, over the ruler
  bool clicked = false;   // a press and release on the plot without a drag
};

// The section whose lanes scroll under (x, y): over its scrolling lanes in the label column or
// over its scrollbar (-1: none).
int scroll_section_at(const Layout& layout, float x, float y);

// Zoom, pan and scrub: changes the view's window and cursor. The wheel over a section's label
// column or scrollbar scrolls its lanes instead, and a press or drag on the scrollbar moves them.
// Uses the layout's axis as it was before (re-derive it from the view after).
PointerResult apply_pointer(const PointerInput& in, const Layout& layout, DragState& drag,
                            ViewState& view);

// Something drawn this frame that the mouse can point at: a segment (message arrows) or a
// rectangle (an event's mark, an op, a fault, a split brain, a band); what selecting it selects.
struct Hit {
  using Kind = Selection::Kind;
  Kind kind = Kind::Band;
  bool segment = false;
  float ax = 0, ay = 0, bx = 0, by = 0;  // segment ends, or rectangle corners
  int model = 0;
  int64_t index = -1;  // in the model's messages / ops / events / faults / split_brains / bands
  int32_t node = 0;
};

// What is under (x, y): the nearest arrow within kHitRadius_px; else the first rectangle that
// holds the point, the smallest kinds first (event marks, ops, faults, split brains, bands).
// nullptr when nothing is.
const Hit* pick(const std::vector<Hit>& hits, float x, float y);

// The selection a hit stands for.
Selection selection_of(const Hit& hit);

// Hover and click over the plot (below the ruler): sets view.hovered to what is under the mouse
// and, when `clicked`, selects it, or moves the cursor to the mouse's time when nothing is
// there. Returns the hit under the mouse, for its tooltip (nullptr: none).
const Hit* hover_and_click(const std::vector<Hit>& hits, const PointerInput& in,
                           const Layout& layout, bool clicked, ViewState& view);

}  // namespace ballot::viz
