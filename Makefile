# diffregimes: the two commands (see README.md).
#   make run   set up, execute every notebook at the quick (CPU) scale, publish them to out/site
#   make test  set up, go test ./..., notebook smoke run (smoke scale), browser test, kernel protocol test
SHELL := /bin/bash
ROOT  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# Tools installed by kernels/setup.sh live in build/bin; Debian's jupyter and python3 come first
# (a pyenv python3 earlier on PATH lacks jupyter_client).
export PATH := $(ROOT)/build/bin:/usr/local/go/bin:/usr/bin:$(PATH)
export JUPYTER_PATH := $(ROOT)
export GOFLAGS := -mod=mod
export GOEXPERIMENT := simd
export GOMLX_NO_AUTO_INSTALL := 1
# Keeps Go's math.Exp off its FMA code path, which stalls ~140x on an Intel AVX-512 CPU after the
# pure-Go backend's vector kernels (every Exp, SiLU and Tanh of a graph; pkg/backend FMAOffSetting).
COMMA := ,
export GODEBUG := $(if $(findstring cpu.fma=off,$(GODEBUG)),$(GODEBUG),$(if $(GODEBUG),$(GODEBUG)$(COMMA))cpu.fma=off)
export DIFFREGIMES_ROOT := $(ROOT)
# Quiet the debugger warnings of Debian's python 3.11+ in nbconvert/jupyter_client.
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PYTHONWARNINGS := ignore

PYTHON  := /usr/bin/python3
SITE    := out/site
SMOKE   := out/smoke
JOBS    ?= 2

.PHONY: all setup run models test test-setup test-go test-smoke test-publish test-browser test-kernel test-live notebook screenshots clean bench bench-setup
all: test

setup:
	@kernels/setup.sh

# The main job: every notebook at the quick scale, published as executed .ipynb + HTML + index. A cell may
# run 45 minutes: route (b) of notebook 31 (256 stacked clone pairs through the U-Net) takes over 15 on 2 cores.
run: setup
	go run ./cmd/publish -scale quick -jobs $(JOBS) -cell-timeout 45m -out $(SITE) notebooks

# The route (b) reference models (pkg/ddpm presets, `go run ./cmd/train -h`), trained one after the
# other in out/models/<preset> (resumable: re-running continues each from its last checkpoint); each
# finished run's EMA weights are exported to models/<preset>, the reference model that is committed.
models:
	@mkdir -p out/bin
	go build -o out/bin/train ./cmd/train
	for p in $$(out/bin/train -list); do nice -n 5 out/bin/train -preset $$p -quiet || exit 1; done

# The test job; -k runs every stage and fails at the end if any failed.
test: setup
	@$(MAKE) --no-print-directory -k test-setup test-go test-smoke test-publish test-browser test-kernel test-live

# Setup is idempotent: right after a run, a second one must find nothing to do.
test-setup:
	@kernels/setup.sh 2>&1 | tee /dev/stderr | grep -q '^setup: nothing to do$$'

test-go:
	go test ./...

test-smoke:
	go run ./cmd/publish -scale smoke -jobs $(JOBS) -timeout 10m -out $(SMOKE) notebooks

# The publish job with the real kernel on a failing notebook: still published, error named.
test-publish:
	go test -count=1 -tags integration ./cmd/publish

test-browser:
	go test -count=1 -tags browser ./tests/browser -site $(ROOT)/$(SMOKE)

# PNGs of a few charts of the published site (make run first), referenced from the README.
screenshots:
	go test -count=1 -tags browser -run TestScreenshots ./tests/browser -site $(ROOT)/$(SITE) -shots $(ROOT)/docs/screenshots

test-kernel:
	@mkdir -p out
	KERNEL_TEST_LOG=$(ROOT)/out/kernel-test.log $(PYTHON) -m unittest -v tests/kernel/test_gonb_protocol.py

# A live Jupyter server with the project's kernel in headless Chromium: run all cells of a theory and a
# real-data notebook at the smoke scale, move the live cells' sliders, and a broken notebook must fail.
test-live:
	go test -count=1 -tags live -timeout 10m ./tests/live

# Interactive: Jupyter with the project's GoNB kernel ("Go (GoNB, diffregimes)") on notebooks/, bound to
# $(NOTEBOOK_IP):$(NOTEBOOK_PORT) with a fresh token (printed); --allow-root only when run as root.
NOTEBOOK_IP   ?= 127.0.0.1
NOTEBOOK_PORT ?= 8888
notebook: setup
	@token=$$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); \
	allowroot=; if [ "$$(id -u)" = 0 ]; then allowroot=--allow-root; fi; \
	echo "notebook: open http://$(NOTEBOOK_IP):$(NOTEBOOK_PORT)/?token=$$token"; \
	exec jupyter notebook --no-browser --ip=$(NOTEBOOK_IP) --port=$(NOTEBOOK_PORT) --port-retries=0 \
		--NotebookApp.token=$$token $$allowroot --notebook-dir=$(ROOT)/notebooks

# CPU speed against NumPy + OpenBLAS and PyTorch, interleaved in one run, as ratios (issue 14;
# bench/README.md). The peers are Debian packages installed by bench-setup, never by make test.
# BENCH_ARGS: e.g. --only score,sde --rounds 5, or --quick for a check of the harness.
BENCH_ARGS ?=
bench:
	$(PYTHON) bench/compare.py $(BENCH_ARGS)

bench-setup:
	apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread python3-threadpoolctl gcc

clean:
	rm -rf out
