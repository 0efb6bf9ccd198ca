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
// Any Table 1 dataset: datasets.Load(datasets.Spec{Name: datasets.CIFAR10Name,
// Classes: []string{"horse", "automobile"}, N: 3000, Seed: 1}); datasets.Table1() lists the
// paper's rows with their specs, values and how to provide missing data.
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
// Data roots: $DIFFREGIMES_DATA (a path list), then $HOME/.cache/diffregimes, then
// /usr/share/datasets (Debian's dataset-fashion-mnist). Under a root:
//
//	fashion-mnist/, mnist/   IDX files train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...
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
// $HOME/.cache/diffregimes/cache) keyed by the Spec; the file is written atomically (temporary
// file + rename) and checked by magic number, size and CRC32 on reading, a corrupt file being
// rebuilt. Uncentred 8-bit data is stored as bytes. Delete the cache when source files change.
//
// Every error names the file and the problem: missing file, wrong magic number, truncated
// file, label out of range, class with fewer images than asked, unreadable image.
package datasets
