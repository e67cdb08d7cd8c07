#include "viz/fork_panel.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <imgui.h>

#include "sim/api/input_error.h"
#include "sim/api/params.h"
#include "sim/kernel/fault_kinds.h"
#include "viz/colors.h"
#include "viz/draw_util.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

std::string error_text(const InputError& e) {
  return e.path().empty() ? e.what() : e.path() + ": " + e.what();
}

void copy_to(char* buf, size_t size, const std::string& s) {
  std::snprintf(buf, size, "%s", s.c_str());
}

std::string effective(const ForkParam& p) {
  return p.value.empty() ? p.fallback : p.value;
}

void tooltip(const std::string& text) {
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

// A small button that removes the row it ends.
bool remove_button() {
  return ImGui::SmallButton("x");
}

}  // namespace

// ---- BranchRun ----

BranchRun::BranchRun(Branch branch, std::shared_ptr<const TraceModel> original)
    : branch_(std::move(branch)), original_(std::move(original)) {
  thread_ = std::thread([this] { run(); });
}

BranchRun::~BranchRun() {
  if (thread_.joinable()) thread_.join();
}

void BranchRun::run() {
  std::shared_ptr<const TraceModel> model;
  std::string error;
  std::optional<Time_us> difference;
  try {
    std::string text = run_branch(branch_);
    phase_ = 1;
    if (original_) difference = first_difference_us(original_->text, text);
    model = parse_trace(std::move(text), branch_.label + ": " + branch_.changes,
                        [this](uint64_t done, uint64_t total) {
                          total_ = std::max<uint64_t>(total, 1);
                          done_ = done;
                        });
  } catch (const InputError& e) {
    error = error_text(e);
  } catch (const std::exception& e) {
    error = e.what();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = std::move(model);
    error_ = std::move(error);
    first_difference_ = difference;
  }
  finished_ = true;
}

std::string BranchRun::status() const {
  if (phase_.load() == 0) return "Running the " + branch_.label + " in-process...";
  char buf[128];
  std::snprintf(buf, sizeof buf, "Loading the %s: %.1f of %.1f MB", branch_.label.c_str(),
                done_.load() / 1e6, total_.load() / 1e6);
  return buf;
}

double BranchRun::fraction() const {
  if (phase_.load() == 0) return 0.0;
  return static_cast<double>(done_.load()) / static_cast<double>(std::max<uint64_t>(total_, 1));
}

std::shared_ptr<const TraceModel> BranchRun::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::string BranchRun::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

std::optional<Time_us> BranchRun::first_difference() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return first_difference_;
}

// ---- ForkPanel ----

