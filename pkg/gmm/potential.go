package gmm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// logCosh returns log cosh(x) without overflow for large |x|.
func logCosh(x float64) float64 {
	x = math.Abs(x)
	return x + math.Log1p(math.Exp(-2*x)) - math.Ln2
}

// Potential returns the potential of the q-Langevin equation (7), eq. (8) (SI eq. 22):
//
//	V(q, t) = ½ q² − 2 μ̃² log cosh(q e^{-t} sqrt(d))
//
// where q = m·x/sqrt(d). It is the exact potential of the projected backward dynamics when
// σ = 1 (Γ_t = 1); for σ ≠ 1 it is the t ≫ 1 limit of ProjectedPotential. Quadratic for
// t ≫ t*, double well for t < t* (CurvatureTime). NaN for t < 0 or an invalid Mixture.
func (m Mixture) Potential(q, t float64) float64 {
	if !m.ok() || !(t >= 0) {
		return math.NaN()
	}
	return 0.5*q*q - 2*m.Mu*m.Mu*logCosh(q*math.Exp(-t)*math.Sqrt(float64(m.D)))
}

// Force returns −∂V/∂q of eq. (8):
//
//	−∂V/∂q = −q + 2 μ̃² sqrt(d) e^{-t} tanh(q e^{-t} sqrt(d))
//
// NaN for t < 0 or an invalid Mixture.
func (m Mixture) Force(q, t float64) float64 {
	if !m.ok() || !(t >= 0) {
		return math.NaN()
	}
	a := math.Sqrt(float64(m.D)) * math.Exp(-t)
	return -q + 2*m.Mu*m.Mu*a*math.Tanh(q*a)
}

// ProjectedPotential returns the potential whose force is the exact drift of q = m·x/sqrt(d)
// under the backward dynamics (3) with the mixture score (SI eq. 19), keeping Γ_t:
//
//	V_Γ(q, t) = (1/Γ_t − ½) q² − 2 μ̃² log cosh(q e^{-t} sqrt(d) / Γ_t)
//
// Summing SI eq. (20) over i with weights m_i/sqrt(d) gives −dq = −∂V_Γ/∂q dt + μ̃ dη, so
// eq. (7)-(8) are the Γ_t = 1 case (exact for σ = 1, and the t ≫ 1 limit otherwise).
// NaN for t < 0 or an invalid Mixture.
func (m Mixture) ProjectedPotential(q, t float64) float64 {
	g := m.Gamma(t)
	if math.IsNaN(g) {
		return math.NaN()
	}
	return (1/g-0.5)*q*q - 2*m.Mu*m.Mu*logCosh(q*math.Exp(-t)*math.Sqrt(float64(m.D))/g)
}

// QDrift returns −∂V_Γ/∂q, the exact drift of the projected backward dynamics:
//
//	q + 2 [−q/Γ_t + μ̃² sqrt(d) (e^{-t}/Γ_t) tanh(q sqrt(d) e^{-t}/Γ_t)]
//
// equal to Force(q, t) when σ = 1. NaN for t < 0 or an invalid Mixture.
func (m Mixture) QDrift(q, t float64) float64 {
	g := m.Gamma(t)
	if math.IsNaN(g) {
		return math.NaN()
	}
	a := math.Sqrt(float64(m.D)) * math.Exp(-t) / g
	return q + 2*(-q/g+m.Mu*m.Mu*a*math.Tanh(q*a))
}

// SampleQ fills q with independent draws of q(t) = m·x(t)/sqrt(d) for x(t) ~ P_t (SI eq. 17):
// a ½/½ mixture of N(±μ̃² sqrt(d) e^{-t}, μ̃² Γ_t).
func (m Mixture) SampleQ(q []float64, t float64, rng *rand.Rand) error {
	if err := m.checkTime("SampleQ", t); err != nil {
		return err
	}
	if rng == nil {
		return fmt.Errorf("gmm: SampleQ: rng is nil")
	}
	mean := m.Mu * m.Mu * math.Sqrt(float64(m.D)) * math.Exp(-t)
	sd := m.Mu * math.Sqrt(m.Gamma(t))
	for i := range q {
		c := mean
		if rng.IntN(2) == 0 {
			c = -mean
		}
		q[i] = c + sd*rng.NormFloat64()
	}
	return nil
}

