#include "viz/screenshot.h"

#include <GL/gl.h>
#include <stb_image_write.h>  // the implementation is compiled into libstb

#include <cstring>
#include <vector>

namespace ballot::viz {

bool read_back_buffer(int width, int height, std::vector<unsigned char>& rgb, std::string& error) {
  if (width <= 0 || height <= 0) {
    error = "empty framebuffer";
    return false;
  }
  const auto row = static_cast<size_t>(width) * 3;
  std::vector<unsigned char> pixels(row * static_cast<size_t>(height));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  if (glGetError() != GL_NO_ERROR) {
    error = "glReadPixels failed";
    return false;
  }
  // OpenGL's first row is the bottom one; images start at the top.
  rgb.resize(pixels.size());
  for (int y = 0; y < height; ++y)
    std::memcpy(&rgb[static_cast<size_t>(y) * row],
                &pixels[static_cast<size_t>(height - 1 - y) * row], row);
  return true;
}

bool write_back_buffer_png(const std::string& path, int width, int height, std::string& error) {
  std::vector<unsigned char> rgb;
  if (!read_back_buffer(width, height, rgb, error)) return false;
  if (stbi_write_png(path.c_str(), width, height, 3, rgb.data(), width * 3) == 0) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace ballot::viz
