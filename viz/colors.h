// The viewer's colours, in one place: the timeline, the legend and the screenshot test all read
// them from here, so that a test looking for "the leader colour" looks for the colour that is
// drawn. Plain data, no ImGui: the screenshot checker links nothing of the GUI.
#pragma once
#include <cstdint>

namespace ballot::viz {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

// Role bands. Chosen to stay apart for the common colour-vision deficiencies: the leader is a
// saturated green, the candidate amber, followers a calm blue-grey.
inline constexpr Rgb kFollowerColor{118, 138, 170};
inline constexpr Rgb kCandidateColor{236, 168, 38};
inline constexpr Rgb kLeaderColor{46, 170, 80};
inline constexpr Rgb kCrashedColor{30, 30, 34};
inline constexpr Rgb kCrashedHatchColor{200, 50, 50};
inline constexpr Rgb kPausedColor{150, 90, 200};
inline constexpr Rgb kUnknownColor{70, 70, 78};  // before a node starts

// Split brain: drawn solid in the "split brain" strip above the lanes and translucent across them.
// The screenshot test looks for this exact colour.
inline constexpr Rgb kSplitBrainColor{235, 20, 90};

// Network faults: partitions shade the lanes in this colour (translucent).
inline constexpr Rgb kPartitionColor{70, 130, 230};
inline constexpr Rgb kFaultBarColor{90, 110, 150};

// Messages. Heartbeats are drawn in a muted grey whatever their type, so that the messages that
// change something stand out.
inline constexpr Rgb kHeartbeatColor{140, 146, 162};
inline constexpr Rgb kDropColor{240, 60, 50};
inline constexpr Rgb kDuplicateColor{250, 210, 60};
// A vote reply's answer on its arrow and in the Inspector.
inline constexpr Rgb kVoteGrantedColor{70, 200, 110};
inline constexpr Rgb kVoteRefusedColor{225, 70, 90};

// Client operations by outcome.
inline constexpr Rgb kOpOkColor{60, 180, 90};
inline constexpr Rgb kOpFailColor{220, 60, 60};
inline constexpr Rgb kOpInfoColor{150, 150, 150};
inline constexpr Rgb kOpPendingColor{110, 110, 130};
inline constexpr Rgb kOpBlamedColor{255, 0, 255};  // blamed by the linearizability checker
inline constexpr Rgb kOpLostColor{255, 140, 0};    // an acknowledged write that was lost

// Chrome.
inline constexpr Rgb kBackgroundColor{24, 26, 31};  // the clear colour; even lanes show it
inline constexpr Rgb kLaneColor{32, 35, 42};
inline constexpr Rgb kLaneAltColor{34, 37, 45};
inline constexpr Rgb kCursorColor{255, 255, 255};
inline constexpr Rgb kViolationColor{255, 70, 40};
inline constexpr Rgb kCaptionColor{250, 220, 120};
inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};
// Compare mode: the first divergence's line and the rings on events with no counterpart in the
// other run. The screenshot test looks for this exact colour.
inline constexpr Rgb kDiffColor{190, 255, 30};
// Clock faults and clock marks on a lane.
inline constexpr Rgb kClockColor{70, 190, 200};
// Many nodes (docs/viz.md#many-nodes): the aggregated lane's band (the folded nodes that are
// followers), the line under the pinned lanes, and the lanes' scrollbar.
inline constexpr Rgb kAggregateColor{64, 74, 96};
inline constexpr Rgb kPinnedRuleColor{120, 130, 150};
inline constexpr Rgb kScrollTrackColor{40, 43, 52};
inline constexpr Rgb kScrollThumbColor{120, 126, 142};

// The timeline's chrome: the ruler, section headers, the split-brain strip and labels.
inline constexpr Rgb kRulerColor{44, 48, 58};
inline constexpr Rgb kTickColor{200, 200, 210};
inline constexpr Rgb kTickLabelColor{225, 225, 232};
inline constexpr Rgb kCursorBoxColor{240, 240, 245};  // the cursor's time, on the ruler
inline constexpr Rgb kCursorBoxTextColor{10, 10, 15};
inline constexpr Rgb kHeaderColor{50, 56, 70};  // a section's title bar when comparing
inline constexpr Rgb kHeaderTextColor{235, 235, 240};
inline constexpr Rgb kStripColor{40, 42, 50};  // the split-brain strip when there is none
inline constexpr Rgb kStripLabelColor{200, 160, 170};
inline constexpr Rgb kLaneLabelColor{240, 240, 245};     // node names
inline constexpr Rgb kFollowsLabelColor{170, 175, 190};  // "-> n3" under a node's name
inline constexpr Rgb kFaultsLabelColor{180, 190, 210};
inline constexpr Rgb kFaultTextColor{225, 228, 235};  // a fault's label outside its bar
inline constexpr Rgb kClientsLabelColor{220, 220, 230};
inline constexpr Rgb kCrashedTextColor{255, 200, 200};
inline constexpr Rgb kNoteMarkColor{230, 230, 230};
inline constexpr Rgb kMarkColor{160, 160, 170};  // a record or other event on a lane
inline constexpr Rgb kLegendTextColor{215, 215, 222};

// Distinct colours for message types, assigned in order of first appearance in the trace. No
// greens, ambers or purples: those mean roles.
inline constexpr Rgb kMessagePalette[] = {
    {110, 190, 255}, {255, 120, 200}, {90, 230, 230},  {235, 235, 235},
    {255, 165, 120}, {160, 160, 255}, {255, 215, 170}, {150, 220, 255},
};
inline constexpr int kMessagePaletteSize = sizeof(kMessagePalette) / sizeof(kMessagePalette[0]);

}  // namespace ballot::viz
