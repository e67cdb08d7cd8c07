#include "viz/app.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "sim/api/input_error.h"
#include "viz/draw_util.h"
#include "viz/inprocess.h"
#include "viz/lanes.h"
#include "viz/sizes.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

constexpr double kSpeeds[] = {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10};

std::string speed_label(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%gx  (%s per second)", s,
                format_time(static_cast<Time_us>(s * 1e6)).c_str());
  return buf;
}

std::string input_error_text(const std::string& file, const InputError& e) {
  // Scenario errors already name the file in their path ("file: faults[0].at").
  if (e.path().empty()) return file + ": " + e.what();
  if (e.path().rfind(file, 0) == 0) return e.path() + ": " + e.what();
  return file + ": " + e.path() + ": " + e.what();
}

// ImGui 1.86 with the GLFW backend indexes keys by GLFW key codes: letters are their capitals.
bool letter_pressed(char capital) {
  return ImGui::IsKeyPressed(capital, false);
}
bool nav_pressed(ImGuiKey key, bool repeat = true) {
  return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
}

const char* const kSideTabs[] = {"Inspector", "Filters", "Captions", "Summary", "Compare", "Fork"};

// What the side panel's tab labels need side by side, in the current font.
float side_tabs_width() {
  const ImGuiStyle& style = ImGui::GetStyle();
  // ImGui 1.86 makes a tab its label plus twice the frame padding plus 1, spaced by the inner
  // item spacing; half a font of slack for rounding.
  float w = 2 * style.WindowPadding.x + 2 * style.ChildBorderSize + ImGui::GetFontSize() * 0.5f;
  for (const char* tab : kSideTabs)
    w += ImGui::CalcTextSize(tab).x + 2 * style.FramePadding.x + 1 + style.ItemInnerSpacing.x;
  return w;
}

}  // namespace

// ---- TraceLoader ----

TraceLoader::TraceLoader(TraceSource source) : source_(std::move(source)) {
  thread_ = std::thread([this] { run(); });
}

TraceLoader::~TraceLoader() {
  if (thread_.joinable()) thread_.join();
}

void TraceLoader::run() {
  auto progress = [this](uint64_t done, uint64_t total) {
    phase_ = 1;
    total_ = std::max<uint64_t>(total, 1);
    done_ = done;
  };
  std::shared_ptr<const TraceModel> model;
  std::string error;
  try {
    if (source_.is_scenario) {
      InProcessRun run = run_in_process(source_.path, source_.algorithm, source_.seed, source_.sets,
                                        source_.variant);
      model = parse_trace(std::move(run.trace), run.label, progress, run.variant);
    } else {
      model = load_trace_file(source_.path, progress);
    }
  } catch (const InputError& e) {
    error = input_error_text(source_.path, e);
  } catch (const std::exception& e) {
    error = source_.path + ": " + e.what();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = std::move(model);
    error_ = std::move(error);
  }
  finished_ = true;
}

std::shared_ptr<const TraceModel> TraceLoader::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return result_;
}

std::string TraceLoader::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

double TraceLoader::fraction() const {
  return static_cast<double>(done_.load()) /
         static_cast<double>(std::max<uint64_t>(total_.load(), 1));
}

std::string TraceLoader::status() const {
  if (phase_.load() == 0)
    return source_.is_scenario ? "Running " + source_.path + " in-process..."
                               : "Reading " + source_.path + "...";
  char buf[256];
  std::snprintf(buf, sizeof buf, "Loading %s: %.0f of %.0f MB", source_.path.c_str(),
                done_.load() / 1e6, total_.load() / 1e6);
  return buf;
}

// ---- App ----

App::App(AppOptions options) : options_(std::move(options)) {
  view_.show_side_panel = options_.side_panel;
  main_loader_ = std::make_unique<TraceLoader>(options_.main);
  if (options_.compare) compare_loader_ = std::make_unique<TraceLoader>(*options_.compare);
}

bool App::loading() const {
  return (main_ == nullptr && !failure_) || (compare_loader_ && options_.compare && !compare_ &&
                                             !failure_ && !compare_loader_->finished());
}

std::optional<std::string> App::failure() const {
  return failure_;
}

