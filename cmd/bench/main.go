// Command bench times the dynamics engine (issue 4, item 7) on the current gomlx backend:
//
//   - score: the exact empirical score kernel of eq. (2), GFLOP/s at the shapes;
//   - k: SDE steps per second against the number K of steps fused per graph call;
//   - fig2: the Fig. 2 cloning sweep (φ(t) for several d, eqs. 54-55);
//   - fig3: the Fig. 3 entropy curve f^e(t) (eqs. 56-57);
//   - sde: one SDE step (eq. 55) with the mixture score (eq. 54) and the exact score (eq. 2);
//   - unet: a U-Net training step (eq. 60 + Adam) and evaluation, Tiny and Small;
//   - classifier: one Adam step of the classifier.
//
// bench/compare.py (make bench) runs these modes interleaved with the NumPy and PyTorch peers
// of bench/peers_cpu.py and prints the ratios.
//
// Sizes follow $DIFFREGIMES_SCALE (smoke, quick, paper) unless flags override them. On a GPU,
// build with `-tags xla` and cgo and point PJRT_PLUGIN_LIBRARY_PATH at a CUDA plugin (see
// bench/README.md and bench/gpu.sh). Output: one line per measurement, "key=value" fields.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/entropy"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/scale"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("bad integer %q in list %q", f, s)
		}
		out = append(out, v)
	}
	return out, nil
}

func run() error {
	sc, err := scale.FromEnv()
	if err != nil {
		return err
	}
	what := flag.String("what", "score,k,fig2,fig3", "comma-separated: score, k, fig2, fig3, sde, unet, classifier")
	shapes := flag.String("shapes", scale.Pick(sc, "200x64x256", "2000x768x4096", "2000x768x4096,20000x3072x4096"),
		"score kernel shapes nxdxb, comma-separated")
	reps := flag.Int("reps", scale.Pick(sc, 2, 3, 20), "timed repetitions per score shape")
	chunk := flag.Int("chunk", 0, "training points per chunk (0: score.DefaultChunk)")
	ks := flag.String("ks", "1,5,10,25,50,100", "K values for the fused-steps sweep")
	kd := flag.Int("kd", scale.Pick(sc, 64, 256, 1024), "dimension for the K sweep")
	kb := flag.Int("kb", scale.Pick(sc, 256, 2000, 10000), "batch for the K sweep")
	dims := flag.String("dims", scale.Pick(sc, "16,64", "16,32,64,128,256,512", "16,32,64,128,256,512"), "Fig. 2 dimensions")
	pairs := flag.Int("pairs", scale.Pick(sc, 200, 1000, 10000), "Fig. 2 clone pairs")
	L := flag.Int("L", scale.Pick(sc, 200, 1000, 1000), "Fig. 2 steps (T = 10)")
	K := flag.Int("K", 0, "Fig. 2 fused steps per call (0: automatic)")
	ntimes := flag.Int("ntimes", scale.Pick(sc, 5, 20, 20), "Fig. 2 cloning times (t/t_S from 0.2 to 2)")
	n3 := flag.Int("n3", scale.Pick(sc, 500, 2000, 20000), "Fig. 3 number of data n")
	d3 := flag.String("d3", scale.Pick(sc, "16", "32", "16,32,64"), "Fig. 3 dimensions d, comma-separated")
	np3 := flag.Int("nprime", scale.Pick(sc, 1000, 10000, 250000), "Fig. 3 samples n'")
	nt3 := flag.Int("nt3", scale.Pick(sc, 5, 20, 20), "Fig. 3 number of times")
	sdeKinds := flag.String("sde", "mixture,exact", "SDE step scores: mixture, exact")
	sdeD := flag.Int("sde-d", 256, "SDE step: mixture dimension d")
	sdeB := flag.Int("sde-b", 2000, "SDE step: mixture batch")
	sdeN := flag.Int("sde-n", 2000, "SDE step: exact score training points n")
	sdeED := flag.Int("sde-exact-d", 768, "SDE step: exact score dimension d")
	sdeEB := flag.Int("sde-exact-b", 1024, "SDE step: exact score batch")
	sdeSteps := flag.Int("sde-steps", 10, "SDE steps per timed call")
	flag.BoolVar(&withHost, "host", true, "also time the host kernels (score.HostEmpirical, OpenBLAS) where a BLAS is found")
	unetCfgs := flag.String("unet-configs", "tiny,small", "U-Net configurations: tiny, small")
	unetModes := flag.String("unet-modes", "train,eval", "U-Net modes: train, eval")
	unetBatches := flag.String("unet-batches", "16,64", "U-Net batches")
	cBatch := flag.Int("classifier-b", 64, "classifier batch")
	flag.Parse()

	b, err := backend.Default()
	if err != nil {
		return err
	}
	fmt.Printf("# backend: %s\n# scale: %s, date: %s\n", backend.Describe(b), sc, time.Now().UTC().Format(time.RFC3339))
	for _, w := range strings.Split(*what, ",") {
		switch strings.TrimSpace(w) {
		case "score":
			for _, s := range strings.Split(*shapes, ",") {
				dims, err := ints(strings.ReplaceAll(s, "x", ","))
				if err != nil || len(dims) != 3 {
					return fmt.Errorf("-shapes: want nxdxb, got %q", s)
				}
				if err := benchScore(b, dims[0], dims[1], dims[2], *chunk, *reps); err != nil {
					return err
				}
			}
		case "k":
			kl, err := ints(*ks)
			if err != nil {
				return err
			}
			if err := benchK(b, kl, *kd, *kb); err != nil {
				return err
			}
		case "fig2":
			dl, err := ints(*dims)
			if err != nil {
				return err
			}
			if err := benchFig2(b, dl, *pairs, *L, *K, *ntimes); err != nil {
				return err
			}
		case "fig3":
			dl, err := ints(*d3)
			if err != nil {
				return err
			}
			t0 := time.Now()
			for _, d := range dl {
				if err := benchFig3(b, *n3, d, *np3, *nt3); err != nil {
					return err
				}
			}
			fmt.Printf("fig3 total_s=%.2f\n", time.Since(t0).Seconds())
		case "sde":
			for _, k := range strings.Split(*sdeKinds, ",") {
				d, bb := *sdeD, *sdeB
				if k == "exact" {
					d, bb = *sdeED, *sdeEB
				}
				if err := benchSDEStep(b, k, *sdeN, d, bb, *sdeSteps, *reps); err != nil {
					return err
				}
			}
		case "unet":
			bl, err := ints(*unetBatches)
			if err != nil {
				return err
			}
			for _, c := range strings.Split(*unetCfgs, ",") {
				for _, m := range strings.Split(*unetModes, ",") {
					for _, bb := range bl {
						if err := benchUNet(b, c, m, bb, *reps); err != nil {
							return err
						}
					}
				}
			}
		case "classifier":
			if err := benchClassifier(b, *cBatch, *reps); err != nil {
				return err
			}
		default:
			return fmt.Errorf("-what: unknown %q", w)
		}
	}
	return nil
}

