// ballot-viz end to end: render shipped scenarios under Xvfb with --screenshot and check the
// picture; check the exit codes without a display and for bad input.
//
//   test_viz_screenshot MODE BALLOT_VIZ SOURCE_DIR WORK_DIR
//
// MODE is one of: screenshot, compare, diff, truncated, bad-input, damage, reveal, votes,
// many-nodes, cluster (these
// need xvfb-run), no-display. Plain main rather than Catch2: each mode is one ctest, so the Xvfb
// ones can hold a RESOURCE_LOCK.
#include <stb_image.h>  // the implementation is compiled into libstb

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/process_check.h"
#include "viz/colors.h"
#include "viz/diff_marks.h"
#include "viz/inprocess.h"

namespace {

using namespace process_check;

using ballot::viz::Rgb;

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;
  Rgb at(int x, int y) const {
    const size_t i = (static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

bool load_png(const std::string& path, Image& img) {
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &img.w, &img.h, &channels, 3);
  if (data == nullptr) return false;
  img.rgb.assign(data, data + static_cast<size_t>(img.w) * static_cast<size_t>(img.h) * 3);
  stbi_image_free(data);
  return true;
}

bool same(Rgb a, Rgb b, int tolerance = 6) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

long count_color(const Image& img, Rgb c, int tolerance = 6) {
  long n = 0;
  for (int y = 0; y < img.h; ++y)
    for (int x = 0; x < img.w; ++x) n += same(img.at(x, y), c, tolerance);
  return n;
}

bool is_band_color(Rgb p) {
  using namespace ballot::viz;
  return same(p, kFollowerColor) || same(p, kCandidateColor) || same(p, kLeaderColor) ||
         same(p, kPausedColor) || same(p, kCrashedColor, 3);
}

// Lanes: in most pixel columns of the timeline, the role bands are vertical runs of band colours
// at least kMinBandPx tall; the number of runs that occurs most often is the number of lanes.
int lanes_seen(const Image& img) {
  constexpr int kMinBandPx = 10;
  std::map<int, int> histogram;
  for (int x = img.w / 10; x < img.w * 6 / 10; x += 3) {
    int runs = 0, length = 0;
    for (int y = 0; y < img.h; ++y) {
      if (is_band_color(img.at(x, y))) {
        ++length;
      } else {
        runs += length >= kMinBandPx;
        length = 0;
      }
    }
    runs += length >= kMinBandPx;
    ++histogram[runs];
  }
  int best = 0, best_count = -1;
  for (const auto& [runs, count] : histogram)
    if (count > best_count) best = runs, best_count = count;
  return best;
}

std::string write_trace(const std::string& source_dir, const std::string& work,
                        const std::string& name) {
  const auto run = ballot::viz::run_in_process(source_dir + "/scenarios/bully-partition.json",
                                               std::string("bully"), 1, {});
  const std::string path = work + "/" + name;
  std::ofstream(path, std::ios::binary) << run.trace;
  return path;
}

void screenshot(const std::string& viz, const std::string& src, const std::string& work) {
  const std::string png = work + "/bully-partition.png";
  std::filesystem::remove(png);
  const Run r =
      run("xvfb-run -a " + quote(viz) + " " + quote(src + "/scenarios/bully-partition.json") +
          " --algo bully --seed 1 --screenshot " + quote(png) + " --size 1280x720 --at 4s");
  check(r.exit_code == 0,
        "ballot-viz --screenshot exits 0 (got " + std::to_string(r.exit_code) + ")");
  Image img;
  if (!load_png(png, img)) {
    check(false, "the screenshot " + png + " is a readable PNG");
    return;
  }
  check(img.w == 1280 && img.h == 720, "the screenshot is 1280x720 (got " + std::to_string(img.w) +
                                           "x" + std::to_string(img.h) + ")");
  const int lanes = lanes_seen(img);
  check(lanes == 5, "one lane per node: 5 lanes of role bands (saw " + std::to_string(lanes) + ")");
  const long leader = count_color(img, ballot::viz::kLeaderColor);
  check(leader > 5000, "the leader colour is present (" + std::to_string(leader) + " px)");
  const long split = count_color(img, ballot::viz::kSplitBrainColor);
  check(split > 1500,
        "the split-brain highlight colour is present (" + std::to_string(split) + " px)");
  // The same scenario and seed render the same picture.
  const std::string again = work + "/bully-partition-again.png";
  run("xvfb-run -a " + quote(viz) + " " + quote(src + "/scenarios/bully-partition.json") +
      " --algo bully --seed 1 --screenshot " + quote(again) + " --size 1280x720 --at 4s");
  Image img2;
  check(load_png(again, img2) && img2.rgb == img.rgb, "a second screenshot is identical");
}

void compare(const std::string& viz, const std::string& src, const std::string& work) {
  const std::string trace = write_trace(src, work, "bully-partition-1.jsonl");
  const std::string png = work + "/compare.png";
  const Run r = run("xvfb-run -a " + quote(viz) + " " + quote(trace) + " --compare " +
                    quote(trace) + " --screenshot " + quote(png) + " --size 1280x900 --at 4s");
  check(r.exit_code == 0, "--compare screenshot exits 0");
  Image img;
  check(load_png(png, img), "the compare screenshot is a readable PNG");
  if (img.w == 0) return;
  const int lanes = lanes_seen(img);
  check(lanes == 10, "two traces stacked: 10 lanes (saw " + std::to_string(lanes) + ")");
  const long marks = count_color(img, ballot::viz::kDiffColor);
  check(marks == 0, "identical runs: no diff marks (" + std::to_string(marks) + " px)");
}

// The column whose longest vertical run of colour c (within tolerance) is the longest, and that
// run's length.
std::pair<int, int> tallest_column(const Image& img, Rgb c, int tolerance) {
  std::pair<int, int> best{-1, 0};
  for (int x = 0; x < img.w; ++x) {
    int run = 0, longest = 0;
    for (int y = 0; y < img.h; ++y) {
      run = same(img.at(x, y), c, tolerance) ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    if (longest > best.second) best = {x, longest};
  }
  return best;
}

// Two runs of a shipped scenario that differ by one --set: the first divergence's line stands
// where the time cursor stands when put at the divergence, and reveal mode hides it before then.
void diff_marks(const std::string& viz, const std::string& src, const std::string& work) {
  using ballot::viz::kDiffColor;
  std::shared_ptr<const ballot::viz::TraceModel> models[2];
  std::string paths[2];
  const char* at[2] = {"2s", "2500ms"};
  for (int i = 0; i < 2; ++i) {
    const auto run =
        ballot::viz::run_in_process(src + "/scenarios/leader-pause.json", std::string("bully"), 1,
                                    {std::string("faults[0].at=") + at[i]});
    paths[i] = work + "/leader-pause-at-" + at[i] + ".jsonl";
    std::ofstream(paths[i], std::ios::binary) << run.trace;
    models[i] = ballot::viz::parse_trace(run.trace, run.label);
  }
  const auto marks = ballot::viz::compute_diff_marks(*models[0], *models[1]);
  check(marks->has_divergence_time(), "the two runs diverge");
  const long long t_us = marks->divergence_us();
  const std::string base = "xvfb-run -a " + quote(viz) + " " + quote(paths[0]) + " --compare " +
                           quote(paths[1]) + " --size 1280x900 --window 0s:8s --panel compare";
  auto shot = [&](const std::string& name, const std::string& extra, Image& img) {
    const std::string png = work + "/" + name + ".png";
    std::filesystem::remove(png);
    const Run r = run(base + " " + extra + " --screenshot " + quote(png));
    check(r.exit_code == 0 && load_png(png, img), name + ": a screenshot");
  };
  Image marked, cursor, hidden;
  shot("diff-marks", "--at 8s", marked);
  shot("diff-cursor", "--at " + std::to_string(t_us) + "us", cursor);
  // Reveal mode before anything differs: before the divergence, and before the first event whose
  // counterpart comes later (also ringed while the cursor is between them; docs/viz.md).
  long long same_until_us = t_us;
  for (int i = 0; i < 2; ++i) {
    const auto& late = i == 0 ? marks->loose.late_a : marks->loose.late_b;
    if (!late.empty())
      same_until_us = std::min<long long>(same_until_us, models[i]->events[late[0].event].t_us);
  }
  shot("diff-reveal", "--reveal --at " + std::to_string(same_until_us - 1000) + "us", hidden);
  Image behind;  // just after it, before the divergence: what B has not done yet is ringed
  const bool between = same_until_us + 1000 < t_us;
  if (between)
    shot("diff-reveal-behind", "--reveal --at " + std::to_string(same_until_us + 1000) + "us",
         behind);
  if (marked.w == 0 || cursor.w == 0 || hidden.w == 0) return;
  if (between && behind.w > 0)
    check(count_color(behind, kDiffColor) > 0,
          "reveal mode, the other run behind: rings before the divergence");
  const auto [line_x, line_h] = tallest_column(marked, kDiffColor, 6);
  check(line_h > 400, "a line in the diff colour across both stacks (" + std::to_string(line_h) +
                          " px tall at x " + std::to_string(line_x) + ")");
  const auto [cursor_x, cursor_h] = tallest_column(cursor, ballot::viz::kCursorColor, 30);
  check(cursor_h > 400 && std::abs(cursor_x - line_x) <= 1,
        "the divergence line stands at the cursor put at " + std::to_string(t_us) + " us (line x " +
            std::to_string(line_x) + ", cursor x " + std::to_string(cursor_x) + ")");
  // In the timeline (the left 60 % of the window; the side panel names the divergence too).
  long rings = 0;
  for (int y = 0; y < marked.h; ++y)
    for (int x = 0; x < marked.w * 6 / 10; ++x) rings += same(marked.at(x, y), kDiffColor);
  check(rings > line_h + 500, "rings mark the events without a counterpart (" +
                                  std::to_string(rings) + " px of the diff colour)");
  const long before = count_color(hidden, kDiffColor);
  check(before == 0,
        "reveal mode before anything differs: no diff marks (" + std::to_string(before) + " px)");
}

void truncated(const std::string& viz, const std::string& src, const std::string& work) {
  const std::string full = write_trace(src, work, "full.jsonl");
  std::ifstream in(full, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut_path = work + "/cut.jsonl";
  std::ofstream(cut_path, std::ios::binary)
      << text.substr(0, text.size() / 2);  // mid-line, no footer
  const std::string png = work + "/cut.png";
  const Run r = run("xvfb-run -a " + quote(viz) + " " + quote(cut_path) + " --screenshot " +
                    quote(png) + " --size 1000x600");
  check(r.exit_code == 0,
        "a truncated trace opens (exit 0, got " + std::to_string(r.exit_code) + ")");
  Image img;
  check(load_png(png, img) && count_color(img, ballot::viz::kViolationColor) > 50,
        "the truncated trace is flagged in the picture (TRUNCATED in the violation colour)");
}

void bad_input(const std::string& viz, const std::string& src, const std::string& work) {
  const std::string full = write_trace(src, work, "for-corruption.jsonl");
  std::ifstream in(full, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Corrupt line 4 (the third event).
  size_t pos = 0;
  for (int i = 0; i < 3; ++i) pos = text.find('\n', pos) + 1;
  text.insert(pos + 5, "@@");
  const std::string corrupt = work + "/corrupt.jsonl";
  std::ofstream(corrupt, std::ios::binary) << text;
  Run r = run("xvfb-run -a " + quote(viz) + " " + quote(corrupt) + " --screenshot " +
              quote(work + "/x.png"));
  check(r.exit_code == 2, "a corrupt trace exits 2 (got " + std::to_string(r.exit_code) + ")");
  check(r.output.find("ballot-viz: " + corrupt + ": line 4: expected") != std::string::npos,
        "the message names the file, the line and what was expected");

  const std::string empty = work + "/empty.jsonl";
  std::ofstream(empty, std::ios::binary) << "";
  r = run("xvfb-run -a " + quote(viz) + " " + quote(empty) + " --screenshot " +
          quote(work + "/x.png"));
  check(r.exit_code == 2 && r.output.find("line 1: expected the trace header") != std::string::npos,
        "an empty file exits 2 with line 1");

  // Without a display too: flags and scenarios are checked before the window opens.
  r = run("env -u DISPLAY -u WAYLAND_DISPLAY " + quote(viz) + " " +
          quote(src + "/scenarios/bully-partition.json") + " --algo no-such-algorithm");
  check(r.exit_code == 2 && r.output.find("no-such-algorithm") != std::string::npos,
        "an unknown algorithm exits 2 naming it");
  r = run("env -u DISPLAY " + quote(viz) + " " + quote(full) + " --size big");
  check(r.exit_code == 2 && r.output.find("--size") != std::string::npos, "a bad --size exits 2");
  r = run("env -u DISPLAY " + quote(viz) + " " + quote(work + "/no-such-file.jsonl"));
  check(r.exit_code == 2 && r.output.find("cannot open") != std::string::npos,
        "a missing file exits 2");
}

// split-brain-3-2 at 4s: under Bully the writes n3 acknowledges during the split brain are lost
// (the footer's damage), drawn in the lost-write colour; Raft loses none, so none is drawn.
void damage(const std::string& viz, const std::string& src, const std::string& work) {
  auto lost_px = [&](const std::string& algo) {
    const std::string png = work + "/damage-" + algo + ".png";
    std::filesystem::remove(png);
    const Run r =
        run("xvfb-run -a " + quote(viz) + " " + quote(src + "/scenarios/split-brain-3-2.json") +
            " --algo " + algo + " --screenshot " + quote(png) + " --size 1280x720 --at 4s");
    check(r.exit_code == 0, algo + ": ballot-viz --screenshot exits 0");
    Image img;
    check(load_png(png, img), algo + ": the screenshot is a readable PNG");
    // Op bars are filled at alpha 230 over the client lane.
    auto blend = [](unsigned char fg, unsigned char bg) {
      return static_cast<unsigned char>((fg * 230 + bg * 25 + 127) / 255);
    };
    const Rgb c = ballot::viz::kOpLostColor, lane = ballot::viz::kLaneColor;
    const Rgb fill{blend(c.r, lane.r), blend(c.g, lane.g), blend(c.b, lane.b)};
    return img.w == 0 ? -1L : count_color(img, fill);
  };
  const long bully = lost_px("bully");
  check(bully > 500,
        "bully: lost writes drawn in the lost-write colour (" + std::to_string(bully) + " px)");
  const long raft = lost_px("raft");
  check(raft == 0, "raft: no lost write, no lost-write colour (" + std::to_string(raft) + " px)");
}

// Reveal mode: with the cursor early, nothing is drawn right of it in the timeline (only the
// background and the lanes' stripes), where the same view without --reveal draws bands, arrows
// and the split brain.
void reveal(const std::string& viz, const std::string& src, const std::string& work) {
  using namespace ballot::viz;
  auto shot = [&](const std::string& name, const std::string& flags) {
    const std::string png = work + "/" + name + ".png";
    std::filesystem::remove(png);
    const Run r =
        run("xvfb-run -a " + quote(viz) + " " + quote(src + "/scenarios/bully-partition.json") +
            " --algo bully --seed 1 --screenshot " + quote(png) +
            " --size 1280x720 --no-side-panel --at 2.5s" + flags);
    check(r.exit_code == 0, name + ": ballot-viz --screenshot exits 0");
    Image img;
    check(load_png(png, img) && img.w == 1280 && img.h == 720, name + ": a 1280x720 PNG");
    return img;
  };
  const Image plain = shot("reveal-off", ""), revealed = shot("reveal-on", " --reveal");
  if (plain.w != 1280 || revealed.w != 1280) return;
  // The timeline between the ruler and the legend.
  const int y0 = plain.h * 17 / 100, y1 = plain.h * 86 / 100;
  // The cursor: the column with the most cursor-white pixels there.
  int cursor_x = -1, best = 0;
  for (int x = revealed.w / 10; x < revealed.w * 9 / 10; ++x) {  // right of the lane labels
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      const Rgb p = revealed.at(x, y);  // drawn at alpha 230: near white
      n += p.r > 220 && p.g > 220 && p.b > 220;
    }
    if (n > best) best = n, cursor_x = x;
  }
  check(cursor_x > revealed.w / 10 && cursor_x < revealed.w / 2,
        "the cursor line is found early in the run (x " + std::to_string(cursor_x) + ")");
  if (cursor_x < 0) return;
  auto drawn_right_of_cursor = [&](const Image& img) {
    long n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = cursor_x + 8; x < img.w - 12; ++x) {  // marks at the cursor are 2x6 px wide
        const Rgb p = img.at(x, y);
        n += !(same(p, kBackgroundColor, 3) || same(p, kLaneColor, 3) ||
               same(p, kLaneAltColor, 3) || same(p, kStripColor, 3));
      }
    return n;
  };
  const long off = drawn_right_of_cursor(plain), on = drawn_right_of_cursor(revealed);
  check(off > 20000,
        "without --reveal the run after the cursor is drawn (" + std::to_string(off) + " px)");
  check(on == 0, "with --reveal nothing after the cursor is drawn (" + std::to_string(on) + " px)");

  // A truncated trace: the toolbar's red TRUNCATED badge is the future too, shown only once the
  // cursor reaches the cut.
  const std::string full = write_trace(src, work, "reveal-full.jsonl");
  std::ifstream in(full, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = work + "/reveal-truncated.jsonl";
  std::ofstream(cut, std::ios::binary) << text.substr(0, text.size() / 2);
  auto badge_px = [&](const std::string& name, const std::string& flags) {
    const std::string png = work + "/" + name + ".png";
    std::filesystem::remove(png);
    const Run r = run("xvfb-run -a " + quote(viz) + " " + quote(cut) + " --screenshot " +
                      quote(png) + " --size 1280x720 --no-side-panel" + flags);
    check(r.exit_code == 0, name + ": ballot-viz --screenshot exits 0");
    Image img;
    if (!load_png(png, img)) return -1L;
    long n = 0;  // the toolbar: the top rows
    for (int y = 0; y < img.h * 6 / 100; ++y)
      for (int x = 0; x < img.w; ++x) n += same(img.at(x, y), kViolationColor);
    return n;
  };
  const long plain_badge = badge_px("truncated-plain", " --at 1s");
  const long early = badge_px("truncated-reveal-early", " --at 1s --reveal");
  const long at_cut = badge_px("truncated-reveal-end", " --at 1000s --reveal");
  check(plain_badge > 50, "without --reveal the toolbar says TRUNCATED in red (" +
                              std::to_string(plain_badge) + " px)");
  check(early == 0, "with --reveal before the cut the toolbar has no TRUNCATED badge (" +
                        std::to_string(early) + " px)");
  check(at_cut > 50,
        "with --reveal at the cut the badge appears (" + std::to_string(at_cut) + " px)");
}

// Votes: raft-partition-leader-minority around n3's election in term 2: n4's and n5's granted
// replies carry a green disc; with heartbeats hidden nothing else is drawn in that colour.
void votes(const std::string& viz, const std::string& src, const std::string& work) {
  const std::string png = work + "/votes.png";
  std::filesystem::remove(png);
  const Run r =
      run("xvfb-run -a " + quote(viz) + " " +
          quote(src + "/scenarios/raft-partition-leader-minority.json") + " --screenshot " +
          quote(png) + " --size 1280x720 --window 0.95s:1.35s --at 1.3s --hide-heartbeats");
  check(r.exit_code == 0, "votes: ballot-viz --screenshot exits 0");
  Image img;
  check(load_png(png, img), "votes: the screenshot is a readable PNG");
  const long granted = img.w == 0 ? -1 : count_color(img, ballot::viz::kVoteGrantedColor, 3);
  check(granted > 20, "granted votes are marked on their arrows (" + std::to_string(granted) +
                          " px of the granted colour)");
}

// Cluster view: raft-partition-leader-minority at 0.5 s, n1 leading term 1. With --cluster the
// right part of the window is the cluster view, where the leader is a disc (its pixels' bounding
// box about square); without it the same part holds the timeline, where the leaders are long bands.
void cluster(const std::string& viz, const std::string& src, const std::string& work) {
  struct Box {
    int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
    long pixels = 0;
  };
  auto leader_box = [&](const std::string& name, const std::string& flags) {
    const std::string png = work + "/" + name + ".png";
    std::filesystem::remove(png);
    const Run r =
        run("xvfb-run -a " + quote(viz) + " " +
            quote(src + "/scenarios/raft-partition-leader-minority.json") + " --screenshot " +
            quote(png) + " --size 1280x720 --at 0.5s --no-side-panel" + flags);
    check(r.exit_code == 0, name + ": ballot-viz --screenshot exits 0");
    Image img;
    check(load_png(png, img), name + ": the screenshot is a readable PNG");
    Box b;
    for (int y = 0; y < img.h; ++y)
      for (int x = img.w * 6 / 10; x < img.w; ++x)  // right of where the timeline ends
        if (same(img.at(x, y), ballot::viz::kLeaderColor, 3)) {
          ++b.pixels;
          b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x);
          b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y);
        }
    return b;
  };
  const Box on = leader_box("cluster-on", " --cluster"), off = leader_box("cluster-off", "");
  const int on_w = on.x1 - on.x0 + 1, on_h = on.y1 - on.y0 + 1;
  check(on.pixels > 300, "with --cluster the leader is drawn in the leader colour at the right (" +
                             std::to_string(on.pixels) + " px)");
  check(on_w > 0 && on_h > 0 && on_w * 10 <= on_h * 13 && on_h * 10 <= on_w * 13,
        "as a disc: its bounding box is about square (" + std::to_string(on_w) + "x" +
            std::to_string(on_h) + ")");
  check(on.pixels * 10 >= static_cast<long>(on_w) * on_h * 6,
        "and filled (" + std::to_string(on.pixels) + " of " + std::to_string(on_w * on_h) + " px)");
  const int off_w = off.x1 - off.x0 + 1, off_h = off.y1 - off.y0 + 1;
  check(off.pixels > 0 && off_w > 3 * on_w,
        "without --cluster the timeline's leader bands are there instead, far wider than a disc (" +
            std::to_string(off_w) + "x" + std::to_string(off_h) + ")");
}

void no_display(const std::string& viz, const std::string& src) {
  const Run r = run("env -u DISPLAY -u WAYLAND_DISPLAY " + quote(viz) + " " +
                    quote(src + "/scenarios/bully-partition.json") + " --algo bully --seed 1");
  check(r.exit_code == 1,
        "without a display ballot-viz exits 1 (got " + std::to_string(r.exit_code) + ")");
  check(r.output.find("needs a display") != std::string::npos, "and says a display is needed");
  check(r.output.find("xvfb-run") != std::string::npos, "and how to run it headless (xvfb-run)");
}

// 200 Raft nodes at 1600x900 (docs/viz.md#many-nodes): the leader (n156, far beyond the lanes
// that fit) has its lane, pinned at the top; an aggregated lane stands for the nodes without a
// lane; no lane reaches into the legend's strip at the bottom. Then --nodes: bad specs and nodes
// outside the cluster exit 2 naming the flag.
void many_nodes(const std::string& viz, const std::string& work) {
  const std::string scenario = work + "/raft-200.json";
  std::ofstream(scenario) << R"({"name": "raft-200", "nodes": 200, "algorithm": "raft",
    "seed": 1, "duration": "1s",
    "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "5ms"}},
    "params": {"raft": {"election_timeout_min": "300ms", "election_timeout_max": "3s"}}})";
  const auto result = ballot::viz::run_in_process(scenario, std::string("raft"), 1, {});
  const std::string trace = work + "/raft-200.jsonl";
  std::ofstream(trace, std::ios::binary) << result.trace;
  const size_t at = result.trace.find("\"role\":\"leader\"");
  const size_t n_at = result.trace.rfind("\"n\":", at);
  const int leader =
      at == std::string::npos || n_at == std::string::npos ? 0 : std::atoi(&result.trace[n_at + 4]);
  check(leader > 40, "the leader is a node far down the list (n" + std::to_string(leader) + ")");
  const std::string png = work + "/raft-200.png";
  std::filesystem::remove(png);
  const Run r = run("xvfb-run -a -s '-screen 0 1920x1080x24' " + quote(viz) + " " + quote(trace) +
                    " --screenshot " + quote(png) + " --size 1600x900 --at 800ms");
  check(r.exit_code == 0, "the 200-node screenshot exits 0");
  Image img;
  if (!load_png(png, img)) {
    check(false, "the screenshot " + png + " is a readable PNG");
    return;
  }
  const long leader_px = count_color(img, ballot::viz::kLeaderColor);
  check(leader_px > 4000, "the leader's lane is shown (" + std::to_string(leader_px) + " px)");
  const long more_px = count_color(img, ballot::viz::kAggregateColor, 3);
  check(more_px > 4000, "the aggregated lane is shown (" + std::to_string(more_px) + " px)");
  const int lanes = lanes_seen(img);
  check(lanes > 15 && lanes < 40, "a screenful of lanes (saw " + std::to_string(lanes) + ")");
  // Rows across the plot (left of the side panel): a lane's band fills most of a row with band
  // colours; a legend row has only its swatches (narrow). Every lane row lies above the legend's
  // first swatch row: the legend covers no lane.
  int lowest_lane_row = -1, top_legend_row = img.h;
  for (int y = 0; y < img.h; ++y) {
    int band_px = 0;
    for (int x = img.w / 10; x < img.w / 2; ++x)
      band_px += is_band_color(img.at(x, y)) || same(img.at(x, y), ballot::viz::kAggregateColor, 3);
    if (band_px > img.w / 5) lowest_lane_row = y;
    if (band_px > 3 && band_px < img.w / 20 && y > img.h * 3 / 4)
      top_legend_row = std::min(top_legend_row, y);
  }
  check(top_legend_row < img.h && lowest_lane_row > img.h / 2,
        "lanes and legend found (lowest lane row " + std::to_string(lowest_lane_row) +
            ", legend from row " + std::to_string(top_legend_row) + ")");
  check(lowest_lane_row < top_legend_row, "no lane under the legend");