// maxEvolveSteps bounds the number of Euler-Maruyama steps of one EvolveQ call: a step so small
// that it needs more is a mistake (1e-300 would overflow the step count to a silent no-op).
const maxEvolveSteps = 1e9

// EvolveQ integrates the q-Langevin equation (7) backward in time, from time `from` down to
// time `to` <= from, for every entry of q in place, by Euler-Maruyama steps no longer than
// step (the scheme of SI eq. 55 projected on m):
//
//	q(t − h) = q(t) + h QDrift(q, t) + sqrt(2 μ̃² h) ξ
//
// The noise variance is 2 μ̃² h, not the 2h printed with eq. (7): the projection m·dη/sqrt(d)
// of the d-dimensional noise has variance 2 μ̃² dt (the two agree for the paper's μ̃ = 1).
// A step that is not finite, or so small that it needs more than 1e9 steps, is an error.
func (m Mixture) EvolveQ(q []float64, from, to, step float64, rng *rand.Rand) error {
	if err := m.checkTime("EvolveQ", to); err != nil {
		return err
	}
	switch {
	case !(from >= to) || math.IsInf(from, 0):
		return fmt.Errorf("gmm: EvolveQ: start time from = %g must be finite and >= to = %g", from, to)
	case !(step > 0) || math.IsInf(step, 0):
		return fmt.Errorf("gmm: EvolveQ: step must be > 0 and finite, got %g", step)
	case rng == nil:
		return fmt.Errorf("gmm: EvolveQ: rng is nil")
	case (from-to)/step > maxEvolveSteps:
		return fmt.Errorf("gmm: EvolveQ: step %g from %g to %g needs %.3g steps, more than %g", step, from, to, (from-to)/step, float64(maxEvolveSteps))
	}
	n := int(math.Ceil((from - to) / step))
	if n == 0 {
		return nil
	}
	h := (from - to) / float64(n)
	noise := m.Mu * math.Sqrt(2*h)
	mu2, sd := m.Mu*m.Mu, math.Sqrt(float64(m.D))
	for k := range n {
		// QDrift with its time-dependent coefficients hoisted out of the loop over q.
		t := from - float64(k)*h
		g := m.Gamma(t)
		a := sd * math.Exp(-t) / g
		lin, amp := 1-2/g, 2*mu2*a
		for i, x := range q {
			q[i] = x + h*(lin*x+amp*math.Tanh(x*a)) + noise*rng.NormFloat64()
		}
	}
	return nil
}

// ClonePhi estimates φ(t) of eq. (6) by the cloning protocol of the main text and SI D.1 run
// on the exact one-dimensional projection of the backward dynamics: q(t) is drawn from P_t
// (SampleQ), two clones are evolved independently to t = 0 (EvolveQ), and they "agree" when
// sign q_1(0) = sign q_2(0), the classifier of SI D.1. It returns the agreeing fraction over
// pairs clone pairs and its standard error. The sign classifier differs from cluster
// membership (which eq. 6 counts) with probability Φ(−μ̃ sqrt(d)/σ), negligible for d >= 16.
func (m Mixture) ClonePhi(t float64, pairs int, step float64, rng *rand.Rand) (phi, stderr float64, err error) {
	if pairs < 1 {
		return 0, 0, fmt.Errorf("gmm: ClonePhi: pairs must be >= 1, got %d", pairs)
	}
	q1 := make([]float64, pairs)
	if err := m.SampleQ(q1, t, rng); err != nil {
		return 0, 0, err
	}
	q2 := append([]float64(nil), q1...)
	if err := m.EvolveQ(q1, t, 0, step, rng); err != nil {
		return 0, 0, err
	}
	if err := m.EvolveQ(q2, t, 0, step, rng); err != nil {
		return 0, 0, err
	}
	same := 0
	for i := range q1 {
		if (q1[i] > 0) == (q2[i] > 0) {
			same++
		}
	}
	p := float64(same) / float64(pairs)
	return p, math.Sqrt(p * (1 - p) / float64(pairs)), nil
}

