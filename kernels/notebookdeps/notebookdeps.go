//go:build notebookdeps

// Package notebookdeps pins in go.mod the modules that notebook cells import but no package
// of the repository does (GoNB builds cells against this module's go.mod, and notebooks start
// with %noautoget). `go mod tidy` reads every build tag, so this file keeps them listed; the
// tag keeps it out of every build.
package notebookdeps

import (
	_ "github.com/janpfeifer/gonb/gonbui"
	_ "github.com/janpfeifer/must"
)
