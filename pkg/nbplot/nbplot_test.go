package nbplot

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const wrapper = "if(!window.echarts){(function(define,exports,module){"

func demoPage() *Page {
	x := []float64{0.1, 0.2, 0.5, 1, 2, 5}
	y := []float64{0.99, 0.95, 0.9, 0.775, 0.6, 0.51}
	e := []float64{0.01, 0.02, 0.02, 0.03, 0.02, 0.01}
	lines := Lines("phi(t)", "t/t_S", "phi", []Series{{Name: "measured", X: x, Y: y, Err: e}, {Name: "theory", X: x, Y: y, Dashed: true}}).
		VLine(1, "t/t_S = 1").HLine(0.775, "phi = 0.775").LogX()
	hist := Histogram("x(t)", "x", 20, []Sample{{Name: "a", Values: []float64{-1, 0, 0.5, 1, 1, 2, math.NaN()}}})
	hm := NewHeatmap("z", "x", "y", []float64{1, 2}, []float64{3, 4, 5}, [][]float64{{1, 2}, {3, 4}, {5, math.Inf(1)}})
	img := Images("samples", [][]float32{make([]float32, 28*28), make([]float32, 28*28)}, 28, 28, 1).Labels([]string{"t = 0", "t = 3.2"})
	return NewPage("nbplot demo").Add(lines, hist, hm, img, demoTimeline())
}

