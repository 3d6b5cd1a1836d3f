#!/usr/bin/env bash
# Start-up as a user meets it: --help and --version without a display, one clear line (and a
# non-zero exit) when the GUI has no display, and a CLI that never needs one.
set -u
cli=$1
gui="$(dirname "$cli")/rnnscope"
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$gui" --help) || fail "rnnscope --help exited non-zero"
grep -q "Usage: rnnscope" <<<"$out" || fail "rnnscope --help shows no usage"
grep -q "rnnscope-cli" <<<"$out" || fail "rnnscope --help does not point to the CLI"
env -u DISPLAY "$gui" --version | grep -Eq "^rnnscope [0-9]+\.[0-9]+" || fail "rnnscope --version"

err=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$gui" 2>&1 >/dev/null)
rc=$?
[ $rc -ne 0 ] || fail "rnnscope without a display exited 0"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "expected one line without a display, got: $err"
grep -q "no display" <<<"$err" || fail "the message does not say there is no display: $err"

out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$cli" --help) || fail "rnnscope-cli --help exited non-zero"
grep -q "inspect" <<<"$out" || fail "rnnscope-cli --help lists no inspect command"
env -u DISPLAY "$cli" frobnicate >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown command must exit 2"
# Every command but render runs without the window's libraries: no VTK, Qt 6 Widgets or Qt
# Charts in rnnscope-cli (LibTorch's OpenCV brings Qt 5's own, which rnnscope never calls).
linked=$(ldd "$cli" | grep -E "libvtk|libQt6Widgets|libQt6Charts|libQt6OpenGLWidgets")
[ -z "$linked" ] || fail "rnnscope-cli links the window's libraries: $linked"
# render is rnnscope-render beside it; its --help needs no display either.
[ -x "$(dirname "$cli")/rnnscope-render" ] || fail "rnnscope-render is not beside rnnscope-cli"
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$cli" render --help) || fail "render --help exited non-zero without a display"
grep -q -- "--view" <<<"$out" || fail "render --help shows no --view"
# Without a display render still says, in one line, what to do.
err=$(env -u DISPLAY -u WAYLAND_DISPLAY "$cli" render --model x.pt --view sample --out y.png 2>&1)
[ $? -eq 1 ] || fail "render without a display must exit 1"
grep -q "xvfb-run" <<<"$err" || fail "render without a display does not say what to do: $err"
echo "startup: all checks passed"
