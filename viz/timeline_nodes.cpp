// Node lanes: the label column (name, state at the cursor, partition group), role bands (folded
// below a pixel), pauses and marks (restart, clock, note, record).
#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "viz/draw_util.h"
#include "viz/timeline_draw.h"
#include "viz/trace_query.h"

namespace ballot::viz::timeline {

namespace {

// Folding: in one pixel column of one lane, at most this many bands are looked at; the rest are
// skipped with a binary search to the next column.
constexpr int kMaxBandsPerColumn = 6;
// Marks: at most one per this many pixels.
constexpr int kMarkColumnPx = 4;
// The label column: a chip in the node's state colour at the cursor, its name after it, the
// partition group's letter in a tag just left of the plot, and whom it follows under the name
// when the lane is tall enough.
constexpr float kChip_fonts = 0.9f;
constexpr float kChipRounding_px = 3.0f;
constexpr float kChipHatch_px = 4.0f;
constexpr float kNameX_px = 10.0f;  // from the column's left edge, before the chip's width
constexpr float kTagOffset_fonts = 1.6f;
constexpr float kTagWidth_fonts = 1.2f;
constexpr float kTagHeight_fonts = 1.1f;
constexpr float kFollowsMinLane_fonts = 2.2f;
// Bands: crashed ones hatched; labels inset; a pause covers all but this fraction of the band.
constexpr float kCrashedHatch_px = 7.0f;
constexpr float kCrashedHatchLine_px = 1.5f;
constexpr float kBandTextInset_px = 4.0f;
constexpr float kPausedBand_fraction = 0.28f;
// Marks: clock and restart above the band (reaching this far up), notes and other events as
// ticks below it; the mouse finds a mark in a box this wide around it.
constexpr float kMarkAbove_px = 10.0f;
constexpr float kNoteMark_px = 5.0f;
constexpr float kEventMark_px = 3.0f;
constexpr float kMarkHitHalfWidth_px = 3.0f;
constexpr float kMarkHitBelow_px = 6.0f;

int role_priority(Role r) {
  switch (r) {
    case Role::Leader:
      return 3;
    case Role::Candidate:
      return 2;
    case Role::Crashed:
      return 1;
    case Role::Follower:
      return 0;
  }
  return 0;
}

std::string role_label(const RoleBand& b, bool epochs) {
  std::string epoch = epochs ? " e" + std::to_string(b.epoch) : "";
  switch (b.role) {
    case Role::Leader:
      return "LEADER" + epoch;
    case Role::Candidate:
      return "candidate" + epoch;
    case Role::Follower:
      return b.leader == 0 ? "follower" + epoch
                           : std::string(arrow_text()) + " " + node_name(b.leader) + epoch;
    case Role::Crashed:
      return "crashed";
  }
  return "";
}

}  // namespace

std::vector<Section> make_sections(const std::vector<const TraceModel*>& models,
                                   const Layout& layout, const ViewState& view) {
  const std::vector<std::string> all_types = union_message_types(models);
  std::vector<Section> sections(models.size());
  for (size_t i = 0; i < models.size(); ++i) {
    Section& s = sections[i];
    static_cast<SectionLayout&>(s) = layout.sections[i];
    s.m = models[i];
    s.type_hidden.assign(s.m->message_types.size(), false);
    s.type_color.assign(s.m->message_types.size(), Rgb{});
    for (size_t t = 0; t < s.m->message_types.size(); ++t) {
      s.type_hidden[t] = view.filters.hidden_types.count(s.m->message_types[t]) > 0;
      s.type_color[t] = message_type_color(all_types, s.m->message_types[t]);
    }
  }
  return sections;
}

void fill_gaps(ImDrawList* dl, const Section& s, float xa, float xb, ImU32 c) {
  float y = s.lanes_y;
  for (int32_t n : s.lanes) {
    dl->AddRectFilled(ImVec2(xa, y), ImVec2(xb, s.band_top(n)), c);
    y = s.band_bottom(n);
  }
  const float bottom = s.lanes_bottom();
  if (bottom > y) dl->AddRectFilled(ImVec2(xa, y), ImVec2(xb, bottom), c);
}

void draw_section_header(Frame& f, const Section& s) {
  if (!s.show_header) return;
  const TraceModel& m = *s.m;
  const float left = f.label_x(), font = f.L.font;
  const std::string title = section_title(m, s.model);
  f.dl->AddRectFilled(ImVec2(left, s.header_y), ImVec2(f.L.right, s.header_y + font + 6),
                      col(kHeaderColor));
  f.dl->AddText(ImVec2(left + 6, s.header_y + 3), col(kHeaderTextColor), title.c_str());
}

void draw_lane_labels(Frame& f, const Section& s) {
  ImDrawList* dl = f.dl;
  const TraceModel& m = *s.m;
  const TimeAxis& g = f.axis();
  const float left = f.label_x(), font = f.L.font;
  const Time_us cursor = f.view.cursor_us;
  for (size_t i = 0; i < s.lanes.size(); ++i) {
    const int32_t n = s.lanes[i];
    const float top = s.top_of(n);
    // A separator rather than a filled lane background: full-width layers are what software
    // OpenGL pays for.
    if (i > 0) dl->AddRectFilled(ImVec2(left, top), ImVec2(f.L.right, top + 1), col(kLaneAltColor));
    const NodeState st = state_at(m, n, cursor);
    const Rgb rc = st.band ? (st.paused ? kPausedColor : role_color(st.band->role)) : kUnknownColor;
    const float chip = font * kChip_fonts;
    const float ly = top + s.lane_h * 0.5f - font * 0.5f;
    const float cx = left + kLabelInset_px;
    dl->AddRectFilled(ImVec2(cx, ly + 1), ImVec2(cx + chip, ly + 1 + chip), col(rc),
                      kChipRounding_px);
    if (st.band && st.band->role == Role::Crashed)
      hatch_rect(dl, ImVec2(cx, ly + 1), ImVec2(cx + chip, ly + 1 + chip), col(kCrashedHatchColor),
                 kChipHatch_px);
    const std::string name = node_name(n);
    text_at(dl, TextSize::Lane, ImVec2(left + kNameX_px + chip, ly - font * 0.08f),
            col(kLaneLabelColor), name.c_str());
    // The partition group the node is in at the cursor.
    for (const Fault& fault : m.faults) {
      // A partition that never ended within the trace (or the revealed prefix) is still on.
      const bool open = fault.span.end_event == fault.span.begin_event;
      if (fault.groups.empty() || fault.span.begin_us > cursor ||
          (fault.span.end_us <= cursor && !open))
        continue;
      for (size_t gi = 0; gi < fault.groups.size(); ++gi) {
        const auto& group = fault.groups[gi];
        if (std::find(group.begin(), group.end(), n) == group.end()) continue;
        const char tag[2] = {static_cast<char>('A' + gi % 26), 0};
        const float tx = g.x0 - font * kTagOffset_fonts;
        dl->AddRectFilled(ImVec2(tx, ly),
                          ImVec2(tx + font * kTagWidth_fonts, ly + font * kTagHeight_fonts),
                          col(kPartitionColor), kChipRounding_px);
        dl->AddText(ImVec2(tx + font * 0.3f, ly + font * 0.05f), col(kWhite), tag);
      }
    }
    if (st.band && st.band->role == Role::Follower && st.band->leader != 0 &&
        s.lane_h > font * kFollowsMinLane_fonts) {
      const std::string follows = std::string(arrow_text()) + node_name(st.band->leader);
      dl->AddText(ImVec2(left + kNameX_px + chip, ly + font * 1.05f), col(kFollowsLabelColor),
                  follows.c_str());
    }
  }
}

namespace {

// Role bands: one rectangle per band at least a pixel wide (labelled when the label fits);
// narrower ones folded per pixel column into the most important role there, and columns of one
// colour side by side drawn as one rectangle.
void draw_bands(Frame& f, const Section& s, int32_t n) {
  ImDrawList* dl = f.dl;
  const TraceModel& m = *s.m;
  const TimeAxis& g = f.axis();
  const NodeTrack& track = m.nodes[static_cast<size_t>(n - 1)];
  const float y0 = s.band_top(n), y1 = s.band_bottom(n);
  const IndexRange r = bands_in(track, g.t0, g.t1);
  // Folding state: the pixel column being accumulated and the most important role in it.
  int fold_col = INT_MIN;
  Role fold_role = Role::Follower;
  int in_col = 0;
  float run_x0 = 0, run_x1 = 0;
  ImU32 run_color = 0;
  // Followers are the background: one rectangle under the whole extent of the bands in view,
  // so that only the other roles cost a rectangle each (zoomed out, runs alternate by the pixel,
  // and software OpenGL pays per rectangle).
  const ImU32 follower = col(role_color(Role::Follower));
  if (r.first < r.last) {
    const SpanX all = span_x(g, track.bands[r.first].begin_us, track.bands[r.last - 1].end_us);
    if (all.b > all.a) dl->AddRectFilled(ImVec2(all.a, y0), ImVec2(all.b, y1), follower);
  }
  auto draw_run = [&] {
    if (run_color == 0) return;
    if (run_color != follower) {
      dl->AddRectFilled(ImVec2(run_x0, y0), ImVec2(run_x1, y1), run_color);
      ++f.stats.bands;
    }
    run_color = 0;
  };
  auto flush = [&] {
    if (fold_col == INT_MIN) return;
    const auto x = static_cast<float>(fold_col);
    const ImU32 c = col(role_color(fold_role));
    if (c == run_color && run_x1 >= x) {
      run_x1 = x + 1;
    } else {
      draw_run();
      run_x0 = x, run_x1 = x + 1, run_color = c;
    }
    fold_col = INT_MIN;
  };
  for (size_t i = r.first; i < r.last;) {
    const RoleBand& b = track.bands[i];
    const SpanX sx = span_x(g, b.begin_us, b.end_us);
    const float xa = sx.a, xb = sx.b;
    if (xb - xa >= 1.0f) {
      flush();
      draw_run();
      const Rgb c = role_color(b.role);
      if (b.role != Role::Follower) dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), col(c));
      if (b.role == Role::Crashed)
        hatch_rect(dl, ImVec2(xa, y0), ImVec2(xb, y1), col(kCrashedHatchColor), kCrashedHatch_px,
                   kCrashedHatchLine_px);
      ++f.stats.bands;
      const std::string label = role_label(b, m.has_epochs);
      const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
      if (xb - xa > ts.x + 2 * kBandTextInset_px && y1 - y0 > ts.y - 2) {
        // Clipped only when the text is taller than the band: a clip rectangle is a draw call.
        const bool clip = ts.y > y1 - y0;
        if (clip) dl->PushClipRect(ImVec2(xa, y0), ImVec2(xb, y1), true);
        dl->AddText(ImVec2(xa + kBandTextInset_px, (y0 + y1 - ts.y) * 0.5f),
                    b.role == Role::Crashed ? col(kCrashedTextColor) : text_color_on(c),
                    label.c_str());
        if (clip) dl->PopClipRect();
      }
      f.hits.push_back(
          {Hit::Kind::Band, false, xa, y0, xb, y1, s.model, static_cast<int64_t>(i), n});
      ++i;
      continue;
    }
    const int c = static_cast<int>(std::floor(xa));
    if (c != fold_col) {
      flush();
      fold_col = c;
      fold_role = b.role;
      in_col = 0;
    } else if (role_priority(b.role) > role_priority(fold_role)) {
      fold_role = b.role;
    }
    if (++in_col > kMaxBandsPerColumn) {
      const Time_us next = g.t(static_cast<float>(c + 1));
      auto it = std::lower_bound(track.bands.begin() + static_cast<std::ptrdiff_t>(i),
                                 track.bands.begin() + static_cast<std::ptrdiff_t>(r.last), next,
                                 [](const RoleBand& x, Time_us t) { return x.begin_us < t; });
      i = std::max(i + 1, static_cast<size_t>(it - track.bands.begin()));
      continue;
    }
    ++i;
  }
  flush();
  draw_run();
}

