#!/usr/bin/env bash
# install-deps.sh installs what the integration tests (internal/testenv)
# start: MariaDB, Redis and Sentinel, Dovecot, Postfix, HAProxy, nginx (with
# its mail and stream proxy modules), Chromium,
# docker-compose, keepalived and systemd-analyze (to validate the deploy
# files) and a pinned MinIO build.
#
# Idempotent: it installs only what is missing and runs "apt-get update"
# only when something is. Run it as root (or with sudo available) on
# Debian 12; "make test-deps" calls it.
#
# The packages may start their system daemons on the default ports (3306,
# 6379, 25, 143). The tests never use them: every test server runs on its
# own free loopback port, so they are left alone.
set -euo pipefail

packages=(
	mariadb-server
	redis-server
	redis-sentinel
	dovecot-imapd
	dovecot-lmtpd
	dovecot-submissiond
	dovecot-pop3d
	postfix
	haproxy
	nginx
	libnginx-mod-mail
	libnginx-mod-stream
	chromium
	docker-compose
	keepalived
	systemd
	ca-certificates
)
minio_module="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
bin_dir="${WEBMAIL_TEST_BIN:-$HOME/.cache/webmail/bin}"

log() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

# as_root runs a command as root, through sudo when not root already.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $* (run this script as root)"
	fi
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pkg in "${packages[@]}"; do
	if installed "$pkg"; then
		log "$pkg: already installed"
	else
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -gt 0 ]; then
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]} by hand"
	log "installing: ${missing[*]}"
	# Without this, installing postfix stops at an interactive prompt.
	echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
	as_root apt-get update
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	for pkg in "${missing[@]}"; do
		installed "$pkg" || die "$pkg is still not installed"
	done
fi

if [ -x "$bin_dir/minio" ]; then
	log "minio: already built at $bin_dir/minio"
else
	command -v go >/dev/null 2>&1 || die "go not found: it is needed to build MinIO into $bin_dir"
	log "building MinIO into $bin_dir (about 3-6 minutes, ~1 GB of build cache)"
	mkdir -p "$bin_dir"
	# From / so that no go.mod or vendor directory around here applies.
	(cd / && GOBIN="$bin_dir" GOFLAGS=-buildvcs=false go install "$minio_module")
	[ -x "$bin_dir/minio" ] || die "go install finished but $bin_dir/minio is missing"
	log "minio: built $bin_dir/minio"
fi

log "done"
