// The Filters panel's nodes part (docs/viz.md#many-nodes): keep the important nodes shown, show
// all, hide all, leaders only, a range typed as for --nodes ("n10-n40"), and one checkbox per
// node (only the visible rows of them are submitted, so a thousand nodes cost little).
#pragma once
#include <string>
#include <vector>

#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

struct NodeFilters {
  void Draw(const std::vector<const TraceModel*>& models, ViewState& view);

 private:
  char range_[128] = "";
  std::string error_;
};

}  // namespace ballot::viz
