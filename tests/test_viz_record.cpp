// ballot-viz --record end to end (docs/viz.md#recording-a-video):
//
//   test_viz_record MODE BALLOT_VIZ SOURCE_DIR WORK_DIR
//
// MODE record (under xvfb-run, with ffmpeg and ffprobe): an MP4 and a GIF of a shipped scenario
// have the frames, the size and the rate asked for (ffprobe -count_frames decodes every frame);
// a frame is what --screenshot draws at its cursor (with --reveal: only the run up to it);
// a failing ffmpeg's messages are shown, the exit code is 3 and no file is left behind.
// MODE errors (no display needed): bad flags exit 2 naming the flag; without ffmpeg on PATH it
// exits 3 and says to install the Debian package.
// Plain main rather than Catch2: each mode is one ctest, so the Xvfb one can hold a RESOURCE_LOCK.
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "tests/process_check.h"

namespace {

using namespace process_check;

// The first video stream as ffprobe reports it, every frame decoded and counted.
std::map<std::string, std::string> probe(const std::string& file) {
  const Run r =
      run("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
          "stream=codec_name,nb_read_frames,width,height,r_frame_rate,pix_fmt "
          "-of default=noprint_wrappers=1 " +
          quote(file));
  std::map<std::string, std::string> fields;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line))
    if (const size_t eq = line.find('='); eq != std::string::npos)
      fields[line.substr(0, eq)] = line.substr(eq + 1);
  return fields;
}

// The documented frame count: floor((to - from) * fps / speed) + 1, times in seconds.
long expected_frames(double from_s, double to_s, int fps, double speed) {
  return static_cast<long>(std::floor((to_s - from_s) * fps / speed + 1e-9)) + 1;
}