std::vector<const TraceModel*> App::models() const {
  std::vector<const TraceModel*> out;
  if (main_) out.push_back(main_.get());
  if (main_ && compare_) out.push_back(compare_.get());
  return out;
}

std::vector<const TraceModel*> App::shown_models() const {
  if (!view_.reveal) return models();
  std::vector<const TraceModel*> out;
  for (const auto& m : shown_)
    if (m) out.push_back(m.get());
  return out;
}

namespace {

// Whether a selection still points at something in `m` (a prefix has fewer of everything).
bool selection_in(const Selection& s, const TraceModel& m) {
  if (s.kind == Selection::Kind::None || s.index < 0) return true;
  const auto i = static_cast<size_t>(s.index);
  switch (s.kind) {
    case Selection::Kind::Event:
      return i < m.events.size();
    case Selection::Kind::Message:
      return i < m.messages.size();
    case Selection::Kind::Op:
      return i < m.ops.size();
    case Selection::Kind::Fault:
      return i < m.faults.size();
    case Selection::Kind::SplitBrain:
      return i < m.split_brains.size();
    case Selection::Kind::Band:
      return s.node >= 1 && s.node <= static_cast<int32_t>(m.nodes.size()) &&
             i < m.nodes[static_cast<size_t>(s.node - 1)].bands.size();
    default:
      return true;
  }
}

}  // namespace

Models App::reveal(const Models& models) {
  if (!view_.reveal) return models;
  const std::shared_ptr<const TraceModel> full[2] = {main_, compare_};
  Models out;
  for (size_t i = 0; i < models.size() && i < 2; ++i) {
    if (shown_from_[i] != full[i].get() || shown_at_us_ != view_.cursor_us || !shown_[i]) {
      // Past the end: the whole trace. Between two events (playback): the cut moves forward in
      // place. Else the prefix is read again.
      if (view_.cursor_us >= full[i]->end_us) {
        prefix_[i].reset();
        shown_[i] = full[i];
      } else {
        if (!prefix_[i] || shown_from_[i] != full[i].get() ||
            !extend_prefix(*prefix_[i], *full[i], view_.cursor_us))
          prefix_[i] = cut_prefix(*full[i], view_.cursor_us);
        shown_[i] = prefix_[i];
      }
      shown_from_[i] = full[i].get();
    }
    out.push_back(shown_[i].get());
  }
  if (models.size() < 2) shown_[1].reset(), prefix_[1].reset();
  shown_at_us_ = view_.cursor_us;
  for (Selection* s : {&view_.selection, &view_.hovered})
    if (s->model < static_cast<int>(out.size()) &&
        !selection_in(*s, *out[static_cast<size_t>(s->model)]))
      *s = Selection{};
  return out;
}

void App::poll_loaders() {
  if (main_loader_ && main_loader_->finished()) {
    main_ = main_loader_->result();
    if (!main_) failure_ = main_loader_->error();
    main_loader_.reset();
  }
  if (compare_loader_ && compare_loader_->finished()) {
    compare_ = compare_loader_->result();
    if (!compare_) {
      // Asked for on the command line: as fatal as a bad main trace. From the panel: shown there.
      if (options_.compare)
        failure_ = compare_loader_->error();
      else
        compare_error_ = compare_loader_->error();
    }
    options_.compare.reset();
    compare_loader_.reset();
  }
  // A branch run from the Fork tab is stacked like a compared trace.
  if (std::shared_ptr<const TraceModel> branch = fork_panel_.take_result()) {
    compare_ = std::move(branch);
    compare_error_.clear();
  }
}

bool App::fork(const ForkEdits& edits) {
  return fork_panel_.start(main_, view_.cursor_us, edits);
}

void App::poll_diff() {
  const bool current = main_ && compare_ && diff_for_[0] == main_ && diff_for_[1] == compare_;
  if (!current) {
    diff_.reset();
    diff_for_[0].reset();
    diff_for_[1].reset();
  }
  if (diff_job_ && diff_job_->finished()) {
    if (main_ && compare_ && diff_job_->for_models(main_.get(), compare_.get())) {
      diff_ = diff_job_->result();  // nullptr when the alignment failed: not tried again
      diff_for_[0] = main_;
      diff_for_[1] = compare_;
    }
    diff_job_.reset();
  }
  if (main_ && compare_ && !diff_for_[0] && !diff_job_)
    diff_job_ = std::make_unique<DiffJob>(main_, compare_);
}

