#include "viz/lanes.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ballot::viz {

namespace {

void sort_unique(std::vector<int32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  v.erase(std::remove_if(v.begin(), v.end(), [](int32_t n) { return n < 1; }), v.end());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "n12" or "12" (1-based), or nullopt.
std::optional<int32_t> parse_node(std::string_view s) {
  s = trim(s);
  if (!s.empty() && (s.front() == 'n' || s.front() == 'N')) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  int32_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 1) return std::nullopt;
  return n;
}

}  // namespace

std::vector<int32_t> ImportantNodes::by_priority() const {
  std::vector<int32_t> out, seen;  // seen: sorted, for the repeats
  for (const auto* list : {&leaders, &violations, &fault_targets})
    for (int32_t n : *list) {
      const auto at = std::lower_bound(seen.begin(), seen.end(), n);
      if (at != seen.end() && *at == n) continue;
      seen.insert(at, n);
      out.push_back(n);
    }
  return out;
}

ImportantNodes important_nodes(const TraceModel& m) {
  ImportantNodes imp;
  for (uint32_t e : m.leader_change_events)
    if (e < m.events.size()) imp.leaders.push_back(m.events[e].node);
  for (const Violation& v : m.violations)
    imp.violations.insert(imp.violations.end(), v.nodes.begin(), v.nodes.end());
  for (const Fault& f : m.faults) {
    imp.fault_targets.insert(imp.fault_targets.end(), f.nodes.begin(), f.nodes.end());
    imp.fault_targets.push_back(f.from);
    imp.fault_targets.push_back(f.to);
    if (f.groups.size() == 1) {  // the nodes cut off from the rest
      imp.fault_targets.insert(imp.fault_targets.end(), f.groups[0].begin(), f.groups[0].end());
    } else if (f.groups.size() > 1) {
      size_t largest = 0;
      for (size_t g = 1; g < f.groups.size(); ++g)
        if (f.groups[g].size() > f.groups[largest].size()) largest = g;
      for (size_t g = 0; g < f.groups.size(); ++g)
        if (g != largest)
          imp.fault_targets.insert(imp.fault_targets.end(), f.groups[g].begin(), f.groups[g].end());
    }
  }
  for (auto* list : {&imp.leaders, &imp.violations, &imp.fault_targets}) {
    sort_unique(*list);
    list->erase(
        std::remove_if(list->begin(), list->end(), [&](int32_t n) { return n > m.node_count; }),
        list->end());
  }
  return imp;
}

LanePick pick_lanes(const std::vector<int32_t>& selected, const std::vector<int32_t>& priority,
                    int fit, int scroll) {
  LanePick p;
  fit = std::max(fit, 1);
  const int total = static_cast<int>(selected.size());
  if (total <= fit) {
    p.lanes = selected;
    return p;
  }
  // One row aggregates; of the others, all but one may be pinned, so that one scrolls.
  const int own = fit - 1;
  const int pin_room = own >= 2 ? own - 1 : own;
  std::vector<int32_t> head;
  for (int32_t n : priority) {
    if (static_cast<int>(head.size()) >= pin_room) break;
    if (std::binary_search(selected.begin(), selected.end(), n)) head.push_back(n);
  }
  std::sort(head.begin(), head.end());
  std::vector<int32_t> rest;
  rest.reserve(selected.size() - head.size());
  for (int32_t n : selected)
    if (!std::binary_search(head.begin(), head.end(), n)) rest.push_back(n);
  const int window = own - static_cast<int>(head.size());
  p.scroll_max = std::max(0, static_cast<int>(rest.size()) - window);
  p.scroll = std::clamp(scroll, 0, p.scroll_max);
  p.lanes = head;
  p.pinned = head.size();
  for (int i = 0; i < static_cast<int>(rest.size()); ++i) {
    if (i >= p.scroll && i < p.scroll + window)
      p.lanes.push_back(rest[static_cast<size_t>(i)]);
    else
      p.folded.push_back(rest[static_cast<size_t>(i)]);
  }
  return p;
}

std::optional<NodeSpec> parse_node_spec(std::string_view text, std::string& error) {
  NodeSpec spec;
  const std::string_view whole = trim(text);
  if (whole == "leaders") {
    spec.leaders = true;
    return spec;
  }
  if (whole == "all") {
    spec.all = true;
    return spec;
  }
  if (whole.empty()) {
    error = "expected nodes like n1-n5,n9, or 'leaders' or 'all', got an empty list";
    return std::nullopt;
  }
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = trim(text.substr(start, comma - start));
    const size_t dash = part.find('-');
    const auto a = parse_node(part.substr(0, dash));
    const auto b = dash == std::string_view::npos ? a : parse_node(part.substr(dash + 1));
    if (!a || !b) {
      error =
          "expected a node like n3 or a range like n1-n5 (comma-separated), or 'leaders' or "
          "'all', got '" +
          std::string(part) + "'";
      return std::nullopt;
    }
    if (*b < *a) {
      error = "expected a range from a lower node to a higher one, got '" + std::string(part) + "'";
      return std::nullopt;
    }
    spec.ranges.emplace_back(*a, *b);
    start = comma + 1;
  }
  return spec;
}

std::optional<std::vector<bool>> nodes_of_spec(const NodeSpec& spec, int32_t node_count,
                                               const std::vector<int32_t>& leaders,
                                               std::string& error) {
  const auto count = static_cast<size_t>(std::max(node_count, 0));
  std::vector<bool> shown(count, spec.all);
  if (spec.leaders)
    for (int32_t n : leaders)
      if (n >= 1 && n <= node_count) shown[static_cast<size_t>(n - 1)] = true;
  for (const auto& [a, b] : spec.ranges) {
    if (b > node_count) {
      const int32_t outside = std::max(a, node_count + 1);
      error = "n" + std::to_string(outside) + " is not in the cluster, which has n1 to n" +
              std::to_string(node_count);
      return std::nullopt;
    }
    for (int32_t n = a; n <= b; ++n) shown[static_cast<size_t>(n - 1)] = true;
  }
  return shown;
}

}  // namespace ballot::viz
