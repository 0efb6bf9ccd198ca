#!/usr/bin/env python3
"""Appends the live cells (package pkg/live) at the end of notebooks 11-14, or replaces them when
they are already there (cells marked with metadata {"diffregimes": "live"}). The other cells are
left as they are. Usage: python3 tests/live/append_cells.py (from the repository root)."""
import json, sys

NOTE = ("The controls of the next cell are **live in Jupyter** (`make notebook`, package `pkg/live`): each move recomputes the chart "
        "in place (a slider moved faster than the computation keeps only its latest value; a failing computation shows its error "
        "under the controls). Click **Done** to end the cell and keep the last chart; cells below wait for it. In the published HTML, "
        "where no kernel runs, the cell shows its default chart.")

CELLS = {
"notebooks/11_figure2_speciation.ipynb": [
("markdown", "## Live: φ(t) of eq. (6) for any d, μ̃ and σ\n" + NOTE),
("code", r'''import (
	"github.com/diffregimes/diffregimes/pkg/live"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

%%
// φ(t) of eq. (6) against t/t_S, t_S = ½ log(d μ̃²), for the chosen mixture, beside d = 10⁶ (towards the step).
must.M(live.New("Fig. 2 theory: φ(t) of eq. (6)").
	Slider("d", []float64{2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384, 65536}, 64).
	Slider("μ̃", numeric.Linspace(0.25, 3, 12), 1).
	Slider("σ", numeric.Linspace(0.25, 3, 12), 1).
	Draw(func(v live.Values) (nbplot.Item, error) {
		m := gmm.Mixture{D: v.Int("d"), Mu: v["μ̃"], Sigma: v["σ"]}
		tS := m.SpeciationTime()
		if !(tS > 0) {
			return nil, fmt.Errorf("t_S = ½ log(d μ̃²) = %.3g ≤ 0 for d = %d, μ̃ = %g: no speciation regime (choose d μ̃² > 1)", tS, m.D, m.Mu)
		}
		xs := numeric.Linspace(0.02, 2.5, 200)
		phi, err := m.PhiCurve(numeric.Scaled(xs, tS))
		if err != nil {
			return nil, err
		}
		big := gmm.Mixture{D: 1000000, Mu: m.Mu, Sigma: m.Sigma}
		step, err := big.PhiCurve(numeric.Scaled(xs, big.SpeciationTime()))
		if err != nil {
			return nil, err
		}
		return nbplot.Lines(fmt.Sprintf("φ(t) of eq. (6): d = %d, μ̃ = %.3g, σ = %.3g, t_S = %.3f", m.D, m.Mu, m.Sigma, tS), "t/t_S", "φ(t)", []nbplot.Series{
			{Name: fmt.Sprintf("d = %d", m.D), X: xs, Y: phi},
			{Name: "d = 10⁶", X: xs, Y: step, Dashed: true, Color: "#888"},
		}).VLine(1, "t/t_S = 1").HLine(0.775, "φ = 0.775").YRange(0.45, 1.02), nil
	}).Run())'''),
("markdown", "## Live: a cloning run at the chosen cloning time\n"
 "A small cloning experiment (SI D.1: exact mixture score eq. 54, Euler–Maruyama eq. 55, T = 10, L = 500; d = 16, 200 clone pairs) "
 "runs at the cloning time set by the slider, in about a second on a 2-core CPU; each measured φ (±3 s.e.) joins the chart next to eq. (6). "
 + NOTE),
("code", r'''%%
// The cloning experiment of Fig. 2 at one time t/t_S per move (pkg/experiment.PhiSweep with one d and one time).
liveD, livePairs, liveCfg := 16, 200, sde.Config{T: 10, L: 500, Seed: 1}
liveFine := numeric.Linspace(0.2, 2, 91)
liveTheory := must.M1(experiment.TheoryPhiCurve(liveD, mu, sigma, liveFine))
var liveX, livePhi, liveErr []float64
must.M(live.New(fmt.Sprintf("Fig. 2 cloning run: d = %d, %d clone pairs", liveD, livePairs)).
	Slider("t/t_S", numeric.Linspace(0.3, 1.9, 17), 1).
	Draw(func(v live.Values) (nbplot.Item, error) {
		cs, err := experiment.PhiSweep(backend.MustDefault(), []int{liveD}, []float64{v["t/t_S"]}, livePairs, liveCfg, mu, sigma)
		if err != nil {
			return nil, err
		}
		c := cs[0]
		liveX, livePhi, liveErr = append(liveX, c.X...), append(livePhi, c.Phi...), append(liveErr, c.Err...)
		return nbplot.Lines(fmt.Sprintf("cloning at t/t_S = %.2f: φ = %.3f ± %.3f (eq. 6: %.3f)", c.X[0], c.Phi[0], c.Err[0], c.Theory[0]), "t/t_S", "φ(t)", []nbplot.Series{
			{Name: "eq. (6)", X: liveTheory.X, Y: liveTheory.Theory, Dashed: true},
			{Name: "cloning runs so far (±3 s.e.)", X: liveX, Y: livePhi, Err: liveErr, Points: true},
			{Name: "this run", X: c.X, Y: c.Phi, Err: c.Err, Points: true, Color: "#ee6666"},
		}).VLine(1, "t/t_S = 1").XRange(0.2, 2).YRange(0.4, 1.05), nil
	}).Run())'''),
],
"notebooks/12_potential.ipynb": [
("markdown", "## Live: V(q, t) of eq. (8) for any t and d\n" + NOTE),
("code", r'''import (
	"github.com/diffregimes/diffregimes/pkg/live"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

%%
// V(q, t) of eq. (8) at t = x·t_S for the chosen d (μ̃ = σ = 1), beside V(q, t_S) and V(q, t*) of eq. (23).
must.M(live.New("V(q, t) of eq. (8)").
	Slider("t/t_S", numeric.Linspace(0.3, 2.5, 23), 1).
	Slider("d", []float64{4, 16, 64, 128, 256, 1024, 4096}, 128).
	Draw(func(v live.Values) (nbplot.Item, error) {
		m := gmm.Mixture{D: v.Int("d"), Mu: 1, Sigma: 1}
		tS, tStar := m.SpeciationTime(), m.CurvatureTime()
		qs := numeric.Linspace(-8, 8, 321)
		curve := func(t float64) []float64 {
			y := make([]float64, len(qs))
			for i, q := range qs {
				y[i] = m.Potential(q, t)
			}
			return y
		}
		t := v["t/t_S"] * tS
		return nbplot.Lines(fmt.Sprintf("V(q,t) of eq. (8): d = %d, t = %.3f = %.2f t_S (t* = %.2f t_S)", m.D, t, v["t/t_S"], tStar/tS), "q = m·x/sqrt(d)", "V(q,t)", []nbplot.Series{
			{Name: fmt.Sprintf("V(q, %.2f t_S)", v["t/t_S"]), X: qs, Y: curve(t)},
			{Name: "V(q, t_S)", X: qs, Y: curve(tS), Dashed: true, Color: "#444"},
			{Name: "V(q, t*)", X: qs, Y: curve(tStar), Dashed: true, Color: "#91cc75"},
		}), nil
	}).Run())'''),
],
"notebooks/13_figure3_collapse.ipynb": [
("markdown", "## Live: the collapse curves of Fig. 3 and t_C of eq. (10) for any n and d\n" + NOTE),
("code", r'''import (
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/live"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

%%
// f(t)/α = 1 + ½ log(Δ_t/Γ_t)/α (the d → ∞ curve) and the exact finite-d s^sep − s, with t_C of eq. (10).
must.M(live.New("Fig. 3 theory: f(t)/α and t_C of eq. (10)").
	Slider("n", numeric.Logspace(1, 6, 21), 2000).
	Slider("d", []float64{4, 8, 16, 32, 64, 128, 256, 1024}, 32).
	Draw(func(v live.Values) (nbplot.Item, error) {
		m, nn := gmm.Mixture{D: v.Int("d"), Mu: mu, Sigma: sigma}, v.Int("n")
		tC, err := m.CollapseTime(nn)
		if err != nil {
			return nil, err
		}
		alpha := math.Log(float64(nn)) / float64(m.D)
		tt := numeric.Linspace(0.01, 2.5, 120)
		f, fin := make([]float64, len(tt)), make([]float64, len(tt))
		for i, t := range tt {
			f[i], fin[i] = m.ExcessEntropy(t, nn)/alpha, m.FiniteExcessEntropy(t, nn)/alpha
		}
		return nbplot.Lines(fmt.Sprintf("n = %d, d = %d: α = log(n)/d = %.3f, t_C = %.4f (eq. 10)", nn, m.D, alpha, tC), "t", "f(t)/α", []nbplot.Series{
			{Name: "f(t)/α, d → ∞", X: tt, Y: f},
			{Name: "finite d: (s^sep − s)/α", X: tt, Y: fin, Dashed: true},
		}).HLine(0, "").VLine(tC, "t_C").YRange(-0.6, 1.1), nil
	}).Run())'''),
],
"notebooks/14_rem.ipynb": [
("markdown", "## Live: ψ₊ and ψ₋ of the REM for any α\n" + NOTE),
("code", r'''import (
	"github.com/diffregimes/diffregimes/pkg/live"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

%%
// ψ₊(t) (eq. 42 as corrected in pkg/rem) and ψ₋(t) (eq. 52) against −½, with t_cond of eq. (43), for the chosen α = log(n)/d.
must.M(live.New("REM: ψ₊(t), ψ₋(t)").
	Slider("α", numeric.Linspace(0.02, 1, 50), 0.2).
	Draw(func(v live.Values) (nbplot.Item, error) {
		model, err := rem.New(v["α"], sigma, mu)
		if err != nil {
			return nil, err
		}
		tt := numeric.Linspace(0.02, 3, 250)
		plus, minus := make([]float64, len(tt)), make([]float64, len(tt))
		for i, t := range tt {
			plus[i], minus[i] = model.PsiPlus(t), model.PsiMinus(t)
		}
		tc := model.CondensationTime()
		return nbplot.Lines(fmt.Sprintf("REM, α = %.3f: t_cond = %.4f (eq. 43)", model.Alpha, tc), "t", "(1/d) log Z", []nbplot.Series{
			{Name: "ψ₊(t)", X: tt, Y: plus},
			{Name: "ψ₋(t)", X: tt, Y: minus},
		}).HLine(-0.5, "−1/2").VLine(tc, "t_cond").YRange(-3, 0.5), nil
	}).Run())'''),
],
}

def lines(s):
    out = s.split("\n")
    return [l + "\n" for l in out[:-1]] + [out[-1]]

for path, cells in CELLS.items():
    nb = json.load(open(path))
    nb["cells"] = [c for c in nb["cells"] if c.get("metadata", {}).get("diffregimes") != "live"]
    for k, (kind, src) in enumerate(cells):
        c = {"cell_type": kind, "metadata": {"diffregimes": "live"}, "source": lines(src)}
        if kind == "code":
            c["execution_count"] = None
            c["outputs"] = []
        c["id"] = "live%d" % (k + 1)
        nb["cells"].append(c)
    with open(path + ".tmp", "w") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    import os
    os.replace(path + ".tmp", path)
    print(path, len(nb["cells"]), "cells")
