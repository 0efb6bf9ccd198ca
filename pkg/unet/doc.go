// Package unet builds, in gomlx, the U-Net denoiser ξ_θ(x(t'), t') of the DDPM of SI D.2:
// "four resolution levels, each having two convolutional residual blocks with group
// normalization, and self attention is applied to the two intermediary levels. The time is
// added into each block through a standard sinusoidal position embedding, resulting in a total
// of 25.7 million parameters."
//
// Config describes a network (widths, levels, residual blocks, attention levels, groups); Paper
// gives 25,636,483 parameters for 32×32×3 (0.25% from the paper's count), Small (1.02 M) and
// Tiny (79 k) are CPU sizes with the same layout. Model.Eps returns ξ_θ for images [b, H, W, C]
// (channels last) and steps t' [b]; its loss (eq. 60), sampler (eq. 61) and score live in
// pkg/ddpm.
//
// gomlx lacks two pieces, implemented here: GroupNorm (tested against finite differences) and a
// fast CPU convolution. On the pure-Go backend (ConvImpl Auto → Grid) the network keeps its
// feature maps channels first, [C, b, H, W], and convolutions, GroupNorm, SiLU, the time
// embedding and the attention core have hand-written gradients (pkg/vjp): each 3×3
// convolution is one matmul on the padded image flattened to rows, whose k² shifted copies are
// long block copies, so that a training step makes almost none of the element-by-element
// Slice/Transpose copies of autodiff (2.5× faster than the first im2col version, within 2× of
// PyTorch eager on the same CPU: bench/unet/README.md). On XLA, Auto picks gomlx's Convolve
// (Native, cuDNN), channels last. Both layouts give the same outputs and gradients
// (TestLayoutsAgree). Layout and widths follow Ho et al. (2020); the PyTorch twin in
// bench/unet has the same parameter count. Parameters are initialised in Go from a seed, per
// variable path, so a configuration and seed give bit-identical networks on any backend.
//
// Host is the same forward pass (Eps only, for sampling) outside gomlx: channels last, each
// convolution an im2col matrix times the kernel [k·k·Cin, Cout] on OpenBLAS's sgemm (package
// blas), GroupNorm with its SiLU and the attention softmax as float32 passes per image
// (TestHostMatchesGraph: within 1e-4 of the output's rms of Eps's graph; measured ~8e-6).
// ddpm.Score offers it as its host kernel, which package sde runs on the pure-Go backend.
package unet
