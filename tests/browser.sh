#!/usr/bin/env bash
# report.html in a real browser: run scenarios/busan.toml with a few runs,
# render the page in headless Chromium (installed with apt when absent), and
# check the rendered DOM (the headline shares match summary.csv, one image
# per chart, nothing fetched) and a screenshot (the size asked for, not
# blank). Keeps the screenshot with KEEP=DIR. Run from .ci/run, or alone:
#   tests/browser.sh                                  # builds and uses target/debug/simulate
#   SIMULATE=target/release/simulate KEEP=/tmp/shots tests/browser.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${SIMULATE:-}
if [ -z "$bin" ]; then
  cargo build --quiet
  bin=target/debug/simulate
fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chrome() {
  # A private profile; no sandbox (CI runs as root in a container).
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$tmp/profile" "$@" 2>/dev/null
}

check() { # NAME, then simulate's arguments
  local name=$1; shift
  local out="$tmp/$name"
  "$bin" scenarios/busan.toml --runs 200 --quiet --out "$out" "$@"
  chrome --dump-dom "file://$out/report.html" > "$tmp/$name.dom.html"
  chrome --screenshot="$tmp/$name.png" --window-size=1200,3000 "file://$out/report.html" > /dev/null
  python3 tests/browser/check.py "$out" "$tmp/$name.dom.html" "$tmp/$name.png"
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$tmp/$name.png" "$KEEP/"; fi
}

check png
check svg --svg --no-charts
check nocharts --no-charts
echo "browser: report.html renders (chromium $("$browser" --version 2>/dev/null | grep -o '[0-9.]*' | head -1))"
