// The gnuplot script that `--plot` runs (cli/plot.h), without gnuplot: the data blocks hold the
// CDF's steps in the axis's unit, strings are quoted for gnuplot, ties in a strip are spread over
// the row, a long curve loses its points.
#include <catch2/catch.hpp>

#include <string>

#include "cli/plot.h"

using namespace ballot::cli;

namespace {

PlotFigure cdf_figure(std::vector<double> samples, const std::string& metric = "x_us") {
  PlotFigure f;
  f.title = {"a title"};
  PlotPanel p;
  p.kind = PlotPanel::Kind::Cdf;
  p.metric = metric;
  p.label = "the label";
  p.curves.push_back({"raft", std::move(samples)});
  f.panels.push_back(std::move(p));
  return f;
}

// The lines of data block `name` in the script.
std::string block(const std::string& script, const std::string& name) {
  const size_t at = script.find(name + " << EOD\n");
  REQUIRE(at != std::string::npos);
  const size_t from = at + name.size() + 8;
  return script.substr(from, script.find("EOD\n", from) - from);
}

}  // namespace

TEST_CASE("plot script: the CDF's steps, from 0 at the first value, in the axis's unit") {
  // 1ms, 2ms, 2ms: the axis is in ms; steps to 1/3 and 1.
  const std::string s = gnuplot_script(cdf_figure({2000, 1000, 2000}), "out.svg", "svg");
  CHECK(block(s, "$cdf_0_0") == "1 0\n1 0.3333333333\n2 1\n");
  CHECK(s.find("set xlabel 'the label: x_us, in ms' noenhanced") != std::string::npos);
  CHECK(s.find("title 'raft (3 samples)' noenhanced") != std::string::npos);
  CHECK(s.find("set terminal svg ") != std::string::npos);
  CHECK(gnuplot_script(cdf_figure({1}), "out.png", "png").find("set terminal pngcairo ") !=
        std::string::npos);
  // A count is not scaled and has no unit.
  const std::string counts = gnuplot_script(cdf_figure({5000, 7}, "lost_writes"), "o.svg", "svg");
  CHECK(block(counts, "$cdf_0_0") == "7 0\n7 0.5\n5000 1\n");
  CHECK(counts.find("set xlabel 'the label: lost_writes' noenhanced") != std::string::npos);
}

TEST_CASE("plot script: file names and titles are gnuplot strings, quotes doubled") {
  PlotFigure f = cdf_figure({1});
  f.title = {"it's \"quoted\"\nand two lines"};
  const std::string s = gnuplot_script(f, "my 'plot' $HOME `x`.svg", "svg");
  CHECK(s.find("set output 'my ''plot'' $HOME `x`.svg'\n") != std::string::npos);
  CHECK(s.find("set label 1 'it''s \"quoted\" and two lines'") != std::string::npos);
}

TEST_CASE("plot script: a curve keeps its points up to 200 steps") {
  std::vector<double> many;
  for (int i = 0; i < 200; ++i) many.push_back(i);
  CHECK(gnuplot_script(cdf_figure(many), "o.svg", "svg").find("every ::1") != std::string::npos);
  many.push_back(200);
  CHECK(gnuplot_script(cdf_figure(many), "o.svg", "svg").find("every ::1") == std::string::npos);
}

TEST_CASE("plot script: no samples still name the curve, and the axis has a range") {
  const std::string s = gnuplot_script(cdf_figure({}), "o.svg", "svg");
  CHECK(s.find("NaN with steps") != std::string::npos);
  CHECK(s.find("title 'raft (0 samples)' noenhanced") != std::string::npos);
  CHECK(s.find("set xrange [0:1.04]") != std::string::npos);
}

TEST_CASE("plot script: a strip has a mark per seed, ties spread over the row") {
  PlotFigure f;
  PlotPanel p;
  p.kind = PlotPanel::Kind::Strip;
  p.metric = "lost_writes";
  p.label = "lost acknowledged writes";
  p.rows.push_back({"bully", "", {{1, 3}, {2, 0}, {3, 3}}});
  p.rows.push_back({"raft", "no checker", {}});
  f.panels.push_back(std::move(p));
  const std::string s = gnuplot_script(f, "o.svg", "svg");
  // Row 0: the two marks at 3 sit at -0.15 and +0.15, the lone 0 on the row's line; seeds kept.
  CHECK(block(s, "$strip_0_0") == "3 -0.15 1\n0 0 2\n3 0.15 3\n");
  CHECK(s.find("$strip_0_1") == std::string::npos);  // no marks, no block
  CHECK(s.find("set ytics ('bully' 0, 'raft (no checker)' 1) noenhanced") != std::string::npos);
  CHECK(s.find("title 'bully: lost acknowledged writes' noenhanced") != std::string::npos);
}
