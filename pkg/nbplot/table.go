package nbplot

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// Table is a table shown as an HTML table in a notebook cell (and so in the published page):
// build it from a header and rows (NewTable, Row) or from a GitHub-style Markdown table
// (MarkdownTable), then Display it. Text around a Markdown table is kept as the table's Caption
// (before it) and Notes (after it).
type Table struct {
	Caption string     // shown above the table
	Header  []string   // column names
	Rows    [][]string // cells, len(row) == len(Header)
	Notes   string     // shown under the table
	err     error
}

// NewTable returns an empty table with these column names.
func NewTable(header ...string) *Table { return &Table{Header: header} }

// Row appends a row: strings as they are, floats with 4 significant digits, anything else by fmt.
// A row whose length is not the header's makes the table's Err report it.
func (t *Table) Row(cells ...any) *Table {
	if t.err == nil && len(cells) != len(t.Header) {
		t.err = fmt.Errorf("nbplot: table row %d has %d cells, the header %d", len(t.Rows)+1, len(cells), len(t.Header))
	}
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Cell(c)
	}
	t.Rows = append(t.Rows, row)
	return t
}

// Cell formats one table cell: float64 and float32 with 4 significant digits (NaN as "n/a"),
// strings as they are, anything else by fmt.Sprint.
func Cell(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	default:
		return fmt.Sprint(v)
	}
}

func formatFloat(x float64) string {
	if x != x {
		return "n/a"
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// Err returns the first error met while building the table, nil if none.
func (t *Table) Err() error { return t.err }

// MarkdownTable parses the first GitHub-style Markdown table of md (a header row, a |---| rule,
// rows); lines before it become the Caption, lines after it the Notes. Without a table, or with a
// row whose number of cells differs from the header's, the table's Err says so.
func MarkdownTable(md string) *Table {
	t := &Table{}
	lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
	start := -1
	for i := 0; i+1 < len(lines); i++ {
		if isRow(lines[i]) && isRule(lines[i+1]) {
			start = i
			break
		}
	}
	if start < 0 {
		t.err = fmt.Errorf("nbplot: MarkdownTable: no Markdown table (a | header | row, then a |---| rule) in %q", head(md, 80))
		return t
	}
	t.Caption = strings.TrimSpace(strings.Join(lines[:start], "\n"))
	t.Header = cells(lines[start])
	end := start + 2
	for ; end < len(lines) && isRow(lines[end]); end++ {
		r := cells(lines[end])
		if len(r) != len(t.Header) && t.err == nil {
			t.err = fmt.Errorf("nbplot: MarkdownTable: row %d has %d cells, the header %d: %q", end-start-1, len(r), len(t.Header), lines[end])
		}
		t.Rows = append(t.Rows, r)
	}
	t.Notes = strings.TrimSpace(strings.Join(lines[end:], "\n"))
	return t
}

func isRow(l string) bool {
	l = strings.TrimSpace(l)
	return len(l) >= 2 && strings.HasPrefix(l, "|") && strings.HasSuffix(l, "|")
}

func isRule(l string) bool {
	if !isRow(l) {
		return false
	}
	for _, c := range cells(l) {
		if strings.Trim(c, ":-") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return true
}

// cells splits a Markdown table row; `\|` is a literal bar inside a cell.
func cells(l string) []string {
	l = strings.TrimSpace(l)
	l = strings.TrimSuffix(strings.TrimPrefix(l, "|"), "|")
	l = strings.ReplaceAll(l, `\|`, "\x00")
	parts := strings.Split(l, "|")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.TrimSpace(p), "\x00", "|")
	}
	return parts
}

func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// tableStyle keeps the table readable inside Jupyter and on the published page alike.
const tableStyle = `border-collapse:collapse;margin:6px 0;font-size:13px;font-variant-numeric:tabular-nums`

// Snippet returns the table as an HTML fragment (a <table> with its caption and notes).
func (t *Table) Snippet() (string, error) {
	if t.err != nil {
		return "", t.err
	}
	if len(t.Header) == 0 {
		return "", fmt.Errorf("nbplot: table has no columns")
	}
	var b strings.Builder
	b.WriteString(`<div class="nbplot-table">`)
	fmt.Fprintf(&b, `<table style="%s">`, tableStyle)
	if t.Caption != "" {
		fmt.Fprintf(&b, `<caption style="caption-side:top;text-align:left;padding:4px 0">%s</caption>`, html.EscapeString(t.Caption))
	}
	b.WriteString("<thead><tr>")
	for _, h := range t.Header {
		fmt.Fprintf(&b, `<th style="border-bottom:2px solid #888;padding:3px 10px;text-align:left">%s</th>`, html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for _, c := range r {
			align := "left"
			if isNumber(c) {
				align = "right"
			}
			fmt.Fprintf(&b, `<td style="border-bottom:1px solid #ddd;padding:3px 10px;text-align:%s">%s</td>`, align, html.EscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	if t.Notes != "" {
		fmt.Fprintf(&b, `<pre style="font-size:12px;white-space:pre-wrap;margin:2px 0">%s</pre>`, html.EscapeString(t.Notes))
	}
	b.WriteString("</div>\n")
	return b.String(), nil
}

// isNumber reports whether a cell reads as a number (right-aligned).
func isNumber(c string) bool {
	_, err := strconv.ParseFloat(strings.Fields(c + " x")[0], 64)
	return err == nil
}

// Markdown returns the table as a GitHub-style Markdown table, with its caption and notes.
func (t *Table) Markdown() string {
	var b strings.Builder
	if t.Caption != "" {
		b.WriteString(t.Caption + "\n\n")
	}
	esc := func(r []string) string {
		out := make([]string, len(r))
		for i, c := range r {
			out[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		return "| " + strings.Join(out, " | ") + " |\n"
	}
	b.WriteString(esc(t.Header))
	b.WriteString("|" + strings.Repeat("---|", len(t.Header)) + "\n")
	for _, r := range t.Rows {
		b.WriteString(esc(r))
	}
	if t.Notes != "" {
		b.WriteString("\n" + t.Notes + "\n")
	}
	return b.String()
}

// Display shows the table in the current GoNB cell; outside a notebook it prints the Markdown.
// Errors are shown in the cell's output and returned.
func (t *Table) Display() error {
	s, err := t.Snippet()
	if !gonbui.IsNotebook {
		if err == nil {
			fmt.Print(t.Markdown())
		}
		return err
	}
	if err != nil {
		s = errorHTML(err)
	}
	gonbui.DisplayHTML(s)
	gonbui.Sync()
	return err
}

// Headline prints the notebook's headline line, which cmd/publish shows on the site's index:
//
//	headline: <item> | <text>
//
// item names the paper's figure, table or equation the notebook reproduces ("Figure 2"), text its
// headline measured-against-predicted number. The last headline line of a notebook wins.
func Headline(item, format string, args ...any) {
	fmt.Printf("headline: %s | %s\n", item, fmt.Sprintf(format, args...))
}