void App::draw_loading() {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  ImGui::SetCursorPos(ImVec2(size.x * 0.2f, size.y * 0.42f));
  ImGui::BeginGroup();
  const TraceLoader* loader = main_loader_ ? main_loader_.get() : compare_loader_.get();
  if (loader) {
    ImGui::TextUnformatted(loader->status().c_str());
    ImGui::ProgressBar(static_cast<float>(loader->fraction()), ImVec2(size.x * 0.6f, 0));
  }
  ImGui::EndGroup();
}

void App::Frame(float dt_s) {
  poll_loaders();
  poll_diff();
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  const ImGuiWindowFlags flags =
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
      ImGuiWindowFlags_NoBringToFrontOnFocus |
      ImGuiWindowFlags_NoBackground |  // cleared by glClear: one layer less to shade
      ImGuiWindowFlags_NoScrollWithMouse;
  ImGui::Begin("ballot-viz", nullptr, flags);
  if (loading() || failure_) {
    draw_loading();
    ImGui::End();
    return;
  }
  const Models models = this->models();
  if (!initialised_view_) {
    fit_all(models, view_);
    view_.filters.hide_heartbeats = options_.hide_heartbeats;
    if (options_.select_event && *options_.select_event < models.front()->events.size())
      jump_to_event(models, 0, *options_.select_event, view_);
    if (options_.window_us) {
      view_.t0_us = options_.window_us->first;
      view_.t1_us = std::max(options_.window_us->second, view_.t0_us + 1);
    }
    if (options_.cursor_us) view_.cursor_us = *options_.cursor_us;
    view_.reveal = options_.reveal;
    view_.show_cluster = options_.cluster;
    initialised_view_ = true;
    if (!options_.nodes.empty()) {
      // --nodes: its syntax was checked with the flags; the cluster's size is known only now.
      std::string error;
      const auto spec = parse_node_spec(options_.nodes, error);
      const auto shown = spec ? nodes_of_spec(*spec, models.front()->node_count,
                                              important_nodes(*models.front()).leaders, error)
                              : std::nullopt;
      if (!shown) {
        failure_ = "--nodes: " + error;
        ImGui::End();
        return;
      }
      view_.filters.hidden_nodes.assign(shown->size(), false);
      for (size_t i = 0; i < shown->size(); ++i) view_.filters.hidden_nodes[i] = !(*shown)[i];
      // "leaders" means only them, not the other nodes kept on screen.
      if (spec->leaders) view_.filters.keep_important = false;
    }
  }
  if (view_.request_fit_all) {
    fit_all(models, view_);
    view_.request_fit_all = false;
  }
  // Keys, playback and the toolbar's steps and jumps move through the whole run; everything
  // drawn and listed below sees only `shown` (in reveal mode, the run up to the cursor).
  handle_keys(models);
  play(models, dt_s);

  draw_toolbar(models, *reveal(models).front());
  const Models shown = reveal(models);  // again: the toolbar may have moved the cursor
  // Leaders, violation and fault-target nodes stay shown (Filters::keep_important): of what is
  // shown, so that reveal mode does not pin a node for leading after the cursor.
  view_.filters.important.clear();
  for (const TraceModel* m : shown) {
    if (view_.filters.important.size() < static_cast<size_t>(m->node_count))
      view_.filters.important.resize(static_cast<size_t>(m->node_count), false);
    for (int32_t n : important_nodes(*m).by_priority())
      view_.filters.important[static_cast<size_t>(n - 1)] = true;
  }
  DrawCaptionBanner(shown, view_);

  const float w = ImGui::GetContentRegionAvail().x;
  const float side_w =
      view_.show_side_panel ? side_panel_width(w, ImGui::GetFontSize(), side_tabs_width()) : 0.0f;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float rest = w - side_w - (side_w > 0 ? gap : 0);
  const float cluster_w =
      view_.show_cluster ? ClusterView::width_for(rest, ImGui::GetContentRegionAvail().y) : 0.0f;
  ImGui::BeginChild("timeline", ImVec2(rest - (cluster_w > 0 ? cluster_w + gap : 0), 0), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                        ImGuiWindowFlags_NoBackground);
  timeline_.set_diff_marks(show_diff_marks_ ? diff_.get() : nullptr);
  timeline_.Draw(shown, view_);
  ImGui::EndChild();
  if (cluster_w > 0) {  // the cluster view at the cursor (docs/viz.md#cluster-view)
    ImGui::SameLine();
    ImGui::BeginChild("cluster", ImVec2(cluster_w, 0), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                          ImGuiWindowFlags_NoBackground);
    cluster_.Draw(shown, view_);
    ImGui::EndChild();
  }
  if (view_.show_side_panel) {
    ImGui::SameLine();
    draw_side_panel(shown);
  }
  ImGui::End();
}

