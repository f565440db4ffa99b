#!/usr/bin/env bash
# Installs the browser the samples' end-to-end tests drive: Debian's chromium and its matching
# chromedriver (/usr/bin/chromium, /usr/bin/chromedriver). The tests never download a browser or a
# driver themselves (no Selenium Manager): on a fresh machine, run this once before ./mvnw verify.
# Does nothing when both are already there. Needs root (or sudo) and apt. Recommended packages
# stay in: they bring the fonts the pages (and the screenshot check) are rendered with.
set -euo pipefail

if [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/chromium ]; then
  echo "chromium and chromedriver already installed: $(/usr/bin/chromedriver --version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo > /dev/null; then
    echo "install-browser.sh: needs root (or sudo) to apt-get install chromium chromium-driver" >&2
    exit 1
  fi
  SUDO="sudo"
fi
if ! command -v apt-get > /dev/null; then
  echo "install-browser.sh: no apt-get; install Chromium and the matching chromedriver so that" \
    "/usr/bin/chromium and /usr/bin/chromedriver exist" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium chromium-driver
echo "installed: $(/usr/bin/chromedriver --version)"
