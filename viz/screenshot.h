// Reading the rendered frame back and writing it as PNG, for `--screenshot` (docs and tests).
#pragma once
#include <string>

namespace ballot::viz {

// Reads the current back buffer (call after rendering, before swapping) of size width x height
// and writes it to `path` as an RGB PNG, top row first. Returns false with `error` set on failure.
bool write_back_buffer_png(const std::string& path, int width, int height, std::string& error);

}  // namespace ballot::viz
