package ddpm

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/ou"
)

func TestScaledSchedule(t *testing.T) {
	s, err := ScaledSchedule(1000)
	if err != nil {
		t.Fatal(err)
	}
	p := ou.PaperSchedule()
	if math.Abs(s.Time(1000)-p.Time(1000)) > 1e-12 {
		t.Errorf("L=1000: T = %v, paper %v", s.Time(1000), p.Time(1000))
	}
	s100, _ := ScaledSchedule(100)
	if T := s100.Time(100); T < 5 || T > 6 {
		t.Errorf("L=100: T = %v, want close to the paper's 5.06", T)
	}
	if _, err := ScaledSchedule(1); err == nil {
		t.Error("L=1 accepted")
	}
	t.Logf("T(L=100) = %.3f, T(L=1000) = %.4f", s100.Time(100), s.Time(1000))
}
