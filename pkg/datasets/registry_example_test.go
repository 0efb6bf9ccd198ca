package datasets_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/diffregimes/diffregimes/pkg/datasets"
)

// A new dataset is one file: register its source from an init function. This one reads
// "stripes.txt" (one class label per line) and draws a 28×28 image per label.
func ExampleRegister() {
	datasets.Register(datasets.Source{
		Name: "stripes", Classes: []string{"vertical", "horizontal"}, Dir: "stripes", Probes: []string{"stripes.txt"},
		HowTo: "write <root>/stripes/stripes.txt", PadTo: 32,
		Read: func(dir string, s datasets.Spec) (*datasets.Dataset, []int, error) {
			b, err := os.ReadFile(filepath.Join(dir, "stripes.txt"))
			if err != nil {
				return nil, nil, err
			}
			ds := &datasets.Dataset{Name: "stripes", H: 28, W: 28, C: 1, ClassNames: []string{"vertical", "horizontal"}}
			for _, c := range b {
				if c != '0' && c != '1' {
					continue
				}
				img := make([]float32, 28*28)
				for p := range img {
					if (c == '0' && p%4 == 0) || (c == '1' && (p/28)%4 == 0) {
						img[p] = 1
					}
				}
				ds.X = append(ds.X, img...)
				ds.Labels = append(ds.Labels, int(c-'0'))
				ds.N++
			}
			var classes []int // the labels of s.Classes, in their order
			for _, c := range s.Classes {
				k, err := datasets.ClassIndex(ds.ClassNames, c)
				if err != nil {
					return nil, nil, err
				}
				classes = append(classes, k)
			}
			return ds, classes, nil
		},
	})
	root, _ := os.MkdirTemp("", "stripes")
	defer os.RemoveAll(root)
	os.MkdirAll(filepath.Join(root, "stripes"), 0o755)
	os.WriteFile(filepath.Join(root, "stripes", "stripes.txt"), []byte("0\n1\n0\n1\n"), 0o644)

	ds, err := datasets.Load(datasets.Spec{Name: "stripes", Classes: []string{"horizontal", "vertical"}, N: 4, Root: root, NoCache: true})
	fmt.Println(err, ds.N, ds.H, ds.W, ds.ClassNames)
	_, err = datasets.Load(datasets.Spec{Name: "stripes", Classes: []string{"vertical"}, Root: filepath.Join(root, "none")})
	fmt.Println(err != nil)
	// Output:
	// <nil> 4 32 32 [horizontal vertical]
	// true
}
