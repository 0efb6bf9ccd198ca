package score

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// DefaultChunk is the number of training points processed per matmul when streaming over
// a dataset: 2048 points keep the [b, chunk] logits of a 4096-point batch at 32 MiB.
const DefaultChunk = 2048

var datasetID atomic.Int64

// Dataset is a set of n training points a_μ ∈ R^d split into chunks of at most Chunk
// points. Each chunk and its squared norms |a_μ|² are non-trainable variables of a
// model.Store, so a graph reads them as parameters (no giant constants baked into an XLA
// program) and a batch of points is compared against all n points chunk by chunk: the
// memory of one call is O(b·Chunk), not O(b·n).
//
// Graph helpers (LogSumExp, SoftmaxMean, ArgMax) compute, for logits
//
//	l_μ(x) = c1 x·a_μ + c2 |a_μ|²
//
// a streaming reduction over the chunks; with c1 = e^{-t}/Δ_t and c2 = -e^{-2t}/(2Δ_t),
// l_μ + |x|²/(2Δ_t) = -|x - a_μ e^{-t}|²/(2Δ_t) is the exponent of eq. (2).
type Dataset struct {
	n, d, chunk int
	host        []float32 // row-major copy, n*d
	scope       string    // unique variable scope of this dataset
	chunks      []*tensors.Tensor
	norms       []*tensors.Tensor
	own         *model.Store // a private store with the dataset attached, for host queries
}

// NewDataset copies the n points of dimension d given row-major in a (len n*d) and splits
// them into chunks of at most chunk points (DefaultChunk when chunk <= 0). It returns an
// error naming the argument when n < 2, d < 1, len(a) != n*d or a value is not finite.
func NewDataset(a []float32, n, d, chunk int) (*Dataset, error) {
	switch {
	case n < 2:
		return nil, fmt.Errorf("score: dataset needs n >= 2 points, got n = %d", n)
	case d < 1:
		return nil, fmt.Errorf("score: dataset dimension d must be >= 1, got %d", d)
	case len(a) != n*d:
		return nil, fmt.Errorf("score: dataset a has %d values, want n*d = %d*%d = %d", len(a), n, d, n*d)
	}
	for i, v := range a {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("score: dataset a[%d] (point %d, coordinate %d) is %v", i, i/d, i%d, v)
		}
	}
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	chunk = min(chunk, n)
	ds := &Dataset{n: n, d: d, chunk: chunk, host: append([]float32(nil), a...),
		scope: fmt.Sprintf("/diffregimes_dataset_%d", datasetID.Add(1))}
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		rows := ds.host[start*d : end*d]
		norms := make([]float32, end-start)
		for i := range norms {
			var s float64
			for _, v := range rows[i*d : (i+1)*d] {
				s += float64(v) * float64(v)
			}
			norms[i] = float32(s)
		}
		ds.chunks = append(ds.chunks, tensors.FromFlatDataAndDimensions(rows, end-start, d)) // copies
		ds.norms = append(ds.norms, tensors.FromFlatDataAndDimensions(norms, 1, end-start))
	}
	ds.own = model.NewStore()
	if err := ds.Attach(ds.own); err != nil {
		return nil, err
	}
	return ds, nil
}

// N is the number of training points n.
func (ds *Dataset) N() int { return ds.n }

// Dim is the dimension d of the points.
func (ds *Dataset) Dim() int { return ds.d }

// Chunk is the number of points per chunk.
func (ds *Dataset) Chunk() int { return ds.chunk }

// Point returns a_μ (a view into the dataset's copy: do not modify).
func (ds *Dataset) Point(mu int) []float32 { return ds.host[mu*ds.d : (mu+1)*ds.d] }

// Flat returns all points row-major (a view: do not modify).
func (ds *Dataset) Flat() []float32 { return ds.host }

// Store returns a private store to which the dataset is attached, for graphs that need
// nothing but the dataset.
func (ds *Dataset) Store() *model.Store { return ds.own }

func (ds *Dataset) chunkPath(i int) string { return fmt.Sprintf("%s/a_%05d", ds.scope, i) }
func (ds *Dataset) normPath(i int) string  { return fmt.Sprintf("%s/a2_%05d", ds.scope, i) }

