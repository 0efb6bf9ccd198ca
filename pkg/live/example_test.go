package live_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/live"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// A panel with a slider over d redrawing φ(t) of eq. (6). Outside a notebook Run only draws the
// default chart; in a live kernel it keeps the slider live.
func Example() {
	p := live.New("φ(t) of eq. (6)").
		Slider("d", []float64{16, 64, 256, 1024}, 64).
		Draw(func(v live.Values) (nbplot.Item, error) {
			m := gmm.Mixture{D: v.Int("d"), Mu: 1, Sigma: 1}
			ts := numeric.Linspace(0.5, 5, 50)
			phi, err := m.PhiCurve(ts)
			if err != nil {
				return nil, err
			}
			return nbplot.Lines("φ(t)", "t", "φ", []nbplot.Series{{Name: "eq. (6)", X: ts, Y: phi}}), nil
		})
	fmt.Println(p.Defaults(), p.Run())
	// Output: d = 64 <nil>
}
