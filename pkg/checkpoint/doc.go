// Package checkpoint is the one on-disk format of the project's trained models (the U-Net
// denoisers of pkg/ddpm and the classifiers of pkg/classifier): a JSON header chosen by the
// caller plus every variable of a gomlx model.Store (weights, EMA copies, optimiser moments and
// counters), in a single file that is written atomically and verified when read.
//
// Layout of a file:
//
//	magic "DRCKPT\x00\x01", uint32 version, uint64 header length, JSON header
//	{"kind": ..., "meta": <caller's header>, "vars": [{path, dtype, dims, trainable, bytes}...]},
//	the raw little-endian bytes of each variable in header order,
//	CRC-32C (Castagnoli) of all preceding bytes, trailer "DRCKEND!".
//
// Write stores the variables sorted by path, so the same store gives the same bytes; Read
// rebuilds a store whose variables are bit-identical to those written, which is what makes a
// resumed training run continue exactly like an uninterrupted one.
//
// Why a single file rather than gomlx's checkpoint package (a directory with a JSON file and a
// binary file per save, plus a Keep policy): one file is replaced by one rename(2), so a reader
// or a SIGKILL at any moment sees the old checkpoint or the new one, never a mix of the two
// files; the CRC and the trailer detect a truncated or bit-flipped file and the error names it;
// and the caller's header (configuration, provenance, loss history) travels in the same file as
// the weights it describes.
//
// Lock makes one process the only writer of a checkpoint directory (a lock file holding the
// writer's PID, under flock(2), so a dead writer's lock is taken over); CleanTemps removes the
// temporary files that a killed writer left behind.
package checkpoint
