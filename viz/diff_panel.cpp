#include "viz/diff_panel.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include <imgui.h>

#include "viz/draw_util.h"

namespace ballot::viz {

DiffJob::DiffJob(std::shared_ptr<const TraceModel> main, std::shared_ptr<const TraceModel> compared)
    : main_(std::move(main)), compared_(std::move(compared)) {
  thread_ = std::thread([this] {
    std::shared_ptr<const DiffMarks> marks;
    try {
      marks = compute_diff_marks(*main_, *compared_);
    } catch (const std::exception&) {
      marks = nullptr;  // the panel says the runs could not be aligned
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      result_ = std::move(marks);
    }
    finished_ = true;
  });
}

DiffJob::~DiffJob() {
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const DiffMarks> DiffJob::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

namespace {

void row(const char* name, const std::string& a, const std::string& b) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(name);
  const ImVec4 c = a != b ? ImVec4(1, 1, 0.6f, 1) : ImVec4(0.8f, 0.8f, 0.8f, 1);
  ImGui::TableNextColumn();
  ImGui::TextColored(c, "%s", a.c_str());
  ImGui::TableNextColumn();
  ImGui::TextColored(c, "%s", b.c_str());
}

std::string count(const std::map<std::string, int64_t>& m, const char* key) {
  const auto it = m.find(key);
  return it == m.end() ? "?" : std::to_string(it->second);
}

}  // namespace

void draw_diff_section(const DiffMarks* marks, bool aligning, ViewState& view, bool* show_marks) {
  using tracediff::us_text;
  ImGui::Separator();
  if (marks == nullptr) {
    ImGui::TextUnformatted(aligning ? "Aligning the two runs..."
                                    : "The two runs could not be aligned.");
    return;
  }
  if (marks->identical()) {
    ImGui::TextColored(col4(kLeaderColor), "Identical runs: the same %zu events and footer.",
                       marks->diff.a.events);
    return;
  }
  const tracediff::TraceDiff& d = marks->diff;
  // Reveal mode: the divergence once the cursor reaches it, the summary at the end of both runs.
  const bool before =
      view.reveal && marks->has_divergence_time() && view.cursor_us < marks->divergence_us();
  const bool summary =
      !view.reveal || view.cursor_us >= std::max(marks->from[0]->end_us, marks->from[1]->end_us);
  if (before) {
    ImGui::TextUnformatted("Reveal mode: no divergence up to the cursor.");
    ImGui::Checkbox("Diff marks", show_marks);
    return;
  }
  ImGui::TextColored(col4(kDiffColor), "%s", marks->label.c_str());
  if (marks->has_divergence_time()) {
    if (ImGui::Button("Jump to the first divergence")) jump_to_time(marks->divergence_us(), view);
    ImGui::SameLine();
  }
  ImGui::Checkbox("Diff marks", show_marks);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "A line at the first event with no counterpart in the other run, and a ring on every "
        "such event; a counterpart is the same event at any time (captions are not compared)");
  if (!summary) {
    ImGui::TextUnformatted("Reveal mode: the summary comes at the end of the runs.");
    return;
  }
  ImGui::Text("Without a counterpart: A %zu, B %zu events", marks->unmatched(0).size(),
              marks->unmatched(1).size());
  if (marks->loose.shifted > 0)
    ImGui::Text("The same at other times: %zu events (shifted up to %s)", marks->loose.shifted,
                us_text(marks->loose.max_shift_us).c_str());
  if (!ImGui::BeginTable("diff", 3,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                             ImGuiTableFlags_SizingStretchSame))
    return;
  ImGui::TableSetupColumn("ballot diff");
  ImGui::TableSetupColumn("A");
  ImGui::TableSetupColumn("B");
  ImGui::TableHeadersRow();
  row("events", std::to_string(d.a.events), std::to_string(d.b.events));
  row("identical prefix", std::to_string(d.first), std::to_string(d.first));
  row("end", us_text(d.a.end_us), us_text(d.b.end_us));
  row("leader intervals", std::to_string(d.a.leaders.size()), std::to_string(d.b.leaders.size()));
  for (const char* k : {"lost_writes", "job_duplicates", "id_duplicates", "violations"})
    row(k, count(d.a.damage, k), count(d.b.damage, k));
  std::map<std::string, std::pair<int64_t, int64_t>> types;
  for (const auto& [k, v] : d.a.sent_by_type) types[k].first = v;
  for (const auto& [k, v] : d.b.sent_by_type) types[k].second = v;
  for (const auto& [type, c] : types)
    if (c.first != c.second)
      row(("sent " + type).c_str(), std::to_string(c.first), std::to_string(c.second));
  ImGui::EndTable();
}

}  // namespace ballot::viz
