#!/usr/bin/env bash
# vendor.sh reproduces internal/axe/files from the npm registry: axe-core at
# a pinned version, with its licence. Run it from anywhere (needs node and
# npm); commit what it writes. axe-core is for the browser tests only: it is
# embedded in this test-support package, never in static/, so the webmail
# never serves it.
#
#   axe-core  Deque's accessibility rules engine (MPL-2.0)
set -euo pipefail

pkg=axe-core
version=4.14.1

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/files"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
mkdir -p "$work/$pkg"
tar -xzf "$work/$pkg-$version.tgz" -C "$work/$pkg"
rm -rf "$out"
mkdir -p "$out"
cp "$work/$pkg/package/axe.min.js" "$out/axe.min.js"
cp "$work/$pkg/package/LICENSE"* "$out/"
integrity="$(cd "$work" && sha512sum "$pkg-$version.tgz" | cut -d' ' -f1)"
printf '%s %s sha512:%s\n' "$pkg" "$version" "$integrity" >"$out/VERSIONS"
echo "vendored into $out:"
cat "$out/VERSIONS"
