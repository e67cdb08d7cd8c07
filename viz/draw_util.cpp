#include "viz/draw_util.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "viz/trace_query.h"

namespace ballot::viz {

ImVec4 col4(Rgb c, float alpha) {
  return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, alpha);
}

Rgb role_color(Role role) {
  switch (role) {
    case Role::Follower:
      return kFollowerColor;
    case Role::Candidate:
      return kCandidateColor;
    case Role::Leader:
      return kLeaderColor;
    case Role::Crashed:
      return kCrashedColor;
  }
  return kUnknownColor;
}

std::vector<std::string> union_message_types(const std::vector<const TraceModel*>& models) {
  std::vector<std::string> all;
  for (const TraceModel* m : models)
    for (const std::string& t : m->message_types)
      if (std::find(all.begin(), all.end(), t) == all.end()) all.push_back(t);
  return all;
}

Rgb message_type_color(const std::vector<std::string>& all_types, const std::string& type) {
  const auto it = std::find(all_types.begin(), all_types.end(), type);
  const auto i = static_cast<size_t>(it - all_types.begin());
  return kMessagePalette[i % kMessagePaletteSize];
}

Rgb op_color(ClientOp::Outcome outcome) {
  switch (outcome) {
    case ClientOp::Outcome::Ok:
      return kOpOkColor;
    case ClientOp::Outcome::Fail:
      return kOpFailColor;
    case ClientOp::Outcome::Info:
      return kOpInfoColor;
    case ClientOp::Outcome::Pending:
      return kOpPendingColor;
  }
  return kOpPendingColor;
}

Rgb term_color(int64_t term) {
  static constexpr Rgb kTerms[] = {{90, 140, 220},  {230, 150, 60},  {120, 190, 110},
                                   {200, 100, 180}, {100, 200, 200}, {220, 200, 80},
                                   {170, 120, 90},  {140, 140, 230}};
  const auto n = static_cast<int64_t>(sizeof(kTerms) / sizeof(kTerms[0]));
  return kTerms[((term % n) + n) % n];
}

void hatch_rect(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float spacing, float thickness) {
  if (b.x - a.x < 1.0f || b.y - a.y < 1.0f) return;
  const float h = b.y - a.y;
  // Lines at 45 degrees, anchored to absolute x so that adjacent rectangles line up. Each is cut
  // to the rectangle here rather than by a clip rectangle: a clip rectangle is a draw call of
  // its own, and software OpenGL pays for every one.
  float start = std::floor((a.x - h) / spacing) * spacing;
  for (float x = start; x < b.x; x += spacing) {
    const float t0 = std::max(0.0f, (a.x - x) / h), t1 = std::min(1.0f, (b.x - x) / h);
    if (t1 <= t0) continue;
    dl->AddLine(ImVec2(x + t0 * h, b.y - t0 * h), ImVec2(x + t1 * h, b.y - t1 * h), color,
                thickness);
  }
}

void x_mark(ImDrawList* dl, ImVec2 p, float r, ImU32 color, float thickness) {
  dl->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), color, thickness);
  dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), color, thickness);
}

void arrow(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float thickness, float head) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 0.5f) return;
  if (len < head * 1.5f) {
    dl->AddLine(a, b, color, thickness);
    return;
  }
  const float ux = dx / len, uy = dy / len;
  const ImVec2 base(b.x - ux * head, b.y - uy * head);
  dl->AddLine(a, base, color, thickness);
  const float w = head * 0.45f;
  dl->AddTriangleFilled(b, ImVec2(base.x - uy * w, base.y + ux * w),
                        ImVec2(base.x + uy * w, base.y - ux * w), color);
}

void label_with_background(ImDrawList* dl, ImVec2 p, ImU32 text_color, const char* text,
                           ImU32 background) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  dl->AddRectFilled(ImVec2(p.x - 3, p.y - 1), ImVec2(p.x + size.x + 3, p.y + size.y + 1),
                    background, 3.0f);
  dl->AddText(p, text_color, text);
}

