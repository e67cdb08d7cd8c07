#include "cli/plot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "cli/cdf.h"
#include "cli/commands.h"

namespace ballot::cli {

namespace {

std::string extension(const std::string& file) {
  const size_t slash = file.find_last_of('/');
  const size_t dot = file.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = file.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string directory_of(const std::string& file) {
  const size_t slash = file.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : file.substr(0, slash);
}

// A gnuplot string: single quotes, in which only '' is special (no escapes, no variables).
std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "''";
    else if (c == '\n' || c == '\r')
      q += ' ';
    else
      q += c;
  }
  return q + "'";
}

// The executable `name` in a directory of $PATH, or "".
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  const std::string dirs = path;
  size_t at = 0;
  while (at <= dirs.size()) {
    size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(at, end - at);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    at = end + 1;
  }
  return "";
}

bool is_duration(const std::string& metric) {
  return metric.size() > 3 && metric.compare(metric.size() - 3, 3, "_us") == 0;
}

// The axis unit for a panel's values: the divisor from the metric's unit and its name.
struct AxisUnit {
  double divisor = 1;
  std::string name;  // "" for counts
};

AxisUnit axis_unit(const PlotPanel& p) {
  if (!is_duration(p.metric)) return {};
  double top = 0;
  for (const PlotCurve& c : p.curves)
    for (double v : c.samples) top = std::max(top, v);
  for (const StripRow& r : p.rows)
    for (const StripMark& m : r.marks) top = std::max(top, m.value);
  if (top >= 1e6) return {1e6, "s"};
  if (top >= 1e3) return {1e3, "ms"};
  return {1, "us"};
}

// The x range of a panel: from 0 (or below, for negative values) to a little past the largest
// value; a panel of one value (all zeros) still gets a range, so gnuplot need not guess one.
std::string x_range(const PlotPanel& p, const AxisUnit& unit);

std::string number(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

std::string x_range(const PlotPanel& p, const AxisUnit& unit) {
  double lo = 0, hi = 0;
  for (const PlotCurve& c : p.curves)
    for (double v : c.samples) {
      lo = std::min(lo, v / unit.divisor);
      hi = std::max(hi, v / unit.divisor);
    }
  for (const StripRow& r : p.rows)
    for (const StripMark& m : r.marks) {
      lo = std::min(lo, m.value / unit.divisor);
      hi = std::max(hi, m.value / unit.divisor);
    }
  if (hi <= lo) hi = lo + 1;
  const double pad = 0.04 * (hi - lo);
  return "set xrange [" + number(lo < 0 ? lo - pad : lo) + ":" + number(hi + pad) + "]\n";
}

// The x axis: the quantity for people, its documented name, its unit.
std::string axis_text(const PlotPanel& p, const AxisUnit& unit) {
  return (p.label == p.metric ? p.metric : p.label + ": " + p.metric) +
         (unit.name.empty() ? "" : ", in " + unit.name);
}

// Above this many steps a CDF curve is drawn without its points.
constexpr size_t kMaxStepPoints = 200;

// Pixel heights: a CDF panel, a strip panel (by its rows), a title line.
constexpr int kWidth = 900;
constexpr int kCdfHeight = 380;
int strip_height(const PlotPanel& p) {
  return 90 + 34 * static_cast<int>(std::max<size_t>(1, p.rows.size()));
}
constexpr int kTitleLine = 20;

int panel_height(const PlotPanel& p) {
  return p.kind == PlotPanel::Kind::Cdf ? kCdfHeight : strip_height(p);
}

// Eight colours that stay apart (and apart for most colour-blind readers).
const char* colour(size_t i) {
  static const char* const colours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                        "#e69f00", "#56b4e9", "#000000", "#f0e442"};
  return colours[i % 8];
}