func (m Mixture) checkTime(fn string, t float64) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if !(t >= 0) || math.IsInf(t, 0) {
		return fmt.Errorf("gmm: %s: time t = %g must be finite and >= 0", fn, t)
	}
	return nil
}

// CurvatureZero locates numerically the time at which the curvature of V(q, t) of eq. (8) at
// q = 0 changes sign, from central finite differences of Potential and bisection on
// [tLo, tHi]: the independent check of the closed form t* = ½ log(2 d μ̃²) of eq. (23)
// (CurvatureTime). Errors when the curvature does not go from < 0 to > 0 on the bracket.
func (m Mixture) CurvatureZero(tLo, tHi float64) (float64, error) {
	if err := m.Validate(); err != nil {
		return math.NaN(), fmt.Errorf("gmm: CurvatureZero: %w", err)
	}
	if !(tLo >= 0 && tHi > tLo) || math.IsInf(tHi, 0) {
		return math.NaN(), fmt.Errorf("gmm: CurvatureZero: need 0 <= tLo < tHi < ∞, got [%g, %g]", tLo, tHi)
	}
	curv := func(t float64) float64 {
		// h in units of the scale of the log cosh term, so the difference stays accurate.
		h := 1e-3 * math.Min(1, math.Exp(t)/math.Sqrt(float64(m.D)))
		return (m.Potential(h, t) - 2*m.Potential(0, t) + m.Potential(-h, t)) / (h * h)
	}
	if cLo, cHi := curv(tLo), curv(tHi); !(cLo < 0 && cHi > 0) {
		return math.NaN(), fmt.Errorf("gmm: CurvatureZero: V''(0,t) does not go from < 0 to > 0 on [%g, %g] (%g, %g)", tLo, tHi, cLo, cHi)
	}
	t, err := numeric.Bisect(curv, tLo, tHi, 1e-12)
	if err != nil {
		return math.NaN(), fmt.Errorf("gmm: CurvatureZero: %w", err)
	}
	return t, nil
}

// Barrier returns the height V(0, t) − min_q V(q, t) of the barrier between the two wells of
// eq. (8) and the position q0 > 0 of the right minimum, the root of Force(q, t) = 0 found by
// bisection. For t >= t* (CurvatureTime, a single well) both are 0. Errors for t < 0 or an
// invalid Mixture.
func (m Mixture) Barrier(t float64) (height, q0 float64, err error) {
	if err := m.Validate(); err != nil {
		return 0, 0, fmt.Errorf("gmm: Barrier: %w", err)
	}
	if !(t >= 0) || math.IsInf(t, 0) {
		return 0, 0, fmt.Errorf("gmm: Barrier: time t = %g must be finite and >= 0", t)
	}
	a := math.Sqrt(float64(m.D)) * math.Exp(-t)
	if 2*m.Mu*m.Mu*a*a <= 1 { // V''(0, t) >= 0: a single well at q = 0
		return 0, 0, nil
	}
	// The force −q + 2μ̃² a tanh(q a) is > 0 just right of 0 and < 0 at q = 2μ̃² a + 1; its
	// ratio to q has the same sign on q > 0 and tends to −V''(0, t) = 2μ̃² a² − 1 > 0 at 0.
	perQ := func(q float64) float64 {
		if q == 0 {
			return 2*m.Mu*m.Mu*a*a - 1
		}
		return m.Force(q, t) / q
	}
	q0, err = numeric.Bisect(perQ, 0, 2*m.Mu*m.Mu*a+1, 0)
	if err != nil {
		return 0, 0, fmt.Errorf("gmm: Barrier: t = %g: %w", t, err)
	}
	return m.Potential(0, t) - m.Potential(q0, t), q0, nil
}
