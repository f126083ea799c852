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
#   lucide-static  the icons (ISC): only those named in static/icons.txt,
#               joined into one SVG sprite (lucide/sprite.svg, one <symbol>
#               per icon, id = Lucide's name) so a page loads one cached
#               file however many icons it shows
set -euo pipefail

declare -A pins=(
	[squire-rte]=2.4.8
	[dompurify]=3.3.0
	[lucide-static]=1.87.0
)
# Which files of each package are served.
declare -A files=(
	[squire-rte]="dist/squire.js"
	[dompurify]="dist/purify.min.js"
	[lucide-static]=""
)

here="$(cd "$(dirname "$0")" && pwd)"

# build_sprite ICONDIR LIST writes an SVG sprite of the icons LIST names
# (one a line, # comments) from lucide-static's one-file-per-icon SVGs.
# Each icon becomes <symbol id="NAME">; Lucide's stroke attributes go on
# a <g> inside it, so <use> draws in currentColor.
build_sprite() {
	node - "$1" "$2" <<'JS'
const fs = require("fs");
const [dir, list] = process.argv.slice(2);
const names = fs.readFileSync(list, "utf8").split("\n")
	.map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
let out = '<svg xmlns="http://www.w3.org/2000/svg">\n';
out += "<!-- Lucide icons (lucide-static), ISC licence: see LICENSE beside this file -->\n";
for (const name of names) {
	const svg = fs.readFileSync(`${dir}/${name}.svg`, "utf8");
	const body = svg.replace(/<!--[^]*?-->/g, "").replace(/^[^]*?<svg[^>]*>/, "")
		.replace(/<\/svg>[^]*$/, "").split("\n").map((l) => l.trim()).filter(Boolean).join("");
	out += `<symbol id="${name}" viewBox="0 0 24 24"><g fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</g></symbol>\n`;
}
out += "</svg>\n";
process.stdout.write(out);
JS
}

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
	if [ "$pkg" = lucide-static ]; then
		build_sprite "$work/$pkg/package/icons" "$here/icons.txt" >"$dest/sprite.svg"
	fi
	integrity="$(cd "$work" && sha512sum "$pkg-$version.tgz" | cut -d' ' -f1)"
	printf '%s %s sha512:%s\n' "$pkg" "$version" "$integrity" >>"$work/VERSIONS"
done
cp "$work/VERSIONS" "$out/VERSIONS"
echo "vendored into $out:"
cat "$out/VERSIONS"
