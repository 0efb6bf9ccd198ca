package nbplot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// EchartsEnvVar names the environment variable that may point straight at echarts.min.js.
const EchartsEnvVar = "NBPLOT_ECHARTS_JS"

// RootEnvVar names the environment variable holding the repository root (set by the kernel spec).
const RootEnvVar = "DIFFREGIMES_ROOT"

// bundleRel is where `npm ci` puts the minified echarts bundle, relative to the repository root.
var bundleRel = filepath.Join("node_modules", "echarts", "dist", "echarts.min.js")

// markerFile, inside $GONB_TMP_DIR (one directory per kernel session), records that the bundle was
// already sent to this page: every GoNB cell runs in a new process, so a Go variable cannot.
const markerFile = "nbplot_echarts_loaded"

var (
	bundleOnce sync.Once
	bundleJS   string
	bundleErr  error
)

// BundlePath returns the echarts.min.js file that will be inlined, or an error listing where it looked.
func BundlePath() (string, error) {
	var tried []string
	try := func(p string) bool {
		if p == "" {
			return false
		}
		tried = append(tried, p)
		st, err := os.Stat(p)
		return err == nil && !st.IsDir()
	}
	if p := os.Getenv(EchartsEnvVar); p != "" {
		if try(p) {
			return p, nil
		}
		return "", fmt.Errorf("nbplot: $%s=%q is not a readable file", EchartsEnvVar, p)
	}
	if root := os.Getenv(RootEnvVar); root != "" && try(filepath.Join(root, bundleRel)) {
		return filepath.Join(root, bundleRel), nil
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if try(filepath.Join(d, bundleRel)) {
				return filepath.Join(d, bundleRel), nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	// The source tree this package was compiled from (works for tests and go.work builds).
	if _, file, _, ok := runtime.Caller(0); ok {
		root := filepath.Join(filepath.Dir(file), "..", "..")
		if try(filepath.Join(root, bundleRel)) {
			return filepath.Clean(filepath.Join(root, bundleRel)), nil
		}
	}
	return "", fmt.Errorf("nbplot: echarts bundle not found (run `npm ci` at the repository root, or set $%s); tried %s",
		EchartsEnvVar, strings.Join(tried, ", "))
}

// loadBundle reads the bundle once per process.
func loadBundle() (string, error) {
	bundleOnce.Do(func() {
		p, err := BundlePath()
		if err != nil {
			bundleErr = err
			return
		}
		b, err := os.ReadFile(p)
		if err != nil {
			bundleErr = fmt.Errorf("nbplot: reading echarts bundle: %w", err)
			return
		}
		if len(b) == 0 {
			bundleErr = fmt.Errorf("nbplot: echarts bundle %s is empty", p)
			return
		}
		bundleJS = string(b)
	})
	return bundleJS, bundleErr
}

// BundleScript returns the <script> element that defines window.echarts from the inlined bundle.
// The function wrapper hides require.js' define/exports/module (Jupyter pages load require.js, which
// would otherwise register echarts as an anonymous AMD module and leave window.echarts undefined), and
// the window.echarts guard makes a second copy on the same page a no-op.
func BundleScript() (string, error) {
	js, err := loadBundle()
	if err != nil {
		return "", err
	}
	// A literal "</script" inside the bundle would end the element early.
	js = strings.ReplaceAll(js, "</script", `<\/script`)
	var b strings.Builder
	b.Grow(len(js) + 200)
	b.WriteString("<script type=\"text/javascript\" data-nbplot=\"echarts-bundle\">\n")
	b.WriteString("if(!window.echarts){(function(define,exports,module){\n")
	b.WriteString(js)
	b.WriteString("\n}).call(window);}\n</script>\n")
	return b.String(), nil
}

// sessionMarker returns the marker path of the current GoNB kernel session, "" outside GoNB.
func sessionMarker() string {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, markerFile)
}

// bundleSent reports whether this kernel session already displayed the bundle.
func bundleSent() bool {
	m := sessionMarker()
	if m == "" {
		return false
	}
	_, err := os.Stat(m)
	return err == nil
}

// markBundleSent records that the bundle is on the page for later cells of this kernel session.
func markBundleSent() error {
	m := sessionMarker()
	if m == "" {
		return nil
	}
	if err := os.WriteFile(m, []byte("echarts bundle displayed\n"), 0o644); err != nil {
		return fmt.Errorf("nbplot: recording the bundle marker: %w", err)
	}
	return nil
}

// ResetBundle forgets that the bundle was sent in this kernel session, so the next chart inlines it
// again (useful after clearing the output of the cell that held it).
func ResetBundle() error {
	m := sessionMarker()
	if m == "" {
		return nil
	}
	if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("nbplot: removing the bundle marker: %w", err)
	}
	return nil
}
