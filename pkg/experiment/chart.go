package experiment

import "math/bits"

// The series of this package carry their colours from the start (nbplot.Series.Color), so a
// chart needs no repainting: trajectories by the class they end in, curves by their dimension.

// classColor is the colour of a trajectory ending in class c (sign of q at t = 0).
func classColor(c int) string {
	if c > 0 {
		return "#1f5fbf"
	}
	return "#e08a00"
}

// className is the series name of a trajectory ending in class c: trajectories of one class
// share one legend entry, which toggles them together.
func className(c int) string {
	if c > 0 {
		return "ends in +"
	}
	return "ends in −"
}

// dimPalette gives the curves of one dimension d one colour in every figure (Figs. 2 and 3):
// its measured points, its error bars and its theory line.
var dimPalette = [...]string{"#5470c6", "#91cc75", "#ee6666", "#73c0de", "#fc8452", "#9a60b4", "#3ba272", "#ea7ccc", "#fac858", "#6e7074"}

// dimColor is the colour of dimension d, chosen by the number of bits of d: the powers of two
// of ten consecutive doublings (d = 16 ... 8192) all differ.
func dimColor(d int) string { return dimPalette[bits.Len(uint(max(d, 0)))%len(dimPalette)] }