// Attach adds the dataset's chunks as non-trainable variables to store, so that graphs run by
// a model.Exec over that store (e.g. a trained U-Net's) can use the graph helpers. Attaching
// twice to the same store is a no-op.
func (ds *Dataset) Attach(store *model.Store) error {
	if store == nil {
		return fmt.Errorf("score: Dataset.Attach: store is nil")
	}
	for i := range ds.chunks {
		for _, pv := range []struct {
			path string
			t    *tensors.Tensor
		}{{ds.chunkPath(i), ds.chunks[i]}, {ds.normPath(i), ds.norms[i]}} {
			v, err := store.CreateVariable(pv.path, pv.t)
			if err != nil {
				return fmt.Errorf("score: attaching dataset to store: %w", err)
			}
			v.SetTrainable(false)
		}
	}
	return nil
}

// chunkNodes returns the chunk and norm parameter nodes of g's store (panics, as graph
// building does, if the dataset was not attached to it).
func (ds *Dataset) chunkNodes(g *graph.Graph) (as, a2s []*graph.Node) {
	store := model.GetStore(g)
	if store == nil {
		panic(fmt.Sprintf("score: dataset graph built outside a model.Exec: run it with model.NewExec over a store the dataset is attached to"))
	}
	for i := range ds.chunks {
		va, vn := store.GetVariable(ds.chunkPath(i)), store.GetVariable(ds.normPath(i))
		if va == nil || vn == nil {
			panic(fmt.Sprintf("score: dataset (n=%d, d=%d) is not attached to the store of this graph: call Dataset.Attach(store)", ds.n, ds.d))
		}
		as = append(as, va.ValueGraph(g))
		a2s = append(a2s, vn.ValueGraph(g))
	}
	return as, a2s
}

// logits returns (c1 x)·a_μ + c2 |a_μ|² for one chunk, shape [b, chunk], given xc = c1 x
// (scaled once, outside the chunk loop, rather than scaling each [b, chunk] block). The
// product is a single matmul, the fast op on every backend.
func logits(xc, a, a2, c2 *graph.Node) *graph.Node {
	xa := graph.DotGeneral(xc, []int{1}, nil, a, []int{1}, nil) // [b, nc]
	return graph.Add(xa, graph.Mul(a2, c2))                     // a2 is [1, nc]
}

func (ds *Dataset) checkX(x *graph.Node, who string) {
	if x.Rank() != 2 || x.Shape().Dim(1) != ds.d || x.DType() != dtypes.Float32 {
		panic(fmt.Sprintf("score: %s: x must be float32 [b, %d], got %s", who, ds.d, x.Shape()))
	}
}

// LogSumExp returns log Σ_μ exp(c1 x·a_μ + c2 |a_μ|²) for each row of x ([b, d] float32),
// shape [b]. c1 and c2 are float32 scalars. The sum is streamed over the chunks with a
// running maximum, so it never overflows.
func (ds *Dataset) LogSumExp(x, c1, c2 *graph.Node) *graph.Node {
	ds.checkX(x, "LogSumExp")
	as, a2s := ds.chunkNodes(x.Graph())
	xc := graph.Mul(x, c1)
	var m, s *graph.Node // running max [b,1] and Σ exp(l - m) [b,1]
	for i := range as {
		l := logits(xc, as[i], a2s[i], c2)
		cm := graph.ReduceAndKeep(l, graph.ReduceMax, 1)
		if m == nil {
			m = cm
			s = graph.ReduceAndKeep(graph.Exp(graph.Sub(l, m)), graph.ReduceSum, 1)
			continue
		}
		nm := graph.Max(m, cm)
		s = graph.Add(graph.Mul(s, graph.Exp(graph.Sub(m, nm))),
			graph.ReduceAndKeep(graph.Exp(graph.Sub(l, nm)), graph.ReduceSum, 1))
		m = nm
	}
	return graph.Reshape(graph.Add(m, graph.Log(s)), x.Shape().Dim(0))
}

// SoftmaxMean returns the softmax-weighted mean of the points,
//
//	Σ_μ a_μ exp(l_μ) / Σ_μ exp(l_μ),   l_μ = c1 x·a_μ + c2 |a_μ|²,
//
// for each row of x, shape [b, d], streamed over the chunks (online softmax: the running
// weighted sum is rescaled whenever the running maximum grows).
func (ds *Dataset) SoftmaxMean(x, c1, c2 *graph.Node) *graph.Node {
	mean, _ := ds.softmaxMean(x, c1, c2, false)
	return mean
}

// SoftmaxMeanArgMax returns SoftmaxMean and, from the same logits (no extra matmul), the
// index μ (int32 [b]) of the largest logit, as ArgMax does.
func (ds *Dataset) SoftmaxMeanArgMax(x, c1, c2 *graph.Node) (mean, idx *graph.Node) {
	return ds.softmaxMean(x, c1, c2, true)
}

