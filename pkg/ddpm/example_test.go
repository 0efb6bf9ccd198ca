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

// The reference presets of route (b); LoadReference(root, name) loads a trained one from
// <root>/models/<name>, and PresetByName lists the names when one does not exist.
func ExamplePresets() {
	for _, p := range ddpm.Presets() {
		fmt.Printf("%s: %d parameters, %s, EMA %g, %d steps\n", p.Name, p.Model.NumParams(), p.Data, p.Train.EMARate, p.Steps)
	}
	_, err := ddpm.PresetByName("fmnist-n5")
	fmt.Println(err)
	// Output:
	// fmnist-gen-n1000: 78961 parameters, fashion-mnist classes 1,8 n=1000 seed=1 32x32x1, EMA 0.999, 4000 steps
	// fmnist-mem-n64: 78961 parameters, fashion-mnist classes 1,8 n=64 seed=1 32x32x1, EMA 0.995, 4000 steps
	// fmnist-mem-n200: 78961 parameters, fashion-mnist classes 1,8 n=200 seed=1 32x32x1, EMA 0.995, 4000 steps
	// ddpm: no preset "fmnist-n5"; the presets are fmnist-gen-n1000, fmnist-mem-n64, fmnist-mem-n200
}

// Train with the usual additions of diffusion training: an EMA of the weights (which Sample and
// NewScore then read through EMAStore), a learning-rate warm-up and gradient-norm clipping.
func ExampleTrainConfig() {
	tc := ddpm.TrainConfig{Batch: 32, LearningRate: 1e-3, Seed: 1, WarmupSteps: 100, ClipNorm: 1, EMARate: 0.999}
	fmt.Printf("lr at steps 1, 50, 100: %g %g %g\n", tc.LearningRateAt(1), tc.LearningRateAt(50), tc.LearningRateAt(100))
	fmt.Printf("EMA decay at steps 1, 11, 10000: %g %g %.3f\n", tc.EMADecay(1), tc.EMADecay(11), tc.EMADecay(10000))
	// Output:
	// lr at steps 1, 50, 100: 1e-05 0.0005 0.001
	// EMA decay at steps 1, 11, 10000: 0 0.5 0.999
}
