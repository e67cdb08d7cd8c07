#include "viz/timeline_cuts.h"

#include <algorithm>
#include <utility>

namespace ballot::viz {

bool draws_cut_arrows(const Fault& fault) {
  return fault.groups.empty() && fault.look != "isolate";
}

CutArrows cut_arrows(const CutFault& cut, const std::vector<int32_t>& lanes, size_t cap) {
  CutArrows out;
  // Each node's row among the shown lanes, -1 without a lane.
  std::vector<int64_t> row(static_cast<size_t>(std::max(cut.n, 0)) + 1, -1);
  for (size_t i = 0; i < lanes.size(); ++i)
    if (lanes[i] >= 1 && lanes[i] <= cut.n)
      row[static_cast<size_t>(lanes[i])] = static_cast<int64_t>(i);
  auto row_of = [&](int32_t node) { return row[static_cast<size_t>(node)]; };
  // Each unordered pair once: a two-way arrow when both directions are cut.
  std::vector<CutArrow> shown;
  for (int32_t a = 1; a <= cut.n; ++a)
    for (int32_t b = a + 1; b <= cut.n; ++b) {
      const bool ab = cut.cuts_link(a, b), ba = cut.cuts_link(b, a);
      if (!ab && !ba) continue;
      if (row_of(a) < 0 || row_of(b) < 0) {
        ++out.hidden;
        continue;
      }
      CutArrow arrow{ab ? a : b, ab ? b : a, ab && ba};
      if (arrow.both && row_of(b) < row_of(a)) std::swap(arrow.from, arrow.to);
      shown.push_back(arrow);
    }
  // Left to right: by the upper end's row, then the lower end's.
  auto rows = [&](const CutArrow& x) {
    return std::pair{std::min(row_of(x.from), row_of(x.to)),
                     std::max(row_of(x.from), row_of(x.to))};
  };
  std::stable_sort(shown.begin(), shown.end(),
                   [&](const CutArrow& x, const CutArrow& y) { return rows(x) < rows(y); });
  if (shown.size() > cap) {
    out.more = shown.size() - cap;
    shown.resize(cap);
  }
  out.arrows = std::move(shown);
  return out;
}

}  // namespace ballot::viz