bool ForkPanel::start(const std::shared_ptr<const TraceModel>& original, Time_us fork_us,
                      const ForkEdits& edits) {
  error_.clear();
  if (run_) {
    error_ = "a branch is still running";
    return false;
  }
  if (!original || original->scenario_json.empty()) {
    error_ = "this trace has no scenario to run";
    return false;
  }
  try {
    Branch branch = make_branch(original->scenario_json, std::max<Time_us>(fork_us, 0), edits);
    run_ = std::make_unique<BranchRun>(std::move(branch), original);
    return true;
  } catch (const InputError& e) {
    error_ = error_text(e);
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  return false;
}

std::shared_ptr<const TraceModel> ForkPanel::take_result() {
  if (!run_ || !run_->finished()) return nullptr;
  std::shared_ptr<const TraceModel> model = run_->result();
  if (model) {
    shown_ = run_->branch();
    shown_difference_ = run_->first_difference();
    save_message_.clear();
  } else {
    error_ = run_->error();
  }
  run_.reset();
  return model;
}

void ForkPanel::reset_for(const TraceModel& original) {
  for_ = &original;
  unavailable_.clear();
  faults_.clear();
  faults_at_ = -1;
  params_.clear();
  fault_inputs_.clear();
  param_inputs_.clear();
  added_.clear();
  sets_.clear();
  error_.clear();
  if (original.scenario_json.empty()) {
    unavailable_ =
        "Fork is unavailable: this trace's header holds no scenario, so the run cannot be "
        "repeated with changes.";
    return;
  }
  try {
    params_ = fork_params(original.scenario_json);
    (void)fork_faults(original.scenario_json, 0);
  } catch (const InputError& e) {
    unavailable_ =
        "Fork is unavailable: the scenario in this trace's header is not valid for "
        "this ballot (" +
        error_text(e) + ").";
  } catch (const std::exception& e) {
    unavailable_ = std::string("Fork is unavailable: ") + e.what();
  }
  for (const ForkParam& p : params_) param_inputs_[p.key] = effective(p);
}

void ForkPanel::refresh_faults(const TraceModel& original, Time_us fork_us) {
  if (fork_us == faults_at_) return;
  faults_at_ = fork_us;
  try {
    faults_ = fork_faults(original.scenario_json, fork_us);
  } catch (const std::exception&) {
    faults_.clear();
  }
  for (const ForkFault& f : faults_) {
    if (!f.editable || fault_inputs_.count(f.index)) continue;
    FaultInput& in = fault_inputs_[f.index];
    copy_to(in.at, sizeof in.at, format_duration(f.at_us));
    copy_to(in.duration, sizeof in.duration, format_duration(f.duration_us));
  }
}

ForkEdits ForkPanel::collect_edits(Time_us /*fork_us*/) {
  ForkEdits edits;
  for (const ForkFault& f : faults_) {
    if (!f.editable) continue;  // an edit typed before the cursor passed it no longer applies
    const auto it = fault_inputs_.find(f.index);
    if (it == fault_inputs_.end()) continue;
    const FaultInput& in = it->second;
    FaultEdit e;
    e.index = f.index;
    const std::string path = "faults[" + std::to_string(f.index) + "]";
    if (in.remove) {
      e.remove = true;
      edits.faults.push_back(e);
      continue;
    }
    if (in.at != format_duration(f.at_us)) e.at_us = parse_duration_us(in.at, path + ".at");
    if (!f.instantaneous && in.duration != format_duration(f.duration_us))
      e.duration_us = parse_duration_us(in.duration, path + ".duration");
    if (e.at_us || e.duration_us) edits.faults.push_back(e);
  }
  edits.added = added_;
  for (const ForkParam& p : params_) {
    const auto it = param_inputs_.find(p.key);
    if (it != param_inputs_.end() && it->second != effective(p)) edits.params[p.key] = it->second;
  }
  edits.sets = sets_;
  return edits;
}

void ForkPanel::Draw(const std::shared_ptr<const TraceModel>& original, ViewState& view) {
  if (!original) return;
  if (for_ != original.get()) reset_for(*original);
  if (!unavailable_.empty()) {
    ImGui::TextWrapped("%s", unavailable_.c_str());
    return;
  }
  const Time_us fork_us = std::max<Time_us>(view.cursor_us, 0);
  refresh_faults(*original, fork_us);
  ImGui::Text("Fork at %s (the cursor)", format_time(fork_us).c_str());
  ImGui::TextWrapped(
      "The branch re-runs the scenario with the changes below and is stacked under this run. "
      "Only faults at or after the cursor can change, so with fault changes alone the branch's "
      "events before the cursor are this run's. Options, bug toggles and --set lines apply to "
      "the whole branch.");
  // Run and save first: the lists below can be long.
  draw_run(original, fork_us);
  draw_save(*original);
  ImGui::Separator();
  draw_faults(fork_us);
  ImGui::Separator();
  draw_new_fault(fork_us);
  ImGui::Separator();
  draw_params();
  ImGui::Separator();
  draw_sets();
}

void ForkPanel::draw_faults(Time_us fork_us) {
  ImGui::TextUnformatted("Faults");
  if (faults_.empty()) ImGui::TextDisabled("The scenario scripts no faults.");
  const float field_w = ImGui::GetFontSize() * 5.5f;
  for (const ForkFault& f : faults_) {
    ImGui::PushID(static_cast<int>(f.index));
    std::string when = format_duration(f.at_us);
    if (f.at_max_us != kNever_us) when += ".." + format_duration(f.at_max_us);
    if (!f.instantaneous && f.duration_us > 0)
      when += " for " + format_duration(f.duration_us) + (f.ranged_duration ? "+" : "");
    const std::string line =
        "faults[" + std::to_string(f.index) + "] " + f.kind + " at " + when + "  " + f.details;
    if (!f.editable) {
      ImGui::TextDisabled("%s", line.c_str());
      tooltip("Begins before the cursor (" + format_time(fork_us) +
              "): the branch shares it, read-only");
    } else {
      FaultInput& in = fault_inputs_[f.index];
      ImGui::TextWrapped("%s", line.c_str());
      ImGui::Checkbox("remove", &in.remove);
      if (!in.remove) {
        ImGui::SameLine();
        ImGui::TextUnformatted("  at");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(field_w);
        ImGui::InputText("##at", in.at, sizeof in.at);
        tooltip(f.at_max_us != kNever_us ? "The new start of its range; the range keeps its width"
                                         : "The new start, at or after the cursor (150ms, 2.5s)");
        if (!f.instantaneous) {
          ImGui::SameLine();
          ImGui::TextUnformatted("for");
          ImGui::SameLine();
          ImGui::SetNextItemWidth(field_w);
          ImGui::InputText("##duration", in.duration, sizeof in.duration);
          tooltip("The new duration; 0ms: until a heal or the end of the run");
        }
      }
    }
    ImGui::PopID();
  }
}

void ForkPanel::draw_new_fault(Time_us fork_us) {
  if (!ImGui::CollapsingHeader("Add a fault")) {
    for (size_t i = 0; i < added_.size(); ++i)
      ImGui::TextWrapped("added %s at %s", added_[i].kind.c_str(),
                         format_duration(added_[i].at_us).c_str());
    return;
  }
  const std::vector<FaultKindInfo>& kinds = fault_kinds();
  new_kind_ = std::clamp(new_kind_, 0, static_cast<int>(kinds.size()) - 1);
  const FaultKindInfo& info = kinds[static_cast<size_t>(new_kind_)];
  const std::string kind_name(info.name);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  if (ImGui::BeginCombo("kind", kind_name.c_str())) {
    for (size_t k = 0; k < kinds.size(); ++k)
      if (ImGui::Selectable(std::string(kinds[k].name).c_str(), static_cast<int>(k) == new_kind_)) {
        new_kind_ = static_cast<int>(k);
        new_fields_.clear();
      }
    ImGui::EndCombo();
  }
  tooltip(std::string(info.summary));
  const float field_w = ImGui::GetFontSize() * 5.5f;
  ImGui::SetNextItemWidth(field_w);
  ImGui::InputTextWithHint("at##new", format_duration(fork_us).c_str(), new_at_, sizeof new_at_);
  tooltip("When it begins, at or after the cursor; empty: at the cursor");
  if (!info.instantaneous()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field_w);
    ImGui::InputTextWithHint("duration##new", "none", new_duration_, sizeof new_duration_);
    tooltip(std::string(info.heals));
  }
  for (const FaultField& field : info.fields) {
    const std::string name(field.name);
    char buf[160];
    copy_to(buf, sizeof buf, new_fields_[name]);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    const std::string label = name + (field.required ? " *" : "") + "##new";
    if (ImGui::InputText(label.c_str(), buf, sizeof buf)) new_fields_[name] = buf;
    tooltip(std::string(field.help) + (field.required ? "\n(required)" : "") +
            "\nNodes: n1,n2 or a selector (leader); groups: n1,n2 | n3,n4,n5; or JSON");
  }
  if (ImGui::Button("Add fault")) {
    error_.clear();
    try {
      NewFault f;
      f.kind = kind_name;
      f.at_us = new_at_[0] ? parse_duration_us(new_at_, "new fault: at") : fork_us;
      if (!info.instantaneous() && new_duration_[0])
        f.duration_us = parse_duration_us(new_duration_, "new fault: duration");
      for (const auto& [name, value] : new_fields_)
        if (!value.empty()) f.fields[name] = value;
      added_.push_back(std::move(f));
      new_fields_.clear();
    } catch (const InputError& e) {
      error_ = error_text(e);
    }
  }
  for (size_t i = 0; i < added_.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (remove_button()) {
      added_.erase(added_.begin() + static_cast<std::ptrdiff_t>(i));
      ImGui::PopID();
      break;
    }
    ImGui::SameLine();
    ForkEdits one;
    one.added.push_back(added_[i]);
    ImGui::TextWrapped("%s", describe_edits("{}", one).c_str());
    ImGui::PopID();
  }
}

