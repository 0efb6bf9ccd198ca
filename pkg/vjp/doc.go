// Package vjp gives gomlx graphs hand-written reverse-mode gradients (vector-Jacobian
// products) where autodiff's generic ones are slow on the pure-Go CPU backend.
//
// gomlx differentiates an expression op by op, and on the pure-Go backend every data
// rearrangement in the resulting gradient graph (Slice, Transpose, the layout changes that
// DotGeneral makes before its matmul kernel) is an element-by-element copy. For a
// convolution written as patch extraction + matmul, those copies cost several times the
// matmul itself (bench/unet/README.md). Custom lets a function define its gradient for all of
// its inputs at once, so the gradient can be computed with the same cheap operations as the
// forward pass (block-copy Pad and Concatenate, and matmuls whose operands are already in the
// kernel's layout). MatMul is the first user: a 2-D matrix product whose gradients need no
// copy of the large operand.
//
// Nothing here is specific to the paper; it is the machinery under pkg/unet's convolutions
// (the U-Net denoiser of SI D.2), whose training speed on CPU depends on it.
package vjp
