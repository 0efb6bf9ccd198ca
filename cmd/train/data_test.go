package main

import (
	"strings"
	"testing"
)

// TestEmptyDataRoot is issue #15 row 3: -data <empty dir> is an error naming that directory,
// not a silent fallback to Fashion-MNIST under another root.
func TestEmptyDataRoot(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("DIFFREGIMES_CACHE", t.TempDir())
	_, _, err := loadData(empty, nil, settings{dataset: "fashion-mnist", classes: []string{"1", "8"}, n: 200})
	if err == nil || !strings.Contains(err.Error(), empty) {
		t.Fatalf("loadData(empty dir) = %v, want an error naming %s", err, empty)
	}
	if looked, _, _ := strings.Cut(err.Error(), "; to provide it"); strings.Contains(looked, "/usr/share/datasets") {
		t.Fatalf("looked outside -data: %v", err)
	}
}