void swatch(Rgb c, const char* label, bool hatched, Rgb hatch) {
  const float h = ImGui::GetTextLineHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a(p.x, p.y + h * 0.15f), b(p.x + h * 1.2f, p.y + h * 0.85f);
  dl->AddRectFilled(a, b, col(c));
  if (hatched) hatch_rect(dl, a, b, col(hatch), 4.0f);
  ImGui::Dummy(ImVec2(h * 1.2f, h));
  ImGui::SameLine(0, 4);
  ImGui::TextUnformatted(label);
}

namespace {
bool g_unicode_glyphs = false;
ImFont* g_fonts[4] = {nullptr, nullptr, nullptr, nullptr};  // by TextSize; Normal is the default
constexpr float kScale[4] = {0.85f, 1.0f, 1.15f, 1.25f};

ImFont* font_for(TextSize size) {
  ImFont* f = g_fonts[static_cast<int>(size)];
  return f != nullptr ? f : ImGui::GetFont();
}
}  // namespace

void set_fonts(ImFont* small, ImFont* lane, ImFont* large) {
  g_fonts[static_cast<int>(TextSize::Small)] = small;
  g_fonts[static_cast<int>(TextSize::Lane)] = lane;
  g_fonts[static_cast<int>(TextSize::Large)] = large;
}

float font_px(TextSize size) {
  ImFont* f = g_fonts[static_cast<int>(size)];
  return f != nullptr ? f->FontSize * ImGui::GetIO().FontGlobalScale
                      : ImGui::GetFontSize() * kScale[static_cast<int>(size)];
}

void text_at(ImDrawList* dl, TextSize size, ImVec2 p, ImU32 color, const char* text,
             float wrap_width) {
  dl->AddText(font_for(size), font_px(size), p, color, text, nullptr, wrap_width);
}

ImVec2 text_size(TextSize size, const char* text, float wrap_width) {
  return font_for(size)->CalcTextSizeA(font_px(size), FLT_MAX, wrap_width, text);
}
bool unicode_glyphs() {
  return g_unicode_glyphs;
}
const char* arrow_text() {
  return g_unicode_glyphs ? "\u2192" : "->";
}
void set_unicode_glyphs(bool available) {
  g_unicode_glyphs = available;
}

ImU32 text_color_on(Rgb c) {
  const int luma = (299 * c.r + 587 * c.g + 114 * c.b) / 1000;
  return luma > 140 ? IM_COL32(15, 15, 20, 255) : IM_COL32(250, 250, 250, 255);
}

std::string node_name(int32_t node) {
  return node <= 0 ? "-" : "n" + std::to_string(node);
}

const char* outcome_name(ClientOp::Outcome o) {
  switch (o) {
    case ClientOp::Outcome::Ok:
      return "ok";
    case ClientOp::Outcome::Fail:
      return "fail";
    case ClientOp::Outcome::Info:
      return "info (unknown)";
    case ClientOp::Outcome::Pending:
      return "pending";
  }
  return "?";
}

void op_text(const ClientOp& op, bool color_outcome) {
  ImGui::Text("client %d, op %lld: %s", op.client, static_cast<long long>(op.op), op.label.c_str());
  if (color_outcome)
    ImGui::TextColored(col4(op_color(op.outcome)), "outcome: %s", outcome_name(op.outcome));
  else
    ImGui::Text("outcome %s", outcome_name(op.outcome));
  ImGui::Text("%s to %s (%s)", format_time(op.invoke_us).c_str(), format_time(op.return_us).c_str(),
              format_time(op.return_us - op.invoke_us).c_str());
  if (op.blamed) ImGui::TextColored(col4(kOpBlamedColor), "blamed by the linearizability checker");
  if (op.lost)
    ImGui::TextColored(col4(kOpLostColor), "lost: acknowledged, then gone (see Summary)");
}

}  // namespace ballot::viz