// chunkSoftmax selects how softmaxMean weighs a chunk: with the backend's fused softmax (true;
// on the pure-Go backend one float32 pass per row instead of a broadcast Sub, a float64 Exp and a
// ReduceSum; elsewhere graph.Softmax decomposes it) or with the streamed exponentials of the
// first version (false). A variable so that BenchmarkEmpirical can time both.
var chunkSoftmax = true

func (ds *Dataset) softmaxMean(x, c1, c2 *graph.Node, withArg bool) (mean, idx *graph.Node) {
	ds.checkX(x, "SoftmaxMean")
	as, a2s := ds.chunkNodes(x.Graph())
	xc := graph.Mul(x, c1)
	var m, s, w *graph.Node // running max [b,1], Σ exp(l-m) [b,1], Σ exp(l-m) a [b,d]
	var best *graph.Node    // running max logit [b,1], for the arg-max
	offset := 0
	for i := range as {
		l := logits(xc, as[i], a2s[i], c2)
		cm := graph.ReduceAndKeep(l, graph.ReduceMax, 1)
		if withArg {
			ci := graph.AddScalar(graph.ArgMax(l, 1, dtypes.Int32), offset)
			offset += as[i].Shape().Dim(0)
			if idx == nil {
				idx, best = ci, cm
			} else {
				idx = graph.Where(graph.GreaterThan(graph.Reshape(cm, -1), graph.Reshape(best, -1)), ci, idx)
				best = graph.Max(best, cm)
			}
		}
		if chunkSoftmax {
			// p = softmax over the chunk; its mean p·a is the chunk's weighted mean, and the
			// chunk's log-partition is log Σ exp(l) = cm - log max_μ p_μ (the arg-max term of p is
			// exp(0)/Σ exp(l - cm)). Chunks then combine by their partitions: the running sum
			// s = Σ_c exp(lse_c - m) and w = Σ_c exp(lse_c - m) p_c·a_c, with m the running max.
			p := graph.Softmax(l, 1)
			pm := graph.MatMul(p, as[i])
			if len(as) == 1 {
				return pm, idx
			}
			lse := graph.Sub(cm, graph.Log(graph.ReduceAndKeep(p, graph.ReduceMax, 1)))
			if m == nil {
				m, s, w = lse, graph.OnesLike(lse), pm
				continue
			}
			nm := graph.Max(m, lse)
			old, cur := graph.Exp(graph.Sub(m, nm)), graph.Exp(graph.Sub(lse, nm)) // [b,1]
			s = graph.Add(graph.Mul(s, old), cur)
			w = graph.Add(graph.Mul(w, old), graph.Mul(pm, cur))
			m = nm
			continue
		}
		if m == nil {
			m = cm
			p := graph.Exp(graph.Sub(l, m))
			s = graph.ReduceAndKeep(p, graph.ReduceSum, 1)
			w = graph.MatMul(p, as[i])
			continue
		}
		nm := graph.Max(m, cm)
		scale := graph.Exp(graph.Sub(m, nm))
		p := graph.Exp(graph.Sub(l, nm))
		s = graph.Add(graph.Mul(s, scale), graph.ReduceAndKeep(p, graph.ReduceSum, 1))
		w = graph.Add(graph.Mul(w, scale), graph.MatMul(p, as[i]))
		m = nm
	}
	return graph.Div(w, s), idx
}

// ArgMax returns, for each row of x, the index μ (int32) of the largest logit
// l_μ = c1 x·a_μ + c2 |a_μ|² and that logit, both of shape [b]. Ties keep the lowest index.
func (ds *Dataset) ArgMax(x, c1, c2 *graph.Node) (idx, best *graph.Node) {
	ds.checkX(x, "ArgMax")
	g := x.Graph()
	as, a2s := ds.chunkNodes(g)
	xc := graph.Mul(x, c1)
	offset := 0
	for i := range as {
		l := logits(xc, as[i], a2s[i], c2)
		ci := graph.AddScalar(graph.ArgMax(l, 1, dtypes.Int32), offset)
		cb := graph.ReduceMax(l, 1)
		offset += as[i].Shape().Dim(0)
		if idx == nil {
			idx, best = ci, cb
			continue
		}
		better := graph.GreaterThan(cb, best)
		idx = graph.Where(better, ci, idx)
		best = graph.Where(better, cb, best)
	}
	return idx, best
}
