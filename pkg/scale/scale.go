package scale

import (
	"fmt"
	"os"
	"strings"
)

// Scale is one of Smoke, Quick, Paper.
type Scale string

const (
	Smoke Scale = "smoke"
	Quick Scale = "quick"
	Paper Scale = "paper"
)

// EnvVar names the environment variable read by FromEnv.
const EnvVar = "DIFFREGIMES_SCALE"

// Parse accepts "smoke", "quick" or "paper" (case-insensitive); "" means Quick.
func Parse(s string) (Scale, error) {
	switch v := Scale(strings.ToLower(strings.TrimSpace(s))); v {
	case "":
		return Quick, nil
	case Smoke, Quick, Paper:
		return v, nil
	default:
		return "", fmt.Errorf("scale: unknown scale %q (want smoke, quick or paper)", s)
	}
}

// FromEnv returns the scale named by $DIFFREGIMES_SCALE, Quick when unset.
// An invalid value is an error rather than a silent fallback.
func FromEnv() (Scale, error) { return Parse(os.Getenv(EnvVar)) }

// MustFromEnv is FromEnv for notebooks: it panics with the parse error.
func MustFromEnv() Scale {
	s, err := FromEnv()
	if err != nil {
		panic(err)
	}
	return s
}

// Pick returns the value for s among the three sizes, e.g. scale.Pick(s, 200, 2000, 10000).
func Pick[T any](s Scale, smoke, quick, paper T) T {
	switch s {
	case Smoke:
		return smoke
	case Paper:
		return paper
	default:
		return quick
	}
}
