"""CPU peer: steps/s of one DDPM training step (eq. 60 loss, Adam lr 1e-4) of the PyTorch twin
of pkg/unet in eager mode. Run beside `go test -bench TrainStep ./pkg/unet/` in the same session.

    python3 bench/unet/peer_cpu.py --config small --batch 16 --size 32 --channels 1
"""
import argparse
import time

import torch

from unet_torch import build


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", default="small")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = build(a.config, a.channels)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, config {a.config}: "
          f"{sum(p.numel() for p in net.parameters())} parameters")
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    x0 = torch.randn(a.batch, a.channels, a.size, a.size)
    betas = torch.linspace(1e-4, 2e-2, 1000)
    abar = torch.cumprod(1 - betas, 0)

    def step():
        t = torch.randint(1, 1001, (a.batch,))
        eps = torch.randn_like(x0)
        ab = abar[t - 1][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        loss = ((net(xt, t) - eps) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    step()  # warm-up
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    print(f"pytorch-eager-cpu {a.config} b={a.batch}: median {med*1e3:.1f} ms/step "
          f"({1/med:.2f} steps/s), min {times[0]*1e3:.1f} ms over {a.steps} steps")


if __name__ == "__main__":
    main()
