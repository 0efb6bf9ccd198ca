"""CPU peers (NumPy + OpenBLAS, PyTorch eager) of the `cmd/bench` modes compared by
bench/compare.py (issue 14). Each computation is the one the Go mode times, written as a
researcher would write it in that library; each prints the same line as `cmd/bench`:

    <what> <key=value ...> ms=<median> min_ms=<min> max_ms=<max>

    /usr/bin/python3 bench/peers_cpu.py --lib numpy --what score --shapes 2000x768x4096
    /usr/bin/python3 bench/peers_cpu.py --lib torch --threads 2 --what unet --unet-configs tiny

Computations (fp32 throughout):
  score       exact empirical score F(x, t) of eq. (2) at t = 0.5 (softmax of the logits
              (e^{-t} x·a_μ - e^{-2t}|a_μ|²/2)/Δ_t, weighted mean of the a_μ); 4·b·n·d flops.
  sde         one Euler-Maruyama step of eq. (55), x ← (1+η)x + 2ηF + sqrt(2η)ξ, η = 0.01,
              with the mixture score of eq. (54) (m = 1, σ = 1) or the exact score of eq. (2).
  fig2        the Fig. 2 cloning sweep of cmd/bench -what fig2 (pkg/clone.Run): per d a trunk
              of `pairs` trajectories from T = 10 over L steps, and at each of `ntimes` cloning
              times an independent copy run to t = 0; φ = fraction of pairs whose sign(x·m)
              agrees.
  unet        the PyTorch twin of pkg/unet (bench/unet/unet_torch.py): a DDPM training step
              (eq. 60 loss, backward, Adam lr 1e-4) or one evaluation (no gradient).
  classifier  the twin of pkg/classifier's default network: one Adam step (lr 1e-3) of the
              softmax cross-entropy.
"""
import argparse
import math
import os
import sys
import time

import numpy as np


def timed(reps, f):
    f()
    ts = []
    for _ in range(max(reps, 1)):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2], ts[0], ts[-1]


def report(prefix, med, lo, hi):
    print(f"{prefix} ms={med:.3f} min_ms={lo:.3f} max_ms={hi:.3f}", flush=True)


def decay_delta(t):
    return math.exp(-t), -math.expm1(-2 * t)


# ---------------------------------------------------------------- NumPy

def np_empirical(x, a, a2, t):
    e, delta = decay_delta(t)
    logits = (x * np.float32(e / delta)) @ a.T
    logits -= np.float32(e * e / (2 * delta)) * a2[None, :]
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return (np.float32(e) * (logits @ a) - x) / np.float32(delta)


def np_mixture(x, m, t, sigma=1.0):
    e, delta = decay_delta(t)
    gamma = delta + sigma * sigma * e * e
    c = np.float32(e / gamma)
    coef = np.tanh((x @ m) * c) * c  # [b]
    return coef[:, None] * m[None, :] - x * np.float32(1 / gamma)


def np_step(x, f, eta, rng):
    return np.float32(1 + eta) * x + np.float32(2 * eta) * f + np.float32(math.sqrt(2 * eta)) * \
        rng.standard_normal(x.shape, dtype=np.float32)


# ---------------------------------------------------------------- PyTorch

def torch_empirical(torch, x, a, a2, t):
    e, delta = decay_delta(t)
    logits = (e / delta) * (x @ a.T) - (e * e / (2 * delta)) * a2[None, :]
    w = torch.softmax(logits, dim=1)
    return (e * (w @ a) - x) / delta


def torch_mixture(torch, x, m, t, sigma=1.0):
    e, delta = decay_delta(t)
    gamma = delta + sigma * sigma * e * e
    c = e / gamma
    coef = torch.tanh((x @ m) * c) * c
    return coef[:, None] * m[None, :] - x / gamma


def torch_step(torch, x, f, eta, gen):
    return (1 + eta) * x + (2 * eta) * f + math.sqrt(2 * eta) * torch.randn(x.shape, generator=gen)


