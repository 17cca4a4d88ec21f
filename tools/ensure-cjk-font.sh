#!/usr/bin/env bash
# Make sure a CJK font is installed for the figures' Chinese labels.
# Found on the system: nothing to do. Missing: install Debian/Ubuntu's fonts-noto-cjk
# (as root); otherwise stop with one message saying what to install.
set -euo pipefail
if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing a CJK font for the figures (fonts-noto-cjk) ..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null
  rm -rf "${HOME:-/root}/.cache/matplotlib"  # matplotlib's font list predates the font
  exit 0
fi
echo "error: no Chinese (CJK) font found for the figures; install one, e.g. 'sudo apt-get install fonts-noto-cjk' (Debian/Ubuntu) or 'fonts-wqy-microhei'" >&2
exit 1
