#!/usr/bin/env bash
# Builds the Rust SDK and one of its examples to a Vitals wasm module with
# rustc alone (no cargo, no crates.io), as Debian ships it:
#
#   apt-get install -y rustc libstd-rust-dev-wasm32
#   guest-sdk/rust/build.sh [example] [out.wasm]     # default: http, target/vitals/http.wasm
#   guest-sdk/rust/build.sh --test                   # the SDK's unit tests, natively
#
# RUSTC overrides the compiler; the default is Debian's /usr/bin/rustc when
# it is there (a rustup rustc earlier on PATH usually has no wasm32 std).
# The target is wasm32-wasi, or wasm32-wasip1 for a rustc that has it
# (wasm32-wasi was renamed in Rust 1.78 and removed in 1.84).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rustc=${RUSTC:-}
if [[ -z $rustc ]]; then
	if [[ -x /usr/bin/rustc ]]; then rustc=/usr/bin/rustc; else rustc=rustc; fi
fi
command -v "$rustc" >/dev/null || { echo "$0: $rustc not found (apt-get install -y rustc libstd-rust-dev-wasm32)" >&2; exit 1; }
outdir=${OUT_DIR:-$here/target/vitals}
mkdir -p "$outdir"
common=(--edition 2021 -C opt-level=2)

if [[ ${1:-} == --test ]]; then
	"$rustc" "${common[@]}" --test --crate-name vitals_probe -o "$outdir/vitals_probe_test" "$here/src/lib.rs"
	exec "$outdir/vitals_probe_test"
fi

sysroot=$("$rustc" --print sysroot)
target=
for t in wasm32-wasip1 wasm32-wasi; do
	if [[ -d $sysroot/lib/rustlib/$t ]]; then target=$t; break; fi
done
[[ -n $target ]] || { echo "$0: $rustc has no wasm32-wasi(p1) standard library in $sysroot/lib/rustlib (apt-get install -y libstd-rust-dev-wasm32)" >&2; exit 1; }

# Link wasi-libc's reactor start file, so that the module exports
# _initialize (run once per instance) instead of rustc's default for a
# wasm32-wasi cdylib, a "command" whose every export runs the C
# constructors before and the destructors after the call.
reactor=()
crt=$sysroot/lib/rustlib/$target/lib/self-contained/crt1-reactor.o
[[ -e $crt ]] && reactor=(-C "link-arg=$crt")

example=${1:-http}
out=${2:-$outdir/$example.wasm}
"$rustc" "${common[@]}" --target "$target" --crate-type rlib --crate-name vitals_probe \
	-o "$outdir/libvitals_probe-$target.rlib" "$here/src/lib.rs"
"$rustc" "${common[@]}" --target "$target" --crate-type cdylib -C strip=debuginfo "${reactor[@]}" \
	--extern vitals_probe="$outdir/libvitals_probe-$target.rlib" -o "$out" "$here/examples/$example.rs"
echo "built $out ($target, $("$rustc" --version))"
