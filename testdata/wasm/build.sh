#!/usr/bin/env bash
# Rebuilds every testdata/wasm/*.wasm from its .wat source with wabt's
# wat2wasm (Debian: apt-get install -y wabt). The .wasm files are committed
# so that `go test` works without wabt; run this after editing a .wat.
# garbage.wasm has no source: it is deliberately not WebAssembly.
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "build.sh: wat2wasm not found (apt-get install -y wabt)" >&2; exit 1; }
for src in *.wat; do
	# A module written as bytes, (module binary "\hh..."), is decoded here
	# rather than by wat2wasm, which refuses to read the hostile ones (a count
	# larger than its section is their point). Their strings hold only \hh
	# escapes; comment lines are skipped.
	if grep -q '^(module binary' "$src"; then
		hex=$(grep -v '^[[:space:]]*;;' "$src" | grep -o '"[^"]*"' | tr -d '"\n')
		printf '%b' "${hex//\\/\\x}" >"${src%.wat}.wasm"
		continue
	fi
	flags=()
	# nocompile.wat is deliberately invalid: it must fail wazero's validation, not wat2wasm's.
	[[ $src == nocompile.wat ]] && flags=(--no-check)
	wat2wasm "${flags[@]}" -o "${src%.wat}.wasm" "$src"
done
echo "built $(ls -1 *.wat | wc -l) modules"