// Frame k of a video as raw RGB bytes (decoded by ffmpeg), or "" when it cannot be read.
std::string raw_frame(const std::string& video, int k, const std::string& name) {
  const std::string out = std::filesystem::path(video).parent_path().string() + "/" + name;
  std::filesystem::remove(out);
  run("ffmpeg -v error -y -i " + quote(video) + " -vf 'select=eq(n\\," + std::to_string(k) +
      ")' -frames:v 1 -f rawvideo -pix_fmt rgb24 " + quote(out));
  std::ifstream in(out, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A --screenshot of bully-partition with `flags`, as raw RGB bytes.
std::string screenshot_rgb(const std::string& viz, const std::string& src, const std::string& work,
                           const std::string& name, const std::string& flags) {
  const std::string png = work + "/" + name + ".png";
  std::filesystem::remove(png);
  run("xvfb-run -a " + quote(viz) + " " + quote(src + "/scenarios/bully-partition.json") +
      " --algo bully --seed 1 --screenshot " + quote(png) + flags);
  return raw_frame(png, 0, name + ".rgb");
}

// How many pixels of two RGB images differ by more than a little in some channel; -1 when they
// are not the same size (or empty).
long pixels_apart(const std::string& a, const std::string& b) {
  if (a.empty() || a.size() != b.size()) return -1;
  long n = 0;
  for (size_t i = 0; i + 2 < a.size(); i += 3) {
    int most = 0;
    for (size_t c = 0; c < 3; ++c)
      most = std::max(most, std::abs(static_cast<unsigned char>(a[i + c]) -
                                     static_cast<unsigned char>(b[i + c])));
    n += most > 24;
  }
  return n;
}

Run record_one(const std::string& viz, const std::string& src, const std::string& work,
               const std::string& name, double from_s, double to_s, int fps, double speed, int w,
               int h, const std::string& extra) {
  const std::string file = work + "/" + name;
  std::filesystem::remove(file);
  char flags[256];
  std::snprintf(flags, sizeof flags, " --from %gs --to %gs --fps %d --speed %g --size %dx%d",
                from_s, to_s, fps, speed, w, h);
  const Run r =
      run("xvfb-run -a " + quote(viz) + " " + quote(src + "/scenarios/bully-partition.json") +
          " --algo bully --seed 1" + " --record " + quote(file) + flags + extra);
  check(r.exit_code == 0,
        name + ": ballot-viz --record exits 0 (got " + std::to_string(r.exit_code) + ")");
  check(std::filesystem::exists(file) && !std::filesystem::exists(file + ".part"),
        name + ": the file is there, and no .part left");
  auto p = probe(file);
  const long frames = expected_frames(from_s, to_s, fps, speed);
  check(p["nb_read_frames"] == std::to_string(frames), name + ": " + std::to_string(frames) +
                                                           " frames (ffprobe counted " +
                                                           p["nb_read_frames"] + ")");
  check(p["width"] == std::to_string(w) && p["height"] == std::to_string(h),
        name + ": " + std::to_string(w) + "x" + std::to_string(h) + " (got " + p["width"] + "x" +
            p["height"] + ")");
  check(p["r_frame_rate"] == std::to_string(fps) + "/1",
        name + ": " + std::to_string(fps) + " fps (got " + p["r_frame_rate"] + ")");
  if (name.size() > 4 && name.substr(name.size() - 4) == ".mp4")
    check(p["pix_fmt"] == "yuv420p",
          name + ": yuv420p, which every player shows (got " + p["pix_fmt"] + ")");
  else
    check(p["codec_name"] == "gif", name + ": a GIF (got " + p["codec_name"] + ")");
  return r;
}

void record(const std::string& viz, const std::string& src, const std::string& work) {
  // 0.5 s of the run at a quarter of real time: 2 s of video at 10 fps.
  record_one(viz, src, work, "partition.mp4", 2.0, 2.5, 10, 0.25, 640, 360, "");
  // A GIF in reveal mode, with a step that does not divide the span; 64 frames, which is long
  // enough for progress on stderr.
  const Run gif =
      record_one(viz, src, work, "partition.gif", 1.0, 1.63, 20, 0.2, 480, 300, " --reveal");
  check(contains(gif.output, "100% (64 of 64 frames)"), "partition.gif: progress on stderr");
  // Its last frame (cursor at 1.63s) is what --screenshot draws there with --reveal, and not
  // what it draws without (the run after the cursor). The GIF's palette may shift a few pixels.
  const std::string last = raw_frame(work + "/partition.gif", 63, "last.rgb");
  const std::string revealed =
      screenshot_rgb(viz, src, work, "reveal-1.63s", " --reveal --at 1.63s --size 480x300");
  const std::string plain =
      screenshot_rgb(viz, src, work, "plain-1.63s", " --at 1.63s --size 480x300");
  const long pixels = 480 * 300, off_reveal = pixels_apart(last, revealed),
             off_plain = pixels_apart(last, plain);
  check(off_reveal >= 0 && off_reveal < pixels / 200,
        "partition.gif: the last frame is --screenshot --reveal at its cursor (" +
            std::to_string(off_reveal) + " px differ)");
  check(off_plain > pixels / 20, "partition.gif: and not the screenshot without --reveal (" +
                                     std::to_string(off_plain) + " px differ)");

  // A failing ffmpeg (a stand-in earlier on PATH): its messages, exit 3, no file.
  const std::string fake_dir = work + "/failing-ffmpeg";
  std::filesystem::create_directories(fake_dir);
  const std::string fake = fake_dir + "/ffmpeg";
  std::ofstream(fake) << "#!/bin/sh\n"
                         "echo 'failing ffmpeg: first line' >&2\n"
                         "echo 'Could not write header for output file: No space left' >&2\n"
                         "exit 1\n";
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  const std::string file = work + "/failed.mp4";
  std::filesystem::remove(file);
  const Run r = run("PATH=" + quote(fake_dir) + ":\"$PATH\" xvfb-run -a " + quote(viz) + " " +
                    quote(src + "/scenarios/bully-partition.json") + " --record " + quote(file) +
                    " --from 2s --to 2.2s --size 640x360");
  check(r.exit_code == 3, "a failing ffmpeg: exit 3 (got " + std::to_string(r.exit_code) + ")");
  check(contains(r.output, "ffmpeg failed (exit status 1)") && contains(r.output, "No space left"),
        "a failing ffmpeg: its status and its messages are shown");
  check(!std::filesystem::exists(file) && !std::filesystem::exists(file + ".part"),
        "a failing ffmpeg: no video file and no .part left behind");
}

void errors(const std::string& viz, const std::string& src, const std::string& work) {
  const std::string base = "env -u DISPLAY -u WAYLAND_DISPLAY " + quote(viz) + " " +
                           quote(src + "/scenarios/bully-partition.json");
  const std::string mp4 = " --record " + quote(work + "/x.mp4");
  struct Case {
    std::string flags, flag, what;
  };
  const Case cases[] = {
      {" --record " + quote(work + "/x.avi"), "--record", "an unknown extension"},
      {mp4 + " --from soon", "--from", "a time that does not parse"},
      {mp4 + " --to=-1s", "--to", "a negative time"},
      {mp4 + " --from 3s --to 2s", "--to", "--to before --from"},
      {mp4 + " --from 2s --to 2s", "--to", "--to equal to --from"},
      {mp4 + " --fps 0", "--fps", "no frames per second"},
      {mp4 + " --fps 500", "--fps", "too many frames per second"},
      {mp4 + " --fps ten", "--fps", "a rate that does not parse"},
      {" --record " + quote(work + "/x.gif") + " --fps 30", "--fps",
       "a GIF rate that is not whole hundredths of a second"},
      {mp4 + " --speed 0", "--speed", "a speed of 0"},
      {mp4 + " --speed fast", "--speed", "a speed that does not parse"},
      {mp4 + " --size 641x360", "--size", "an odd width for H.264"},
      {mp4 + " --at 2s", "--at", "--at with --record"},
      {" --from 1s", "--from", "--from without --record"},
      {" --speed 1", "--speed", "--speed without --record"},
      {mp4 + " --to 100000s --speed 0.001", "--to", "more frames than the limit"},
      {" --record " + quote(work + "/no-such-dir/x.mp4"), "--record", "a missing directory"},
  };
  for (const Case& c : cases) {
    const Run r = run(base + c.flags);
    check(r.exit_code == 2 && contains(r.output, "ballot-viz: " + c.flag),
          c.what + ": exit 2 naming " + c.flag + " (got " + std::to_string(r.exit_code) + ")");
  }
  check(!std::filesystem::exists(work + "/x.mp4"), "no file is written for bad flags");

  // PATH without ffmpeg (a directory with nothing in it).
  const std::string empty_dir = work + "/empty-path";
  std::filesystem::create_directories(empty_dir);
  const Run r = run("env -u DISPLAY -u WAYLAND_DISPLAY PATH=" + quote(empty_dir) + " " +
                    quote(viz) + " " + quote(src + "/scenarios/bully-partition.json") + mp4);
  check(r.exit_code == 3,
        "without ffmpeg on PATH: exit 3 (got " + std::to_string(r.exit_code) + ")");
  check(contains(r.output, "needs ffmpeg, which is not on PATH") &&
            contains(r.output, "Debian package ffmpeg"),
        "without ffmpeg on PATH: says to install the Debian package ffmpeg");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: test_viz_record MODE BALLOT_VIZ SOURCE_DIR WORK_DIR\n");
    return 2;
  }
  const std::string mode = argv[1], viz = argv[2], src = argv[3], work = argv[4];
  std::filesystem::create_directories(work);
  if (mode == "record")
    record(viz, src, work);
  else if (mode == "errors")
    errors(viz, src, work);
  else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  std::printf("%s: %d failure(s)\n", mode.c_str(), g_failures);
  return g_failures == 0 ? 0 : 1;
}
