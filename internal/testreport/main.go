// Command testreport reads `go test -json` on stdin and prints a short,
// honest report: every top-level test with its result and time, the servers
// the test helpers started, the full output of anything that failed, and a
// closing "N passed, N failed, N skipped" line. It exits non-zero when any
// test or build failed, or when no test ran at all.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type testKey struct{ pkg, test string }

type report struct {
	out                     io.Writer
	output                  map[testKey][]string // output per test ("" test = package level)
	passed, failed, skipped int
	failedPkgs              []string
	skippedTests            []string
}

func main() {
	r := &report{out: os.Stdout, output: map[testKey][]string{}}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if err := json.Unmarshal(line, &ev); err != nil || ev.Action == "" {
			// Not JSON: a build error or go's own message. Show it.
			fmt.Fprintln(r.out, string(line))
			continue
		}
		r.handle(ev)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(r.out, "testreport: reading input:", err)
		os.Exit(2)
	}
	os.Exit(r.finish())
}

func (r *report) handle(ev event) {
	key := testKey{ev.Package, ev.Test}
	switch ev.Action {
	case "output", "build-output":
		r.output[key] = append(r.output[key], ev.Output)
		// The helpers announce the servers they start, and the cluster
		// test prints its numbers; show both.
		if out := strings.TrimSpace(ev.Output); strings.HasPrefix(out, "testenv: started") || strings.HasPrefix(out, "cluster:") {
			fmt.Fprintf(r.out, "    %s", strings.TrimLeft(ev.Output, " \t"))
		}
	case "build-fail":
		r.failedPkgs = append(r.failedPkgs, ev.Package+" (build failed)")
		r.dump(key)
	case "pass", "fail", "skip":
		if ev.Test == "" {
			r.finishPackage(ev)
			return
		}
		if strings.Contains(ev.Test, "/") {
			// Subtests count toward totals; only failures print.
			r.count(ev)
			if ev.Action == "fail" {
				r.dump(key)
			}
			return
		}
		r.count(ev)
		mark := map[string]string{"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[ev.Action]
		fmt.Fprintf(r.out, "  %s %s.%s (%.2fs)\n", mark, shortPkg(ev.Package), ev.Test, ev.Elapsed)
		if ev.Action != "pass" {
			r.dump(key)
		}
	}
}

func (r *report) count(ev event) {
	switch ev.Action {
	case "pass":
		r.passed++
	case "fail":
		r.failed++
	case "skip":
		r.skipped++
		r.skippedTests = append(r.skippedTests, shortPkg(ev.Package)+"."+ev.Test)
	}
}

func (r *report) finishPackage(ev event) {
	switch ev.Action {
	case "pass":
		fmt.Fprintf(r.out, "ok   %s (%.1fs)\n", ev.Package, ev.Elapsed)
	case "skip":
		// A package without test files.
	case "fail":
		fmt.Fprintf(r.out, "FAIL %s (%.1fs)\n", ev.Package, ev.Elapsed)
		r.failedPkgs = append(r.failedPkgs, ev.Package)
		r.dump(testKey{ev.Package, ""})
	}
}

// dump prints the captured output of a failed test or package.
func (r *report) dump(key testKey) {
	lines := r.output[key]
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(r.out, "----- output of %s %s -----\n", key.pkg, key.test)
	for _, l := range lines {
		fmt.Fprint(r.out, l)
	}
	fmt.Fprintln(r.out, "-----")
}

func (r *report) finish() int {
	if len(r.skippedTests) > 0 {
		sort.Strings(r.skippedTests)
		fmt.Fprintf(r.out, "\nSkipped (a skip in this suite is a defect unless -short was asked for):\n  %s\n", strings.Join(r.skippedTests, "\n  "))
	}
	if len(r.failedPkgs) > 0 {
		fmt.Fprintf(r.out, "\nFailed packages:\n  %s\n", strings.Join(r.failedPkgs, "\n  "))
	}
	fmt.Fprintf(r.out, "\n%d passed, %d failed, %d skipped\n", r.passed, r.failed, r.skipped)
	switch {
	case r.failed > 0 || len(r.failedPkgs) > 0:
		return 1
	case r.passed == 0:
		fmt.Fprintln(r.out, "testreport: no test ran")
		return 1
	}
	return 0
}

func shortPkg(pkg string) string {
	return strings.TrimPrefix(pkg, "github.com/webmail/webmail/")
}
