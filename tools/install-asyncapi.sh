#!/usr/bin/env bash
# Installs the AsyncAPI parser (npm package "@asyncapi/parser", the library
# behind the AsyncAPI CLI and Studio) into .asyncapi/ (ignored by git):
# tests/functional/test_asyncapi.py validates the documents `tidings
# asyncapi` writes with it (tools/validate-asyncapi.mjs).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec bash "$top/tools/install-npm.sh" "${TIDINGS_ASYNCAPI_DIR:-$top/.asyncapi}" \
    @asyncapi/parser 3.6.6 "the AsyncAPI validation test"
