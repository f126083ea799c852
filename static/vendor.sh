#!/usr/bin/env bash
# vendor.sh reproduces the third-party browser assets in static/files/vendor
# from the npm registry, at pinned versions, with their licences. Run it from
# anywhere (needs node and npm); commit what it writes. Never a CDN: the
# webmail serves these itself, under content-hashed names.
#
#   squire-rte  the rich-text editor of the compose page (MIT), as Fastmail
#               and SnappyMail use it
#   dompurify   cleans HTML pasted into the editor before Squire inserts it
#               (Apache-2.0 or MPL-2.0); outgoing HTML is sanitized again on
#               the server, so this is comfort, not the security boundary
set -euo pipefail

declare -A pins=(
	[squire-rte]=2.4.8
	[dompurify]=3.3.0
)
# Which files of each package are served.
declare -A files=(
	[squire-rte]="dist/squire.js"
	[dompurify]="dist/purify.min.js"
)

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/files/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$out"
: >"$work/VERSIONS"
for pkg in $(printf '%s\n' "${!pins[@]}" | sort); do
	version="${pins[$pkg]}"
	(cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
	mkdir -p "$work/$pkg"
	tar -xzf "$work/$pkg-$version.tgz" -C "$work/$pkg"
	dest="$out/$pkg"
	rm -rf "$dest"
	mkdir -p "$dest"
	for f in ${files[$pkg]}; do
		cp "$work/$pkg/package/$f" "$dest/$(basename "$f")"
	done
	cp "$work/$pkg/package/LICENSE"* "$dest/"
	integrity="$(cd "$work" && sha512sum "$pkg-$version.tgz" | cut -d' ' -f1)"
	printf '%s %s sha512:%s\n' "$pkg" "$version" "$integrity" >>"$work/VERSIONS"
done
cp "$work/VERSIONS" "$out/VERSIONS"
echo "vendored into $out:"
cat "$out/VERSIONS"
