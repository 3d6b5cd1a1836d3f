/* Linked into every executable of a sanitizer build (RNNSCOPE_SANITIZE) and nothing else.
 *
 * LeakSanitizer checks for leaks at exit by scanning the memory of the libraries still loaded.
 * Mesa's software OpenGL driver (dri/swrast_dri.so, Debian 12's Mesa 22.3) keeps its heap for
 * generated code in two static pointers it never frees by design (rtasm_execmem.c: `exec_heap`,
 * made by u_mmInit once per process). When the 3D view's OpenGL display closes, libGLX_mesa
 * unloads the driver with dlclose, its statics are unmapped, and LSan reports the heap's two
 * 56-byte blocks as leaked, from an "<unknown module>" no suppression can name
 * (docs/reliability.md has how it was traced).
 *
 * Defining dlclose here, exported from the executable, takes every library's call to it: a
 * library asked to unload stays mapped until exit, as if it were still in use, so LSan sees
 * what its statics still hold, and the frames of anything it really leaked keep their names
 * and can be suppressed by library. Loading again returns the same, still-loaded library. */
#include <stddef.h>

int dlclose(void *handle);

int dlclose(void *handle)
{
    /* dlclose's contract: 0 on success, non-zero for a handle that is not one. */
    return handle == NULL;
}
