#!/usr/bin/env bash
# Starts the GUI. Without a display (a fresh server, a CI box) it says so instead of failing
# obscurely; set RNNSCOPE_XVFB=1 to run it inside a virtual display anyway.
set -u
bin=$1; shift
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if [ "${RNNSCOPE_XVFB:-0}" = 1 ]; then
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$bin" "$@"
  fi
  echo "rnnscope: no display found (DISPLAY is not set). Run it from a desktop session," >&2
  echo "or set RNNSCOPE_XVFB=1 to run it inside a virtual X display." >&2
  exit 1
fi
exec "$bin" "$@"
