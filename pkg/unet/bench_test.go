package unet

import (
	"fmt"
	"os"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// BenchmarkConv compares the im2col convolution with gomlx's native one, forward and backward
// (gradient of the sum of squares w.r.t. input and kernel), 3×3, [16, 32, 32, 32] → 32 channels.
func BenchmarkConv(b *testing.B) {
	be := testBackend()
	for _, impl := range []ConvImpl{Grid, Im2Col, ShiftSum, Native} {
		b.Run(impl.String(), func(b *testing.B) {
			store := model.NewStore()
			e := model.MustNewExec(be, store, func(scope *model.Scope, x *Node) []*Node {
				cs := scope.In("c")
				y := Conv2D(cs, x, 32, 3, 1, impl)
				loss := ReduceAllSum(Square(y))
				w := cs.GetVariable("weights").NodeValue(x.Graph())
				return Gradient(loss, x, w)
			})
			x := tensors.FromShape(shapeF32(16, 32, 32, 32))
			e.MustCall(x)
			b.ResetTimer()
			for range b.N {
				e.MustCall(x)
			}
		})
	}
}

// BenchmarkTrainStep times one DDPM-style training step (forward, backward, Adam) of the
// Small U-Net at batch 16 on 32×32×1 images, for the two patch-based convolutions (Native is
// ~10× slower per convolution, see BenchmarkConv). The peer is bench/unet/peer_cpu.py (same net
// in PyTorch eager).
func BenchmarkTrainStep(b *testing.B) {
	be := testBackend()
	for _, impl := range []ConvImpl{Grid, Im2Col} {
		b.Run(fmt.Sprintf("small-b16-%s", impl), func(b *testing.B) {
			m, err := New(Small(32, 1).WithConv(impl))
			if err != nil {
				b.Fatal(err)
			}
			store := model.NewStore()
			opt := optimizer.Adam().LearningRate(1e-4).Done()
			e := model.MustNewExec(be, store, func(scope *model.Scope, x, steps, eps *Node) *Node {
				pred := m.Eps(scope.In(Scope), x, steps)
				loss := ReduceAllMean(Square(Sub(pred, eps)))
				opt.UpdateGraph(scope, x.Graph(), loss)
				return loss
			})
			x := tensors.FromShape(shapeF32(16, 32, 32, 1))
			eps := tensors.FromShape(shapeF32(16, 32, 32, 1))
			steps := tensors.FromFlatDataAndDimensions(make([]float32, 16), 16)
			e.MustCall(x, steps, eps)
			b.ResetTimer()
			for range b.N {
				e.MustCall(x, steps, eps)
			}
		})
	}
}

// BenchmarkTrainStepGPU times the paper configuration (25.64 M parameters) at batch 128 on
// 32×32×3 with native convolutions: the GPU figure of the README (bench/unet/gomlx_gpu.sh).
// It runs only with UNET_GPU_BENCH=1, as it is far too slow for the pure-Go CPU backend.
func BenchmarkTrainStepGPU(b *testing.B) {
	if os.Getenv("UNET_GPU_BENCH") == "" {
		b.Skip("set UNET_GPU_BENCH=1 (GPU only; see bench/unet/gomlx_gpu.sh)")
	}
	be := testBackend()
	b.Logf("backend: %s", backend.Describe(be))
	m, err := New(Paper(32, 3).WithConv(Native))
	if err != nil {
		b.Fatal(err)
	}
	const batch = 128
	store := model.NewStore()
	opt := optimizer.Adam().LearningRate(1e-4).Done()
	e := model.MustNewExec(be, store, func(scope *model.Scope, x, steps, eps *Node) *Node {
		pred := m.Eps(scope.In(Scope), x, steps)
		loss := ReduceAllMean(Square(Sub(pred, eps)))
		opt.UpdateGraph(scope, x.Graph(), loss)
		return loss
	})
	x, _ := randTensor(1, batch, 32, 32, 3)
	eps, _ := randTensor(2, batch, 32, 32, 3)
	steps := make([]float32, batch)
	for i := range steps {
		steps[i] = float32(1 + (i*7)%1000)
	}
	for range 3 {
		e.MustCall(x, steps, eps)
	}
	b.ResetTimer()
	for range b.N {
		out := e.MustCall(x, steps, eps)
		_ = out[0].Value() // wait for the device
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkEps times one network evaluation (no gradient: a sampling step) of the Small U-Net
// at batch 64 on 32×32×1 images.
func BenchmarkEps(b *testing.B) {
	be := testBackend()
	for _, impl := range []ConvImpl{Grid, Im2Col} {
		b.Run(fmt.Sprintf("small-b64-%s", impl), func(b *testing.B) {
			m, err := New(Small(32, 1).WithConv(impl))
			if err != nil {
				b.Fatal(err)
			}
			store := model.NewStore()
			e := model.MustNewExec(be, store, func(scope *model.Scope, x, steps *Node) *Node {
				return m.Eps(scope.In(Scope), x, steps)
			})
			x, _ := randTensor(1, 64, 32, 32, 1)
			steps := tensors.FromFlatDataAndDimensions(make([]float32, 64), 64)
			e.MustCall(x, steps)
			b.ResetTimer()
			for range b.N {
				e.MustCall(x, steps)
			}
		})
	}
}
