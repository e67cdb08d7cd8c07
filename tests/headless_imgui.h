// Tests only: an ImGui context with no window and no renderer, set up as ballot-viz's is, so
// that panels and the App can be drawn and their draw data read without a display.
#pragma once
#include <imgui.h>

class HeadlessImGui {
 public:
  explicit HeadlessImGui(ImVec2 display_size) : ctx_(ImGui::CreateContext()) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    // As ballot-viz's OpenGL 3 backend declares (GL >= 3.2): a draw list may pass 65,536 vertices
    // (two stacked runs with diff marks do), split by ImDrawCmd::VtxOffset.
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    io.DisplaySize = display_size;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the atlas; nothing is uploaded
  }
  ~HeadlessImGui() { ImGui::DestroyContext(ctx_); }
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

 private:
  ImGuiContext* ctx_;
};
