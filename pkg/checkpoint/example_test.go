package checkpoint_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/diffregimes/diffregimes/pkg/checkpoint"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Example writes a store with a header and reads it back, as a trainer does at each
// checkpoint, under the directory's writer lock.
func Example() {
	dir, _ := os.MkdirTemp("", "ckpt")
	defer os.RemoveAll(dir)
	lock, err := checkpoint.LockDir(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lock.Release()

	store := model.NewStore()
	_, _ = store.CreateVariable("/net/w", tensors.FromValue([]float32{1, 2, 3}))
	type header struct{ Step int }
	path := filepath.Join(dir, "model.ckpt")
	if err := checkpoint.Write(path, "example", header{Step: 42}, store); err != nil {
		fmt.Println(err)
		return
	}
	var h header
	back, err := checkpoint.Read(path, "example", &h)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Step, back.GetVariable("/net/w").MustValue().Value())
	// Output: 42 [1 2 3]
}
