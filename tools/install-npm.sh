#!/usr/bin/env bash
# Installs one npm package at one version into a folder of its own
# (ignored by git), once: the real tools some tests run.
#   tools/install-npm.sh DIR PACKAGE VERSION WHAT
# Does nothing when DIR already holds PACKAGE at VERSION; without npm, says
# that the tests of WHAT will skip (fail under CI=true) and exits 0.
set -euo pipefail
dir=$1 package=$2 version=$3 what=$4
manifest="$dir/node_modules/$package/package.json"
if [ -f "$manifest" ] && grep -q "\"version\": \"$version\"" "$manifest"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install $package: npm not found; $what will skip (fail under CI=true)" >&2
    exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo "{\"name\": \"tidings-$(basename "$dir" | tr -d .)\", \"private\": true}" > package.json
npm install --no-audit --no-fund --silent "$package@$version" >/dev/null
echo "installed $package $(node -e "console.log(require('$package/package.json').version)") into $dir"
