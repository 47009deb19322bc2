#!/usr/bin/env bash
# HAProxy drain test: two instances of examples/basic behind HAProxy, which
# health-checks /ready; wrk sends keep-alive load through HAProxy and one
# instance gets SIGTERM in the middle.
#
#   1. With a lame-duck period, the instance's /ready fails at once while it
#      keeps serving; HAProxy marks it DOWN and routes everything to the
#      other one before the instance stops listening: ZERO failed requests.
#   2. With the period set to 0s, the instance stops listening at once while
#      HAProxy still routes to it until its checks fail: requests fail. This
#      run proves the test can fail.
#
# HAProxy does not hide failures: no retries (retries 0, retry-on none) and
# no redispatch, so a request routed to a closed port is a 503.
#
# Timings. The load runs 10 s and the SIGTERM comes at 4 s, mid-run, so
# that both the lame duck and the time after it carry load. HAProxy checks
# every 500 ms and marks a server DOWN after 2 failures (inter 500ms, fall
# 2: up to ~1 s plus a check), so a 3 s period covers it with margin and
# the whole script stays well under 60 s. Those are test-speed settings:
# with HAProxy's defaults (inter 2s, fall 3: up to ~6 s plus a check)
# Vitals' default 10 s period is what covers it (DESIGN.md, "Default
# period 10 s, not 3 s"); keep the two in proportion when changing either.
#
# Usage: bash examples/haproxy-drain/run.sh     (root installs haproxy and wrk)
# APP_PKG (default ./examples/basic) and ROUTE (default /hello) select the
# app and the route under load.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"

APP_PKG=${APP_PKG:-./examples/basic}
ROUTE=${ROUTE:-/hello}
LOAD_SECONDS=10    # wrk duration
KILL_AFTER=4       # SIGTERM one instance this far into the load (mid-run)
PERIOD=3s          # lame-duck period of the first run: > inter x fall (1 s) with margin
INTER=500ms        # HAProxy check interval (test speed; HAProxy's default is 2s)
FALL=2             # failed checks before HAProxy marks a server DOWN (default 3)
RISE=2

