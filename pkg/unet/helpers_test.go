package unet

import (
	"sync"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

func shapeF32(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }

// testBackend is backend.Default, whose CPU choice avoids the deadlock U-Net steps hit under
// parallel op scheduling.
var testBackend = sync.OnceValue(func() compute.Backend { return backend.MustDefault() })
