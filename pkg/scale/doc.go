// Package scale is the project-wide size switch of notebooks and long computations.
//
//	smoke  the smallest sizes that still exercise every code path (the test command's notebook run)
//	quick  the default: minutes on a 2-core CPU (the main job and the published notebooks)
//	paper  the paper's sizes, meant for a GPU
//
// The scale comes from $DIFFREGIMES_SCALE, so the same notebook runs at every size unchanged.
package scale
