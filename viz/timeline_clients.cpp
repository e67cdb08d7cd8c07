// The client lane: each client operation a bar from invoke to return, coloured by its outcome
// (lost writes and ops the linearizability checker blamed stand out); narrow ops folded per
// 2-pixel column and row.
#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>

#include "viz/draw_util.h"
#include "viz/timeline_draw.h"
#include "viz/trace_query.h"

namespace ballot::viz::timeline {

namespace {
constexpr float kNarrowOp_px = 3.0f;  // narrower ops are folded
constexpr int kOpColumnPx = 2;        // at most one narrow op per column this wide, per row
constexpr uint8_t kOpAlpha = 230;
constexpr uint8_t kPendingAlpha = 120;  // still pending when the trace ends
constexpr float kOpRounding_px = 2.0f;
constexpr float kBlamedFrame_px = 2.5f;  // a frame in the blamed colour around the op
constexpr float kSelectedFrame_px = 2.0f;
}  // namespace

void draw_client_lane(Frame& f, const Section& s) {
  const TraceModel& m = *s.m;
  if (s.client_rows == 0) return;
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const float left = f.label_x();
  dl->AddRectFilled(ImVec2(left, s.clients_y), ImVec2(f.L.right, s.clients_bottom()),
                    col(kLaneColor));
  dl->AddText(ImVec2(left + kLabelInset_px,
                     s.clients_y + (s.client_rows * s.client_row_h - f.L.font) * 0.5f),
              col(kClientsLabelColor), "clients");
  const IndexRange r = ops_in(m, g.t0, g.t1);
  std::vector<int> row_column(static_cast<size_t>(s.client_rows), INT_MIN);
  std::vector<int> row_count(static_cast<size_t>(s.client_rows), 0);
  // Narrow ops of one colour side by side in a row are drawn as one rectangle.
  struct Run {
    float x0 = 0, x1 = 0;
    ImU32 c = 0;
  };
  std::vector<Run> runs(static_cast<size_t>(s.client_rows));
  auto draw_run = [&](size_t row) {
    Run& run = runs[row];
    if (run.c == 0) return;
    dl->AddRectFilled(ImVec2(run.x0, s.client_row_top(row)),
                      ImVec2(run.x1, s.client_row_bottom(row)), run.c);
    run.c = 0;
  };
  for (size_t i = r.first; i < r.last; ++i) {
    const ClientOp& op = m.ops[i];
    if (op.return_us < g.t0) continue;
    const auto row = static_cast<size_t>(s.client_row(op.client));
    // Zoomed out, most ops land in a column their row has already drawn: leave them before
    // anything else is computed (a million-event trace has tens of thousands in view).
    if (!op.blamed && !op.lost && row_count[row] > 0) {
      const float x = g.x(op.invoke_us);
      if (static_cast<int>(std::floor(x / kOpColumnPx)) == row_column[row] &&
          g.x(op.return_us) - x < kNarrowOp_px)
        continue;
    }
    const Rect bar = s.op_bar(g, op);
    const float y0 = bar.y0, y1 = bar.y1, xa = bar.x0, xb = bar.x1;
    const Rgb oc = op.lost ? kOpLostColor : op.blamed ? kOpBlamedColor : op_color(op.outcome);
    const ImU32 fill = col(oc, op.outcome == ClientOp::Outcome::Pending ? kPendingAlpha : kOpAlpha);
    if (xb - xa < kNarrowOp_px && !op.blamed && !op.lost) {
      const int c = static_cast<int>(std::floor(xa / kOpColumnPx));
      if (row_column[row] != c) row_column[row] = c, row_count[row] = 0;
      if (++row_count[row] > 1) continue;
      Run& run = runs[row];
      if (run.c == fill && run.x1 + kOpColumnPx >= xa) {
        run.x1 = std::max(run.x1, xb);
      } else {
        draw_run(row);
        run = {xa, xb, fill};
      }
      f.hits.push_back({Hit::Kind::Op, false, xa, y0, xb, y1, s.model, static_cast<int64_t>(i), 0});
      continue;
    }
    draw_run(row);
    dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), fill, kOpRounding_px);
    if (op.blamed)
      dl->AddRect(ImVec2(xa - 1, y0 - 1), ImVec2(xb + 1, y1 + 1), col(kOpBlamedColor),
                  kOpRounding_px, 0, kBlamedFrame_px);
    const Selection& sel = f.view.selection;
    if (sel.kind == Selection::Kind::Op && sel.model == s.model &&
        sel.index == static_cast<int64_t>(i))
      dl->AddRect(ImVec2(xa - 1, y0 - 1), ImVec2(xb + 1, y1 + 1), col(kCursorColor), kOpRounding_px,
                  0, kSelectedFrame_px);
    // Operation, key, value and result where there is room; else the operation and result.
    const float th = ImGui::GetTextLineHeight();
    const std::string* label = y1 - y0 >= th - 3
                                   ? op_label_fitting(op, std::min(xb, g.x1) - std::max(xa, g.x0),
                                                      [](const std::string& t) {
                                                        return ImGui::CalcTextSize(t.c_str()).x;
                                                      })
                                   : nullptr;
    if (label)
      dl->AddText(ImVec2(std::max(xa, g.x0) + 3, (y0 + y1 - th) * 0.5f), text_color_on(oc),
                  label->c_str());
    f.hits.push_back({Hit::Kind::Op, false, xa, y0, xb, y1, s.model, static_cast<int64_t>(i), 0});
  }
  for (size_t row = 0; row < runs.size(); ++row) draw_run(row);
}

}  // namespace ballot::viz::timeline
