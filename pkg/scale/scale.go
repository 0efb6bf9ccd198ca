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

// FromEnv returns the scale named by $DIFFREGIMES_SCALE, Quick when unset or empty.
// An invalid value is an error naming the variable rather than a silent fallback.
func FromEnv() (Scale, error) {
	s, err := Parse(os.Getenv(EnvVar))
	if err != nil {
		return "", fmt.Errorf("$%s: %w", EnvVar, err)
	}
	return s, nil
}

// Resolve returns the scale a command runs at: the value of its -scale flag when given (not
// ""), else $DIFFREGIMES_SCALE, else Quick. A command's -scale flag must default to "" so that
// an exported $DIFFREGIMES_SCALE is honoured; the error names the flag or the variable.
func Resolve(flagValue string) (Scale, error) {
	if strings.TrimSpace(flagValue) == "" {
		return FromEnv()
	}
	s, err := Parse(flagValue)
	if err != nil {
		return "", fmt.Errorf("-scale: %w", err)
	}
	return s, nil
}

// MustFromEnv is FromEnv for notebooks, where a cell cannot return an error: it panics with
// the error, which names the variable, its value and the valid values. Commands use FromEnv or
// Resolve and exit with the error instead.
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
