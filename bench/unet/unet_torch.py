"""PyTorch twin of pkg/unet (same layout, widths and parameter count), the peer for speed.

Layout (see pkg/unet/unet.go): sinusoidal time embedding -> dense(4C) -> SiLU -> dense(4C);
conv_in; per level: ResBlocks x (resblock [+ attention]) then a stride-2 3x3 conv (except the
last level); middle resblock, attention, resblock; per level upward: ResBlocks+1 x (concat
skip, resblock [+ attention]) then nearest upsample + 3x3 conv (except level 0); GroupNorm,
SiLU, conv_out. Attention is single-head over the H*W pixels.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {
    # name: (base, mults, res_blocks, attention levels, groups)
    "tiny": (8, (1, 1, 2, 2), 1, (1, 2), 4),
    "small": (24, (1, 1, 2, 2), 2, (1, 2), 8),
    "paper": (64, (1, 2, 4, 4), 2, (1, 2), 32),
}


def time_embedding(steps, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, device=steps.device) / (half - 1))
    arg = steps.float()[:, None] * freqs[None, :]
    return torch.cat([torch.sin(arg), torch.cos(arg)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim, groups):
        super().__init__()
        self.norm0 = nn.GroupNorm(groups, cin)
        self.conv0 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(tdim, cout)
        self.norm1 = nn.GroupNorm(groups, cout)
        self.conv1 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv0(F.silu(self.norm0(x)))
        h = h + self.time(F.silu(temb))[:, :, None, None]
        h = self.conv1(F.silu(self.norm1(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    def __init__(self, ch, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.q, self.k, self.v, self.proj = (nn.Linear(ch, ch) for _ in range(4))

    def forward(self, x):
        b, c, h, w = x.shape
        hn = self.norm(x).reshape(b, c, h * w).transpose(1, 2)  # [b, n, c]
        q, k, v = self.q(hn), self.k(hn), self.v(hn)
        a = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=2) @ v
        return x + self.proj(a).transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    def __init__(self, channels, base, mults, res_blocks, attn, groups):
        super().__init__()
        self.base, tdim = base, 4 * base
        self.t0, self.t1 = nn.Linear(base, tdim), nn.Linear(tdim, tdim)
        self.conv_in = nn.Conv2d(channels, base, 3, padding=1)
        self.down, skips, ch = nn.ModuleList(), [base], base
        for l, m in enumerate(mults):
            for _ in range(res_blocks):
                self.down.append(ResBlock(ch, base * m, tdim, groups))
                ch = base * m
                if l in attn:
                    self.down.append(Attention(ch, groups))
                skips.append(ch)
            if l < len(mults) - 1:
                self.down.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
                skips.append(ch)
        self.mid = nn.ModuleList([ResBlock(ch, ch, tdim, groups), Attention(ch, groups), ResBlock(ch, ch, tdim, groups)])
        self.up = nn.ModuleList()
        for l in reversed(range(len(mults))):
            for _ in range(res_blocks + 1):
                self.up.append(ResBlock(ch + skips.pop(), base * mults[l], tdim, groups))
                ch = base * mults[l]
                if l in attn:
                    self.up.append(Attention(ch, groups))
            if l > 0:
                self.up.append(nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch, ch, 3, padding=1)))
        self.norm_out = nn.GroupNorm(groups, ch)
        self.conv_out = nn.Conv2d(ch, channels, 3, padding=1)

    def forward(self, x, steps):
        temb = self.t1(F.silu(self.t0(time_embedding(steps, self.base))))
        h = self.conv_in(x)
        hs = [h]
        for mod in self.down:
            if isinstance(mod, ResBlock):
                h = mod(h, temb)
                hs.append(h)
            elif isinstance(mod, Attention):
                h = mod(h)
                hs[-1] = h
            else:
                h = mod(h)
                hs.append(h)
        h = self.mid[2](self.mid[1](self.mid[0](h, temb)), temb)
        for mod in self.up:
            if isinstance(mod, ResBlock):
                h = mod(torch.cat([h, hs.pop()], dim=1), temb)
            else:
                h = mod(h)
        return self.conv_out(F.silu(self.norm_out(h)))


def build(name, channels):
    base, mults, res, attn, groups = CONFIGS[name]
    return UNet(channels, base, mults, res, attn, groups)
