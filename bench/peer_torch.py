"""PyTorch peer of the exact empirical score kernel of eq. (2) (issue 4, item 7), fp32, timed
with CUDA synchronisation; GFLOP/s count 4·b·n·d flops like `cmd/bench -what score`.

    python3 bench/peer_torch.py [--shapes 2000x768x4096,20000x3072x4096] [--tf32]
"""
import argparse
import math
import time

import torch


def empirical_score(x, a, a2, t):
    e = math.exp(-t)
    delta = -math.expm1(-2 * t)
    logits = (e / delta) * (x @ a.T) - (e * e / (2 * delta)) * a2[None, :]
    w = torch.softmax(logits, dim=1)
    return (e * (w @ a) - x) / delta


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shapes", default="2000x768x4096,20000x3072x4096")
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--tf32", action="store_true", help="allow TF32 matmuls (gomlx's CUDA default)")
    a = p.parse_args()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
    print(f"# torch {torch.__version__} device {dev} tf32={a.tf32}")
    g = torch.Generator(device=dev).manual_seed(0)
    for s in a.shapes.split(","):
        n, d, b = map(int, s.split("x"))
        A = torch.randn(n, d, device=dev, generator=g)
        a2 = (A * A).sum(1)
        x = torch.randn(b, d, device=dev, generator=g)
        with torch.no_grad():
            t0 = time.perf_counter()
            empirical_score(x, A, a2, 0.5).sum().item()
            first = time.perf_counter() - t0
            sync()
            t0 = time.perf_counter()
            for _ in range(a.reps):
                empirical_score(x, A, a2, 0.5).sum().item()
            sync()
            per = (time.perf_counter() - t0) / a.reps
        print(f"torch score n={n} d={d} b={b} first_ms={first*1e3:.1f} ms={per*1e3:.3f} "
              f"gflops={4*b*n*d/per/1e9:.1f}")


if __name__ == "__main__":
    main()
