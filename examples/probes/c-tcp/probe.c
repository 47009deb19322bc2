/*
 * c-tcp: a Vitals wasm probe in C that checks a TCP service is reachable,
 * through the host's tcp_connect (the address must be granted by the
 * component's allow list).
 *
 * Component config:
 *
 *   provider: wasm
 *   config:
 *     module: probes/c-tcp.wasm
 *     allow: ["db.internal:5432"]
 *     addr: db.internal:5432   # required
 *     timeout_ms: 2000         # connect timeout (default 2000)
 *     slow_ms: 200             # degraded when connecting takes longer (default 0: never)
 *
 * Build: ./build.sh (see examples/probes/README.md).
 */
#define VITALS_PROBE_IMPLEMENTATION
#include "vitals_probe.h"

#include <time.h>

static int64_t now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

vitals_status vitals_probe(vitals_ctx *ctx) {
	char addr[256];
	int n = vitals_config_string(ctx, "addr", addr, sizeof addr);
	if (n < 0) {
		vitals_message(ctx, "config: addr is required (host:port)");
		return VITALS_DOWN;
	}
	if ((size_t)n >= sizeof addr) {
		vitals_message(ctx, "config: addr is longer than %zu bytes", sizeof addr - 1);
		return VITALS_DOWN;
	}
	int64_t timeout = vitals_config_int(ctx, "timeout_ms", 2000);
	int64_t slow = vitals_config_int(ctx, "slow_ms", 0);
	if (timeout < 0 || timeout > INT32_MAX)
		timeout = 2000;

	int64_t start = now_ms();
	int code = vitals_tcp_connect(addr, (int32_t)timeout);
	int64_t ms = now_ms() - start;

	vitals_detail_string(ctx, "addr", addr);
	vitals_detail_int(ctx, "ms", ms);
	if (code != 0) {
		vitals_detail_int(ctx, "code", code);
		vitals_message(ctx, "tcp_connect %s: %s", addr, vitals_strerror(code));
		return VITALS_DOWN;
	}
	if (slow > 0 && ms > slow) {
		vitals_log(VITALS_WARN, "slow connect to %s: %lld ms", addr, (long long)ms);
		vitals_message(ctx, "connected to %s in %lld ms (over %lld ms)", addr, (long long)ms, (long long)slow);
		return VITALS_DEGRADED;
	}
	vitals_message(ctx, "connected to %s", addr);
	return VITALS_UP;
}
