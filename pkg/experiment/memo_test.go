package experiment

import (
	"errors"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/nbplot"
)

func TestMemo(t *testing.T) {
	t.Setenv(MemoDirEnv, t.TempDir())
	calls := 0
	fn := func() (QPaths, error) {
		calls++
		return QPaths{T: []float64{2, 1}, Q: [][]float64{{0.5}, {-1}}}, nil
	}
	a, err := Memo("k", fn)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Memo("k", fn)
	if err != nil || calls != 1 || b.Q[1][0] != -1 || a.T[0] != b.T[0] {
		t.Fatalf("second call: calls=%d, %+v, %v", calls, b, err)
	}
	if _, _ = Memo("other", fn); calls != 2 {
		t.Errorf("another key must recompute, calls=%d", calls)
	}
	bad := errors.New("boom")
	if _, err := Memo("e", func() (int, error) { return 0, bad }); !errors.Is(err, bad) {
		t.Errorf("error not returned: %v", err)
	}
	if v, err := Memo("e", func() (int, error) { return 3, nil }); err != nil || v != 3 {
		t.Errorf("a failed computation must not be stored: %d %v", v, err)
	}
	t.Setenv(MemoDirEnv, "")
	if _, _ = Memo("k", fn); calls != 3 {
		t.Errorf("outside GoNB Memo must call fn, calls=%d", calls)
	}
}

func TestColors(t *testing.T) {
	a, _ := TheoryPhiCurve(16, 1, 1, []float64{0.5, 1})
	b, _ := TheoryPhiCurve(64, 1, 1, []float64{0.5, 1})
	c := PhiColors([]PhiCurve{a, b})
	if len(c) != 4 || c["d=16"] != c["eq. (6) d=16"] || c["d=16"] == c["d=64"] {
		t.Errorf("PhiColors: %v", c)
	}
	ch := nbplot.Lines("t", "x", "y", []nbplot.Series{a.Series(), a.Line(), b.Series()})
	line, err := ColorByName(ch, c, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range line.MultiSeries {
		if s.ItemStyle == nil || s.ItemStyle.Color != c[s.Name] {
			t.Errorf("series %q not painted %s", s.Name, c[s.Name])
		}
	}
}