void App::draw_toolbar(const Models& models, const TraceModel& shown_main) {
  const TraceModel& m = *models.front();
  const bool glyphs = unicode_glyphs();
  const char* prev = glyphs ? "\u25C0" : "<";
  const char* next = glyphs ? "\u25B6" : ">";
  const std::string play =
      view_.playing ? (glyphs ? "\u25A0 Pause" : "Pause") : (glyphs ? "\u25B6 Play " : "Play ");
  if (ImGui::Button(play.c_str())) {
    if (!view_.playing && view_.cursor_us >= m.end_us) view_.cursor_us = 0;
    view_.playing = !view_.playing;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Play or pause (Space)");
  ImGui::SameLine(0, 4);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4.5f);
  char speed[32];
  std::snprintf(speed, sizeof speed, "%gx", view_.speed);
  if (ImGui::BeginCombo("##speed", speed, ImGuiComboFlags_HeightLarge)) {
    for (double s : kSpeeds)
      if (ImGui::Selectable(speed_label(s).c_str(), s == view_.speed)) view_.speed = s;
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Playback speed: %s", speed_label(view_.speed).c_str());
  // Pairs of buttons: "Step [<][>]". In reveal mode a jump that would land past the cursor is
  // disabled (see jump()).
  auto pair = [&](const char* name, const char* tip, bool back_ok, bool next_ok, auto&& action) {
    ImGui::SameLine(0, 14);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(name);
    ImGui::SameLine(0, 4);
    ImGui::PushID(name);
    auto button = [&](const char* label, bool ok, int dir) {
      ImGui::BeginDisabled(!ok);
      if (ImGui::Button(label)) action(dir);
      ImGui::EndDisabled();
      if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip(
            "%s%s", tip,
            ok ? "" : "\nReveal mode: only what is revealed; play or step to reveal more");
    };
    button(prev, back_ok, -1);
    ImGui::SameLine(0, 2);
    button(next, next_ok, +1);
    ImGui::PopID();
  };
  const bool ahead_ok = !view_.reveal;  // a jump forward would show the future
  const bool footer_ok = violations_revealed(m);
  pair("Step",
       "Previous / next event (Left / Right arrow keys); events hidden by the filters are skipped",
       true, true, [&](int d) { step(models, d); });
  pair("Fault", "Previous / next fault, crash, restart, pause or clock change (Shift+N / N)", true,
       ahead_ok, [&](int d) { jump(models, m.fault_events, d); });
  pair("Leader", "Previous / next time a node becomes leader (Shift+L / L)", true, ahead_ok,
       [&](int d) { jump(models, m.leader_change_events, d); });
  pair("Violation", "Previous / next safety violation (Shift+V / V)", footer_ok,
       footer_ok && ahead_ok, [&](int d) { jump_violation(models, d); });
  ImGui::SameLine(0, 14);
  if (ImGui::Button("Fit all")) fit_all(models, view_);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Show the whole run (F). Wheel zooms around the mouse; drag pans.");
  ImGui::SameLine();
  ImGui::Checkbox("Hide heartbeats", &view_.filters.hide_heartbeats);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("H");
  ImGui::SameLine();
  ImGui::Checkbox("Reveal", &view_.reveal);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Reveal mode (R): nothing after the cursor is shown, not even the verdict; play and "
        "step reveal the rest");
  ImGui::SameLine();
  // What is shown, at the right; clipped when the window is narrow (the Summary tab has it all).
  std::string title = (m.scenario_name.empty() ? m.file_label : m.scenario_name) + "  \u00B7  " +
                      m.algorithm + "  \u00B7  seed " + std::to_string(m.seed);
  if (models.size() > 1)
    title += "   vs   " + models[1]->algorithm + " seed " + std::to_string(models[1]->seed);
  // In reveal mode the badge waits, like the footer, for the cursor to reach the end.
  const std::string badge = trace_badge(shown_main);
  const bool truncated = badge == std::string("TRUNCATED");
  if (!badge.empty()) title = badge + "  " + title;
  const float x0 = ImGui::GetCursorPosX() + 10;
  const float right = ImGui::GetWindowContentRegionMax().x;
  const float tw = ImGui::CalcTextSize(title.c_str()).x;
  ImGui::SetCursorPosX(std::max(x0, right - tw));
  ImGui::AlignTextToFramePadding();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::PushClipRect(p, ImVec2(p.x + (right - std::max(x0, right - tw)), p.y + 100), true);
  ImGui::TextColored(truncated ? col4(kViolationColor) : ImVec4(0.85f, 0.87f, 0.92f, 1), "%s",
                     title.c_str());
  ImGui::PopClipRect();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "%s%s", m.file_label.c_str(),
        truncated
            ? "\nThe trace has no footer: the run was cut short. Everything up to the cut is shown."
            : "");
}

