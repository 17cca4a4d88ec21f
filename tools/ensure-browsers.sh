#!/usr/bin/env bash
# Make sure the browsers a target needs are installed, from Debian's packages (no browser
# download):
#   site  Chromium, which prints the PDF (make site, make pdf, make bench);
#   test  Chromium, Firefox ESR (driven over WebDriver BiDi by puppeteer-core, so Node and npm
#         too), WebKitGTK's MiniBrowser with WebKitWebDriver, and Xvfb for it (make test).
# Found on the system: nothing to do. Missing: install them with apt-get (as root); otherwise
# stop with one line saying what to install.
set -euo pipefail
what="${1:-test}"
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || [ -x /usr/bin/chromium ] || need+=(chromium)
if [ "$what" = test ]; then
  have firefox-esr || need+=(firefox-esr)
  { have WebKitWebDriver && [ -x /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser ]; } || need+=(webkit2gtk-driver)
  have Xvfb || need+=(xvfb)
  have node || need+=(nodejs)
  have npm || need+=(npm)
elif [ "$what" != site ]; then
  echo "usage: $0 [site|test]" >&2
  exit 2
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing the browsers for make $what (${need[*]}) ..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "error: missing browsers for make $what; install them, e.g. 'sudo apt-get install ${need[*]}' (Debian/Ubuntu)" >&2
exit 1
