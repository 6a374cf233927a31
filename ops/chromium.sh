#!/bin/sh
# The browser tests drive Debian's Chromium (browsers cannot be downloaded any other way
# here): install the `chromium` package when it is missing. Needs root (or sudo) and apt.
set -eu
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and there is no apt-get: install Chromium at /usr/bin/chromium" >&2
    exit 1
fi
run=""
[ "$(id -u)" -eq 0 ] || run="sudo"
echo "installing Debian's chromium for the browser tests…"
$run apt-get update -qq
DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core >/dev/null
