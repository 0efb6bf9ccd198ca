"""JAX peer of the diffregimes dynamics engine (issue 4, item 7): the same computations as
`cmd/bench`, timed in the same run on the same machine.

  score: the exact empirical score of eq. (2), F = (e^{-t} softmax(l) A - x) / Δ_t with logits
         l = (e^{-t} x·a - e^{-2t}|a|²/2) / Δ_t, fp32, GFLOP/s counting 4·b·n·d flops.
  fig2:  the Fig. 2 cloning sweep: mixture score eq. (54), Euler-Maruyama eq. (55), T = 10,
         one trunk per pair snapshotted at each cloning time plus one independent copy from
         each snapshot (the protocol of pkg/clone), class sign(m·x).

    python3 bench/peer_jax.py --what score,fig2 [--shapes 2000x768x4096,20000x3072x4096]
"""
import argparse
import math
import time

import jax
import jax.numpy as jnp


def empirical_score(x, a, a2, t):
    e = jnp.exp(-t)
    delta = -jnp.expm1(-2 * t)
    logits = (e / delta) * (x @ a.T) - (e * e / (2 * delta)) * a2[None, :]
    w = jax.nn.softmax(logits, axis=1)
    return (e * (w @ a) - x) / delta


def bench_score(n, d, b, reps):
    ka, kx = jax.random.split(jax.random.PRNGKey(0))
    a = jax.random.normal(ka, (n, d), jnp.float32)
    a2 = jnp.sum(a * a, axis=1)
    x = jax.random.normal(kx, (b, d), jnp.float32)
    f = jax.jit(lambda x, t: jnp.sum(empirical_score(x, a, a2, t)))
    t0 = time.perf_counter()
    f(x, 0.5).block_until_ready()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(reps):
        f(x, 0.5).block_until_ready()
    per = (time.perf_counter() - t0) / reps
    print(f"jax score n={n} d={d} b={b} first_ms={first*1e3:.1f} ms={per*1e3:.3f} "
          f"gflops={4*b*n*d/per/1e9:.1f}")


def mixture_score(x, m, t, sigma=1.0):
    e = jnp.exp(-t)
    gamma = -jnp.expm1(-2 * t) + sigma * sigma * e * e
    c = e / gamma
    return m[None, :] * (c * jnp.tanh(c * (x @ m)))[:, None] - x / gamma


def make_runner(m, T, L):
    eta = T / L

    @jax.jit
    def run(x, key, k0, k1):
        def body(k, carry):
            x, key = carry
            key, sub = jax.random.split(key)
            t = eta * (L - k)
            f = mixture_score(x, m, t)
            x = x + eta * (x + 2 * f) + math.sqrt(2 * eta) * jax.random.normal(sub, x.shape)
            return x, key
        return jax.lax.fori_loop(k0, k1, body, (x, key))
    return run


def bench_fig2(dims, pairs, L, ntimes, T=10.0):
    total = time.perf_counter()
    for d in dims:
        t0 = time.perf_counter()
        m = jnp.ones((d,), jnp.float32)
        run = make_runner(m, T, L)
        ts = 0.5 * math.log(d)
        times = [ts * (0.2 + 1.8 * i / max(ntimes - 1, 1)) for i in range(ntimes)]
        steps = sorted({min(L - 1, round((T - t) / (T / L))) for t in times})
        key = jax.random.PRNGKey(d)
        key, k0 = jax.random.split(key)
        x = jax.random.normal(k0, (pairs, d), jnp.float32)
        k = 0
        copies = []
        for ks in steps:
            x, key = run(x, key, k, ks)
            k = ks
            c, key = run(x, key, ks, L)
            copies.append(jnp.sign(c @ m))
        x, key = run(x, key, k, L)
        trunk = jnp.sign(x @ m)
        phi = [float(jnp.mean(trunk == c)) for c in copies]
        best = min(range(len(steps)), key=lambda i: abs(T - steps[i] * T / L - ts))
        print(f"jax fig2 d={d} pairs={pairs} L={L} times={len(steps)} s={time.perf_counter()-t0:.2f} "
              f"phi(t={T - steps[best]*T/L:.3f})={phi[best]:.4f}")
    print(f"jax fig2 total_s={time.perf_counter()-total:.2f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--what", default="score,fig2")
    p.add_argument("--shapes", default="2000x768x4096,20000x3072x4096")
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--dims", default="16,32,64,128,256,512")
    p.add_argument("--pairs", type=int, default=10000)
    p.add_argument("--L", type=int, default=1000)
    p.add_argument("--ntimes", type=int, default=20)
    a = p.parse_args()
    print(f"# jax {jax.__version__} devices {jax.devices()}")
    for w in a.what.split(","):
        if w == "score":
            for s in a.shapes.split(","):
                n, d, b = map(int, s.split("x"))
                bench_score(n, d, b, a.reps)
        elif w == "fig2":
            bench_fig2([int(v) for v in a.dims.split(",")], a.pairs, a.L, a.ntimes)


if __name__ == "__main__":
    main()
