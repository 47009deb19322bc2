/*
 * selftest: a probe that exercises the C SDK, driven by config "mode"; the
 * Go test wasmprobe/sdk_c_test.go runs it through the host.
 *
 *   echo   reads config values of every type and reports them as details
 *   http   GETs config "url" and reports status, a header and the body
 *   big    adds details until they no longer fit
 *   log    logs a line per level
 *   status reports config "status" as it is (an int, possibly invalid)
 */
#define VITALS_PROBE_IMPLEMENTATION
#include "vitals_probe.h"

#include <string.h>

static char resp[256 * 1024];

vitals_status vitals_probe(vitals_ctx *ctx) {
	char mode[32], s[128];
	if (vitals_config_string(ctx, "mode", mode, sizeof mode) < 0)
		strcpy(mode, "echo");

	if (!strcmp(mode, "echo")) {
		int n = vitals_config_string(ctx, "str", s, sizeof s);
		vitals_detail_string(ctx, "str", n >= 0 ? s : vitals_strerror(n));
		vitals_detail_int(ctx, "str_len", n);
		vitals_detail_int(ctx, "short_len", vitals_config_string(ctx, "str", s, 4));
		vitals_detail_string(ctx, "short", s);
		vitals_detail_int(ctx, "int", vitals_config_int(ctx, "int", -1));
		vitals_detail_int(ctx, "int_float", vitals_config_int(ctx, "int_float", -1));
		vitals_detail_int(ctx, "int_default", vitals_config_int(ctx, "absent", 42));
		vitals_detail_int(ctx, "int_of_string", vitals_config_int(ctx, "str", 7));
		vitals_detail_number(ctx, "num", vitals_config_number(ctx, "num", -1));
		vitals_detail_bool(ctx, "bool", vitals_config_bool(ctx, "bool", 0));
		vitals_detail_int(ctx, "missing", vitals_config_string(ctx, "absent", s, sizeof s));
		vitals_json obj, inner;
		if (!vitals_json_get(vitals_config(ctx), "obj", &obj)) {
			vitals_detail_json(ctx, "obj", obj);
			if (!vitals_json_get(obj, "k\"ey", &inner) && vitals_json_string(inner, s, sizeof s) >= 0)
				vitals_detail_string(ctx, "inner", s);
		}
		vitals_detail_int(ctx, "timeout_ms", vitals_timeout_ms(ctx));
		vitals_message(ctx, "echo from %s", vitals_name(ctx));
		return VITALS_UP;
	}
	if (!strcmp(mode, "http")) {
		char url[512];
		vitals_http_response r;
		vitals_config_string(ctx, "url", url, sizeof url);
		int rc = vitals_http_get(url, resp, sizeof resp, &r);
		if (rc) {
			vitals_detail_int(ctx, "code", rc);
			vitals_message(ctx, "GET %s: %s", url, vitals_strerror(rc));
			return VITALS_DOWN;
		}
		vitals_json ct;
		if (!vitals_json_get(r.headers, "Content-Type", &ct) && vitals_json_string(ct, s, sizeof s) >= 0)
			vitals_detail_string(ctx, "content_type", s);
		static char body[64 * 1024];
		vitals_json_string(r.body, body, sizeof body);
		vitals_detail_string(ctx, "body", body);
		vitals_detail_bool(ctx, "truncated", r.truncated);
		vitals_detail_int(ctx, "status", r.status);
		vitals_message(ctx, "HTTP %d", r.status);
		return r.status == 200 ? VITALS_UP : VITALS_DOWN;
	}
	if (!strcmp(mode, "big")) {
		char key[16];
		static char val[1000];
		memset(val, 'v', sizeof val - 1);
		for (int i = 0; i < 100; i++) {
			snprintf(key, sizeof key, "k%03d", i);
			vitals_detail_string(ctx, key, val);
		}
		vitals_message(ctx, "%s", "quote \" backslash \\ newline \n tab \t bell \a é");
		return VITALS_DEGRADED;
	}
	if (!strcmp(mode, "log")) {
		vitals_log(VITALS_DEBUG, "debug %d", 0);
		vitals_log(VITALS_INFO, "info from %s", vitals_name(ctx));
		vitals_log(VITALS_WARN, "warn");
		vitals_log(VITALS_ERROR, "error");
		return VITALS_UP;
	}
	if (!strcmp(mode, "status"))
		return (vitals_status)vitals_config_int(ctx, "status", 0);
	vitals_message(ctx, "unknown mode %s", mode);
	return VITALS_DOWN;
}
