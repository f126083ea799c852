// Package axe embeds axe-core, Deque's accessibility rules engine, for the
// browser tests: a test injects Script into a page through the DevTools
// protocol and runs Run there. It lives here, outside static/, so the
// webmail never serves it; files/ is written by vendor.sh from npm.
package axe

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed files/axe.min.js
var script string

// Script returns axe.min.js, to evaluate in a page before Run.
func Script() string { return script }

// Run is a JavaScript expression that runs axe-core on the document and
// resolves to its Result. Frames are left out: the only frame the webmail
// has is the sandboxed message body, the sender's HTML, where no script of
// ours (axe included) may run.
const Run = `(async () => {
	const result = await axe.run(document, {iframes: false, resultTypes: ["violations", "incomplete"]});
	const brief = (list) => list.map((v) => ({
		id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ""})),
	}));
	return {violations: brief(result.violations), incomplete: brief(result.incomplete)};
})()`

// Result is what Run finds.
type Result struct {
	// Violations are the rules the page breaks.
	Violations []Violation `json:"violations"`
	// Incomplete are the checks axe-core could not decide (text over an
	// image, an element overlapped by another): for a person to look at.
	Incomplete []Violation `json:"incomplete"`
}

// Violation is one rule the page breaks, with the elements that break it.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"` // minor, moderate, serious or critical
	Help   string `json:"help"`
	Nodes  []Node `json:"nodes"`
}

// Node is one element that breaks a rule.
type Node struct {
	Target  []string `json:"target"` // CSS selectors, outermost frame first
	HTML    string   `json:"html"`
	Summary string   `json:"summary"` // what to fix
}

// Severe reports whether the violation is serious or critical, the
// impacts the browser tests do not allow.
func (v Violation) Severe() bool { return v.Impact == "serious" || v.Impact == "critical" }

// String describes the violation and each element for a test failure.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t%s %s", strings.Join(n.Target, " "), n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n\t\t%s", strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
	}
	return b.String()
}
