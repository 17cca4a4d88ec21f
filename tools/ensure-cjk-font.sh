#!/usr/bin/env bash
# Make sure the CJK fonts are installed: one for the figures' Chinese labels (matplotlib
# prefers fonts-noto-cjk) and WenQuanYi Micro Hei, a TrueType font the PDF edition embeds
# (Chromium prints CFF-flavoured fonts such as Noto CJK as drawings without copyable text).
# Found on the system: nothing to do. Missing: install them with apt-get (as root); otherwise
# stop with one message saying what to install.
set -euo pipefail
need=()
have() { command -v fc-list >/dev/null 2>&1 && fc-list : family 2>/dev/null | grep -q "$1"; }
have "Noto Sans CJK SC" || { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]; } || need+=(fonts-noto-cjk)
have "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing CJK fonts for the figures and the PDF (${need[*]}) ..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
  rm -rf "${HOME:-/root}/.cache/matplotlib"  # matplotlib's font list predates the fonts
  exit 0
fi
echo "error: missing CJK fonts; install them, e.g. 'sudo apt-get install ${need[*]}' (Debian/Ubuntu)" >&2
exit 1
