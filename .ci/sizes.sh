#!/usr/bin/env bash
# Builds the reference mains the way a release would (linux/amd64,
# -trimpath, stripped) and prints their sizes; fails past the limits of
# issue 13:
#   - the vitals CLI (fxmodule/cmd/vitals) is at most CLI_LIMIT bytes;
#   - echomw's net/http handler adds at most HANDLER_LIMIT bytes over a
#     main that uses core only (examples/sizes/handler vs examples/sizes/core).
# Sizes are deterministic for a given Go version and go.sum, so this is a
# fair assertion. Usage: .ci/sizes.sh (from anywhere).
set -euo pipefail
cd "$(dirname "$0")/.."
CLI_LIMIT=$((12 * 1000 * 1000))
HANDLER_LIMIT=$((1500 * 1000))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A size
for main in examples/sizes/nethttp examples/sizes/core examples/sizes/handler fxmodule/cmd/vitals; do
	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$out/bin" "./$main"
	size[$main]=$(stat -c %s "$out/bin")
	awk -v m="$main" -v b="${size[$main]}" 'BEGIN { printf "%-26s %10d bytes (%5.1f MB)\n", m, b, b / 1e6 }'
done
cli=${size[fxmodule/cmd/vitals]}
added=$((size[examples/sizes/handler] - size[examples/sizes/core]))
printf 'handler over core: %d bytes (limit %d)\n' "$added" "$HANDLER_LIMIT"
printf 'vitals CLI: %d bytes (limit %d)\n' "$cli" "$CLI_LIMIT"
fail=0
((cli <= CLI_LIMIT)) || { echo "!!! the vitals CLI is past $CLI_LIMIT bytes: see what it links with go list -deps ./fxmodule/cmd/vitals" >&2; fail=1; }
((added <= HANDLER_LIMIT)) || { echo "!!! echomw's handler adds more than $HANDLER_LIMIT bytes over core: see go list -deps ./examples/sizes/handler" >&2; fail=1; }
exit $fail
