// ballot-viz --record FILE.mp4|FILE.gif (docs/viz.md#recording-a-video): the run played from
// --from to --to, rendered offscreen frame by frame the way --screenshot renders one, and piped as
// raw RGB frames into an ffmpeg subprocess (the Debian package `ffmpeg`), which encodes them.
//
// Frames: floor((TO - FROM) * FPS / SPEED) + 1, times in seconds of the run; frame k shows the
// cursor at FROM + k * SPEED / FPS (rounded to the microsecond), so the video lasts about
// (TO - FROM) / SPEED seconds. SPEED is run time per second of video (default 0.1, the viewer's
// own playback speed).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "viz/app.h"
#include "viz/viewer_options.h"

namespace ballot::viz {

// Exit code when --record cannot be done: ffmpeg is not on PATH, or it failed.
inline constexpr int kExitRecordFailed = 3;

inline constexpr double kDefaultRecordSpeed = 0.1;
inline constexpr int kDefaultRecordFps = 30;
inline constexpr int64_t kMaxRecordFrames = 100'000;  // about 55 minutes at 30 fps

struct RecordPlan {
  std::string path;  // FILE.mp4 or FILE.gif
  bool gif = false;
  Time_us from_us = 0;
  std::optional<Time_us> to_us;  // default: the end of the run, known once it is loaded
  int fps = kDefaultRecordFps;
  double speed = kDefaultRecordSpeed;
  std::string ffmpeg;  // its path, found on PATH
};

// The frames of a recording (see the top of this file), and the cursor of frame k.
int64_t record_frame_count(Time_us from_us, Time_us to_us, int fps, double speed);
Time_us record_frame_time(Time_us from_us, int64_t k, int fps, double speed);

// Reads --record, --from, --to, --fps and --speed into `plan` (record stays false without
// --record) and checks them with check_record_plan; the recording starts with the cursor at
// --from. An exit code, with the reason on stderr, when they are bad or ffmpeg is missing.
std::optional<int> resolve_record(const ViewerOptions& o, int width, int height, AppOptions& app,
                                  RecordPlan& plan, bool& record);

// Checks the recording's flags without a display: the file's extension, the times, the rate, the
// speed, the size (H.264 needs even sides) and that ffmpeg is on PATH. An exit code, with the
// reason on stderr, when they are bad (2) or ffmpeg is missing (kExitRecordFailed).
std::optional<int> check_record_plan(RecordPlan& plan, int width, int height);

// Plays the loaded App from the plan's start to its end, one render() per frame (it draws the App
// into the back buffer and returns the framebuffer's size), and encodes the frames into the
// plan's file with ffmpeg. The file appears only when ffmpeg succeeded. Returns the exit code.
int record(App& app, RecordPlan plan, const std::function<std::pair<int, int>()>& render);

}  // namespace ballot::viz
