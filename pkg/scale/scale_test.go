package scale

import (
	"fmt"
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
	if _, err := FromEnv(); err == nil {
		t.Error("FromEnv with a bad value must fail")
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
