package load

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// Markdown renders the report as a table, one row per operation and
// concurrency, with the machine's load before and after.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s, %d CPUs, load average %s before and %s after.\n\n",
		r.Started.UTC().Format(time.RFC3339), runtime.NumCPU(), r.LoadBefore, r.LoadEnd)
	b.WriteString("| operation | c | ops/s | p50 ms | p90 ms | p99 ms | errors | webmail CPU ms/op | IMAP CPU ms/op |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, res := range r.Results {
		fmt.Fprintf(&b, "| %s | %d | %.1f | %s | %s | %s | %d | %s | %s |\n",
			res.Op, res.Concurrency, res.PerSecond(), ms(res.P50), ms(res.P90), ms(res.P99), res.Errors,
			perOp(res.WebmailCPU, res.Ops), perOp(res.IMAPCPU, res.Ops))
	}
	for _, res := range r.Results {
		if res.FirstError != "" {
			fmt.Fprintf(&b, "\n%s at c=%d, first error: %s", res.Op, res.Concurrency, res.FirstError)
		}
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// perOp is CPU per operation; "-" when nothing was measured.
func perOp(cpu time.Duration, ops int) string {
	if ops == 0 || cpu == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(cpu.Microseconds())/1000/float64(ops))
}
