#!/usr/bin/env bash
# Rebuilds every testdata/wasm/*.wasm from its .wat source with wabt's
# wat2wasm (Debian: apt-get install -y wabt). The .wasm files are committed
# so that `go test` works without wabt; run this after editing a .wat.
# garbage.wasm has no source: it is deliberately not WebAssembly.
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "build.sh: wat2wasm not found (apt-get install -y wabt)" >&2; exit 1; }
for src in *.wat; do
	flags=()
	# nocompile.wat is deliberately invalid: it must fail wazero's validation, not wat2wasm's.
	[[ $src == nocompile.wat ]] && flags=(--no-check)
	wat2wasm "${flags[@]}" -o "${src%.wat}.wasm" "$src"
done
echo "built $(ls -1 *.wat | wc -l) modules"
