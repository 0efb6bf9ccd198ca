package rem

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/ou"
)

// Model is the random energy model of SI C for the two-cluster Gaussian mixture with
// σ = Sigma, |m|² = d μ̃² (μ̃ = Mu), and n = e^{αd} data points (α = Alpha). It describes
// P_t^e(x) = [Z_1 + Z_+ + Z_−]/(2πΔ_t)^{d/2} at a typical noised training point
// x = a¹ e^{-t} + z sqrt(Δ_t): (1/d) log Z_1 → −1/2 and (1/d) log Z_± → ψ_±(t).
//
// Each of Z_± sums over about n/2 levels; at fixed α the log 2 this drops is O(1/d) and,
// as in the paper, is neglected.
type Model struct {
	Alpha float64 // α = log(n)/d > 0
	Sigma float64 // σ > 0
	Mu    float64 // μ̃ > 0 (enters only ψ_−)
}

// New returns a validated Model.
func New(alpha, sigma, mu float64) (Model, error) {
	m := Model{Alpha: alpha, Sigma: sigma, Mu: mu}
	return m, m.Validate()
}

// FromCounts returns the Model with α = log(n)/d.
func FromCounts(n, d int, sigma, mu float64) (Model, error) {
	switch {
	case n < 2:
		return Model{}, fmt.Errorf("rem: number of data n must be >= 2, got %d", n)
	case d < 1:
		return Model{}, fmt.Errorf("rem: dimension d must be >= 1, got %d", d)
	}
	return New(math.Log(float64(n))/float64(d), sigma, mu)
}

// Validate reports an error naming the first invalid parameter.
func (m Model) Validate() error {
	bad := func(v float64) bool { return !(v > 0) || math.IsInf(v, 0) }
	switch {
	case bad(m.Alpha):
		return fmt.Errorf("rem: Alpha must be finite and > 0, got %g", m.Alpha)
	case bad(m.Sigma):
		return fmt.Errorf("rem: Sigma must be finite and > 0, got %g", m.Sigma)
	case bad(m.Mu):
		return fmt.Errorf("rem: Mu must be finite and > 0, got %g", m.Mu)
	}
	return nil
}

// levels returns the Levels of Z_+ (minus = false) or Z_− at time t, ok = false for an
// invalid model or t outside (0, ∞).
func (m Model) levels(t float64, minus bool) (Levels, bool) {
	if m.Validate() != nil || !(t > 0) || math.IsInf(t, 1) {
		return Levels{}, false
	}
	l := Levels{Delta: ou.Delta(t), S: m.Sigma * m.Sigma * math.Exp(-2*t)}
	if minus {
		l.M = 4 * m.Mu * m.Mu * math.Exp(-2*t)
	}
	return l, true
}

// Plus returns the energy-level law of Z_+ at time t (M_t = 0, eqs. 33-43), or an error for
// t <= 0, t = +Inf, NaN or an invalid model.
func (m Model) Plus(t float64) (Levels, error) { return m.checked(t, false) }

// Minus returns the energy-level law of Z_− at time t (M_t = 4 μ̃² e^{-2t}, eqs. 44-53).
func (m Model) Minus(t float64) (Levels, error) { return m.checked(t, true) }

func (m Model) checked(t float64, minus bool) (Levels, error) {
	if err := m.Validate(); err != nil {
		return Levels{}, err
	}
	l, ok := m.levels(t, minus)
	if !ok {
		return Levels{}, fmt.Errorf("rem: time t = %g must be finite and > 0", t)
	}
	return l, nil
}

// G returns g_t(λ) of eq. (35) for Z_+. NaN for invalid t or model.
func (m Model) G(t, lambda float64) float64 {
	l, ok := m.levels(t, false)
	if !ok {
		return math.NaN()
	}
	return l.G(lambda)
}

// LambdaStar returns λ*(ε) of eq. (36) for Z_+. NaN for invalid t, ε or model.
func (m Model) LambdaStar(t, eps float64) float64 {
	l, ok := m.levels(t, false)
	if !ok {
		return math.NaN()
	}
	return l.LambdaStar(eps)
}

// EpsStar returns ε*(λ) of eq. (37) (corrected, see Levels.EpsStar) for Z_+.
func (m Model) EpsStar(t, lambda float64) float64 {
	l, ok := m.levels(t, false)
	if !ok {
		return math.NaN()
	}
	return l.EpsStar(lambda)
}

