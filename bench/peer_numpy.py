"""CPU peer (NumPy/OpenBLAS, fp32) of the exact empirical score kernel of eq. (2), the same
computation as `go test -bench Empirical ./pkg/score/` and `cmd/bench -what score`; GFLOP/s
count 4·b·n·d flops. Run it beside the Go benchmark, in the same session:

    /usr/bin/python3 bench/peer_numpy.py [--shapes 2000x768x4096] [--reps 3]
"""
import argparse
import math
import time

import numpy as np


def empirical_score(x, a, a2, t):
    e = math.exp(-t)
    delta = -math.expm1(-2 * t)
    logits = (x * np.float32(e / delta)) @ a.T - np.float32(e * e / (2 * delta)) * a2[None, :]
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return (np.float32(e) * (logits @ a) - x) / np.float32(delta)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shapes", default="2000x768x4096")
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    print(f"# numpy {np.__version__}")
    rng = np.random.default_rng(0)
    for s in a.shapes.split(","):
        n, d, b = map(int, s.split("x"))
        A = rng.standard_normal((n, d), dtype=np.float32)
        a2 = (A * A).sum(1)
        x = rng.standard_normal((b, d), dtype=np.float32)
        empirical_score(x, A, a2, 0.5)
        t0 = time.perf_counter()
        for _ in range(a.reps):
            f = empirical_score(x, A, a2, 0.5)
        per = (time.perf_counter() - t0) / a.reps
        assert np.isfinite(f).all()
        print(f"numpy score n={n} d={d} b={b} ms={per*1e3:.1f} gflops={4*b*n*d/per/1e9:.1f}")


if __name__ == "__main__":
    main()
