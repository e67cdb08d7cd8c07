#include "viz/record.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "viz/screenshot.h"
#include "viz/trace_query.h"
#include "viz/viewer_options.h"

extern char** environ;

namespace ballot::viz {

namespace {

constexpr int kMaxMp4Fps = 120;
constexpr double kMaxSpeed = 1000;
constexpr int64_t kProgressFromFrames = 60;  // shorter recordings print no progress
constexpr size_t kStderrTailChars = 2000;

int bad_flag(const std::string& message) {
  std::fprintf(stderr, "ballot-viz: %s\n", message.c_str());
  return kExitBadInput;
}

bool ends_with_ci(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

// The program's path when an executable file of that name is in a directory of PATH, else "".
std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string dirs = path;
  size_t begin = 0;
  while (begin <= dirs.size()) {
    size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(begin, end - begin);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    begin = end + 1;
  }
  return "";
}

std::string time_text(Time_us t) {
  return format_time(t);
}

// The last lines of a text, at most kStderrTailChars.
std::string tail(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  if (t.size() <= kStderrTailChars) return t;
  size_t from = t.size() - kStderrTailChars;
  const size_t nl = t.find('\n', from);
  if (nl != std::string::npos && nl + 1 < t.size()) from = nl + 1;
  return "...\n" + t.substr(from);
}

std::vector<char*> c_args(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (std::string& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// Runs `args` (args[0] a path) and returns what it wrote on stdout, or nullopt when it could not
// be started or did not exit 0.
std::optional<std::string> capture(std::vector<std::string> args) {
  int out[2];
  if (::pipe(out) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addclose(&actions, out[1]);
  pid_t pid = -1;
  std::vector<char*> argv = c_args(args);
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  std::string text;
  if (rc == 0) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0) text.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  if (rc != 0) return std::nullopt;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return text;
}

// ffmpeg reading raw RGB frames on its stdin and writing the video to `out`; its stderr goes to
// a temporary file, shown when it fails.
class Ffmpeg {
 public:
  ~Ffmpeg() {
    if (pid_ > 0) {
      if (in_ >= 0) ::close(in_);
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (!log_path_.empty()) std::filesystem::remove(log_path_);
  }

  bool start(const RecordPlan& plan, int width, int height, const std::string& out,
             std::string& error) {
    std::string log_template =
        (std::filesystem::temp_directory_path() / "ballot-viz-ffmpeg-XXXXXX").string();
    const int log_fd = ::mkstemp(log_template.data());
    if (log_fd < 0) {
      error = "cannot create a temporary file for ffmpeg's messages: " +
              std::string(std::strerror(errno));
      return false;
    }
    log_path_ = log_template;
    std::vector<std::string> args = {plan.ffmpeg,
                                     "-hide_banner",
                                     "-loglevel",
                                     "error",
                                     "-y",
                                     "-f",
                                     "rawvideo",
                                     "-pix_fmt",
                                     "rgb24",
                                     "-video_size",
                                     std::to_string(width) + "x" + std::to_string(height),
                                     "-framerate",
                                     std::to_string(plan.fps),
                                     "-i",
                                     "pipe:0"};
    if (plan.gif) {
      // One palette per frame, made from that frame (stats_mode=single, new=1): streams, where a
      // palette for the whole video would hold every frame in memory until the end. The
      // viewer's flat colours fit in 256 per frame, so no dithering.
      args.insert(args.end(), {"-filter_complex",
                               "[0:v]split[a][b];[a]palettegen=stats_mode=single[p];"
                               "[b][p]paletteuse=new=1:dither=none",
                               "-loop", "0", "-f", "gif", out});
    } else {
      const bool x264 = has_encoder(plan.ffmpeg, "libx264");
      if (x264)
        args.insert(args.end(), {"-c:v", "libx264", "-crf", "18", "-tune", "animation"});
      else
        args.insert(args.end(), {"-c:v", "mpeg4", "-q:v", "2"});
      args.insert(args.end(), {"-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", out});
    }
    int in[2];
    if (::pipe(in) != 0) {
      ::close(log_fd);
      error = "cannot make a pipe to ffmpeg: " + std::string(std::strerror(errno));
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
    posix_spawn_file_actions_addclose(&actions, in[0]);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, log_fd);
    std::vector<char*> argv = c_args(args);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(log_fd);
    if (rc != 0) {
      pid_ = -1;
      ::close(in[1]);
      error = "cannot start " + plan.ffmpeg + ": " + std::strerror(rc);
      return false;
    }
    in_ = in[1];
    return true;
  }

  // False when ffmpeg stopped reading (it failed; finish() says why).
  bool write(const std::vector<unsigned char>& rgb) {
    size_t done = 0;
    while (done < rgb.size()) {
      const ssize_t n = ::write(in_, rgb.data() + done, rgb.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // Ends the input and waits: true when ffmpeg exited 0, else `error` has its status and the
  // tail of what it wrote on stderr.
  bool finish(std::string& error) {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    std::ifstream log(log_path_, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    error = "ffmpeg failed (" +
            (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                               : "killed by signal " + std::to_string(WTERMSIG(status))) +
            ")" + (text.empty() ? std::string(", with no message") : ":\n" + tail(text));
    return false;
  }

 private:
  static bool has_encoder(const std::string& ffmpeg, const std::string& name) {
    const auto list = capture({ffmpeg, "-hide_banner", "-encoders"});
    return list && list->find(" " + name + " ") != std::string::npos;
  }

  pid_t pid_ = -1;
  int in_ = -1;
  std::string log_path_;
};

}  // namespace

int64_t record_frame_count(Time_us from_us, Time_us to_us, int fps, double speed) {
  if (to_us < from_us || fps <= 0 || !(speed > 0)) return 0;
  // Frames per microsecond of run time is fps / (speed * 1e6); a hair of slack so that exact
  // multiples (0.5 s at 10 fps and speed 0.25: 20 steps) are not lost to rounding.
  const long double steps = static_cast<long double>(to_us - from_us) * fps / (speed * 1e6L);
  return static_cast<int64_t>(std::floor(steps + 1e-9L)) + 1;
}

Time_us record_frame_time(Time_us from_us, int64_t k, int fps, double speed) {
  return from_us +
         static_cast<Time_us>(std::llround(static_cast<long double>(k) * speed * 1e6L / fps));
}

std::optional<int> check_record_plan(RecordPlan& plan, int width, int height) {
  if (ends_with_ci(plan.path, ".gif"))
    plan.gif = true;
  else if (!ends_with_ci(plan.path, ".mp4"))
    return bad_flag("--record: expected a file ending in .mp4 or .gif, got '" + plan.path + "'");
  const std::filesystem::path dir = std::filesystem::path(plan.path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    return bad_flag("--record: the directory " + dir.string() + " does not exist");
  if (plan.gif) {
    static const int kGifRates[] = {1, 2, 4, 5, 10, 20, 25, 50};
    if (std::find(std::begin(kGifRates), std::end(kGifRates), plan.fps) == std::end(kGifRates))
      return bad_flag(
          "--fps: a GIF's frame delays are whole hundredths of a second, so expected 1, 2, 4, 5, "
          "10, 20, 25 or 50, got " +
          std::to_string(plan.fps));
  } else if (plan.fps < 1 || plan.fps > kMaxMp4Fps) {
    return bad_flag("--fps: expected 1 to " + std::to_string(kMaxMp4Fps) +
                    " frames per second, got " + std::to_string(plan.fps));
  }
  if (!plan.gif && (width % 2 != 0 || height % 2 != 0))
    return bad_flag("--size: an MP4 (H.264, yuv420p) needs an even width and height, got " +
                    std::to_string(width) + "x" + std::to_string(height));
  if (plan.to_us && *plan.to_us <= plan.from_us)
    return bad_flag("--to: expected a time after --from (" + time_text(plan.from_us) + "), got " +
                    time_text(*plan.to_us));
  if (plan.to_us) {
    const int64_t frames = record_frame_count(plan.from_us, *plan.to_us, plan.fps, plan.speed);
    if (frames > kMaxRecordFrames)
      return bad_flag("--to: " + std::to_string(frames) + " frames from " +
                      time_text(plan.from_us) + " to " + time_text(*plan.to_us) +
                      " at this --fps and --speed; at most " + std::to_string(kMaxRecordFrames));
  }
  plan.ffmpeg = find_on_path("ffmpeg");
  if (plan.ffmpeg.empty()) {
    std::fprintf(stderr,
                 "ballot-viz: --record needs ffmpeg, which is not on PATH. Install the Debian "
                 "package ffmpeg (sudo apt-get install ffmpeg).\n");
    return kExitRecordFailed;
  }
  return std::nullopt;
}

std::optional<int> resolve_record(const ViewerOptions& o, int width, int height, AppOptions& app,
                                  RecordPlan& plan, bool& record) {
  record = !o.record.empty();
  if (!record) {
    const std::pair<const char*, const std::string*> flags[] = {{"--from", &o.record_from},
                                                                {"--to", &o.record_to},
                                                                {"--fps", &o.record_fps},
                                                                {"--speed", &o.record_speed}};
    for (const auto& [flag, value] : flags)
      if (!value->empty())
        return bad_flag(std::string(flag) +
                        ": goes with --record FILE.mp4|FILE.gif (as do --from, --to, --fps and "
                        "--speed)");
    return std::nullopt;
  }
  if (!o.screenshot.empty()) return bad_flag("--record and --screenshot: give one of them");
  if (o.benchmark_frames > 0) return bad_flag("--record and --benchmark-frames: give one of them");
  if (!o.at.empty()) return bad_flag("--at: a recording starts at --from; give that instead");
  plan.path = o.record;
  auto time_flag = [](const char* flag, const std::string& text, Time_us& out) {
    const auto t = parse_time(text);
    if (!t || *t < 0) {
      bad_flag(std::string(flag) + ": expected a time like 2s, 250ms or 37us, got '" + text + "'");
      return false;
    }
    out = *t;
    return true;
  };
  if (!o.record_from.empty() && !time_flag("--from", o.record_from, plan.from_us))
    return kExitBadInput;
  if (!o.record_to.empty()) {
    Time_us to = 0;
    if (!time_flag("--to", o.record_to, to)) return kExitBadInput;
    plan.to_us = to;
  }
  if (!o.record_fps.empty()) {
    char* end = nullptr;
    const long fps = std::strtol(o.record_fps.c_str(), &end, 10);
    if (end == o.record_fps.c_str() || *end != '\0' || fps < 1 || fps > 1000)
      return bad_flag("--fps: expected a whole number of frames per second like 30, got '" +
                      o.record_fps + "'");
    plan.fps = static_cast<int>(fps);
  }
  if (!o.record_speed.empty()) {
    char* end = nullptr;
    const double speed = std::strtod(o.record_speed.c_str(), &end);
    if (end == o.record_speed.c_str() || *end != '\0' || !std::isfinite(speed) || speed <= 0 ||
        speed > kMaxSpeed)
      return bad_flag(
          "--speed: expected the run time per second of video, more than 0 and at most 1000, "
          "like 0.1 or 1, got '" +
          o.record_speed + "'");
    plan.speed = speed;
  }
  if (const auto code = check_record_plan(plan, width, height)) return code;
  app.cursor_us = plan.from_us;
  return std::nullopt;
}

int record(App& app, RecordPlan plan, const std::function<std::pair<int, int>()>& render) {
  Time_us end = 0;
  for (const TraceModel* m : app.models()) end = std::max(end, m->end_us);
  const Time_us to = plan.to_us ? *plan.to_us : end;
  if (to <= plan.from_us)
    return bad_flag("--from: expected a time before the end of the run (" + time_text(end) +
                    "), got " + time_text(plan.from_us));
  const int64_t frames = record_frame_count(plan.from_us, to, plan.fps, plan.speed);
  if (frames > kMaxRecordFrames)
    return bad_flag("--to: " + std::to_string(frames) + " frames from " + time_text(plan.from_us) +
                    " to " + time_text(to) + " at this --fps and --speed; at most " +
                    std::to_string(kMaxRecordFrames));

  // ffmpeg writes next to the file, which appears (renamed) only once ffmpeg succeeded.
  const std::string part = plan.path + ".part";
  std::signal(SIGPIPE, SIG_IGN);  // a failed ffmpeg is seen as a failed write
  Ffmpeg ffmpeg;
  std::vector<unsigned char> rgb;
  std::string error;
  int width = 0, height = 0;
  bool started = false, fed = true;
  int64_t reported = 0;
  for (int64_t k = 0; k < frames && fed; ++k) {
    app.seek_playing(record_frame_time(plan.from_us, k, plan.fps, plan.speed));
    const auto [w, h] = render();
    if (!read_back_buffer(w, h, rgb, error)) break;
    if (!started) {
      width = w, height = h;
      if (!ffmpeg.start(plan, width, height, part, error)) break;
      started = true;
    }
    if (w != width || h != height) {
      error = "the framebuffer changed size while recording";
      break;
    }
    fed = ffmpeg.write(rgb);
    const int64_t percent = (k + 1) * 100 / frames;
    if (frames >= kProgressFromFrames && percent / 10 > reported / 10) {
      std::fprintf(stderr, "ballot-viz: recording %s: %3lld%% (%lld of %lld frames)\n",
                   plan.path.c_str(), static_cast<long long>(percent),
                   static_cast<long long>(k + 1), static_cast<long long>(frames));
      reported = percent;
    }
  }
  bool encoded = started && error.empty();
  if (started) {
    std::string failure;
    if (!ffmpeg.finish(failure))
      encoded = false, error = failure;
    else if (!fed)
      encoded = false, error = "ffmpeg stopped reading frames";
  }
  std::error_code ec;
  if (!encoded || (std::filesystem::rename(part, plan.path, ec), ec)) {
    std::filesystem::remove(part, ec);
    std::fprintf(stderr, "ballot-viz: %s: not written: %s\n", plan.path.c_str(),
                 error.empty() ? "cannot rename the finished video into place" : error.c_str());
    return kExitRecordFailed;
  }
  std::fprintf(stderr, "ballot-viz: wrote %s: %lld frames, %dx%d, %d fps, %s to %s\n",
               plan.path.c_str(), static_cast<long long>(frames), width, height, plan.fps,
               time_text(plan.from_us).c_str(), time_text(to).c_str());
  return 0;
}

}  // namespace ballot::viz
