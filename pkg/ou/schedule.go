package ou

import (
	"fmt"
	"math"
	"sort"
)

// Schedule is the DDPM variance schedule of SI D.2: β_{t'} grows linearly from BetaStart at
// step 1 to BetaEnd at step L.
type Schedule struct {
	BetaStart, BetaEnd float64
	L                  int

	beta, logAlphaBar []float64 // index 1..L; [0] is the clean data
}

// PaperSchedule returns the schedule of SI D.2: β from 1e-4 to 2e-2 over L = 1000 steps.
func PaperSchedule() *Schedule {
	s, err := NewSchedule(1e-4, 2e-2, 1000)
	if err != nil {
		panic(err) // constants above are valid
	}
	return s
}

// NewSchedule validates and tabulates a linear schedule.
func NewSchedule(betaStart, betaEnd float64, L int) (*Schedule, error) {
	switch {
	case L < 1:
		return nil, fmt.Errorf("ou: schedule needs L >= 1 steps, got %d", L)
	case !(betaStart > 0 && betaStart < 1) || !(betaEnd > 0 && betaEnd < 1):
		return nil, fmt.Errorf("ou: schedule betas must lie in (0, 1), got %g and %g", betaStart, betaEnd)
	}
	s := &Schedule{BetaStart: betaStart, BetaEnd: betaEnd, L: L}
	s.beta = make([]float64, L+1)
	s.logAlphaBar = make([]float64, L+1)
	for k := 1; k <= L; k++ {
		if L == 1 {
			s.beta[k] = betaStart
		} else {
			s.beta[k] = betaStart + (betaEnd-betaStart)*float64(k-1)/float64(L-1)
		}
		s.logAlphaBar[k] = s.logAlphaBar[k-1] + math.Log1p(-s.beta[k])
	}
	return s, nil
}

// Beta returns β_{t'} for 1 <= t' <= L.
func (s *Schedule) Beta(step int) float64 { return s.beta[s.check(step)] }

// AlphaBar returns ᾱ(t') = Π_{s=1}^{t'} (1 - β_s) of eq. (58); ᾱ(0) = 1.
func (s *Schedule) AlphaBar(step int) float64 { return math.Exp(s.logAlphaBar[s.check(step)]) }

// Time returns the continuous OU time of step t', eq. (59):
//
//	t = -1/2 log ᾱ(t')
//
// With the paper schedule, Time(1000) = 5.0589, which the main text quotes as T = 5.05.
func (s *Schedule) Time(step int) float64 { return -0.5 * s.logAlphaBar[s.check(step)] }

// Step returns the step t' whose continuous time Time(t') is closest to t (clamped to [0, L]).
// t = NaN is an error.
func (s *Schedule) Step(t float64) (int, error) {
	if math.IsNaN(t) {
		return 0, fmt.Errorf("ou: Step: time t is NaN")
	}
	target := -2 * t // log ᾱ decreases with the step
	k := sort.Search(s.L+1, func(i int) bool { return s.logAlphaBar[i] <= target })
	if k > s.L {
		return s.L, nil
	}
	if k > 0 && math.Abs(s.logAlphaBar[k-1]-target) < math.Abs(s.logAlphaBar[k]-target) {
		return k - 1, nil
	}
	return k, nil
}

// Times returns Time(t') for t' = 0..L.
func (s *Schedule) Times() []float64 {
	out := make([]float64, s.L+1)
	for k := range out {
		out[k] = -0.5 * s.logAlphaBar[k]
	}
	return out
}

func (s *Schedule) check(step int) int {
	if step < 0 || step > s.L {
		panic(fmt.Sprintf("ou: step %d outside [0, %d]", step, s.L))
	}
	return step
}
