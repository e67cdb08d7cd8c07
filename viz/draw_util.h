// Small drawing helpers shared by the timeline and the panels (ImGui draw lists).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

#include "viz/colors.h"
#include "viz/trace_model.h"

namespace ballot::viz {

inline ImU32 col(Rgb c, uint8_t alpha = 255) {
  return IM_COL32(c.r, c.g, c.b, alpha);
}
ImVec4 col4(Rgb c, float alpha = 1.0f);

Rgb role_color(Role role);
// Message types of all open traces in order of first appearance (the first trace first); a
// type's colour is kMessagePalette[its index here], so both compared traces colour it alike.
std::vector<std::string> union_message_types(const std::vector<const TraceModel*>& models);
Rgb message_type_color(const std::vector<std::string>& all_types, const std::string& type);
Rgb op_color(ClientOp::Outcome outcome);
// A colour per Raft term (or epoch), cycling through a fixed palette.
Rgb term_color(int64_t term);

// Diagonal hatching inside a rectangle, clipped to it.
void hatch_rect(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float spacing,
                float thickness = 1.0f);
// An X of half-size r centred at p.
void x_mark(ImDrawList* dl, ImVec2 p, float r, ImU32 color, float thickness);
// A line from a to b with a filled arrowhead of length `head` at b (no head if too short).
void arrow(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float thickness, float head);
// Text with a dark rounded background, for labels drawn over busy areas.
void label_with_background(ImDrawList* dl, ImVec2 p, ImU32 text_color, const char* text,
                           ImU32 background = IM_COL32(0, 0, 0, 170));
// A small square swatch followed by a label, advancing the ImGui cursor (for legends).
void swatch(Rgb c, const char* label, bool hatched = false, Rgb hatch = {});

// Whether the loaded font has arrows and geometric shapes (DejaVu does; ImGui's built-in font
// does not). arrow_text() is "→" or "->".
bool unicode_glyphs();
void set_unicode_glyphs(bool available);
const char* arrow_text();

// Text sizes. Each is its own font in the atlas (scaled glyphs would blur or, with the nearest
// sampling the viewer uses for speed, break up); without a TTF font they fall back to the
// built-in one, scaled.
enum class TextSize { Small, Normal, Lane, Large };
void set_fonts(ImFont* small, ImFont* lane, ImFont* large);
// Draws text of that size at p (wrapped at wrap_width when > 0).
void text_at(ImDrawList* dl, TextSize size, ImVec2 p, ImU32 color, const char* text,
             float wrap_width = 0.0f);
ImVec2 text_size(TextSize size, const char* text, float wrap_width = 0.0f);
float font_px(TextSize size);

// Black or white, whichever reads better on `background`.
ImU32 text_color_on(Rgb background);

// "ok", "fail", "info (unknown)" or "pending".
const char* outcome_name(ClientOp::Outcome outcome);
// A client op in text, as the timeline's tooltip and the Inspector show it: the client, op and
// label, its outcome (coloured by it when color_outcome, as the Inspector does), when it ran, and
// whether the linearizability checker blamed it or it was a lost write.
void op_text(const ClientOp& op, bool color_outcome);

// "n3", or "-" for 0.
std::string node_name(int32_t node);

}  // namespace ballot::viz
