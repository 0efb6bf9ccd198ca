package nearest_test

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// The training point nearest to x at time t is the μ minimising |a_μ e^{−t} − x| (the
// collapse diagnostic of Fig. 5), with the distance recomputed in float64. LastChange reads
// t̂_C off the indices recorded along a trajectory: the middle of the last interval in which
// the nearest point changed.
func Example() {
	data, err := score.NewDataset([]float32{3, 0, 0, 3, 0.5, 0.5}, 3, 2, 0)
	if err != nil {
		panic(err)
	}
	tr, err := nearest.New(backend.MustDefault(), data)
	if err != nil {
		panic(err)
	}
	x := []float32{2.5, 0.3}
	for _, t := range []float64{0.01, 3} {
		idx, dist, err := tr.Nearest(x, t)
		if err != nil {
			panic(err)
		}
		fmt.Printf("t=%g: nearest a_%d at distance %.3f\n", t, idx[0], dist[0])
	}
	fmt.Printf("check: |a_0 e^{-0.01} − x| = %.3f\n", math.Hypot(3*math.Exp(-0.01)-2.5, 0.3))
	// One trajectory recorded at t = 3, 2, 1, 0.5, 0: its nearest point changes between 2 and 1.
	each := nearest.LastChange([][]int32{{2}, {2}, {0}, {0}, {0}}, []float64{3, 2, 1, 0.5, 0})
	fmt.Printf("t̂_C = %g\n", each[0])
	// Output:
	// t=0.01: nearest a_0 at distance 0.558
	// t=3: nearest a_0 at distance 2.370
	// check: |a_0 e^{-0.01} − x| = 0.558
	// t̂_C = 1.5
}
