# The two commands a newcomer needs are in README.md:
#   go run ./cmd/webmail demo      run the demo
#   make test                      install what the tests need, then run them all

GO ?= go
# Where the MinIO test binary is built once per machine.
export WEBMAIL_TEST_BIN ?= $(HOME)/.cache/webmail/bin
SHELL := /bin/bash

.PHONY: test test-deps check generate bench load imapcost idle fuzz screenshots
# Every test, as JSON through internal/testreport: one line per test, the
# real servers the helpers started, full output of failures, and a closing
# "N passed, N failed, N skipped" line.
test: test-deps check
	@set -o pipefail; $(GO) build -o .build/testreport ./internal/testreport && \
	$(GO) test -json -count=1 -p 2 -timeout 45m ./... | .build/testreport
	@$(MAKE) --no-print-directory fuzz

# The fuzz targets (issue 10), one after the other, each for FUZZTIME:
# a few thousand inputs in `make test` (the plain `go test` above already
# runs their seeds: testdata and the shared MIME corpus); longer on demand,
# e.g. `make fuzz FUZZTIME=10m`. `make test` counts inputs rather than
# seconds: a time limit can end the run while a worker is busy, and Go
# then reports "context deadline exceeded" as a failure on a loaded
# machine. A failure leaves its input under the
# package's testdata/fuzz/ and the command to replay it.
FUZZTIME ?= 5000x
FUZZ_TARGETS := ./mail/mime:FuzzParseMessage ./mail/mime:FuzzDecodeHeader ./mail/mime:FuzzStreamDecoders \
	./mail/htmlsafe:FuzzSanitize ./app:FuzzParseSearch
fuzz:
	@set -e; for target in $(FUZZ_TARGETS); do \
		pkg=$${target%%:*}; name=$${target##*:}; \
		echo "fuzz $$name in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

# Installs Debian packages and builds MinIO, only what is missing.
test-deps:
	bash internal/testenv/install-deps.sh

# gofmt, go vet and templ generate must leave no diff.
check:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@before=$$(find . -name '*_templ.go' -not -path './.git/*' | sort | xargs sha256sum); \
	$(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; exit 1; }; \
	after=$$(find . -name '*_templ.go' -not -path './.git/*' | sort | xargs sha256sum); \
	if [ "$$before" != "$$after" ]; then echo "templ generate changed the generated files: run make generate and commit"; exit 1; fi

generate:
	$(GO) tool templ generate

# Full-page PNGs of every page at 1440, 390 and 320 px, light and dark
# (page-width-scheme.png), and of the compose and sessions layouts, into
# SCREENSHOTS (not committed), from the browser tests that check them:
# e.g. `make screenshots SCREENSHOTS=/tmp/after`.
SCREENSHOTS ?= screenshots
screenshots: test-deps
	mkdir -p $(SCREENSHOTS)
	WEBMAIL_SCREENSHOTS=$(abspath $(SCREENSHOTS)) $(GO) test -count=1 -run '^(TestPagesAccessibleAndFit|TestComposeLayout|TestSessionsLayout)$$' ./handlers/

# Reading benchmarks against Dovecot with a 5,000-message INBOX: list page,
# message view, and the raw IMAP cost of the same work, with the CPU time of
# both processes per request. Needs the test servers (make test-deps).
bench: test-deps
	$(GO) test -count=1 -run '^$$' -bench Reading -benchtime 300x ./webmailcmd/

# The load driver (internal/load) against Dovecot with 4 users of 5,000
# messages each and `webmail serve` on its embedded defaults: login cycle,
# list page, message view, search and the raw IMAP floor at concurrency 1,
# 8 and 32. Writes the tables to load.md (BENCHMARKS.md). To compare with an
# older commit in the same run, build it (git worktree add /tmp/old <rev> &&
# cd /tmp/old && go build -o /tmp/webmail-old ./cmd/webmail) and add
# LOAD_ARGS+=" -load.baseline /tmp/webmail-old".
LOAD_ARGS ?= -load.users 4 -load.messages 5000 -load.c 1,8,32 -load.d 15s
load: test-deps
	$(GO) test -count=1 -v -timeout 90m -run '^TestLoadDriver$$' ./webmailcmd/ -args $(LOAD_ARGS) -load.out $(CURDIR)/load.md

# Dovecot's CPU per IMAP command the webmail may send, on a 5,000-message
# INBOX, to imapcost.md.
imapcost: test-deps
	$(GO) test -count=1 -v -timeout 30m -run '^TestIMAPCommandCosts$$' ./webmailcmd/ -args -imapcost.messages 5000 -imapcost.n 1000 -imapcost.out $(CURDIR)/imapcost.md

# Memory of 1,000 idle sessions (Redis, webmail, Dovecot), to idle.md.
idle: test-deps
	$(GO) test -count=1 -v -timeout 30m -run '^TestIdleSessionsMemory$$' ./webmailcmd/ -args -idle.sessions 1000 -idle.out $(CURDIR)/idle.md