void App::draw_side_panel(const Models& models) {
  ImGui::BeginChild("side", ImVec2(0, 0), true, ImGuiWindowFlags_NoBackground);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6, 4));
  const bool tabs = ImGui::BeginTabBar("panels", ImGuiTabBarFlags_FittingPolicyScroll);
  ImGui::PopStyleVar();
  if (tabs) {
    // --panel opens a tab at start (ImGui needs the request on more than one frame).
    auto flags = [&](const char* name) {
      return select_tab_frames_ > 0 && options_.panel == name ? ImGuiTabItemFlags_SetSelected : 0;
    };
    if (select_tab_frames_ > 0) --select_tab_frames_;
    if (ImGui::BeginTabItem("Inspector", nullptr, flags("inspector"))) {
      ImGui::BeginChild("inspector");
      inspector_.Draw(models, view_);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Filters", nullptr, flags("filters"))) {
      filters_.Draw(models, view_);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Captions", nullptr, flags("captions"))) {
      captions_.Draw(models, view_);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Summary", nullptr, flags("summary"))) {
      ImGui::BeginChild("summary");
      summary_.Draw(models, view_);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Compare", nullptr, flags("compare"))) {
      std::string open;
      bool close = false;
      compare_panel_.Draw(models, view_, &open, &close);
      if (models.size() == 2) draw_diff_section(diff_.get(), diffing(), view_, &show_diff_marks_);
      if (!compare_error_.empty())
        ImGui::TextColored(col4(kViolationColor), "%s", compare_error_.c_str());
      if (compare_loader_) {
        ImGui::TextUnformatted(compare_loader_->status().c_str());
        ImGui::ProgressBar(static_cast<float>(compare_loader_->fraction()));
      }
      if (!open.empty() && !compare_loader_) {
        compare_error_.clear();
        TraceSource source;
        source.path = open;
        source.is_scenario = !looks_like_trace(open);
        compare_loader_ = std::make_unique<TraceLoader>(source);
      }
      if (close) compare_.reset();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Fork", nullptr, flags("fork"))) {
      ImGui::BeginChild("fork");
      fork_panel_.Draw(main_, view_);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
}

void App::handle_keys(const Models& models) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  const TraceModel& m = *models.front();
  const int dir = io.KeyShift ? -1 : +1;
  if (nav_pressed(ImGuiKey_Space, false)) {
    if (!view_.playing && view_.cursor_us >= m.end_us) view_.cursor_us = 0;
    view_.playing = !view_.playing;
  }
  if (nav_pressed(ImGuiKey_RightArrow)) step(models, +1);
  if (nav_pressed(ImGuiKey_LeftArrow)) step(models, -1);
  if (nav_pressed(ImGuiKey_Home) || letter_pressed('F')) fit_all(models, view_);
  if (letter_pressed('N')) jump(models, m.fault_events, dir);
  if (letter_pressed('L')) jump(models, m.leader_change_events, dir);
  if (letter_pressed('V')) jump_violation(models, dir);
  if (letter_pressed('H')) view_.filters.hide_heartbeats = !view_.filters.hide_heartbeats;
  if (letter_pressed('P')) view_.show_side_panel = !view_.show_side_panel;
  if (letter_pressed('R')) view_.reveal = !view_.reveal;
  if (letter_pressed('C')) view_.show_cluster = !view_.show_cluster;
  Time_us full = 1;
  for (const TraceModel* x : models) full = std::max(full, x->end_us);
  if (letter_pressed('=') || nav_pressed(ImGuiKey_UpArrow)) zoom(view_, 0.5, view_.cursor_us, full);
  if (letter_pressed('-') || nav_pressed(ImGuiKey_DownArrow))
    zoom(view_, 2.0, view_.cursor_us, full);
}

