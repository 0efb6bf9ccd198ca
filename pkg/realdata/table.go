package realdata

import (
	"fmt"
	"math"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/numeric"
)

func num(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}

// SpeciationTable compares, per experiment, the predicted t_S = 1/2 log Λ (eq. 4) with the
// measured crossing φ(t_S) = 0.775 (Figure 4), as a Markdown table.
func SpeciationTable(rows ...*SpeciationResult) string {
	var b strings.Builder
	b.WriteString("| experiment | route | n | d | Λ | t_S = ½ log Λ | t_S measured (φ = 0.775) | ratio | pairs |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		if r == nil {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.2f | %s | %s | %s | %d |\n", r.Label, r.Route, r.N, r.D, r.Lambda,
			num(r.TS), num(r.TSMeasured), num(r.TSMeasured/r.TS), r.Pairs)
	}
	return b.String()
}

// CollapseTable compares the three estimates of t_C of Figure 5 per experiment: the crossing
// φ_C = 1/2, the mean last-change time t̄_C (± three standard errors) and the time where
// f^e/α falls to its zero tolerance, as a Markdown table.
func CollapseTable(rows ...*CollapseResult) string {
	var b strings.Builder
	b.WriteString("| experiment | route | n | d | α = log n / d | t_C (φ_C = 1/2) | t̄_C (mean t̂_C ± 3 s.e.) | t_C (f^e/α = tol) | median final L2 to μ* |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		if r == nil {
			continue
		}
		tbar := "n/a"
		if !math.IsNaN(r.TCBar) {
			tbar = fmt.Sprintf("%.3f ± %.3f (%d samples)", r.TCBar, r.TCBarErr, len(r.LastChange))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.5f | %s | %s | %s (tol %.2f) | %s |\n", r.Label, r.Route, r.N, r.D, r.Alpha,
			num(r.TCPhiC), tbar, num(r.TCEntropy), r.ZeroTol, num(numeric.Median(r.FinalDist)))
	}
	return b.String()
}
