// Package numeric is the project's one numerics toolbox: grids, the mean and its standard
// error, medians and quantiles, the level crossing of a sampled curve and a bisection root
// finder. Each exists once here, built on gonum where gonum has it (floats.Span,
// floats.LogSpan, stat.MeanStdDev, stat.Quantile); quadrature is gonum's integrate.Simpsons,
// called directly.
//
// The paper reads its times off sampled curves: the speciation time where φ(t) crosses
// 0.775 (Figs. 2 and 4), the collapse time where φ_C(t) crosses ½ or f^e(t) vanishes (eq. 9,
// Figs. 3 and 5). Crossing is that reading, by linear interpolation between the samples;
// every estimate carries its standard error (MeanSE), and the figures draw 3 s.e. bars.
package numeric
