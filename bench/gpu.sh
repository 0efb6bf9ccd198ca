#!/usr/bin/env bash
# GPU benchmark recipe for the dynamics engine (issue 4, item 7). NOT RUN YET: no GPU was lent
# to the session that wrote it. Two halves:
#
#   1. here (a machine with Go and cgo):   bench/gpu.sh build
#      builds build/bench-xla, cmd/bench linked with the XLA backend (-tags xla, cgo);
#   2. on the GPU machine (device tool, carry build/bench-xla):   bench/gpu.sh run
#      loads the PJRT CUDA plugin of the installed jax-cuda13-pjrt (see ../shared/STACK.md),
#      runs cmd/bench at paper scale, then the JAX and PyTorch peers in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
build)
	export GOFLAGS=-mod=mod GOEXPERIMENT=simd CGO_ENABLED=1
	mkdir -p build
	go build -tags xla -o build/bench-xla ./cmd/bench
	ls -l build/bench-xla
	;;
run)
	SP=${SP:-/opt/torch/.venv/lib/python3.12/site-packages}
	PY=${PY:-/opt/torch/.venv/bin/python}
	PJ=$(mktemp -d)/nvidia
	mkdir -p "$PJ"
	ln -sf "$SP/jax_plugins/xla_cuda13/xla_cuda_plugin.so" "$PJ/pjrt_c_api_cuda_plugin.so"
	export GOMLX_NO_AUTO_INSTALL=1 PJRT_PLUGIN_LIBRARY_PATH=$PJ GOMLX_BACKEND=${GOMLX_BACKEND:-xla:cuda}
	LD_LIBRARY_PATH=$(ls -d "$SP"/nvidia/*/lib | tr '\n' ':')
	export LD_LIBRARY_PATH
	OUT=${OUT:-.}
	nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT/gpu.txt"
	# gomlx: score kernel at both shapes, K sweep, Fig. 2 sweep, Fig. 3 curve (paper sizes).
	DIFFREGIMES_SCALE=paper ./build/bench-xla -what score,k,fig2,fig3 -ks 1,10,25,50,100,200 \
		-kd 512 -kb 10000 | tee "$OUT/gomlx.txt"
	# strict fp32 for the comparison with the fp32 peers (gomlx enables TF32 on CUDA by default)
	GOMLX_BACKEND=xla:cuda,notf32 DIFFREGIMES_SCALE=paper ./build/bench-xla -what score | tee -a "$OUT/gomlx.txt"
	# peers, same machine, same run
	"$PY" bench/peer_jax.py --what score,fig2 | tee "$OUT/jax.txt"
	"$PY" bench/peer_torch.py | tee "$OUT/torch.txt"
	"$PY" bench/peer_torch.py --tf32 | tee -a "$OUT/torch.txt"
	;;
*)
	echo "usage: bench/gpu.sh build|run" >&2
	exit 2
	;;
esac