func randomFlat(r *rand.Rand, k int) []float32 {
	v := make([]float32, k)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// benchScore times F(x, t) of eq. (2) for a batch of b points against n training points in
// dimension d: 4·b·n·d flops (the logits matmul and the weighted-mean matmul).
func benchScore(b compute.Backend, n, d, batch, chunk, reps int) error {
	r := rand.New(rand.NewPCG(1, 2))
	ds, err := score.NewDataset(randomFlat(r, n*d), n, d, chunk)
	if err != nil {
		return err
	}
	emp, _ := score.NewEmpirical(ds)
	exec, err := model.NewExec(b, emp.Store(), func(_ *model.Scope, x, t *graph.Node) *graph.Node {
		return graph.ReduceAllSum(emp.Graph(x, t)) // a scalar output: no device-to-host copy of F
	})
	if err != nil {
		return err
	}
	x := tensors.FromFlatDataAndDimensions(randomFlat(r, batch*d), batch, d)
	med, lo, hi, err := timed(reps, func() error {
		out, err := exec.Exec(x, float32(0.5))
		if err != nil {
			return err
		}
		if v := out[0].Value().(float32); math.IsNaN(float64(v)) {
			return fmt.Errorf("score kernel returned NaN")
		}
		return nil
	})
	if err != nil {
		return err
	}
	flops := 4 * float64(batch) * float64(n) * float64(d)
	report(fmt.Sprintf("score n=%d d=%d b=%d impl=graph chunk=%d gflops=%.1f", n, d, batch, ds.Chunk(), flops/med/1e6), med, lo, hi)
	return benchScoreHost(ds, x, reps)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ones(d int) []float32 {
	m := make([]float32, d)
	for i := range m {
		m[i] = 1
	}
	return m
}

// benchK times mixture-score SDE steps for several numbers K of fused steps per call.
func benchK(b compute.Backend, ks []int, d, batch int) error {
	s, _ := score.NewMixture(ones(d), 1)
	for _, k := range ks {
		const L = 200
		in, err := sde.New(b, s, sde.Config{T: 10, L: L, K: k, Seed: 1})
		if err != nil {
			return err
		}
		x, err := in.Start(batch)
		if err != nil {
			return err
		}
		if _, err := in.Run(x, 0, k); err != nil { // compile
			return err
		}
		t0 := time.Now()
		if _, err := in.Run(x, 0, L); err != nil {
			return err
		}
		el := time.Since(t0)
		fmt.Printf("ksweep K=%d d=%d b=%d steps=%d us_per_step=%.1f\n", k, d, batch, L, float64(el.Microseconds())/L)
	}
	return nil
}

// benchFig2 runs the Fig. 2 sweep: for each d, clone pairs of the mixture (μ̃ = σ = 1) at
// ntimes cloning times t/t_S in [0.2, 2], T = 10, L steps; φ(t_S) is printed beside eq. (6).
func benchFig2(b compute.Backend, dims []int, pairs, L, K, ntimes int) error {
	total := time.Now()
	for _, d := range dims {
		t0 := time.Now()
		m := ones(d)
		s, err := score.NewMixture(m, 1)
		if err != nil {
			return err
		}
		in, err := sde.New(b, s, sde.Config{T: 10, L: L, K: K, Seed: int64(d)})
		if err != nil {
			return err
		}
		tS := 0.5 * math.Log(float64(d))
		var times []float64
		for i := range ntimes {
			times = append(times, tS*(0.2+1.8*float64(i)/float64(max(ntimes-1, 1))))
		}
		res, err := clone.Run(in, clone.Options{Times: times, Pairs: pairs, Batch: pairs, Classes: map[string]clone.ClassFunc{"phi": clone.SignClass(m)}})
		if err != nil {
			return err
		}
		// the cloning time closest to t_S
		best := 0
		for i, t := range res.Times {
			if math.Abs(t-tS) < math.Abs(res.Times[best]-tS) {
				best = i
			}
		}
		e := res.Same["phi"][best]
		fmt.Printf("fig2 d=%d pairs=%d L=%d K=%d times=%d s=%.2f phi(t=%.3f)=%.4f±%.4f eq6=%.4f\n", d, pairs, L, in.StepsPerCall(pairs), len(res.Times),
			time.Since(t0).Seconds(), res.Times[best], e.P, e.Err, gmm.Mixture{D: d, Mu: 1, Sigma: 1}.Phi(res.Times[best]))
	}
	fmt.Printf("fig2 total_s=%.2f\n", time.Since(total).Seconds())
	tot := float64(time.Since(total).Microseconds()) / 1000
	report(fmt.Sprintf("fig2 total dims=%s pairs=%d L=%d", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(dims)), ","), "[]"), pairs, L), tot, tot, tot)
	return nil
}

