#!/usr/bin/env bash
# Builds c-tcp.wasm (or the path given) from probe.c with Debian's clang,
# lld and wasi-libc (apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../../../guest-sdk/c/build.sh" "${1:-$here/c-tcp.wasm}" "$here/probe.c"
