// What the user is looking at: the visible window, the time cursor, the selection, playback and
// filters. Owned by the App and shared by the timeline and the panels; the trace models stay
// immutable.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "viz/trace_model.h"

namespace ballot::viz {

// The thing clicked last: shown in the Inspector. `model` is 0 for the main trace, 1 for the
// compared one; `index` points into that model's vector for the kind.
struct Selection {
  enum class Kind : uint8_t { None, Event, Message, Op, Fault, SplitBrain, Band };
  Kind kind = Kind::None;
  int model = 0;
  int64_t index = -1;
  int32_t node = 0;  // Band: the node (its bands vector)
  bool operator==(const Selection&) const = default;
};

struct Filters {
  bool hide_heartbeats = false;
  bool show_messages = true;
  bool show_drops = true;
  std::set<std::string> hidden_types;  // by name, so that both compared traces agree
  std::vector<bool> hidden_nodes;      // [0] is n1; shorter than node_count means shown
  // Leaders, nodes in violations and fault targets stay shown while this is on, whatever
  // hidden_nodes says (docs/viz.md#many-nodes). `important` is set each frame by the App from
  // the models (important_nodes in viz/lanes.h); [0] is n1.
  bool keep_important = true;
  std::vector<bool> important;
  bool node_hidden(int32_t node) const {
    const auto i = static_cast<size_t>(node - 1);
    if (node < 1 || i >= hidden_nodes.size() || !hidden_nodes[i]) return false;
    return !(keep_important && i < important.size() && important[i]);
  }
};

struct ViewState {
  // The visible window, in integer microseconds; t1 > t0.
  Time_us t0_us = 0, t1_us = 1;
  Time_us cursor_us = 0;
  // The event the cursor stands on after a step or a jump (-1: none); stepping moves from here.
  int64_t cursor_event = -1;
  Selection selection;
  Selection hovered;

  bool playing = false;
  double speed = 0.1;  // simulated seconds per real second
  bool pause_at_captions = true;
  bool follow_cursor = true;  // keep the cursor in view while playing
  // Reveal mode: nothing after the cursor is drawn or listed anywhere (docs/viz.md#reveal-mode);
  // the timeline and the panels get the run's prefix (reveal_until), play and step reveal more.
  bool reveal = false;

  Filters filters;
  bool show_side_panel = true;
  // Per section (main, compared): how many scrolling lanes are above the first one shown
  // (LanePick::scroll in viz/lanes.h); the layout clamps it.
  int lane_scroll[2] = {0, 0};
  bool show_cluster = false;  // the cluster view beside the timeline (--cluster, C)

  // Requests from panels to the App, handled once per frame.
  bool request_fit_all = false;
  bool request_center_cursor = false;

  Time_us span_us() const { return t1_us - t0_us; }
};

}  // namespace ballot::viz