// benchFig3 computes f^e(t)/α at nt times for n mixture data in dimension d from n' samples.
func benchFig3(b compute.Backend, n, d, nPrime, nt int) error {
	r := rand.New(rand.NewPCG(3, 4))
	a := make([]float32, 0, n*d)
	for range n {
		sgn := float64(1 - 2*r.IntN(2))
		for range d {
			a = append(a, float32(sgn+r.NormFloat64()))
		}
	}
	t0 := time.Now()
	ds, err := score.NewDataset(a, n, d, 0)
	if err != nil {
		return err
	}
	est, err := entropy.New(b, ds, 4096, 1)
	if err != nil {
		return err
	}
	mix := gmm.Mixture{D: d, Mu: 1, Sigma: 1}
	tC, _ := mix.CollapseTime(n)
	alpha := math.Log(float64(n)) / float64(d)
	var ts []float64
	var fe []entropy.Estimate
	for i := range nt {
		t := 0.02 * math.Pow(2/0.02, float64(i)/float64(max(nt-1, 1))) // log grid 0.02..2
		e, err := est.Excess(t, nPrime)
		if err != nil {
			return err
		}
		ts, fe = append(ts, t), append(fe, e)
	}
	el := time.Since(t0)
	got, _ := entropy.CollapseTime(ts, fe)
	fmt.Printf("fig3 n=%d d=%d nprime=%d times=%d s=%.2f fe_over_alpha(t=%.2f)=%.3f theory=%.3f tC_fe=%.3f tC_eq10=%.3f\n",
		n, d, nPrime, nt, el.Seconds(), ts[nt-1], fe[nt-1].Value/alpha, mix.FiniteExcessEntropy(ts[nt-1], n)/alpha, got, tC)
	return nil
}