class Lib:
    """The computations in one library: numpy or torch."""

    def __init__(self, name, threads):
        self.name = name
        self.torch = None
        if name == "torch":
            import torch
            if threads:
                torch.set_num_threads(threads)
            torch.set_grad_enabled(False)
            self.torch = torch
            self.gen = torch.Generator().manual_seed(0)
        self.rng = np.random.default_rng(0)

    def randn(self, *shape):
        if self.torch:
            return self.torch.randn(*shape, generator=self.gen)
        return self.rng.standard_normal(shape, dtype=np.float32)

    def ones(self, d):
        return self.torch.ones(d) if self.torch else np.ones(d, dtype=np.float32)

    def empirical(self, x, a, a2, t):
        return torch_empirical(self.torch, x, a, a2, t) if self.torch else np_empirical(x, a, a2, t)

    def mixture(self, x, m, t):
        return torch_mixture(self.torch, x, m, t) if self.torch else np_mixture(x, m, t)

    def step(self, x, f, eta):
        return torch_step(self.torch, x, f, eta, self.gen) if self.torch else np_step(x, f, eta, self.rng)

    def checksum(self, v):
        return float(v.sum())


def bench_score(lib, shapes, reps):
    for s in shapes.split(","):
        n, d, b = map(int, s.split("x"))
        a = lib.randn(n, d)
        a2 = (a * a).sum(1)
        x = lib.randn(b, d)

        def f():
            assert math.isfinite(lib.checksum(lib.empirical(x, a, a2, 0.5)))
        med, lo, hi = timed(reps, f)
        report(f"score n={n} d={d} b={b} gflops={4*b*n*d/med/1e6:.1f}", med, lo, hi)


def bench_sde(lib, kinds, d, b, n, ed, eb, steps, reps):
    eta = 0.01
    for kind in kinds.split(","):
        if kind == "mixture":
            m = lib.ones(d)
            x = lib.randn(b, d)
            score = lambda x, t: lib.mixture(x, m, t)
            prefix = f"sde score=mixture d={d} b={b}"
        else:
            a = lib.randn(n, ed)
            a2 = (a * a).sum(1)
            x = lib.randn(eb, ed)
            score = lambda x, t: lib.empirical(x, a, a2, t)
            prefix = f"sde score=exact n={n} d={ed} b={eb}"

        def f():
            y = x
            for k in range(steps):
                t = 10 - eta * k
                y = lib.step(y, score(y, t), eta)
            lib.checksum(y)
        med, lo, hi = timed(reps, f)
        report(prefix, med / steps, lo / steps, hi / steps)


def fig2(lib, d, pairs, L, ntimes, T=10.0):
    """pkg/clone.Run with the mixture score: the trunk, and one clone per cloning time."""
    eta = T / L
    m = lib.ones(d)
    t_s = 0.5 * math.log(d)
    steps = sorted({min(round((T - t_s * (0.2 + 1.8 * i / max(ntimes - 1, 1))) / eta), L - 1)
                    for i in range(ntimes)})

    def run(x, k0, k1):
        for k in range(k0, k1):
            t = T - k * eta
            x = lib.step(x, lib.mixture(x, m, t), eta)
        return x

    def sign(x):
        s = x @ m
        return (s > 0) * 1 - (s < 0) * 1

    x = lib.randn(pairs, d)
    k = 0
    copies = []
    for ks in steps:
        x = run(x, k, ks)
        k = ks
        copies.append(sign(run(x, ks, L)))
    trunk = sign(run(x, k, L))
    return [float((c == trunk).sum()) / pairs for c in copies], steps


def bench_fig2(lib, dims, pairs, L, ntimes):
    t0 = time.perf_counter()
    for d in map(int, dims.split(",")):
        t1 = time.perf_counter()
        phi, steps = fig2(lib, d, pairs, L, ntimes)
        print(f"fig2 d={d} pairs={pairs} L={L} times={len(steps)} s={time.perf_counter()-t1:.2f}", flush=True)
    tot = (time.perf_counter() - t0) * 1e3
    report(f"fig2 total dims={dims} pairs={pairs} L={L}", tot, tot, tot)


def bench_unet(lib, configs, modes, batches, reps):
    torch = lib.torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "unet"))
    from unet_torch import build
    betas = torch.linspace(1e-4, 2e-2, 1000)
    abar = torch.cumprod(1 - betas, 0)
    for cfg in configs.split(","):
        for mode in modes.split(","):
            for b in map(int, batches.split(",")):
                torch.manual_seed(0)
                net = build(cfg, 1)
                params = sum(p.numel() for p in net.parameters())
                x0 = torch.randn(b, 1, 32, 32)
                steps = torch.tensor([1 + (i * 37) % 1000 for i in range(b)])
                if mode == "train":
                    opt = torch.optim.Adam(net.parameters(), lr=1e-4)

                    def f():
                        with torch.enable_grad():
                            eps = torch.randn_like(x0)
                            ab = abar[steps - 1][:, None, None, None]
                            xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
                            loss = ((net(xt, steps) - eps) ** 2).mean()
                            opt.zero_grad(set_to_none=True)
                            loss.backward()
                            opt.step()
                            return loss.item()
                else:
                    def f():
                        return float(net(x0, steps).sum())
                med, lo, hi = timed(reps, f)
                report(f"unet config={cfg} mode={mode} b={b} params={params}", med, lo, hi)