// TestPage writes the demo page ($NBPLOT_DEMO_OUT keeps it for a browser) and checks that it holds
// exactly one wrapped bundle, placed before every chart script.
func TestPage(t *testing.T) {
	out := os.Getenv("NBPLOT_DEMO_OUT")
	if out == "" {
		out = filepath.Join(t.TempDir(), "demo.html")
	}
	if err := demoPage().WriteFile(out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if n := strings.Count(s, wrapper); n != 1 {
		t.Fatalf("page holds %d wrapped bundles, want 1", n)
	}
	if i, j := strings.Index(s, wrapper), strings.Index(s, "echarts.init("); j < 0 || i > j {
		t.Errorf("bundle at %d must come before the first echarts.init at %d", i, j)
	}
	if n := strings.Count(s, "echarts.init("); n != 4 {
		t.Errorf("%d echarts.init calls, want 4 (lines, histogram, heatmap, timeline)", n)
	}
	if n := strings.Count(s, "data:image/png;base64,"); n != 2 {
		t.Errorf("%d inline PNGs, want 2", n)
	}
	// The bundle must be the real echarts, not an empty stand-in.
	if len(s) < 500_000 {
		t.Errorf("page is %d bytes: the echarts bundle seems missing", len(s))
	}
}

func TestLinesSnippet(t *testing.T) {
	c := Lines("T", "x", "y", []Series{
		{Name: "meas", X: []float64{1, 2, 3, 4}, Y: []float64{10, math.NaN(), 30, math.Inf(1)}, Err: []float64{0.5, 1, 1.5, 2}},
	}).VLine(2.5, "t_S").HLine(0.775, "phi_c")
	s, err := c.Snippet()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, wrapper) {
		t.Error("Snippet must not hold the bundle")
	}
	for _, want := range []string{
		`[1,10]`, `[3,30]`, // the finite points
		`[1,9.5,10.5]`, `[3,28.5,31.5]`, // their error bars [x, y-err, y+err]
		`"type":"custom"`, `"renderItem":function`, // error bars drawn by a custom series
		`"xAxis":2.5`, `"yAxis":0.775`, `"formatter":"t_S"`, `"formatter":"phi_c"`, // reference lines
		`"saveAsImage"`, `"dataZoom"`, `"tooltip"`, `"name":"meas"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("snippet lacks %s", want)
		}
	}
	for _, bad := range []string{"NaN", "Inf", "[2,", "[4,"} {
		if strings.Contains(s, bad) {
			t.Errorf("snippet holds %q: non-finite points must be dropped", bad)
		}
	}
	h, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(h, wrapper) != 1 || !strings.HasPrefix(h, `<script type="text/javascript" data-nbplot="echarts-bundle">`) ||
		strings.Index(h, "echarts.init(") < strings.Index(h, wrapper) {
		t.Error("HTML must be one bundle followed by the chart")
	}
}

func TestLogAxisDropsNonPositive(t *testing.T) {
	s, err := Lines("T", "x", "y", []Series{{Name: "a", X: []float64{-1, 0, 1, 10}, Y: []float64{1, 2, 3, 4}}}).LogX().Snippet()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "[-1,1]") || strings.Contains(s, "[0,2]") || !strings.Contains(s, "[10,4]") || !strings.Contains(s, `"type":"log"`) {
		t.Errorf("log x axis must keep only x > 0: %s", s)
	}
}

func TestBadInputErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"len":      {Lines("T", "x", "y", []Series{{Name: "s1", X: []float64{1}, Y: []float64{1, 2}}}).Err(), `"s1": len(X)=1 != len(Y)=2`},
		"errlen":   {Lines("T", "x", "y", []Series{{Name: "s2", X: []float64{1}, Y: []float64{1}, Err: []float64{}}}).Err(), `"s2": len(Err)=0`},
		"bins":     {Histogram("H", "x", 0, []Sample{{Values: []float64{1}}}).Err(), "bins=0"},
		"nofinite": {Histogram("H", "x", 3, []Sample{{Values: []float64{math.NaN()}}}).Err(), "no finite values"},
		"heat":     {NewHeatmap("Z", "x", "y", []float64{1}, []float64{1, 2}, [][]float64{{1}}).Err(), "len(z)=1 != len(ys)=2"},
		"imgsize":  {Images("I", [][]float32{{1, 2}}, 2, 2, 1).Err(), "image 0 has 2 values, want h*w*c = 4"},
		"channels": {Images("I", [][]float32{{1}}, 1, 1, 2).Err(), "c=2 channels"},
		"size":     {Lines("T", "x", "y", nil).Size(0, 10).Err(), "Size(0, 10)"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, tc.err, tc.want)
		}
	}
	if _, err := Lines("empty", "x", "y", nil).Snippet(); err == nil || !strings.Contains(err.Error(), "no series") {
		t.Errorf("chart without series: %v", err)
	}
	if _, err := Lines("T", "x", "y", []Series{{Name: "a", X: []float64{1}, Y: []float64{1}}}).LogY().HLine(0, "zero").Snippet(); err == nil {
		t.Error("a reference line at 0 on a log axis must be an error")
	}
}

func TestHistogramDensity(t *testing.T) {
	counts, n := HistCounts([]float64{0, 0.1, 0.5, 0.99, 1, 2, math.NaN()}, 0, 1, 2)
	if counts[0] != 2 || counts[1] != 3 || n != 5 {
		t.Errorf("HistCounts = %v, %d; want [2 3], 5", counts, n)
	}
	// The densities of a histogram integrate to 1.
	vals := make([]float64, 1000)
	for i := range vals {
		vals[i] = math.Sin(float64(i)) * 3
	}
	c := Histogram("H", "x", 17, []Sample{{Name: "sin", Values: vals}})
	s := c.series[0]
	w := s.X[1] - s.X[0]
	sum := 0.0
	for _, d := range s.Y {
		sum += d * w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("histogram integrates to %v, want 1", sum)
	}
}

func TestImagePixels(t *testing.T) {
	// 1x3 grey image at -1, 0, 1 -> 0, 128, 255 with the default [-1, 1] range; 2 clips to 255.
	g := Images("g", [][]float32{{-1, 0, 1}, {2, -3, 0.5}}, 1, 3, 1)
	p, err := g.PNG(0)
	if err != nil {
		t.Fatal(err)
	}
	im, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		t.Fatal(err)
	}
	for x, want := range []uint32{0, 128, 255} {
		r, _, _, _ := im.At(x, 0).RGBA()
		if r>>8 != want {
			t.Errorf("pixel %d = %d, want %d", x, r>>8, want)
		}
	}
	// AutoRange stretches each image to its own min..max; CHW reads channel-major RGB.
	rgb := Images("rgb", [][]float32{{0, 1, 2, 3, 4, 5}}, 1, 2, 3).CHW().AutoRange()
	img, err := rgb.Image(0)
	if err != nil {
		t.Fatal(err)
	}
	r, gg, b, _ := img.At(1, 0).RGBA() // CHW: R=im[1]=1, G=im[3]=3, B=im[5]=5 on range 0..5
	if r>>8 != 51 || gg>>8 != 153 || b>>8 != 255 {
		t.Errorf("CHW/AutoRange pixel = %d,%d,%d; want 51,153,255", r>>8, gg>>8, b>>8)
	}
	s, err := g.Labels([]string{"a<b", "c"}).Snippet()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`data:image/png;base64,([A-Za-z0-9+/=]+)`).FindAllStringSubmatch(s, -1)
	if len(m) != 2 || !strings.Contains(s, "a&lt;b") {
		t.Fatalf("snippet has %d images / unescaped caption: %s", len(m), s)
	}
	if raw, err := base64.StdEncoding.DecodeString(m[0][1]); err != nil || !bytes.Equal(raw, p) {
		t.Error("inline PNG differs from PNG(0)")
	}
}

// TestSessionMarker checks that, inside a GoNB kernel session, the bundle is sent once: the marker in
// $GONB_TMP_DIR records it, ResetBundle forgets it.
func TestSessionMarker(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	if bundleSent() {
		t.Fatal("fresh session must not have the bundle")
	}
	if err := markBundleSent(); err != nil {
		t.Fatal(err)
	}
	if !bundleSent() {
		t.Fatal("marker not recorded")
	}
	if err := ResetBundle(); err != nil || bundleSent() {
		t.Fatalf("ResetBundle: %v, sent=%v", err, bundleSent())
	}
	t.Setenv("GONB_TMP_DIR", "")
	if bundleSent() || markBundleSent() != nil {
		t.Error("outside GoNB there is no session state")
	}
}

func TestBundlePathEnv(t *testing.T) {
	t.Setenv(EchartsEnvVar, filepath.Join(t.TempDir(), "missing.js"))
	if _, err := BundlePath(); err == nil || !strings.Contains(err.Error(), EchartsEnvVar) {
		t.Errorf("missing $%s file: %v", EchartsEnvVar, err)
	}
	f := filepath.Join(t.TempDir(), "e.js")
	if err := os.WriteFile(f, []byte("window.x=1;</script>"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EchartsEnvVar, f)
	if p, err := BundlePath(); err != nil || p != f {
		t.Errorf("BundlePath = %q, %v; want %q", p, err, f)
	}
}

func TestDisplayOutsideNotebook(t *testing.T) {
	if err := Lines("T", "x", "y", []Series{{Name: "a", X: []float64{1}, Y: []float64{2, 3}}}).Display(); err == nil {
		t.Error("Display must report a malformed series even outside a notebook")
	}
}

func TestSeriesColorAndThin(t *testing.T) {
	s, err := Lines("T", "x", "y", []Series{
		{Name: "ends in +", X: []float64{1, 2}, Y: []float64{1, 2}, Err: []float64{0.1, 0.1}, Color: "#1f5fbf", Thin: true},
		{Name: "default", X: []float64{1, 2}, Y: []float64{2, 3}},
	}).Snippet()
	if err != nil {
		t.Fatal(err)
	}
	// The colour reaches the line, the markers and the error bars (3 times), the palette the other series.
	if n := strings.Count(s, `"color":"#1f5fbf"`); n < 3 {
		t.Errorf("colour appears %d times, want >= 3 (line, markers, error bars)", n)
	}
	if !strings.Contains(s, `"color":"#91cc75"`) {
		t.Error("second series must keep the palette's second colour")
	}
	if !strings.Contains(s, `"opacity":0.6`) || !strings.Contains(s, `"width":1,`) {
		t.Error("thin series must be drawn with width 1 and opacity 0.6")
	}
}