void ForkPanel::draw_params() {
  if (params_.empty()) {
    ImGui::TextDisabled("The algorithm takes no options.");
    return;
  }
  for (const bool bugs : {true, false}) {
    ImGui::TextUnformatted(bugs ? "Bug toggles" : "Options");
    for (const ForkParam& p : params_) {
      if (p.bug() != bugs) continue;
      ImGui::PushID(p.key.c_str());
      std::string& value = param_inputs_[p.key];
      // "###v": the widget keeps its id while the label says "(changed)".
      const std::string label = p.key + (value != effective(p) ? "  (changed)" : "") + "###v";
      const std::string tip = "params.<algorithm>." + p.key + "; default " + p.fallback +
                              (p.value.empty() ? "" : "; the scenario sets " + p.value);
      if (p.type == ForkParam::Type::Bool) {
        bool on = value == "true";
        if (ImGui::Checkbox(label.c_str(), &on)) value = on ? "true" : "false";
      } else if (p.type == ForkParam::Type::Enum) {
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
        if (ImGui::BeginCombo(label.c_str(), value.c_str())) {
          for (const std::string& c : p.choices)
            if (ImGui::Selectable(c.c_str(), c == value)) value = c;
          ImGui::EndCombo();
        }
      } else {
        char buf[64];
        copy_to(buf, sizeof buf, value);
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5.5f);
        if (ImGui::InputText(label.c_str(), buf, sizeof buf)) value = buf;
      }
      tooltip(tip);
      ImGui::PopID();
    }
  }
}

