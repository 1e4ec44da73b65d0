// Package axe runs axe-core, the accessibility engine (vendored here as
// axe.min.js, 4.14.1, MPL-2.0, see LICENSE), on the page open in a test
// browser and reports its violations: missing labels and names, contrast,
// landmarks, ARIA misuse.
package axe

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"touchbase/internal/testutil/browser"
)

//go:embed axe.min.js
var source string

// Violation is one rule the page breaks, with the elements that break it.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // CSS selectors, at most five
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
}

// Serious is the violations of serious or critical impact.
func Serious(vs []Violation) []Violation {
	return slices.DeleteFunc(slices.Clone(vs), func(v Violation) bool { return v.Impact != "serious" && v.Impact != "critical" })
}

// Check runs axe-core's WCAG 2.1 A and AA rules on the page open in b. The
// engine is evaluated through the DevTools protocol, which the page's
// Content-Security-Policy does not govern.
func Check(b *browser.Browser) []Violation {
	if !browser.Eval[bool](b, `typeof window.axe === "object"`) {
		browser.Eval[bool](b, source+"\n;true")
	}
	return browser.Eval[[]Violation](b, `((why) => axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + why(n))}))))(n => {
  const d = (n.any[0] || {}).data;
  return d && d.contrastRatio ? " [" + d.fgColor + " on " + d.bgColor + ": " + d.contrastRatio + ":1]" : "";
})`)
}
