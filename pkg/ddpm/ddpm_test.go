package ddpm

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// trainedTiny trains the tiny model for a few steps in dir and returns the trainer.
func trainedTiny(t *testing.T, dir string, steps int) *Trainer {
	t.Helper()
	tr, err := NewTrainer(backend.MustDefault(), tinyConfig(), tinyTrain(), ou.PaperSchedule(), tinyData(10), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(steps); err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestBatchOrderIsAPermutationPerEpoch(t *testing.T) {
	const n, b = 10, 4
	seen := map[int]int{}
	for s := range 5 { // 20 draws = 2 epochs
		for _, i := range batchIndices(3, s, b, n) {
			seen[i]++
		}
	}
	for i := range n {
		if seen[i] != 2 {
			t.Fatalf("image %d drawn %d times in 2 epochs, want 2", i, seen[i])
		}
	}
	a, c := batchIndices(3, 7, b, n), batchIndices(3, 7, b, n)
	for i := range a {
		if a[i] != c[i] {
			t.Fatal("batch order is not a function of (seed, step)")
		}
	}
}

func TestCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	trainedTiny(t, dir, 3)
	path := filepath.Join(dir, CheckpointFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := LoadModel(path, 1); err != nil {
		t.Fatalf("valid checkpoint: %v", err)
	}
	bad := filepath.Join(dir, "bad.ddpm")
	for name, content := range map[string][]byte{
		"truncated": raw[:len(raw)/2],
		"flipped":   flip(raw, len(raw)/3),
		"empty":     nil,
	} {
		if err := os.WriteFile(bad, content, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ReadCheckpoint(bad); err == nil || !strings.Contains(err.Error(), "corrupt or truncated") {
			t.Errorf("%s checkpoint: got %v, want a corrupt/truncated error", name, err)
		}
	}
	if _, _, err := ReadCheckpoint(filepath.Join(dir, "missing.ddpm")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing checkpoint: %v", err)
	}
	if _, _, _, err := LoadModel(dir, 3); err == nil || !strings.Contains(err.Error(), "1-channel") {
		t.Errorf("wrong channel count: %v", err)
	}
	// Resuming on data of another channel count is refused.
	d3, _ := NewData(make([]float32, 2*8*8*3), 2, 8, 8, 3)
	if _, err := NewTrainer(backend.MustDefault(), tinyConfig(), tinyTrain(), ou.PaperSchedule(), d3, dir); err == nil ||
		!strings.Contains(err.Error(), "channels") {
		t.Errorf("resume with 3-channel data: %v", err)
	}
	// Resuming with another architecture is refused.
	if _, err := NewTrainer(backend.MustDefault(), tinyConfig().WithBase(8), tinyTrain(), ou.PaperSchedule(), tinyData(10), dir); err == nil ||
		!strings.Contains(err.Error(), "not the requested") {
		t.Errorf("resume with another architecture: %v", err)
	}
	// No temporary files are left behind by the atomic writes.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x40
	return c
}

func TestBadInput(t *testing.T) {
	if _, err := NewData(make([]float32, 10), 2, 8, 8, 1); err == nil || !strings.Contains(err.Error(), "do not make") {
		t.Errorf("short data: %v", err)
	}
	if _, err := NewData([]float32{float32(math.NaN())}, 1, 1, 1, 1); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN data: %v", err)
	}
	d := tinyData(4)
	if _, err := NewTrainer(backend.MustDefault(), unet.Tiny(12, 1), tinyTrain(), ou.PaperSchedule(), d, ""); err == nil ||
		!strings.Contains(err.Error(), "divisible") {
		t.Errorf("size not divisible by 2^(levels-1): %v", err)
	}
	tc := tinyTrain()
	tc.Batch = 0
	if _, err := NewTrainer(backend.MustDefault(), tinyConfig(), tc, ou.PaperSchedule(), d, ""); err == nil || !strings.Contains(err.Error(), "Batch") {
		t.Errorf("batch 0: %v", err)
	}
	if _, err := Sample(backend.MustDefault(), nil, nil, nil, 1, 0); err == nil {
		t.Error("Sample without a model: no error")
	}
}

// TestNoiseMatchesEq58 checks x(t') = sqrt(ᾱ) a + sqrt(1-ᾱ) ξ against plain Go.
func TestNoiseMatchesEq58(t *testing.T) {
	s := ou.PaperSchedule()
	a := []float32{1, -2, 0.5, 3}
	xi := []float32{0.1, 0.2, -0.3, 1}
	ks := []int{1, 500}
	sab := []float32{float32(math.Sqrt(s.AlphaBar(1))), float32(math.Sqrt(s.AlphaBar(500)))}
	s1 := []float32{float32(math.Sqrt(1 - s.AlphaBar(1))), float32(math.Sqrt(1 - s.AlphaBar(500)))}
	out := MustExecOnce(backend.MustDefault(), func(a, xi, sab, s1 *Node) *Node { return Noise(a, xi, sab, s1) },
		tensors.FromFlatDataAndDimensions(a, 2, 1, 2, 1), tensors.FromFlatDataAndDimensions(xi, 2, 1, 2, 1), sab, s1)
	got := tensors.MustCopyFlatData[float32](out)
	for i := range got {
		k := ks[i/2]
		want := math.Sqrt(s.AlphaBar(k))*float64(a[i]) + math.Sqrt(1-s.AlphaBar(k))*float64(xi[i])
		if math.Abs(float64(got[i])-want) > 1e-6 {
			t.Errorf("x(t')[%d] = %v, want %v", i, got[i], want)
		}
	}
}

// TestSamplerWithZeroDenoiser zeroes the network's output layer, so ξ_θ ≡ 0 and eq. (61)
// becomes x ← x/sqrt(1-β) + sqrt(β) z: a Gaussian whose variance follows
// v ← v/(1-β) + β from v = 1 (without the noise at t' = 1). The sample variance must match.
func TestSamplerWithZeroDenoiser(t *testing.T) {
	tr := trainedTiny(t, "", 1)
	for _, name := range []string{"weights", "biases"} {
		v := tr.Store().GetVariable("/" + unet.Scope + "/conv_out/" + name)
		if v == nil {
			t.Fatalf("no variable conv_out/%s", name)
		}
		v.MustSetValue(tensors.FromShape(v.Shape()))
	}
	sched, _ := ou.NewSchedule(1e-4, 2e-2, 50) // short schedule: same formula, faster test
	const n = 64
	x, err := Sample(backend.MustDefault(), tr.Model, tr.Store(), sched, n, 4)
	if err != nil {
		t.Fatal(err)
	}
	v := 1.0
	for k := sched.L; k >= 1; k-- {
		v /= 1 - sched.Beta(k)
		if k > 1 {
			v += sched.Beta(k)
		}
	}
	var m2 float64
	for _, xv := range x {
		m2 += float64(xv) * float64(xv)
	}
	m2 /= float64(len(x))
	se := v * math.Sqrt(2/float64(len(x)))
	if math.Abs(m2-v) > 4*se {
		t.Errorf("sample second moment %.4f, closed form %.4f ± %.4f", m2, v, se)
	}
	t.Logf("second moment %.4f vs closed form %.4f (σ %.4f)", m2, v, se)
}

// scoreWithOutput is a briefly trained Tiny model whose (zero-initialised) output layer gets
// O(1) weights, so that ξ_θ is O(1), and its Score.
func scoreWithOutput(t *testing.T) (*Trainer, *Score) {
	tr := trainedTiny(t, "", 2)
	w := tr.Store().GetVariable("/" + unet.Scope + "/conv_out/weights")
	vals := make([]float32, w.Shape().Size())
	for i := range vals {
		vals[i] = float32(math.Cos(float64(7 * i)))
	}
	w.MustSetValue(tensors.FromFlatDataAndDimensions(vals, w.Shape().Dimensions...))
	sc, err := NewScore(tr.Model, tr.Store(), tr.Schedule)
	if err != nil {
		t.Fatal(err)
	}
	return tr, sc
}

// TestScoreIsMinusEpsOverSqrtOneMinusAlphaBar checks the adapter at grid times t = Time(k)
// against -ξ_θ(x, k)/sqrt(1-ᾱ(k)) computed directly, and the step interpolation of eq. (59).
func TestScoreIsMinusEpsOverSqrtOneMinusAlphaBar(t *testing.T) {
	tr, sc := scoreWithOutput(t)
	if sc.Dim() != 64 {
		t.Fatalf("Dim = %d", sc.Dim())
	}
	b := backend.MustDefault()
	x := make([]float32, 2*64)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	for _, k := range []int{1, 10, 500, 1000} {
		tk := float32(tr.Schedule.Time(k))
		e := model.MustNewExec(b, tr.Store(), func(scope *model.Scope, xn, tn *Node) []*Node {
			eps := tr.Model.Eps(scope.In(unet.Scope), Reshape(xn, 2, 8, 8, 1), Const(xn.Graph(), []float32{float32(k), float32(k)}))
			return []*Node{sc.Graph(xn, tn), Reshape(eps, 2, 64), sc.StepGraph(tn)}
		})
		out := e.MustCall(tensors.FromFlatDataAndDimensions(x, 2, 64), tk)
		f, eps := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
		step := out[2].Value().(float32)
		if math.Abs(float64(step)-float64(k)) > 2e-3*float64(k) {
			t.Errorf("StepGraph(Time(%d)) = %v", k, step)
		}
		den := math.Sqrt(1 - tr.Schedule.AlphaBar(k))
		var maxEps float64
		for _, v := range eps {
			maxEps = max(maxEps, math.Abs(float64(v)))
		}
		if maxEps < 0.1 {
			t.Fatalf("k=%d: max |ξ_θ| = %v: too small for a meaningful comparison", k, maxEps)
		}
		for i := range f {
			want := -float64(eps[i]) / den
			if math.Abs(float64(f[i])-want) > 2e-3*(1+math.Abs(want)) {
				t.Fatalf("k=%d: F[%d] = %v, -eps/sqrt(1-abar) = %v", k, i, f[i], want)
			}
		}
	}
	// Halfway between two grid times the step is halfway between the steps.
	mid := float32((tr.Schedule.Time(100) + tr.Schedule.Time(101)) / 2)
	out := MustExecOnce(b, func(tn *Node) *Node { return sc.StepGraph(tn) }, mid)
	if got := out.Value().(float32); math.Abs(float64(got)-100.5) > 0.01 {
		t.Errorf("StepGraph at the midpoint of steps 100 and 101 = %v", got)
	}
	big := MustExecOnce(b, func(tn *Node) *Node { return sc.StepGraph(tn) }, float32(50))
	if got := big.Value().(float32); got != 1000 {
		t.Errorf("StepGraph beyond T clamps to %v, want 1000", got)
	}
}

func TestTrainingLowersTheLoss(t *testing.T) {
	tr := trainedTiny(t, "", 40)
	l := tr.Losses()
	first, last := mean32(l[:10]), mean32(l[len(l)-10:])
	if !(last < first) {
		t.Errorf("mean loss of the first 10 steps %.4f, of the last 10 %.4f: not decreasing", first, last)
	}
	t.Logf("loss %.4f -> %.4f over %d steps", first, last, len(l))
}

func mean32(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	return s / float64(len(v))
}

func TestHelpers(t *testing.T) {
	steps, avg := MovingAverage([]float32{4, 2, 6, 0}, 2)
	want := []float64{4, 3, 4, 3}
	for i := range want {
		if steps[i] != float64(i+1) || avg[i] != want[i] {
			t.Fatalf("MovingAverage: step %v avg %v, want %v %v", steps[i], avg[i], i+1, want[i])
		}
	}
	if m, s := MeanStd([]float32{1, 3}); m != 2 || s != 1 {
		t.Errorf("MeanStd = %v, %v", m, s)
	}
	if parts := SplitImages(make([]float32, 12), 4); len(parts) != 3 || len(parts[2]) != 4 {
		t.Errorf("SplitImages: %d parts", len(parts))
	}
}

// TestSamplerWithExactGaussianDenoiser runs eq. (61) with the exact noise predictor of Gaussian
// data a ~ N(0, s² I): E[ξ | x(t')] = sqrt(1-ᾱ) x / (ᾱ s² + 1 - ᾱ). The samples must have
// variance s² up to the discretisation error of the L-step chain.
func TestSamplerWithExactGaussianDenoiser(t *testing.T) {
	for _, L := range []int{1000, 100} {
		sched, _ := ScaledSchedule(L)
		t.Run(strconv.Itoa(L), func(t *testing.T) { testExactGaussian(t, sched) })
	}
}

func testExactGaussian(t *testing.T, sched *ou.Schedule) {
	const s2 = 0.09
	ab := make([]float32, sched.L+1)
	for k := range ab {
		ab[k] = float32(sched.AlphaBar(k))
	}
	epsFn := func(_ *model.Scope, x, steps *Node) *Node {
		g := x.Graph()
		n := x.Shape().Dim(0)
		idx := ConvertDType(Reshape(steps, n, 1), dtypes.Int32)
		a := Reshape(Gather(Const(g, ab), idx), n, 1, 1, 1)
		one := OnesLike(a)
		return Div(Mul(Sqrt(Sub(one, a)), x), Add(MulScalar(a, s2), Sub(one, a)))
	}
	x, err := sampleWith(backend.MustDefault(), model.NewStore(), epsFn, sched, 256, 4, 4, 1, 11)
	if err != nil {
		t.Fatal(err)
	}
	_, std := MeanStd(x)
	v := std * std
	se := s2 * math.Sqrt(2/float64(len(x)))
	if math.Abs(v-s2) > 4*se+0.02*s2 {
		t.Errorf("sample variance %.5f, data variance %.5f (± %.5f)", v, s2, se)
	}
	t.Logf("sample variance %.5f vs data %.5f (σ %.5f)", v, s2, se)
}

// TestHostKernelMatchesGraph checks the host kernel (unet.Host) against the score's graph at
// grid and off-grid times, and the host step against StepGraph.
func TestHostKernelMatchesGraph(t *testing.T) {
	tr, sc := scoreWithOutput(t)
	hk, err := sc.HostKernel()
	if err != nil {
		t.Skip(err) // no OpenBLAS
	}
	b := backend.MustDefault()
	x := make([]float32, 3*64)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	e := model.MustNewExec(b, tr.Store(), func(scope *model.Scope, xn, tn *Node) []*Node {
		return []*Node{sc.Graph(xn, tn), sc.StepGraph(tn)}
	})
	for _, tt := range []float64{tr.Schedule.Time(1), 0.0123, 0.3, tr.Schedule.Time(500), 2.7, 50} {
		out := e.MustCall(tensors.FromFlatDataAndDimensions(x, 3, 64), float32(tt))
		want := tensors.MustCopyFlatData[float32](out[0])
		if got, ws := sc.step(float32(tt)), out[1].Value().(float32); got != ws {
			t.Errorf("t = %g: host step %v, StepGraph %v", tt, got, ws)
		}
		got, err := hk.Score(x, tt, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ss, worst float64
		for i := range want {
			ss += float64(want[i]) * float64(want[i])
			worst = max(worst, math.Abs(float64(got[i]-want[i])))
		}
		// The same float32 function in another summation order (unet's TestHostMatchesGraph).
		if rms := math.Sqrt(ss / float64(len(want))); worst > 1e-4*rms || rms == 0 {
			t.Errorf("t = %g: max |host - graph| = %.3g, rms %.3g", tt, worst, rms)
		}
	}
	if _, err := hk.Score(x, 0.3, make([]int32, 3)); err == nil {
		t.Error("asking the U-Net's host kernel for μ* gave no error")
	}
	if _, err := hk.Score(x[:10], 0.3, nil); err == nil {
		t.Error("a partial point gave no error")
	}
}