  // --nodes: bad syntax exits 2 before any window; a node outside the cluster once it is loaded.
  Run bad = run("env -u DISPLAY " + quote(viz) + " " + quote(trace) + " --nodes x3");
  check(bad.exit_code == 2 && bad.output.find("--nodes") != std::string::npos &&
            bad.output.find("'x3'") != std::string::npos,
        "a bad --nodes exits 2 naming the flag and the part");
  bad = run("xvfb-run -a " + quote(viz) + " " + quote(trace) + " --nodes n1-n300 --screenshot " +
            quote(work + "/x.png"));
  check(bad.exit_code == 2 &&
            bad.output.find("--nodes: n201 is not in the cluster") != std::string::npos,
        "--nodes beyond the cluster exits 2 naming the flag and the node");
  const std::string only = work + "/raft-200-nodes.png";
  const Run ok = run("xvfb-run -a " + quote(viz) + " " + quote(trace) +
                     " --nodes n1-n5 --screenshot " + quote(only) + " --size 1280x720");
  Image img2;
  check(ok.exit_code == 0 && load_png(only, img2) && lanes_seen(img2) == 6,
        "--nodes n1-n5: five lanes and the leader's");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: test_viz_screenshot MODE BALLOT_VIZ SOURCE_DIR WORK_DIR\n");
    return 2;
  }
  const std::string mode = argv[1], viz = argv[2], src = argv[3], work = argv[4];
  std::filesystem::create_directories(work);
  if (mode == "screenshot")
    screenshot(viz, src, work);
  else if (mode == "compare")
    compare(viz, src, work);
  else if (mode == "diff")
    diff_marks(viz, src, work);
  else if (mode == "truncated")
    truncated(viz, src, work);
  else if (mode == "bad-input")
    bad_input(viz, src, work);
  else if (mode == "damage")
    damage(viz, src, work);
  else if (mode == "reveal")
    reveal(viz, src, work);
  else if (mode == "votes")
    votes(viz, src, work);
  else if (mode == "many-nodes")
    many_nodes(viz, work);
  else if (mode == "cluster")
    cluster(viz, src, work);
  else if (mode == "no-display")
    no_display(viz, src);
  else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  std::printf("%s: %d failure(s)\n", mode.c_str(), g_failures);
  return g_failures == 0 ? 0 : 1;
}