// Rate returns the rate function f_t(ε) of eqs. (38)-(39) (corrected, see Levels.Rate) for Z_+.
func (m Model) Rate(t, eps float64) float64 {
	l, ok := m.levels(t, false)
	if !ok {
		return math.NaN()
	}
	return l.Rate(eps)
}

// PsiPlusAnnealed returns the annealed free energy of Z_+, eq. (40):
//
//	ψ_+^ann(t) = α + ½ log(Δ_t / (Δ_t + σ_t²)) − ½
//
// NaN for t <= 0 or an invalid model.
func (m Model) PsiPlusAnnealed(t float64) float64 {
	l, ok := m.levels(t, false)
	if !ok {
		return math.NaN()
	}
	return m.Alpha + l.G(1)
}

// PsiMinusAnnealed returns the annealed free energy of Z_−, eq. (50):
//
//	ψ_−^ann(t) = α + ½ log(Δ_t / (Δ_t + σ_t²)) − ½ − ½ M_t / (Δ_t + σ_t²)
func (m Model) PsiMinusAnnealed(t float64) float64 {
	l, ok := m.levels(t, true)
	if !ok {
		return math.NaN()
	}
	return m.Alpha + l.G(1)
}

// PsiPlus returns ψ_+(t) = lim (1/d) log Z_+, the quenched free energy of the levels of the
// cluster of a¹ (eq. 42 as corrected here):
//
//	ψ_+(t) = α + ½ log(Δ_t/(Δ_t + σ_t²)) − ½   for t >= t_cond (liquid, eq. 40)
//	ψ_+(t) = −ε_min(t) < −½                     for t <  t_cond (condensed)
//
// with t_cond = CondensationTime(). ψ_+(t_cond) = −½ exactly, which makes t_cond the collapse
// time t_C of eq. (10). NaN for t <= 0 or an invalid model.
func (m Model) PsiPlus(t float64) float64 {
	l, ok := m.levels(t, false)
	if !ok {
		return math.NaN()
	}
	return l.FreeEnergy(m.Alpha)
}

// PsiMinus returns ψ_−(t) = lim (1/d) log Z_−, the quenched free energy of the levels of the
// other cluster (eq. 52 as corrected here): α + g_t(1) of eq. (50) for t >= CondensationTimeMinus(),
// −ε_min(t) of the M_t ≠ 0 levels before. ψ_− < ψ_+ at every t > 0.
func (m Model) PsiMinus(t float64) float64 {
	l, ok := m.levels(t, true)
	if !ok {
		return math.NaN()
	}
	return l.FreeEnergy(m.Alpha)
}

// CondensationTime returns the condensation time of Z_+, eq. (43) (= eq. 10):
//
//	t_cond = ½ log(1 + σ² / (e^{2α} − 1))
//
// the root of f_t(ε*(1)) = f_t(½) = ½ log(1 + σ_t²/Δ_t) = α (eq. 41). NaN for an invalid model.
func (m Model) CondensationTime() float64 {
	if m.Validate() != nil {
		return math.NaN()
	}
	return 0.5 * math.Log1p(m.Sigma*m.Sigma/math.Expm1(2*m.Alpha))
}

// CondensationTimeMinus returns the condensation time of Z_−, the root in t of eq. (51),
//
//	f_t(ε*(1)) = ½ log(1 + σ_t²/Δ_t) + ½ M_t σ_t² / (Δ_t + σ_t²)² = α
//
// found by bisection (the left side decreases in t). It is later than CondensationTime; the
// paper's eq. (53), which repeats eq. (43), holds only for μ̃ → 0. NaN for an invalid model.
func (m Model) CondensationTimeMinus() float64 {
	if m.Validate() != nil {
		return math.NaN()
	}
	excess := func(t float64) float64 {
		l, _ := m.levels(t, true)
		return l.rateAt(1) - m.Alpha
	}
	lo, hi := m.CondensationTime(), 1.0
	for excess(hi) > 0 {
		hi *= 2
	}
	t, err := numeric.Bisect(excess, lo, hi, 0)
	if err != nil {
		return math.NaN()
	}
	return t
}
