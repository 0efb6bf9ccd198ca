// Package memo keeps an expensive notebook computation from being redone by every later cell
// of the same GoNB kernel session.
//
// GoNB recompiles a cell's program with every global declared so far and re-runs their
// initialisers at each cell, so `var curves = must.M1(experiment.PhiSweep(...))` would run the
// whole sweep again for every chart cell. Do(key, fn) runs fn once per kernel session and
// returns the stored result afterwards.
//
// Why not GoNB's own cache (github.com/janpfeifer/gonb/cache): it stores values in a
// directory that outlives the kernel (by default under the user's cache), so a new run of a
// notebook, after the code under pkg/ changed, would silently show results of the old code;
// it is also keyed only by the name the cell gives, not by the parameters. Do stores under
// $GONB_TMP_DIR, which GoNB creates per kernel session and removes with it: results never
// outlive the code that made them, a published run (cmd/publish, one kernel per notebook)
// always computes afresh, and the library packages need no dependency on GoNB. Outside GoNB
// (tests, commands) Do simply calls fn.
package memo
