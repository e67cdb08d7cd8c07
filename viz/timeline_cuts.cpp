#include "viz/timeline_cuts.h"

#include <algorithm>
#include <utility>

namespace ballot::viz {

bool draws_cut_arrows(const Fault& fault) {
  return fault.groups.empty() && fault.look != "isolate";
}

CutArrows cut_arrows(const CutFault& cut, const std::vector<int32_t>& lanes, size_t cap) {
  CutArrows out;
  // Each unordered pair once: a two-way arrow when both directions are cut.
  std::vector<CutArrow> shown;
  for (int32_t a = 1; a <= cut.n; ++a)
    for (int32_t b = a + 1; b <= cut.n; ++b) {
      const bool ab = cut.cuts_link(a, b), ba = cut.cuts_link(b, a);
      if (!ab && !ba) continue;
      const auto ia = std::find(lanes.begin(), lanes.end(), a);
      const auto ib = std::find(lanes.begin(), lanes.end(), b);
      if (ia == lanes.end() || ib == lanes.end()) {
        ++out.hidden;
        continue;
      }
      CutArrow arrow{ab ? a : b, ab ? b : a, ab && ba};
      if (arrow.both && ib < ia) std::swap(arrow.from, arrow.to);
      shown.push_back(arrow);
    }
  auto upper_lower = [&](const CutArrow& x) {
    const auto i = std::find(lanes.begin(), lanes.end(), x.from) - lanes.begin();
    const auto j = std::find(lanes.begin(), lanes.end(), x.to) - lanes.begin();
    return std::pair{std::min(i, j), std::max(i, j)};
  };
  std::stable_sort(shown.begin(), shown.end(), [&](const CutArrow& x, const CutArrow& y) {
    return upper_lower(x) < upper_lower(y);
  });
  if (shown.size() > cap) {
    out.more = shown.size() - cap;
    shown.resize(cap);
  }
  out.arrows = std::move(shown);
  return out;
}

}  // namespace ballot::viz
