#!/usr/bin/env bash
# Builds a C probe to a Vitals wasm module with Debian's clang, lld and
# wasi-libc:
#
#   apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32
#   guest-sdk/c/build.sh out.wasm probe.c [more.c ...] [-- extra clang flags]
#
# CC overrides the compiler (default clang). The module is a WASI reactor
# (-mexec-model=reactor: an _initialize export, no _start), with this
# directory on the include path for vitals_probe.h.
set -euo pipefail
sdk="$(cd "$(dirname "$0")" && pwd)"
(($# >= 2)) || { echo "usage: $0 out.wasm probe.c [more.c ...] [-- clang flags]" >&2; exit 2; }
out=$1
shift
srcs=()
while (($#)) && [[ $1 != -- ]]; do srcs+=("$1"); shift; done
(($#)) && shift
cc=${CC:-clang}
command -v "$cc" >/dev/null || { echo "$0: $cc not found (apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32)" >&2; exit 1; }
[[ -e /usr/include/wasm32-wasi/stdio.h ]] || { echo "$0: no wasi-libc in /usr (apt-get install -y wasi-libc)" >&2; exit 1; }
exec "$cc" --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor \
	-O2 -Wall -Wextra -Werror -I "$sdk" "$@" -o "$out" "${srcs[@]}"
