// `--plot FILE.svg|FILE.png` of `ballot compare` and `ballot sweep --stats`: a figure of panels
// stacked top to bottom (empirical CDFs, and per-seed strips), drawn by gnuplot run as a
// subprocess (Debian package gnuplot-nox). docs/cli.md, "Plots".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ballot::cli {

// One curve of a CDF panel: the samples of one algorithm (or of the sweep's one algorithm), in
// the metric's own unit (microseconds for a *_us metric).
struct PlotCurve {
  std::string title;  // the key's entry: the algorithm's name
  std::vector<double> samples;
};

// One mark of a strip: a seed's value.
struct StripMark {
  uint64_t seed = 0;
  double value = 0;
};

// One row of a strip panel: an algorithm, a mark per seed.
struct StripRow {
  std::string label;  // the algorithm's name
  std::string note;   // said after the label instead of marks ("no checker"), or ""
  std::vector<StripMark> marks;
};

struct PlotPanel {
  enum class Kind { Cdf, Strip };
  Kind kind = Kind::Cdf;
  std::string metric;  // its documented name ("leader_loss_per_loss_us"): *_us is a duration
  std::string label;   // for people ("leader loss (per loss)")
  std::vector<PlotCurve> curves;  // Cdf
  std::vector<StripRow> rows;     // Strip
};

struct PlotFigure {
  std::vector<std::string> title;  // lines over the panels
  std::vector<PlotPanel> panels;   // top to bottom
};

// What goes with --plot before any run: the extension (.svg or .png), a writable place for the
// file, gnuplot on PATH; `script` is --plot-script ("" for none). Prints one message and returns
// the exit code (2: a bad --plot or --plot-script, or no gnuplot), or 0 when all is well.
int check_plot_flags(const std::string& plot, const std::string& script);

// The gnuplot script that draws `figure` into `output` in `format` ("svg" or "png"), its data
// inline (data blocks). Strings are quoted for gnuplot, never run by a shell.
std::string gnuplot_script(const PlotFigure& figure, const std::string& output,
                           const std::string& format);

// Draws `figure` into `plot` with gnuplot (after check_plot_flags passed); keeps the script in
// `script` when not "". The file appears only when gnuplot succeeded. Returns 0, or 3 when gnuplot
// failed (its stderr shown, a message naming --plot).
int draw_plot(const PlotFigure& figure, const std::string& plot, const std::string& script);

}  // namespace ballot::cli