def classifier_net(torch):
    """pkg/classifier.DefaultConfig(32, 32, 1, 2): stem conv s2 (8), stage 0: one residual
    block (8), stage 1: conv s2 (16) and one residual block (16), mean pool, dense to 2."""
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.c1, self.c2 = nn.Conv2d(c, c, 3, padding=1), nn.Conv2d(c, c, 3, padding=1)

        def forward(self, h):
            return torch.relu(h + self.c2(torch.relu(self.c1(h))))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(), Block(8),
                nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(), Block(16))
            self.head = nn.Linear(16, 2)

        def forward(self, x):
            return self.head(self.body(x).mean(dim=(2, 3)))
    return Net()


def bench_classifier(lib, b, reps):
    torch = lib.torch
    torch.manual_seed(0)
    net = classifier_net(torch)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(b, 1, 32, 32)
    y = torch.tensor([i % 2 for i in range(b)])

    def f():
        with torch.enable_grad():
            loss = torch.nn.functional.cross_entropy(net(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            return loss.item()
    med, lo, hi = timed(reps, f)
    report(f"classifier mode=train b={b} params={params}", med, lo, hi)


def describe(lib):
    if lib.torch:
        t = lib.torch
        return f"torch {t.__version__} threads={t.get_num_threads()}"
    s = f"numpy {np.__version__}"
    try:
        from threadpoolctl import threadpool_info
        for i in threadpool_info():
            if i.get("user_api") == "blas":
                s += (f" blas={i.get('internal_api')} {i.get('version')} kernel={i.get('architecture')}"
                      f" threads={i.get('num_threads')} ({os.path.basename(i.get('filepath', ''))})")
    except ImportError:  # python3-threadpoolctl missing: name the library from the process maps
        with open("/proc/self/maps") as f:
            libs = sorted({ln.split()[-1] for ln in f if "blas" in ln.split()[-1]})
        s += " blas=" + ",".join(os.path.basename(l) for l in libs)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if k in os.environ:
            s += f" {k}={os.environ[k]}"
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lib", choices=["numpy", "torch"], required=True)
    p.add_argument("--threads", type=int, default=2, help="torch threads (0: its default)")
    p.add_argument("--what", default="score")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--shapes", default="2000x768x4096")
    p.add_argument("--sde", default="mixture,exact")
    p.add_argument("--sde-d", type=int, default=256)
    p.add_argument("--sde-b", type=int, default=2000)
    p.add_argument("--sde-n", type=int, default=2000)
    p.add_argument("--sde-exact-d", type=int, default=768)
    p.add_argument("--sde-exact-b", type=int, default=1024)
    p.add_argument("--sde-steps", type=int, default=10)
    p.add_argument("--dims", default="16,32,64,128,256,512")
    p.add_argument("--pairs", type=int, default=1000)
    p.add_argument("--L", type=int, default=1000)
    p.add_argument("--ntimes", type=int, default=20)
    p.add_argument("--unet-configs", default="tiny,small")
    p.add_argument("--unet-modes", default="train,eval")
    p.add_argument("--unet-batches", default="16,64")
    p.add_argument("--classifier-b", type=int, default=64)
    a = p.parse_args()
    lib = Lib(a.lib, a.threads)
    print(f"# {describe(lib)}", flush=True)
    for w in a.what.split(","):
        if w == "score":
            bench_score(lib, a.shapes, a.reps)
        elif w == "sde":
            bench_sde(lib, a.sde, a.sde_d, a.sde_b, a.sde_n, a.sde_exact_d, a.sde_exact_b, a.sde_steps, a.reps)
        elif w == "fig2":
            bench_fig2(lib, a.dims, a.pairs, a.L, a.ntimes)
        elif w in ("unet", "classifier"):
            if not lib.torch:
                sys.exit(f"peers_cpu: --what {w} needs --lib torch")
            if w == "unet":
                bench_unet(lib, a.unet_configs, a.unet_modes, a.unet_batches, a.reps)
            else:
                bench_classifier(lib, a.classifier_b, a.reps)
        else:
            sys.exit(f"peers_cpu: unknown --what {w}")


if __name__ == "__main__":
    main()
