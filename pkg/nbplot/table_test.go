package nbplot

import (
	"math"
	"strings"
	"testing"
)

const mdTable = `Figure 5 estimates
| experiment | route | α = log n / d | t_C (φ_C = 1/2) |
|---|---|---|:---:|
| Fashion-MNIST 1/8 | empirical | 0.00587 | 0.512 |
| a \| b <x> | U-Net | 0.1 | n/a |

tol: 3 s.e.
`

func TestMarkdownTable(t *testing.T) {
	tb := MarkdownTable(mdTable)
	if err := tb.Err(); err != nil {
		t.Fatal(err)
	}
	if tb.Caption != "Figure 5 estimates" || tb.Notes != "tol: 3 s.e." || len(tb.Header) != 4 || len(tb.Rows) != 2 ||
		tb.Rows[1][0] != "a | b <x>" || tb.Header[3] != "t_C (φ_C = 1/2)" {
		t.Fatalf("parsed %+v", tb)
	}
	s, err := tb.Snippet()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<table", "<caption", ">experiment</th>", ">0.512</td>", "a | b &lt;x&gt;", "tol: 3 s.e.</pre>", "text-align:right\">0.00587"} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "|---") {
		t.Error("the Markdown rule must not reach the HTML")
	}
	// Round trip through Markdown.
	back := MarkdownTable(tb.Markdown())
	if back.Err() != nil || strings.Join(back.Rows[1], ",") != strings.Join(tb.Rows[1], ",") || back.Notes != tb.Notes {
		t.Errorf("Markdown round trip: %+v, %v", back, back.Err())
	}
	if tb.Display() != nil { // outside a notebook: prints the Markdown
		t.Error("Display outside a notebook failed")
	}
}

func TestTableErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"none":   {MarkdownTable("d=16 phi=0.7\n").Err(), "no Markdown table"},
		"ragged": {MarkdownTable("| a | b |\n|---|---|\n| 1 |\n").Err(), "row 1 has 1 cells, the header 2"},
		"row":    {NewTable("a", "b").Row(1).Err(), "table row 1 has 1 cells, the header 2"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, tc.err, tc.want)
		}
	}
	if _, err := NewTable("a").Row(1, 2).Snippet(); err == nil {
		t.Error("Snippet must report the ragged row")
	}
}

func TestNewTable(t *testing.T) {
	tb := NewTable("d", "α", "t_C").Row(16, 0.17328679513998632, "x").Row(32, math.NaN(), float32(2.5))
	if got := strings.Join(tb.Rows[0], ","); got != "16,0.1733,x" {
		t.Errorf("row 0 = %s", got)
	}
	if got := strings.Join(tb.Rows[1], ","); got != "32,n/a,2.5" {
		t.Errorf("row 1 = %s", got)
	}
	if !needsBundle(Lines("a", "x", "y", nil)) || needsBundle(tb) {
		t.Error("tables do not need the echarts bundle, charts do")
	}
}
