package ddpm_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// Train a tiny denoiser for a few steps on toy 8×8 images, then read its score at the
// continuous time t = Time(500) of eq. (59).
func Example() {
	x := make([]float32, 4*8*8)
	for i := range x {
		x[i] = float32(i%8) / 8
	}
	data, _ := ddpm.NewData(x, 4, 8, 8, 1)
	b := backend.MustDefault()
	sched := ou.PaperSchedule()
	tr, err := ddpm.NewTrainer(b, unet.Tiny(8, 1), ddpm.TrainConfig{Batch: 2, LearningRate: 1e-4, Seed: 1}, sched, data, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := tr.Train(3); err != nil {
		fmt.Println(err)
		return
	}
	sc, _ := ddpm.NewScore(tr.Model, tr.Store(), sched)
	fmt.Printf("trained %d steps; score dimension %d; T = Time(%d) = %.4f\n", tr.Step(), sc.Dim(), sched.L, sched.Time(sched.L))
	// Output:
	// trained 3 steps; score dimension 64; T = Time(1000) = 5.0589
}
