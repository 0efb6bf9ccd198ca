package realdata

import (
	"bytes"
	"encoding/gob"
	"slices"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/sde"
)

// TestBackwardStrip: the strip is one trajectory cut at the poster's times; with host noise
// its last frame is exactly the sample Generate draws from the same seed, and the labels
// carry the regimes.
func TestBackwardStrip(t *testing.T) {
	ds, _ := clusters(16, 4, 1, 0.5, 4)
	e := mustExperiment(t, ds)
	cfg := sde.Config{T: 4, L: 80, K: 8, Seed: 3, Noise: sde.NoiseHost}
	s, err := e.BackwardStrip(PosterTimes(), 0.3, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Images) != 8 || s.Times[7] != 0 || !near(s.Times[0], 3.2, 1e-9) {
		t.Fatalf("%d frames at %v", len(s.Images), s.Times)
	}
	x, err := e.Generate(1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := e.Images(x)
	if !slices.Equal(s.Images[7], want[0]) {
		t.Error("the strip's x̂(0) differs from Generate's sample of the same seed")
	}
	for i, tk := range s.Times {
		if r := Regime(tk, e.TS, 0.3); s.Labels[i] == "" || !strings.Contains(s.Labels[i], "("+r+")") {
			t.Errorf("label %q at t = %g, regime %s", s.Labels[i], tk, r)
		}
	}
	if _, err := e.BackwardStrip([]float64{5}, 0.3, cfg); err == nil {
		t.Error("a time beyond T accepted")
	}
}

// TestCloneCases: the counts are consistent (same image implies same class), and clones split
// at t = η under the exact empirical score of a small set end on the same training image.
func TestCloneCases(t *testing.T) {
	ds, _ := clusters(16, 4, 1, 0.5, 4)
	e := mustExperiment(t, ds)
	cfg := sde.Config{T: 4, L: 80, K: 8, Seed: 3}
	cases, err := e.CloneCases([]float64{3, 0.5, 0.05}, 0.3, 32, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 3 {
		t.Fatalf("%d cases", len(cases))
	}
	for _, c := range cases {
		if c.SameImage > c.SameClass || c.SameClass > c.Pairs || len(c.A) != e.D() || len(c.B) != e.D() {
			t.Errorf("case %+v", c)
		}
	}
	last := cases[2]
	if last.Regime != "III" || last.SameImage != last.Pairs || last.Shown != 0 || last.NearestA != last.NearestB {
		t.Errorf("split at t = %.2f: regime %s, %d of %d on the same image, shown %d", last.T, last.Regime, last.SameImage, last.Pairs, last.Shown)
	}
	// Notebooks memoise results with gob (experiment.Memo): the panel must hold plain data.
	var buf bytes.Buffer
	res := &Figure1ImagesResult{Panels: []*Figure1Panel{{Label: e.Label(), H: 4, W: 4, C: 1, Cases: cases}}}
	if err := gob.NewEncoder(&buf).Encode(res); err != nil {
		t.Errorf("gob: %v", err)
	}
	if len(last.ImageA) != e.D() || !slices.Equal(last.ImageA, last.ImageB) {
		t.Errorf("nearest images of a pair on one training image differ")
	}
	if cases[0].Regime != "I" {
		t.Errorf("t = %.2f regime %s, t_S = %.2f", cases[0].T, cases[0].Regime, e.TS)
	}
}