void cdf_panel(std::string& s, const PlotPanel& p, size_t index, const AxisUnit& unit) {
  std::string plots;
  for (size_t c = 0; c < p.curves.size(); ++c) {
    const PlotCurve& curve = p.curves[c];
    const std::vector<CdfStep> steps = empirical_cdf(curve.samples);
    const std::string title = quote(curve.title + " (" + std::to_string(curve.samples.size()) +
                                    (curve.samples.size() == 1 ? " sample)" : " samples)"));
    if (!plots.empty()) plots += ", \\\n     ";
    if (steps.empty()) {
      // No sample: the key still names the curve.
      plots += "NaN with steps lw 2 lc rgb '" + std::string(colour(c)) + "' title " + title +
               " noenhanced";
      continue;
    }
    const std::string block = "$cdf_" + std::to_string(index) + "_" + std::to_string(c);
    // From 0 at the first value, then up to each step's fraction: gnuplot's `steps` draws the
    // horizontal part first, which is the CDF's right-continuous shape.
    s += block + " << EOD\n" + number(steps.front().value / unit.divisor) + " 0\n";
    for (const CdfStep& st : steps)
      s += number(st.value / unit.divisor) + " " + number(st.fraction) + "\n";
    s += "EOD\n";
    plots += block + " using 1:2 with steps lw 2 lc rgb '" + colour(c) + "' title " + title +
             " noenhanced";
    // A point at the top of each step, while they stay apart; beyond, the line alone.
    if (steps.size() <= kMaxStepPoints)
      plots += ", \\\n     " + block + " every ::1 using 1:2 with points pt 7 ps 0.5 lc rgb '" +
               colour(c) + "' notitle";
  }
  s += x_range(p, unit);
  s += "set yrange [0:1.02]\nset key bottom right noenhanced\nset ytics 0.25\nset grid\n";
  s += "set ylabel " + quote("fraction of samples at or below") + " noenhanced\n";
  s += "set xlabel " + quote(axis_text(p, unit)) + " noenhanced\n";
  s += "set title " + quote("empirical CDF of " + p.label) + " noenhanced\n";
  s += "plot " + plots + "\n";
}

void strip_panel(std::string& s, const PlotPanel& p, size_t index, const AxisUnit& unit) {
  const size_t rows = std::max<size_t>(1, p.rows.size());
  std::string tics;
  std::string plots;
  bool any = false;
  for (size_t r = 0; r < p.rows.size(); ++r) {
    const StripRow& row = p.rows[r];
    tics += (tics.empty() ? "" : ", ") +
            quote(row.label + (row.note.empty() ? "" : " (" + row.note + ")")) + " " +
            std::to_string(r);
    if (row.marks.empty()) continue;
    any = true;
    // Marks of equal value spread over the row's height (seed order), so each seed shows.
    std::map<double, size_t> of_value, seen;
    for (const StripMark& m : row.marks) ++of_value[m.value];
    const std::string block = "$strip_" + std::to_string(index) + "_" + std::to_string(r);
    s += block + " << EOD\n";
    for (const StripMark& m : row.marks) {
      const size_t k = seen[m.value]++;
      const double spread =
          of_value[m.value] == 1
              ? 0.0
              : 0.6 *
                    ((static_cast<double>(k) + 0.5) / static_cast<double>(of_value[m.value]) - 0.5);
      s += number(m.value / unit.divisor) + " " + number(static_cast<double>(r) + spread) + " " +
           std::to_string(m.seed) + "\n";
    }
    s += "EOD\n";
    if (!plots.empty()) plots += ", \\\n     ";
    plots += block + " using 1:2 with points pt 7 ps 0.6 lc rgb '" + colour(r) + "' title " +
             quote(row.label + ": " + p.label) + " noenhanced";
  }
  s += "unset key\nset grid\n" + x_range(p, unit);
  if (!any) plots = "NaN notitle";
  s += "set yrange [" + number(static_cast<double>(rows) - 0.5) + ":-0.5]\n";
  s += "set ytics (" + tics + ") noenhanced\n";
  s += "unset ylabel\n";
  s += "set xlabel " + quote(axis_text(p, unit) + "; one mark per seed") + " noenhanced\n";
  s += "set title " + quote(p.label + " per seed") + " noenhanced\n";
  s += "plot " + plots + "\n";
  s += "set ytics auto\n";
}

}  // namespace

