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
// fast CPU convolution. Conv2D computes convolutions by patch extraction + one matmul (Im2Col,
// the default: about 10× faster than gomlx's Convolve on the pure-Go backend, which remains
// available as Native for GPUs). Layout and widths follow Ho et al. (2020); the PyTorch twin in
// bench/unet has the same parameter count. Parameters are initialised in Go from a seed, per
// variable path, so a configuration and seed give bit-identical networks on any backend.
package unet