void App::play(const Models& models, float dt_s) {
  if (!view_.playing) return;
  const TraceModel& m = *models.front();
  Time_us end = 0;
  for (const TraceModel* x : models) end = std::max(end, x->end_us);
  Time_us next = view_.cursor_us +
                 std::max<Time_us>(1, static_cast<Time_us>(std::llround(dt_s * view_.speed * 1e6)));
  if (view_.pause_at_captions)
    for (const Caption& c : m.captions)
      if (c.pause && c.t_us > view_.cursor_us && c.t_us <= next) {
        next = c.t_us;
        view_.playing = false;
        break;
      }
  if (next >= end) {
    next = end;
    view_.playing = false;
  }
  seek_playing(next);
}

void App::seek_playing(Time_us t) {
  view_.cursor_us = t;
  view_.cursor_event = -1;
  // Keep the cursor in view: turn the page when it reaches the right edge.
  const Time_us span = view_.span_us();
  if (view_.follow_cursor && (t > view_.t1_us - span / 50 || t < view_.t0_us)) {
    view_.t0_us = t - span / 10;
    view_.t1_us = view_.t0_us + span;
  }
}

void App::step(const Models& models, int dir) {
  const TraceModel& m = *models.front();
  if (m.events.empty()) return;
  view_.playing = false;
  int64_t e;
  if (view_.cursor_event >= 0) {
    e = view_.cursor_event + dir;
  } else {
    const int64_t at = first_event_at_or_after(m, view_.cursor_us);
    e = dir > 0 ? at : at - 1;
  }
  const auto n = static_cast<int64_t>(m.events.size());
  while (e >= 0 && e < n && !event_shown(m, static_cast<uint32_t>(e), view_.filters)) e += dir;
  if (e < 0 || e >= n) return;
  jump_to_event(models, 0, static_cast<uint32_t>(e), view_);
}

bool App::violations_revealed(const TraceModel& m) const {
  return !view_.reveal || view_.cursor_us >= m.end_us;
}

void App::jump(const Models& models, const std::vector<uint32_t>& list, int dir) {
  const TraceModel& m = *models.front();
  view_.playing = false;
  if (view_.reveal && dir > 0) return;  // the next one is not revealed yet
  const int64_t e = view_.cursor_event >= 0 ? neighbour_in(list, view_.cursor_event, dir)
                                            : neighbour_in_time(m, list, view_.cursor_us, dir);
  if (e >= 0) jump_to_event(models, 0, static_cast<uint32_t>(e), view_);
}

void App::jump_violation(const Models& models, int dir) {
  const TraceModel& m = *models.front();
  view_.playing = false;
  // Violations come from the footer, revealed at the end; from there every one is behind.
  if (view_.reveal && (dir > 0 || !violations_revealed(m))) return;
  const Violation* best = nullptr;
  for (const Violation& v : m.violations) {
    if (dir > 0 && v.t_us > view_.cursor_us && (!best || v.t_us < best->t_us)) best = &v;
    if (dir < 0 && v.t_us < view_.cursor_us && (!best || v.t_us > best->t_us)) best = &v;
  }
  if (!best) return;
  if (best->event >= 0 && static_cast<size_t>(best->event) < m.events.size())
    jump_to_event(models, 0, static_cast<uint32_t>(best->event), view_);
  else
    jump_to_time(best->t_us, view_);
}

}  // namespace ballot::viz
