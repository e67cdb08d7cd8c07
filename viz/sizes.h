// The timeline's sizes, in one place, as viz/colors.h is for its colours. Pixels (_px) or
// multiples of the font size (_fonts) or of a lane's height (_lanes). Plain data, no ImGui: the
// layout (viz/timeline_layout.h) and its tests read them without a display.
#pragma once
#include <cstdint>

namespace ballot::viz {

// The canvas: never smaller than this, whatever the window leaves.
inline constexpr float kCanvasMinWidth_px = 200.0f;
inline constexpr float kCanvasMinHeight_px = 150.0f;

// The label column left of the plot (node names, chips, partition tags) and the plot's margin
// on the right.
inline constexpr float kLabelColumnMin_px = 84.0f;
inline constexpr float kLabelColumn_fonts = 5.6f;
inline constexpr float kPlotRightMargin_px = 8.0f;
inline constexpr float kLabelInset_px = 6.0f;  // labels' left edge inside the column

// The time ruler on top: one line of text plus room for ticks.
inline constexpr float kRulerPadding_px = 14.0f;
inline constexpr float kRulerTickMajor_px = 9.0f;
inline constexpr float kRulerTickMinor_px = 4.0f;
inline constexpr double kRulerTickSpacing_px = 100.0;  // about one major tick per this much

// The legend along the bottom, wrapped into the canvas's width.
inline constexpr float kLegendInset_px = 6.0f;
inline constexpr float kLegendPadding_px = 6.0f;  // added to its measured height
inline constexpr float kLegendRowPadding_px = 6.0f;
inline constexpr float kLegendSwatch_fonts = 1.3f;
inline constexpr float kLegendItemGap_px = 20.0f;
// The most of the canvas's height the legend may take; a taller legend is left out.
inline constexpr float kLegendMaxShare = 0.3f;

// One section per trace (two when comparing): a header, the split-brain strip, the fault rows,
// the node lanes and the client rows, in that order from the top.
inline constexpr float kSectionHeaderPadding_px = 8.0f;  // header height: font + this
inline constexpr float kSplitStripMin_px = 12.0f;
inline constexpr float kSplitStrip_fonts = 0.8f;
inline constexpr float kSplitStripTopGap_px = 2.0f;
inline constexpr float kSplitStripGap_px = 4.0f;    // below the strip, with the top gap
inline constexpr float kFaultRowPadding_px = 6.0f;  // fault row height: font + this
inline constexpr int kMaxFaultRows = 4;             // more overlapping faults share the last
inline constexpr int kMaxClientRows = 4;            // clients share rows by client % rows
inline constexpr float kClientLaneGap_px = 8.0f;    // above the client rows
inline constexpr float kClientRow_lanes = 0.45f;    // a client row's height, in lanes
inline constexpr float kClientRowMin_px = 8.0f;
inline constexpr float kSectionGap_px = 6.0f;  // below each section

// Node lanes share the height left; each is between these many font sizes tall. The role band
// fills the middle of the lane, from kBandTop_lanes to kBandBottom_lanes of its height.
inline constexpr float kLaneMin_fonts = 1.6f;
inline constexpr float kLaneMax_fonts = 6.0f;
inline constexpr float kBandTop_lanes = 0.26f;
inline constexpr float kBandBottom_lanes = 0.74f;
// When the lanes scroll (viz/lanes.h): the scrollbar right of the plot, its thumb at least this
// tall, and how many lanes one wheel notch over the label column or the scrollbar scrolls.
inline constexpr float kScrollbar_px = 12.0f;
inline constexpr float kScrollThumbMin_px = 16.0f;
inline constexpr int kScrollLanesPerNotch = 3;

// A message lost as it was sent is drawn as a stub out of the sender this long (a fraction of
// the gap between bands, at most kDropStubMax_px), when its arrow would be shorter than
// kDropStubBelow_px across.
inline constexpr float kLaneGap_lanes = 0.52f;  // between one lane's band and the next one's
inline constexpr float kDropStub_gaps = 0.55f;
inline constexpr float kDropStubMax_px = 16.0f;
inline constexpr float kDropStubBelow_px = 3.0f;

// A fault's bar in its row runs at most this far past the plot's edges; one narrower than
// kFaultBarMin_px (a clock jump, or too short to see) is a diamond this fraction of the row high.
inline constexpr float kFaultBarOverhang_px = 4.0f;
inline constexpr float kFaultBarMin_px = 3.0f;
inline constexpr float kFaultDiamond_rows = 0.45f;

// Minimum widths, so that short things stay visible: a split brain, a client op.
inline constexpr float kSplitBrainMin_px = 2.0f;
inline constexpr float kOpMin_px = 2.0f;

// Reveal mode: how far past the cursor a mark standing at the cursor (a lost message's X, a
// band's frame) may still be drawn; the sections are clipped there.
inline constexpr float kRevealClipMargin_px = 6.0f;

// The side panel (side_panel_width): its share of the window, its least width in fonts (the
// state table and a log row), and the most of the window it may take.
inline constexpr float kSidePanelFraction = 0.34f;
inline constexpr float kSidePanelMin_fonts = 21.0f;
inline constexpr float kSidePanelMax_fonts = 35.0f;
inline constexpr float kSidePanelMaxFraction = 0.47f;

// Interaction.
inline constexpr float kHitRadius_px = 5.0f;      // how near an arrow the mouse must be
inline constexpr float kClickSlop_px = 3.0f;      // a drag shorter than this is a click
inline constexpr float kDragThreshold_px = 2.0f;  // a drag starts panning past this
inline constexpr double kWheelZoomFactor = 0.8;   // per wheel notch (< 1 zooms in)
inline constexpr double kWheelPanFraction = 0.1;  // of the window per wheel notch (shift/ctrl)
inline constexpr double kMaxZoomOut = 1.5;        // the widest window, in whole runs

// Time: the narrowest window, in microseconds.
inline constexpr int64_t kMinSpan_us = 20;

}  // namespace ballot::viz
