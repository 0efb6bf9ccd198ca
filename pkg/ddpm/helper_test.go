package ddpm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// helperEnv switches the test binary into a training process for the SIGKILL resume test.
const helperEnv = "DDPM_TEST_HELPER_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		if err := helperTrain(dir); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// tinyData is a deterministic toy training set of n 8×8×1 images (blobs at random places).
func tinyData(n int) *Data {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, n*64)
	for i := range n {
		cy, cx := rng.IntN(8), rng.IntN(8)
		for y := range 8 {
			for xx := range 8 {
				d2 := float32((y-cy)*(y-cy) + (xx-cx)*(xx-cx))
				x[i*64+y*8+xx] = 1/(1+d2) - 0.2
			}
		}
	}
	d, err := NewData(x, n, 8, 8, 1)
	if err != nil {
		panic(err)
	}
	return d
}

func tinyConfig() unet.Config { return unet.Tiny(8, 1).WithBase(4).WithGroups(2) }

func tinyTrain() TrainConfig {
	return TrainConfig{Batch: 4, LearningRate: 1e-3, Seed: 9, CheckpointEvery: 3, WarmupSteps: 3, ClipNorm: 0.5, EMARate: 0.9, EvalEvery: 4}
}

// helperTrain trains the tiny model in dir up to $DDPM_TEST_STEPS steps, printing one line per
// checkpoint and sleeping $DDPM_TEST_SLEEP_MS after each step (so the parent can kill it mid-run).
func helperTrain(dir string) error {
	steps, _ := strconv.Atoi(os.Getenv("DDPM_TEST_STEPS"))
	sleep, _ := strconv.Atoi(os.Getenv("DDPM_TEST_SLEEP_MS"))
	b, err := backend.Default()
	if err != nil {
		return err
	}
	tr, err := NewTrainer(b, tinyConfig(), tinyTrain(), ou.PaperSchedule(), tinyData(10), dir)
	if err != nil {
		return err
	}
	tr.HeldOut = heldOutData(5)
	fmt.Printf("start step %d\n", tr.Step())
	tr.Progress = func(r Report) {
		if r.Checkpoint {
			fmt.Printf("checkpoint step %d\n", r.Step)
		}
		time.Sleep(time.Duration(sleep) * time.Millisecond)
	}
	return tr.Train(steps)
}

// heldOutData is a toy held-out set of n images of the same kind as tinyData's, drawn apart.
func heldOutData(n int) *Data {
	all := tinyData(n + 10)
	d, err := NewData(all.Images[10*64:], n, 8, 8, 1)
	if err != nil {
		panic(err)
	}
	return d
}