int check_plot_flags(const std::string& plot, const std::string& script) {
  if (plot.empty()) {
    if (!script.empty()) {
      std::fprintf(stderr, "ballot: --plot-script: needs --plot FILE.svg or FILE.png\n");
      return kExitBadInput;
    }
    return kExitOk;
  }
  const std::string ext = extension(plot);
  if (ext != "svg" && ext != "png") {
    std::fprintf(stderr,
                 "ballot: --plot: expected a file name ending in .svg or .png (the format "
                 "follows the extension), got '%s'\n",
                 plot.c_str());
    return kExitBadInput;
  }
  for (const std::string* f : {&plot, &script})
    if (f->find_first_of("\n\r") != std::string::npos) {
      std::fprintf(stderr, "ballot: %s: a file name with a line break cannot be given to gnuplot\n",
                   f == &plot ? "--plot" : "--plot-script");
      return kExitBadInput;
    }
  const std::string dir = directory_of(plot);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::access(dir.c_str(), W_OK) != 0) {
    std::fprintf(stderr, "ballot: --plot: cannot write '%s': '%s' is not a writable directory\n",
                 plot.c_str(), dir.c_str());
    return kExitBadInput;
  }
  if (find_on_path("gnuplot").empty()) {
    std::fprintf(stderr,
                 "ballot: --plot: gnuplot was not found on PATH; it draws the plots (Debian: "
                 "apt-get install gnuplot-nox)\n");
    return kExitBadInput;
  }
  return kExitOk;
}

std::string gnuplot_script(const PlotFigure& figure, const std::string& output,
                           const std::string& format) {
  int height = static_cast<int>(figure.title.size()) * kTitleLine + 16;
  for (const PlotPanel& p : figure.panels) height += panel_height(p);
  std::string s;
  s += "# Written by ballot (docs/cli.md, \"Plots\"): run it with `gnuplot FILE` after editing.\n";
  if (format == "png")
    s += "set terminal pngcairo size " + std::to_string(kWidth) + "," + std::to_string(height) +
         " enhanced font 'sans,10' background '#ffffff'\n";
  else
    s += "set terminal svg size " + std::to_string(kWidth) + "," + std::to_string(height) +
         " enhanced font 'sans,10' background '#ffffff'\n";
  s += "set output " + quote(output) + "\n";
  s += "set multiplot\n";
  s += "set lmargin 16\nset rmargin 4\n";
  const double h = static_cast<double>(height);
  double top = h - 8;
  // The title lines: labels in screen coordinates, drawn with the first panel only.
  for (size_t i = 0; i < figure.title.size(); ++i) {
    top -= kTitleLine;
    s += "set label " + std::to_string(i + 1) + " " + quote(figure.title[i]) +
         " at screen 0.5, screen " + number((top + 6) / h) + " center noenhanced" +
         (i == 0 ? " font ',12'" : "") + "\n";
  }
  top -= 8;
  for (size_t i = 0; i < figure.panels.size(); ++i) {
    const PlotPanel& p = figure.panels[i];
    const double ph = panel_height(p);
    top -= ph;
    s += "\n# Panel " + std::to_string(i + 1) + "\n";
    s += "set origin 0," + number(std::max(0.0, top / h)) + "\nset size 1," + number(ph / h) + "\n";
    const AxisUnit unit = axis_unit(p);
    if (p.kind == PlotPanel::Kind::Cdf)
      cdf_panel(s, p, i, unit);
    else
      strip_panel(s, p, i, unit);
    if (i == 0) s += "unset label\n";
  }
  s += "unset multiplot\nunset output\n";
  return s;
}

