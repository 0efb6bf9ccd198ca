package rem

import (
	"math"

	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// Levels is the large-deviation law of the reduced energies ε^μ = |x − a^μ e^{-t}|²/(2 Δ_t d)
// of one cluster's data points seen from a typical noised point x = a¹ e^{-t} + z sqrt(Δ_t)
// (SI C.2-C.3): ρ_t(ε) ≈ e^{-d f_t(ε)}, eq. (33). M = 0 gives the levels of Z_+ (data in the
// cluster of a¹, eqs. 35-43); M = M_t = 4 μ̃² e^{-2t} gives those of Z_− (eqs. 44-53).
//
// Methods return NaN for arguments outside their domain (ε <= 0, NaN), and G returns +Inf
// where its defining expectation diverges (λ <= −Δ_t/σ_t²).
type Levels struct {
	Delta float64 // Δ_t = 1 − e^{-2t}
	S     float64 // σ_t² = σ² e^{-2t}
	M     float64 // M_t: 0 for Z_+, 4 μ̃² e^{-2t} for Z_−
}

// G returns the scaled cumulant generating function g_t(λ) = (1/d) log E e^{-λ d ε}, eqs. (34),
// (35) and (44):
//
//	g_t(λ) = ½ log(Δ_t / (Δ_t + λ σ_t²)) − ½ λ (M_t + Δ_t + σ_t²) / (Δ_t + λ σ_t²)
func (l Levels) G(lambda float64) float64 {
	u := l.Delta + lambda*l.S
	switch {
	case math.IsNaN(u):
		return math.NaN()
	case u <= 0:
		return math.Inf(1)
	}
	return 0.5*math.Log(l.Delta/u) - 0.5*lambda*(l.M+l.Delta+l.S)/u
}

// EpsStar returns ε*(λ) = −g_t'(λ), the energy that dominates E e^{-λ d ε}, eqs. (37) and
// (46) as corrected here (the printed numerators have λσ_t² where the derivative gives
// λσ_t⁴; only the corrected form gives the ε*(1) = 1/2 and eq. (49) that the paper uses):
//
//	ε*(λ) = (Δ_t² + 2 Δ_t σ_t² + λ σ_t⁴ + M_t Δ_t) / (2 (Δ_t + λ σ_t²)²)
func (l Levels) EpsStar(lambda float64) float64 {
	u := l.Delta + lambda*l.S
	if !(u > 0) {
		return math.NaN()
	}
	return (l.Delta*l.Delta + 2*l.Delta*l.S + lambda*l.S*l.S + l.M*l.Delta) / (2 * u * u)
}

// Typical returns the typical reduced energy ε*(0) = (Δ_t + 2σ_t² + M_t)/(2Δ_t), where the
// rate function vanishes.
func (l Levels) Typical() float64 { return (l.Delta + 2*l.S + l.M) / (2 * l.Delta) }

// a returns A of eqs. (39) and (48): sqrt(σ_t⁴ + 8 ε Δ_t (Δ_t + σ_t² + M_t)).
func (l Levels) a(eps float64) float64 {
	return math.Sqrt(l.S*l.S + 8*eps*l.Delta*(l.Delta+l.S+l.M))
}

// LambdaStar returns λ*(ε), the inverse of EpsStar, eqs. (36) and (45):
//
//	λ*(ε) = (σ_t² − 4 Δ_t ε + A) / (4 σ_t² ε),   A = sqrt(σ_t⁴ + 8 ε Δ_t (Δ_t + σ_t² + M_t))
//
// computed in the algebraically equal form 4Δ_t²(ε_typ − ε) / (σ_t² (A + 4Δ_t ε − σ_t²)),
// which has no cancellation near the typical energy ε_typ. NaN for ε <= 0.
func (l Levels) LambdaStar(eps float64) float64 {
	if !(eps > 0) {
		return math.NaN()
	}
	return 4 * l.Delta * l.Delta * (l.Typical() - eps) / (l.S * (l.a(eps) + 4*l.Delta*eps - l.S))
}

// Rate returns the large-deviation rate function f_t(ε) of eq. (33), the Legendre transform
// f_t(ε) = max_λ [−g_t(λ) − λε], eqs. (38)-(39) and (47)-(48). The closed form, as corrected
// here (the paper prints (1 + 2εA) where the transform gives (1 + 2ε)A), is
//
//	f_t(ε) = {Δ_t [−8Δ_t ε + (1 − 6ε) σ_t² + (1 + 2ε) A] + M_t [σ_t² − 8εΔ_t + A]} / (2σ_t²(σ_t² + A))
//	         − ½ log(4Δ_t ε / (σ_t² + A))
//
// It is evaluated as −g_t(λ*) − λ* ε, which is equal and has no 1/σ_t² cancellation.
// f_t >= 0, with f_t(ε_typ) = 0. NaN for ε <= 0.
func (l Levels) Rate(eps float64) float64 {
	if !(eps > 0) {
		return math.NaN()
	}
	A := l.a(eps)
	lam := l.LambdaStar(eps)
	// −g(λ*) − λ*ε with Δ + λ*σ_t² = (σ_t² + A)/(4ε) substituted.
	return 0.5*math.Log((l.S+A)/(4*eps*l.Delta)) + lam*eps*(2*l.Delta+l.S+2*l.M-A)/(l.S+A)
}

// rateAt returns f_t(ε*(λ)) = −g_t(λ) − λ ε*(λ), increasing from 0 at λ = 0.
func (l Levels) rateAt(lambda float64) float64 { return -l.G(lambda) - lambda*l.EpsStar(lambda) }

// lambdaC returns the λ >= 0 at which f_t(ε*(λ)) = α, by bisection (f_t ∘ ε* is increasing).
func (l Levels) lambdaC(alpha float64) float64 {
	lo, hi := 0.0, 1.0
	for l.rateAt(hi) < alpha {
		lo, hi = hi, 2*hi
		if hi > 1e300 {
			return math.Inf(1)
		}
	}
	lambda, err := numeric.Bisect(func(x float64) float64 { return l.rateAt(x) - alpha }, lo, hi, 0)
	if err != nil {
		return math.NaN()
	}
	return lambda
}

// EpsMin returns ε_min, the smallest root of f_t(ε) = α (SI C.2): with n = e^{αd} levels,
// no level lies below ε_min at large d. NaN for α <= 0.
func (l Levels) EpsMin(alpha float64) float64 {
	if !(alpha > 0) {
		return math.NaN()
	}
	return l.EpsStar(l.lambdaC(alpha))
}

// Condensed reports whether e^{αd} levels are in the condensed (glass) phase, i.e. whether
// the annealed saddle point ε*(1) lies below ε_min: f_t(ε*(1)) > α (eqs. 41, 51).
func (l Levels) Condensed(alpha float64) bool { return l.rateAt(1) > alpha }

// FreeEnergy returns ψ = lim (1/d) log Σ_{μ=1}^{e^{αd}} e^{-d ε^μ}, the quenched free energy of
// the random energy model (SI C.2, C.3):
//
//	ψ = α + g_t(1)   (annealed, eqs. 40 and 50)   if f_t(ε*(1)) <= α
//	ψ = −ε_min                                   otherwise (condensed)
//
// The paper's eqs. (42) and (52) print the condensed branch as −1/2 and −ε*(1) (its values at
// the transition only) and attach it to t > t_cond; the condensed phase is t < t_cond, where
// ε_min > ε*(1). See the package documentation. NaN for α <= 0.
func (l Levels) FreeEnergy(alpha float64) float64 {
	if !(alpha > 0) {
		return math.NaN()
	}
	if !l.Condensed(alpha) {
		return alpha + l.G(1)
	}
	return -l.EpsMin(alpha)
}
