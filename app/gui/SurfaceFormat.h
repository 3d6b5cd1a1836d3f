#pragma once

namespace rnnscope {
// The default OpenGL format VTK needs inside Qt (docs/architecture.md, "The stack"): 3.2 core,
// RGBA8, depth, no multisampling. Call before constructing QApplication.
void setDefaultSurfaceFormat();
}  // namespace rnnscope