int draw_plot(const PlotFigure& figure, const std::string& plot, const std::string& script) {
  const std::string format = extension(plot);
  if (!script.empty()) {
    std::ofstream keep(script, std::ios::binary);
    keep << gnuplot_script(figure, plot, format);
    if (!keep.flush()) {
      std::fprintf(stderr, "ballot: --plot-script: cannot write '%s'\n", script.c_str());
      return kExitBadInput;
    }
  }
  // gnuplot draws into a temporary file beside FILE, renamed to FILE only when it succeeded.
  std::string partial = plot + ".partial-XXXXXX";
  const int out_fd = ::mkstemp(partial.data());
  if (out_fd < 0) {
    std::fprintf(stderr, "ballot: --plot: cannot write beside '%s': %s\n", plot.c_str(),
                 std::strerror(errno));
    return kExitBadInput;
  }
  // mkstemp made it private; the plot gets the permissions of any new file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(out_fd, 0666 & ~mask);
  ::close(out_fd);
  // The system's temporary directory ($TMPDIR when set).
  std::error_code temp_error;
  const std::filesystem::path temp = std::filesystem::temp_directory_path(temp_error);
  std::string script_file = (temp_error ? std::filesystem::path(".") : temp) / "ballot-plot-XXXXXX";
  const int script_fd = ::mkstemp(script_file.data());
  if (script_fd < 0) {
    std::fprintf(stderr, "ballot: --plot: cannot write a temporary gnuplot script in %s: %s\n",
                 directory_of(script_file).c_str(), std::strerror(errno));
    ::unlink(partial.c_str());
    return kExitInternal;
  }
  const std::string text = gnuplot_script(figure, partial, format);
  bool written = true;
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(script_fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      written = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  ::close(script_fd);
  auto give_up = [&](int code) {
    ::unlink(script_file.c_str());
    ::unlink(partial.c_str());
    return code;
  };
  if (!written) {
    std::fprintf(stderr, "ballot: --plot: cannot write the gnuplot script %s\n",
                 script_file.c_str());
    return give_up(kExitInternal);
  }
  const std::string gnuplot = find_on_path("gnuplot");
  if (gnuplot.empty()) {
    std::fprintf(stderr,
                 "ballot: --plot: gnuplot was not found on PATH; it draws the plots (Debian: "
                 "apt-get install gnuplot-nox)\n");
    return give_up(kExitBadInput);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = ::fork();
  if (child < 0) {
    std::fprintf(stderr, "ballot: --plot: cannot start gnuplot: %s\n", std::strerror(errno));
    return give_up(kExitInternal);
  }
  if (child == 0) {
    // gnuplot's stdout goes to stderr: ballot's stdout is the table (or JSON).
    ::dup2(2, 1);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, 0);
    char* argv[] = {const_cast<char*>("gnuplot"), script_file.data(), nullptr};
    ::execv(gnuplot.c_str(), argv);
    std::fprintf(stderr, "ballot: --plot: cannot run %s: %s\n", gnuplot.c_str(),
                 std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) break;
  const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok) {
    if (WIFEXITED(status))
      std::fprintf(stderr,
                   "ballot: --plot: gnuplot (%s) failed with exit code %d; '%s' not written\n",
                   gnuplot.c_str(), WEXITSTATUS(status), plot.c_str());
    else
      std::fprintf(stderr, "ballot: --plot: gnuplot (%s) was killed; '%s' not written\n",
                   gnuplot.c_str(), plot.c_str());
    return give_up(kExitInternal);
  }
  struct stat st {};
  if (::stat(partial.c_str(), &st) != 0 || st.st_size == 0) {
    std::fprintf(stderr, "ballot: --plot: gnuplot wrote nothing; '%s' not written\n", plot.c_str());
    return give_up(kExitInternal);
  }
  if (::rename(partial.c_str(), plot.c_str()) != 0) {
    std::fprintf(stderr, "ballot: --plot: cannot write '%s': %s\n", plot.c_str(),
                 std::strerror(errno));
    return give_up(kExitInternal);
  }
  ::unlink(script_file.c_str());
  return kExitOk;
}

}  // namespace ballot::cli
