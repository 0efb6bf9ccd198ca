#!/usr/bin/env bash
# GPU recipe (NOT RUN in this session: no GPU was lent). Build the test binary here (cgo, xla tag),
# carry it to the GPU machine, then run it there with the PJRT CUDA plugin of jax-cuda13-pjrt
# (see /work/shared/STACK.md). It reports ns/op of BenchmarkTrainStepGPU: the paper U-Net,
# batch 128, 32x32x3, native (cuDNN) convolutions, one DDPM training step with Adam.
#
#   here:      GOFLAGS=-mod=mod GOEXPERIMENT=simd go test -tags xla -c -o build/unet_xla.test ./pkg/unet
#   GPU host:  bench/unet/gomlx_gpu.sh build/unet_xla.test
set -euo pipefail
BIN=${1:-build/unet_xla.test}
SP=/opt/torch/.venv/lib/python3.12/site-packages
PJ=$(mktemp -d)/nvidia; mkdir -p "$PJ"
ln -sf $SP/jax_plugins/xla_cuda13/xla_cuda_plugin.so "$PJ/pjrt_c_api_cuda_plugin.so"
export GOMLX_NO_AUTO_INSTALL=1 PJRT_PLUGIN_LIBRARY_PATH=$PJ GOMLX_BACKEND=${GOMLX_BACKEND:-xla:cuda}
export LD_LIBRARY_PATH=$(ls -d $SP/nvidia/*/lib | tr '\n' ':')
export UNET_GPU_BENCH=1
"$BIN" -test.run '^$' -test.bench 'TrainStepGPU' -test.benchtime 50x
