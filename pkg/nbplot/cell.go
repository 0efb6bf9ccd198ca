package nbplot

// CellHTML returns the item's HTML fragment for the current GoNB cell, prefixed with the echarts
// bundle when the item draws with echarts and this kernel session has not displayed the bundle yet
// (it then records that it has, as Display does). The second result reports whether the bundle was
// included. It is for code that places the fragment itself, e.g. with gonbui.UpdateHTML (package live).
func CellHTML(it Item) (html string, withBundle bool, err error) {
	s, err := it.Snippet()
	if err != nil {
		return "", false, err
	}
	if !needsBundle(it) || bundleSent() {
		return s, false, nil
	}
	b, err := BundleScript()
	if err != nil {
		return "", false, err
	}
	if err := markBundleSent(); err != nil {
		return "", false, err
	}
	return b + s, true, nil
}
