package spectrum

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/ou"
)

// TS returns the speciation time of eq. (4),
//
//	Λ e^{-2 t_S} = 1   ⇒   t_S = 1/2 log Λ,
//
// for the largest eigenvalue Λ > 0 of the data covariance. Λ ≤ 1 gives t_S ≤ 0: the classes
// are already blurred by the noise at t = 0 in the sense of eq. (4).
func TS(lambda float64) (float64, error) {
	if !(lambda > 0) || math.IsInf(lambda, 0) {
		return 0, fmt.Errorf("spectrum: TS: Λ=%v must be positive and finite", lambda)
	}
	return 0.5 * math.Log(lambda), nil
}

// delta is Δ_t = 1 - e^{-2t} (eq. 2), accurate at small t.
func delta(t float64) float64 { return ou.Delta(t) }

// Noised is the covariance of the forward process at time t started from data of covariance
// C0, eq. (11):
//
//	C(t) = C_0 e^{-2t} + Δ_t I,   Δ_t = 1 - e^{-2t}.
//
// It shares C0's eigenvectors; each eigenvalue λ becomes λ e^{-2t} + Δ_t.
type Noised struct {
	// C0 is the data covariance.
	C0 Operator
	// T is the time t ≥ 0.
	T float64
}

// NewNoised checks t and returns the operator C(t) of eq. (11).
func NewNoised(c0 Operator, t float64) (*Noised, error) {
	if c0 == nil {
		return nil, fmt.Errorf("spectrum: NewNoised: nil C0")
	}
	if !(t >= 0) || math.IsInf(t, 0) {
		return nil, fmt.Errorf("spectrum: NewNoised: t=%v must be finite and >= 0", t)
	}
	return &Noised{C0: c0, T: t}, nil
}

// Dim is d.
func (n *Noised) Dim() int { return n.C0.Dim() }

// MulVec sets dst = C(t) v.
func (n *Noised) MulVec(dst, v []float64) {
	n.C0.MulVec(dst, v)
	e, dl := math.Exp(-2*n.T), delta(n.T)
	for i := range dst {
		dst[i] = e*dst[i] + dl*v[i]
	}
}

// NoisedEigenvalue maps an eigenvalue λ of C_0 to that of C(t), λ e^{-2t} + Δ_t (eq. 11).
func NoisedEigenvalue(lambda, t float64) float64 { return lambda*math.Exp(-2*t) + delta(t) }

// ForwardNoisedLambda runs the forward process on every data vector (eq. 2,
// x(t) = a e^{-t} + sqrt(Δ_t) ξ with ξ standard normal, seeded) and returns the top eigenvalue
// of the covariance of the noised vectors: a Monte Carlo measurement of the top of C(t) that
// eq. (11) predicts to be NoisedEigenvalue(Λ, t) up to O(sqrt(d/n)) sampling error.
func ForwardNoisedLambda(x []float32, n, d int, t float64, seed uint64) (float64, error) {
	if err := checkData(x, n, d); err != nil {
		return 0, err
	}
	if !(t >= 0) || math.IsInf(t, 0) {
		return 0, fmt.Errorf("spectrum: ForwardNoisedLambda: t=%v must be finite and >= 0", t)
	}
	rng := rand.New(rand.NewPCG(seed, 0x4f55))
	e, s := math.Exp(-t), math.Sqrt(delta(t))
	xt := make([]float32, len(x))
	for i, v := range x {
		xt[i] = float32(e*float64(v) + s*rng.NormFloat64())
	}
	c, err := NewCovariance(xt, n, d)
	if err != nil {
		return 0, err
	}
	return c.Lambda(Tol(1e-7))
}
