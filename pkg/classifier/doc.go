// Package classifier is the class detector of the paper's speciation experiment (SI D.2,
// "Speciation experiment"): phi(t) of Figure 4 needs the class of every generated image, which
// the paper obtains with a fine-tuned ResNet-18 (>= 95% test accuracy). Here a small
// ResNet-style convolutional network is trained from scratch in gomlx on the two classes:
//
//	x [b, H, W, C] -> conv3x3/2 -> ReLU -> { [conv3x3/2 -> ReLU] -> residual blocks } x Stages
//	              -> global average pool -> dense -> logits [b, Classes]
//
// with residual blocks h <- ReLU(h + conv3x3(ReLU(conv3x3(h)))) (He et al.'s basic block,
// without batch normalisation, which the network is shallow enough not to need).
// It is trained with Adam on the softmax cross-entropy
//
//	L = (1/b) Σ_i [log Σ_k exp(z_ik) - z_i,y_i].
//
// Convolutions are computed as im2col matmuls, the fast operation of the pure-Go backend.
//
// A Classifier is saved as one pkg/checkpoint file, classifier.ckpt in its directory
// (configuration, training-set mean, test accuracy, loss history, weights and Adam state),
// written atomically, so a reader never sees a half-written checkpoint. Cached trains (or
// reloads from the data cache) the classifier of a two-class spec, by default this project's
// pair Fashion-MNIST trouser (1) vs bag (8), in the centred 32x32 representation the
// diffusion runs use (DefaultPairOptions).
package classifier
