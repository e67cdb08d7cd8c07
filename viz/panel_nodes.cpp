#include "viz/panel_nodes.h"

#include <algorithm>

#include <imgui.h>

#include "viz/draw_util.h"
#include "viz/lanes.h"

namespace ballot::viz {

namespace {

constexpr int kNodesPerRow = 6;

}  // namespace

void NodeFilters::Draw(const std::vector<const TraceModel*>& models, ViewState& view) {
  Filters& f = view.filters;
  int32_t nodes = 0;
  std::vector<int32_t> leaders;
  for (const TraceModel* m : models) {
    nodes = std::max(nodes, m->node_count);
    const std::vector<int32_t> l = important_nodes(*m).leaders;
    leaders.insert(leaders.end(), l.begin(), l.end());
  }
  const auto count = static_cast<size_t>(nodes);
  if (f.hidden_nodes.size() < count) f.hidden_nodes.resize(count, false);

  ImGui::Checkbox("Always show leaders, fault targets and nodes in violations", &f.keep_important);
  if (ImGui::Button("Show all")) std::fill(f.hidden_nodes.begin(), f.hidden_nodes.end(), false);
  ImGui::SameLine();
  if (ImGui::Button("Hide all")) std::fill(f.hidden_nodes.begin(), f.hidden_nodes.end(), true);
  ImGui::SameLine();
  if (ImGui::Button("Leaders only")) {
    // Only the nodes that led: the other important ones are not kept either.
    std::fill(f.hidden_nodes.begin(), f.hidden_nodes.end(), true);
    for (int32_t n : leaders) f.hidden_nodes[static_cast<size_t>(n - 1)] = false;
    f.keep_important = false;
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  const bool entered = ImGui::InputTextWithHint("##range", "n10-n40,n52", range_, sizeof(range_),
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  for (const char* what : {"Show only", "Also show", "Hide"}) {
    ImGui::SameLine();
    const bool only = what[0] == 'S';
    if (!ImGui::Button(what) && !(only && entered)) continue;
    error_.clear();
    const auto spec = parse_node_spec(range_, error_);
    const auto shown = spec ? nodes_of_spec(*spec, nodes, leaders, error_) : std::nullopt;
    if (!shown) continue;
    for (size_t i = 0; i < count; ++i) {
      if (what[0] == 'H')
        f.hidden_nodes[i] = f.hidden_nodes[i] || (*shown)[i];
      else if (what[0] == 'A')
        f.hidden_nodes[i] = f.hidden_nodes[i] && !(*shown)[i];
      else
        f.hidden_nodes[i] = !(*shown)[i];
    }
  }
  if (!error_.empty()) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", error_.c_str());

  // One row of checkboxes per kNodesPerRow nodes; rows out of sight are skipped.
  const int rows = (nodes + kNodesPerRow - 1) / kNodesPerRow;
  ImGuiListClipper clipper;
  clipper.Begin(rows);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      for (int k = 0; k < kNodesPerRow; ++k) {
        const int32_t n = row * kNodesPerRow + k + 1;
        if (n > nodes) break;
        if (k > 0) ImGui::SameLine();
        const auto i = static_cast<size_t>(n - 1);
        bool shown = !f.hidden_nodes[i];
        const bool kept = f.keep_important && i < f.important.size() && f.important[i];
        if (ImGui::Checkbox(node_name(n).c_str(), &shown)) f.hidden_nodes[i] = !shown;
        if (kept && !shown && ImGui::IsItemHovered())
          ImGui::SetTooltip("shown anyway: it is a leader, a fault target or in a violation");
      }
    }
  }
}

}  // namespace ballot::viz