t0=$EPOCHREALTIME
elapsed() { awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%5.1fs", b - a }'; }
say() { printf '[%s] %s\n' "$(elapsed)" "$*"; }
die() { say "FAIL: $*"; exit 1; }

# --- tools ---------------------------------------------------------------
need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
	say "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

tmp=$(mktemp -d)
pids=() # processes started and not yet reaped
forget() {
	local p keep=()
	for p in "${pids[@]}"; do
		[[ " $* " == *" $p "* ]] || keep+=("$p")
	done
	pids=("${keep[@]}")
}
# reap PID...: kills and waits for processes this script started.
reap() {
	kill -KILL "$@" 2>/dev/null || true
	wait "$@" 2>/dev/null || true
	forget "$@"
}
cleanup() {
	((${#pids[@]} == 0)) || reap "${pids[@]}"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building $APP_PKG"
go build -o "$tmp/app" "$APP_PKG"
say "built"

# --- helpers -------------------------------------------------------------
# free_port VAR: sets VAR to a port nothing listens on, below the ephemeral
# range (so no outgoing connection holds it), never handed out twice.
used_ports=" "
free_port() {
	local -n out=$1
	local p
	while :; do
		p=$((10000 + RANDOM % 20000))
		[[ $used_ports == *" $p "* ]] && continue
		# A refused connection means nothing listens there.
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			used_ports+="$p "
			out=$p
			return
		fi
	done
}

# start_app NAME PORT PERIOD: starts an instance, sets app_pid. The
# address is a flag, the lame-duck settings environment variables.
start_app() {
	VITALS_HEALTH__LAMEDUCK__PERIOD="$3" \
		VITALS_HEALTH__LAMEDUCK__DRAIN_TIMEOUT=5s \
		"$tmp/app" --address "127.0.0.1:$2" >"$tmp/$1.log" 2>&1 &
	app_pid=$!
	pids+=("$app_pid")
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 100 ms.
wait_until() {
	local limit=$1 what=$2 i
	shift 2
	for ((i = 0; i < limit * 10; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	say "timed out after ${limit}s waiting until $what"
	return 1
}

# server_field NAME FIELD: a column of HAProxy's CSV stats for server NAME
# of backend "app" (status, hrsp_2xx, hrsp_5xx, ...).
server_field() {
	curl -fsS "http://127.0.0.1:$stats_port/stats;csv" |
		awk -F, -v sv="$1" -v col="$2" '
			NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) idx[$i] = i; next }
			$1 == "app" && $2 == sv { print $idx[col] }'
}
server_up() { [[ $(server_field "$1" status) == UP ]]; }

# --- one scenario --------------------------------------------------------
# scenario NAME PERIOD: prints the counts and sets failed (non-2xx + socket
# errors) and requests.
scenario() {
	local name=$1 period=$2
	local port_a port_b fe_port pid_a pid_b hap_pid wrk_pid rc
	free_port port_a
	free_port port_b
	free_port fe_port
	free_port stats_port
	say "[$name] lame-duck period $period: instances a=:$port_a b=:$port_b, haproxy :$fe_port"

	start_app "$name-a" "$port_a" "$period"
	pid_a=$app_pid
	start_app "$name-b" "$port_b" "$period"
	pid_b=$app_pid
	wait_until 20 "instance a answers /ready" curl -fsS "http://127.0.0.1:$port_a/ready" ||
		die "instance a: $(tail -20 "$tmp/$name-a.log")"
	wait_until 20 "instance b answers /ready" curl -fsS "http://127.0.0.1:$port_b/ready" ||
		die "instance b: $(tail -20 "$tmp/$name-b.log")"

	cat >"$tmp/$name-haproxy.cfg" <<EOF
global
	maxconn 2000
	stats socket $tmp/$name-haproxy.sock mode 600 level admin

defaults
	mode http
	timeout connect 2s
	timeout client 30s
	timeout server 30s
	# Never hide a failed request: no retry, no other server.
	retries 0
	retry-on none
	no option redispatch

frontend fe
	bind 127.0.0.1:$fe_port
	default_backend app

backend app
	balance roundrobin
	option httpchk
	http-check send meth GET uri /ready
	http-check expect status 200
	default-server inter $INTER fall $FALL rise $RISE
	server a 127.0.0.1:$port_a check
	server b 127.0.0.1:$port_b check

listen stats
	bind 127.0.0.1:$stats_port
	stats enable
	stats uri /stats
EOF
	haproxy -f "$tmp/$name-haproxy.cfg" -db >"$tmp/$name-haproxy.log" 2>&1 &
	hap_pid=$!
	pids+=("$hap_pid")
	wait_until 10 "haproxy stats answer" curl -fsS "http://127.0.0.1:$stats_port/stats;csv" || die "see $tmp/$name-haproxy.log: $(tail -5 "$tmp/$name-haproxy.log")"
	wait_until 20 "haproxy sees a UP" server_up a || die "see $tmp/$name-haproxy.log: $(tail -5 "$tmp/$name-haproxy.log")"
	wait_until 20 "haproxy sees b UP" server_up b || die "see $tmp/$name-haproxy.log: $(tail -5 "$tmp/$name-haproxy.log")"
	wait_until 10 "haproxy routes $ROUTE" curl -fsS "http://127.0.0.1:$fe_port$ROUTE" || die "see $tmp/$name-haproxy.log: $(tail -5 "$tmp/$name-haproxy.log")"
	say "[$name] both instances UP behind haproxy; ${LOAD_SECONDS}s of load, SIGTERM to a after ${KILL_AFTER}s"

	wrk -t2 -c8 -d"${LOAD_SECONDS}s" --timeout 5s --latency "http://127.0.0.1:$fe_port$ROUTE" >"$tmp/$name-wrk.txt" 2>&1 &
	wrk_pid=$!
	pids+=("$wrk_pid")
	sleep "$KILL_AFTER"
	local a_served_before
	a_served_before=$(server_field a hrsp_2xx)
	kill -TERM "$pid_a"
	say "[$name] SIGTERM sent to a (a had served $a_served_before requests)"
	# Watch HAProxy's view of a until it goes DOWN or a exits.
	local seen_down=""
	while kill -0 "$pid_a" 2>/dev/null; do
		if [[ -z $seen_down && $(server_field a status) == DOWN* ]]; then
			seen_down=1
			say "[$name] haproxy marked a DOWN; a still running (lame duck)"
		fi
		sleep 0.1
	done
	rc=0
	wait "$pid_a" || rc=$?
	forget "$pid_a"
	say "[$name] a exited with status $rc"
	wait "$wrk_pid" || die "wrk failed: $(cat "$tmp/$name-wrk.txt")"
	forget "$wrk_pid"
	say "[$name] load done"

	requests=$(awk '/requests in/ { print $1 }' "$tmp/$name-wrk.txt")
	local non2xx sockerr
	non2xx=$(awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2 }' "$tmp/$name-wrk.txt")
	non2xx=${non2xx:-0}
	sockerr=$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$tmp/$name-wrk.txt")
	sockerr=${sockerr:-0}
	failed=$((non2xx + sockerr))
	say "[$name] requests: $requests, non-2xx: $non2xx, socket errors: $sockerr, failed: $failed"
	say "[$name] haproxy per server: a: 2xx $(server_field a hrsp_2xx), 5xx $(server_field a hrsp_5xx), status $(server_field a status); b: 2xx $(server_field b hrsp_2xx), 5xx $(server_field b hrsp_5xx), status $(server_field b status)"
	sed 's/^/    wrk | /' "$tmp/$name-wrk.txt"
	grep -E 'lameduck: (lame duck started|serving through|lame-duck period over|no lame-duck period|drained|drain expired|lame duck over)|basic: stopped' "$tmp/$name-a.log" |
		sed -E 's/^time=[^ ]+ level=[A-Z]+ /    a | /' || true
	[[ $a_served_before -gt 0 ]] || die "[$name] a served no request before SIGTERM: the load was not balanced"
	[[ $requests -gt 0 ]] || die "[$name] no request completed"

	reap "$pid_b" "$hap_pid"
	exit_a=$rc
}

# --- the two runs --------------------------------------------------------
scenario lameduck "$PERIOD"
if ((failed != 0)); then
	sed 's/^/    a | /' "$tmp/lameduck-a.log" | tail -40
	die "lame-duck run: $failed failed requests, want 0"
fi
((exit_a == 0)) || die "lame-duck run: instance a exited with status $exit_a, want 0"
say "PASS lame-duck run: 0 failed requests out of $requests"

scenario nolameduck 0s
if ((failed == 0)); then
	die "period 0s run: 0 failed requests, want some (the test cannot tell a drain from none)"
fi
say "PASS period 0s run: $failed failed requests out of $requests, as expected without a lame duck"
say "haproxy drain test passed"
