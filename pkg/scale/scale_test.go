package scale

import (
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Scale{"": Quick, "quick": Quick, " Smoke ": Smoke, "PAPER": Paper} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Parse("huge"); err == nil {
		t.Error("Parse(huge) must fail")
	}
	t.Setenv(EnvVar, "bogus")
	if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), "$DIFFREGIMES_SCALE") || !strings.Contains(err.Error(), `"bogus"`) {
		t.Errorf("FromEnv with a bad value: %v, want an error naming the variable and the value", err)
	}
}

// TestResolve: a given flag wins, an empty flag defers to the environment (issue 15 row 7: the
// flag's default must not override an exported $DIFFREGIMES_SCALE), and bad values name their source.
func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		flag, env string
		want      Scale
		err       string
	}{
		{"", "", Quick, ""},
		{"", "paper", Paper, ""},
		{"smoke", "paper", Smoke, ""},
		{"", "bogus", "", "$DIFFREGIMES_SCALE"},
		{"huge", "paper", "", "-scale"},
		{"quick", "bogus", Quick, ""},
	} {
		t.Setenv(EnvVar, tc.env)
		got, err := Resolve(tc.flag)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Resolve(%q) with $%s=%q: %v, want an error naming %s", tc.flag, EnvVar, tc.env, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("Resolve(%q) with $%s=%q = %q, %v; want %q", tc.flag, EnvVar, tc.env, got, err, tc.want)
		}
	}
}

func ExamplePick() {
	for _, s := range []Scale{Smoke, Quick, Paper} {
		fmt.Println(s, Pick(s, 100, 1000, 10000))
	}
	// Output:
	// smoke 100
	// quick 1000
	// paper 10000
}
