package nbplot

import (
	"fmt"
	"html"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// Item is anything nbplot can place on a page: a *Chart, *Heatmap, *TimelineChart, *ImageGrid, or a
// go-echarts chart wrapped by Renderer.
type Item interface {
	// Snippet returns the item's HTML fragment, without the echarts bundle.
	Snippet() (string, error)
}

// withBundle prefixes an item's fragment with the echarts bundle.
func withBundle(it Item) (string, error) {
	s, err := it.Snippet()
	if err != nil {
		return "", err
	}
	b, err := BundleScript()
	if err != nil {
		return "", err
	}
	return b + s, nil
}

// errorHTML shows an nbplot error in a cell's output instead of silently dropping the chart.
func errorHTML(err error) string {
	return `<pre style="color:#b00">` + html.EscapeString(err.Error()) + "</pre>"
}

// display sends an item to the current GoNB cell, with the bundle if this kernel session has not
// sent it yet, then waits for GoNB to take the output (large outputs are otherwise lost at exit).
func display(it Item) error {
	if !gonbui.IsNotebook {
		_, err := it.Snippet() // still validate, so scripts report bad input
		return err
	}
	s, err := it.Snippet()
	if err == nil && needsBundle(it) && !bundleSent() {
		var b string
		if b, err = BundleScript(); err == nil {
			s = b + s
			err = markBundleSent()
		}
	}
	if err != nil {
		gonbui.DisplayHTML(errorHTML(err))
		gonbui.Sync()
		return err
	}
	gonbui.DisplayHTML(s)
	gonbui.Sync()
	return nil
}

// needsBundle reports whether the item draws with echarts (image grids do not).
func needsBundle(it Item) bool {
	switch it.(type) {
	case *ImageGrid, *Table:
		return false
	}
	return true
}

// Page collects items into one standalone HTML document with a single echarts bundle, for files
// outside a notebook (reports, tests).
type Page struct {
	Title string
	items []Item
}

// NewPage returns an empty page with the given title.
func NewPage(title string) *Page { return &Page{Title: title} }

// Add appends items to the page.
func (p *Page) Add(items ...Item) *Page { p.items = append(p.items, items...); return p }

// HTML returns the whole document.
func (p *Page) HTML() (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n", html.EscapeString(p.Title))
	bundle := false
	for _, it := range p.items {
		bundle = bundle || needsBundle(it)
	}
	if bundle {
		s, err := BundleScript()
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	fmt.Fprintf(&b, "</head>\n<body>\n<h1>%s</h1>\n", html.EscapeString(p.Title))
	for i, it := range p.items {
		s, err := it.Snippet()
		if err != nil {
			return "", fmt.Errorf("nbplot: page item %d: %w", i, err)
		}
		b.WriteString(s)
	}
	b.WriteString("</body>\n</html>\n")
	return b.String(), nil
}

// WriteFile writes the page to path.
func (p *Page) WriteFile(path string) error {
	s, err := p.HTML()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		return fmt.Errorf("nbplot: writing page: %w", err)
	}
	return nil
}
