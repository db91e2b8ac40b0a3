#!/usr/bin/env bash
# Refreshes the console's vendored chart library from the npm registry at the
# pinned version, checking the registry's integrity hash. The result is
# committed (console/assets/vendor), so neither `make run` nor `make test`
# needs npm or a network; run this only to change the version.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=5.6.0
INTEGRITY='sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=='
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@$VERSION" >/dev/null)
got="sha512-$(openssl dgst -sha512 -binary "$tmp/echarts-$VERSION.tgz" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then echo "echarts-$VERSION.tgz integrity $got, want $INTEGRITY" >&2; exit 1; fi
tar -xzf "$tmp/echarts-$VERSION.tgz" -C "$tmp"
out="$ROOT/console/assets/vendor"
mkdir -p "$out"
cp "$tmp/package/dist/echarts.min.js" "$out/echarts.min.js"
cp "$tmp/package/LICENSE" "$out/echarts.LICENSE"
cp "$tmp/package/NOTICE" "$out/echarts.NOTICE"
echo "echarts $VERSION (Apache-2.0) vendored into console/assets/vendor"
