package realdata

import (
	"fmt"
	"strings"
)

// RouteBReport is what notebooks print about route (b): for each model used, the training
// set it was trained on and its provenance; then the notes on the checkpoints passed over;
// and, when no model was found, where notebook 20, cmd/train and `make models` put one.
func RouteBReport(models []*Provenance, notes []string) string {
	var b strings.Builder
	for _, p := range models {
		if p == nil {
			continue
		}
		fmt.Fprintf(&b, "route (b) model for %s:\n%s\n", p.Set, p.String())
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "route (b) note: %s\n", n)
	}
	if b.Len() == 0 || len(models) == 0 {
		fmt.Fprintf(&b, "route (b): no trained model for these training sets in %s (notebook 20 and cmd/train write to "+
			"DDPMDir; reference models: %s)\n", strings.Join(ddpmRoots(), ", "), ReferenceDDPMDir())
	}
	return b.String()
}

// RouteB is RouteBReport of the route (b) models of Figure 4 and the notes.
func (f *Figure4Result) RouteB() string {
	var ps []*Provenance
	for _, s := range f.Series {
		ps = append(ps, s.Model)
	}
	return RouteBReport(compact(ps), f.Notes)
}

// RouteB is RouteBReport of the route (b) models of Figure 5 and the notes.
func (f *Figure5Result) RouteB() string {
	var ps []*Provenance
	for _, r := range f.Results {
		ps = append(ps, r.Model)
	}
	return RouteBReport(compact(ps), f.Notes)
}

// RouteB is RouteBReport of the route (b) models of Figures 6-11 and the notes.
func (f *Figure11Result) RouteB() string {
	var ps []*Provenance
	for _, p := range f.Panels {
		ps = append(ps, p.Model)
	}
	return RouteBReport(compact(ps), f.Notes)
}

func compact(ps []*Provenance) []*Provenance {
	var out []*Provenance
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
