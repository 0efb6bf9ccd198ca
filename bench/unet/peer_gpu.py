"""GPU peer (NOT RUN in this session: no GPU was lent): steps/s of the paper U-Net (25.64 M
parameters, pkg/unet.Paper) at batch 128 on 32x32x3, one DDPM training step (eq. 60, Adam lr
1e-4), PyTorch eager, in strict fp32, TF32, and optionally torch.compile + bf16 autocast.
Run it on the same machine, in the same session, right before/after the gomlx benchmark:

    python3 bench/unet/peer_gpu.py --steps 50
    bench/unet/gomlx_gpu.sh            # builds and runs BenchmarkTrainStepGPU (see README.md)
"""
import argparse
import time

import torch

from unet_torch import build


def bench(net, opt, batch, size, channels, steps, autocast_bf16=False):
    dev = next(net.parameters()).device
    x0 = torch.randn(batch, channels, size, size, device=dev)
    betas = torch.linspace(1e-4, 2e-2, 1000, device=dev)
    abar = torch.cumprod(1 - betas, 0)

    def step():
        t = torch.randint(1, 1001, (batch,), device=dev)
        eps = torch.randn_like(x0)
        ab = abar[t - 1][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast_bf16):
            loss = ((net(xt, t).float() - eps) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    return steps / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", default="paper")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--compile", action="store_true", help="also torch.compile + bf16")
    a = p.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}")
    for mode in ["fp32", "tf32"] + (["compile+bf16"] if a.compile else []):
        torch.backends.cuda.matmul.allow_tf32 = mode != "fp32"
        torch.backends.cudnn.allow_tf32 = mode != "fp32"
        net = build(a.config, a.channels).cuda()
        if mode == "compile+bf16":
            net = torch.compile(net)
        opt = torch.optim.Adam(net.parameters(), lr=1e-4)
        n = sum(q.numel() for q in net.parameters())
        sps = bench(net, opt, a.batch, a.size, a.channels, a.steps, autocast_bf16=mode == "compile+bf16")
        print(f"pytorch-eager-gpu {a.config} ({n} params) b={a.batch} {mode}: {sps:.2f} steps/s")


if __name__ == "__main__":
    main()
