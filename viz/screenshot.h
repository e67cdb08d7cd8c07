// Reading the rendered frame back and writing it as PNG, for `--screenshot` (docs and tests), and
// as raw frames for `--record` (viz/record.h).
#pragma once
#include <string>
#include <vector>

namespace ballot::viz {

// Reads the current back buffer (call after rendering, before swapping) of size width x height
// into `rgb`: RGB bytes, top row first. Returns false with `error` set on failure.
bool read_back_buffer(int width, int height, std::vector<unsigned char>& rgb, std::string& error);

// The same, written to `path` as an RGB PNG.
bool write_back_buffer_png(const std::string& path, int width, int height, std::string& error);

}  // namespace ballot::viz
