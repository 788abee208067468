#!/usr/bin/env bash
# System packages the test suite needs, installed when missing (Debian/Ubuntu, as root):
# chromium + driver for the browser tests, poppler-utils for pdftotext checks of the bilan PDF,
# gettext for the translation catalogue test, fonts for the Arabic PDF.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
fonts=$(fc-list 2>/dev/null || true)  # not piped into grep -q: pipefail would see SIGPIPE
grep -qi "noto sans arabic" <<<"$fonts" || need+=(fonts-noto-core)
grep -qi "dejavu" <<<"$fonts" || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "Installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  echo "Installing system packages with sudo: ${need[*]}"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "Missing system packages: ${need[*]} — install them with your package manager." >&2
  exit 1
fi
