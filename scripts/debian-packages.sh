#!/usr/bin/env bash
# The Debian packages FlameLens's tests need, installed if missing (one `apt-get update`, only then).
# Run first by `npm test`, by .ci/run and by scripts/setup-code-server.sh; instant when all are there.
# As root it installs; otherwise through `sudo -n` when that works, else it names the command and fails.
#   chromium-headless-shell  the browser tests and the real-VS-Code UI specs (test/support/chromium-suite.ts)
#   chromium                 the full browser: bench/webview.ts and the README/icon scripts
#   fonts-dejavu-core        a font, for readable screenshots
#   libkrb5-dev g++ make python3  code-server's native addons (and v8-profiler-next's) are built by node-gyp
#   golang-go                `go tool pprof`, the independent reader of our pprof export
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(chromium-headless-shell chromium fonts-dejavu-core libkrb5-dev g++ make python3 golang-go)
log() { printf '[debian-packages] %s\n' "$*"; }

missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
  log "missing Debian packages: ${missing[*]} — install them as root: apt-get install ${missing[*]}"
  exit 1
fi
log "installing ${missing[*]}"
apt_log="${TMPDIR:-/tmp}/flamelens-apt.log"
started=$(date +%s)
{
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
} >"$apt_log" 2>&1 || {
  log "apt-get failed; last lines of $apt_log:"
  tail -n 30 "$apt_log" >&2
  exit 1
}
log "installed in $(($(date +%s) - started)) s"