void ForkPanel::draw_sets() {
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  const bool entered = ImGui::InputTextWithHint("##set", "path=value", set_line_, sizeof set_line_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  tooltip("Anything else, as ballot run's --set path=value (docs/scenario-format.md)");
  ImGui::SameLine();
  if ((ImGui::Button("Add --set") || entered) && set_line_[0]) {
    sets_.push_back(set_line_);
    set_line_[0] = '\0';
  }
  for (size_t i = 0; i < sets_.size(); ++i) {
    ImGui::PushID(static_cast<int>(i) + 1000);
    if (remove_button()) {
      sets_.erase(sets_.begin() + static_cast<std::ptrdiff_t>(i));
      ImGui::PopID();
      break;
    }
    ImGui::SameLine();
    ImGui::TextWrapped("--set %s", sets_[i].c_str());
    ImGui::PopID();
  }
}

void ForkPanel::draw_run(const std::shared_ptr<const TraceModel>& original, Time_us fork_us) {
  if (run_) {
    ImGui::TextUnformatted(run_->status().c_str());
    ImGui::ProgressBar(static_cast<float>(run_->fraction()));
  } else if (ImGui::Button("Run branch")) {
    try {
      start(original, fork_us, collect_edits(fork_us));
    } catch (const InputError& e) {
      error_ = error_text(e);
    }
  }
  if (!run_) tooltip("Run the branch in-process and stack it under this run (B)");
  if (!error_.empty()) ImGui::TextColored(col4(kViolationColor), "%s", error_.c_str());
  if (shown_) {
    ImGui::TextWrapped("Last branch run (stacked as B until closed in Compare): %s: %s",
                       shown_->label.c_str(), shown_->changes.c_str());
    if (!shown_difference_)
      ImGui::TextWrapped("Its events are the same as A's.");
    else
      ImGui::TextWrapped("Its events are the same as A's until %s.",
                         format_time(*shown_difference_).c_str());
  }
}

void ForkPanel::draw_save(const TraceModel& original) {
  if (!shown_) {
    ImGui::TextDisabled("Run a branch to save it as a scenario file.");
    return;
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  ImGui::InputTextWithHint("##save", "branch.json", save_path_, sizeof save_path_);
  ImGui::SameLine();
  ImGui::Checkbox("Overwrite", &overwrite_);
  if (ImGui::Button("Save branch as...")) {
    std::string error;
    save_ok_ = save_branch(*shown_, original.scenario_file, save_path_, overwrite_, &error);
    save_message_ = save_ok_ ? std::string("Saved ") + save_path_ + " (ballot run " + save_path_ +
                                   " runs the branch)"
                             : error;
    overwrite_ = false;
  }
  tooltip(
      "The branch B as a self-contained scenario file: no golden, a description that says "
      "where it was forked from");
  if (!save_message_.empty())
    ImGui::TextColored(save_ok_ ? ImVec4(0.5f, 0.9f, 0.5f, 1) : col4(kViolationColor), "%s",
                       save_message_.c_str());
}

}  // namespace ballot::viz