// Pauses: purple over the band, with the role still showing along its bottom edge.
void draw_pauses(Frame& f, const Section& s, int32_t n) {
  const TimeAxis& g = f.axis();
  const NodeTrack& track = s.m->nodes[static_cast<size_t>(n - 1)];
  const float y0 = s.band_top(n), y1 = s.band_bottom(n);
  auto p = std::lower_bound(track.pauses.begin(), track.pauses.end(), g.t0,
                            [](const Interval& x, Time_us t) { return x.end_us < t; });
  for (; p != track.pauses.end() && p->begin_us <= g.t1; ++p) {
    const SpanX sx = span_x(g, p->begin_us, p->end_us, 1.0f);
    const float yb = y1 - (y1 - y0) * kPausedBand_fraction;
    f.dl->AddRectFilled(ImVec2(sx.a, y0), ImVec2(sx.b, yb), col(kPausedColor));
    if (sx.b - sx.a > ImGui::CalcTextSize("paused").x + 2 * kBandTextInset_px)
      f.dl->AddText(ImVec2(sx.a + kBandTextInset_px, y0 + (yb - y0 - f.L.font) * 0.5f), col(kWhite),
                    "paused");
  }
}

// Marks (restart, clock, note, record): at most one per kMarkColumnPx.
void draw_marks(Frame& f, const Section& s, int32_t n) {
  ImDrawList* dl = f.dl;
  const TraceModel& m = *s.m;
  const TimeAxis& g = f.axis();
  const float y0 = s.band_top(n), y1 = s.band_bottom(n);
  const auto& marks = m.nodes[static_cast<size_t>(n - 1)].marks;
  auto time_of = [&](uint32_t e) { return m.events[e].t_us; };
  auto it = std::lower_bound(marks.begin(), marks.end(), g.t0,
                             [&](uint32_t e, Time_us t) { return time_of(e) < t; });
  while (it != marks.end() && time_of(*it) <= g.t1) {
    const Event& e = m.events[*it];
    const float x = g.x(e.t_us);
    const int c = static_cast<int>(std::floor(x));
    switch (e.kind) {
      case EventKind::Clock:  // a small diamond, in the clock-fault colour
        dl->AddQuadFilled(ImVec2(x, y0 - kMarkAbove_px), ImVec2(x + 4, y0 - 5.5f),
                          ImVec2(x, y0 - 1), ImVec2(x - 4, y0 - 5.5f), col(kClockColor));
        break;
      case EventKind::Restart:
        dl->AddTriangleFilled(ImVec2(x, y0 - 1), ImVec2(x + 8, y0 - 5), ImVec2(x, y0 - 9),
                              col(kLeaderColor));
        break;
      case EventKind::Note:
        vline(dl, x, y1, y1 + kNoteMark_px, col(kNoteMarkColor, 220), 1.5f);
        break;
      default:
        vline(dl, x, y1, y1 + kEventMark_px, col(kMarkColor, 200));
        break;
    }
    f.hits.push_back({Hit::Kind::Event, false, x - kMarkHitHalfWidth_px, y0 - kMarkAbove_px,
                      x + kMarkHitHalfWidth_px, y1 + kMarkHitBelow_px, s.model,
                      static_cast<int64_t>(*it), n});
    // Next column.
    const Time_us next = std::max(g.t(static_cast<float>(c + kMarkColumnPx)), e.t_us + 1);
    it = std::lower_bound(it + 1, marks.end(), next,
                          [&](uint32_t ev, Time_us t) { return time_of(ev) < t; });
  }
}

}  // namespace

void draw_node_lanes(Frame& f, const Section& s) {
  for (int32_t n : s.lanes) {
    draw_bands(f, s, n);
    draw_pauses(f, s, n);
    draw_marks(f, s, n);
  }
}

}  // namespace ballot::viz::timeline
