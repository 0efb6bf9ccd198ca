package unet_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/unet"
)

// The paper configuration of SI D.2 and its parameter count (the paper: 25.7 M).
func Example() {
	cfg := unet.Paper(32, 3)
	fmt.Println(cfg)
	fmt.Printf("%d parameters (%.2f M)\n", cfg.NumParams(), float64(cfg.NumParams())/1e6)
	fmt.Println(unet.Tiny(30, 1).Validate())
	// Output:
	// unet 32x32x3 base 64 mults [1 2 4 4] res 2 attn [1 2] groups 32 (auto conv)
	// 25636483 parameters (25.64 M)
	// unet: ImageSize 30 is not divisible by 2^(levels-1) = 8 (4 levels)
}
