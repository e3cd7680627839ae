#!/usr/bin/env bash
# Installs the interop suite's Node dependency (oidc-provider) exactly as pinned in
# package-lock.json. Needs Node.js (20 or later) and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "interop/setup.sh: node and npm are required" >&2
  exit 1
fi

npm ci --no-audit --no-fund --loglevel=error
node -e 'console.log("interop: oidc-provider " + require("./node_modules/oidc-provider/package.json").version + " installed (node " + process.version + ")")'
