#!/usr/bin/env bash
# Installs the AsyncAPI parser (npm package "@asyncapi/parser", the one the
# AsyncAPI CLI and Studio use) into .asyncapi/ (ignored by git), keyed by
# version: the functional test tests/functional/test_asyncapi.py validates
# the documents `tidings asyncapi` writes with it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${TIDINGS_ASYNCAPI_DIR:-$top/.asyncapi}
version=3.6.6
if [ -f "$dir/node_modules/@asyncapi/parser/package.json" ] &&
        grep -q "\"version\": \"$version\"" \
            "$dir/node_modules/@asyncapi/parser/package.json"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install-asyncapi: npm not found; the AsyncAPI validation test will skip (fail under CI=true)" >&2
    exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name": "tidings-asyncapi", "private": true}' > package.json
npm install --no-audit --no-fund --silent "@asyncapi/parser@$version" >/dev/null
echo "install-asyncapi: installed @asyncapi/parser $(node -e 'console.log(require("@asyncapi/parser/package.json").version)') into $dir"
