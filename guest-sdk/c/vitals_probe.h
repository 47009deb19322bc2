/*
 * vitals_probe.h: the C SDK of Vitals wasm probes (probe ABI v1, see
 * wasmprobe/ABI.md). One header, no dependencies beyond wasi-libc.
 *
 * A probe is one function, vitals_probe(), that the SDK calls for each
 * check. In exactly one C file of the probe, define
 * VITALS_PROBE_IMPLEMENTATION before including this header: that file gets
 * the module's exports (vitals_abi_v1, vitals_buffer, vitals_buffer_size,
 * vitals_check) and the SDK functions.
 *
 *     #define VITALS_PROBE_IMPLEMENTATION
 *     #include "vitals_probe.h"
 *
 *     vitals_status vitals_probe(vitals_ctx *ctx) {
 *         char addr[256];
 *         if (vitals_config_string(ctx, "addr", addr, sizeof addr) < 0) {
 *             vitals_message(ctx, "config: addr is required");
 *             return VITALS_DOWN;
 *         }
 *         int code = vitals_tcp_connect(addr, 2000);
 *         if (code != 0) {
 *             vitals_message(ctx, "%s: %s", addr, vitals_strerror(code));
 *             return VITALS_DOWN;
 *         }
 *         return VITALS_UP;
 *     }
 *
 * Build with Debian's clang, lld and wasi-libc
 * (apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32):
 *
 *     clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 \
 *         -I guest-sdk/c -o probe.wasm probe.c
 *
 * Memory: the SDK keeps its buffers in static storage (about 200 KiB: the
 * 64 KiB I/O buffer, a copy of the input, the details and the message), so
 * nothing is allocated per check and the host never calls an allocator.
 * The module runs one check at a time; the SDK is not thread-safe (wasm32-
 * wasi has no threads).
 */
#ifndef VITALS_PROBE_H
#define VITALS_PROBE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The state a probe reports. The host reports Unknown by itself when a
 * probe traps or breaks the ABI; a probe cannot report it. */
typedef enum {
	VITALS_UP = 0,
	VITALS_DEGRADED = 1,
	VITALS_DOWN = 2
} vitals_status;

/* Log levels of vitals_log (the host maps them to slog levels). */
enum { VITALS_DEBUG = 0, VITALS_INFO = 1, VITALS_WARN = 2, VITALS_ERROR = 3 };

/* Error codes of the host's network functions (ABI.md section 5). */
#define VITALS_E_DENIED (-1)      /* not granted by the component's allow list */
#define VITALS_E_FAILED (-2)      /* refused, reset, DNS, TLS or protocol error */
#define VITALS_E_TIMEOUT (-3)     /* the call's timeout or the check's deadline */
#define VITALS_E_BAD_REQUEST (-4) /* malformed request, URL or address */
#define VITALS_E_TOO_LARGE (-5)   /* the response does not fit the buffer */
#define VITALS_E_BUDGET (-6)      /* the check's max_net_calls or max_sockets is spent */
/* Error codes of the SDK's JSON functions. */
#define VITALS_E_NOT_FOUND (-10) /* no such key */
#define VITALS_E_TYPE (-11)      /* the value is not of the type asked for, or not valid JSON */

/* A JSON value: ptr/len span the raw text of one value (an object, a
 * string with its quotes, a number, ...) inside some larger text. */
typedef struct {
	const char *ptr;
	size_t len;
} vitals_json;

/* The check in progress. */
typedef struct vitals_ctx vitals_ctx;

/* The probe: define it. It is called once per check; what it returns is
 * the check's status, with the message and details set through ctx. */
vitals_status vitals_probe(vitals_ctx *ctx);

/* The component's name (NUL-terminated, cut at 255 bytes). */
const char *vitals_name(const vitals_ctx *ctx);
/* Milliseconds left before the check's deadline when the check started. */
int64_t vitals_timeout_ms(const vitals_ctx *ctx);
/* The component's config: a JSON object ("{}" when empty). */
vitals_json vitals_config(const vitals_ctx *ctx);

/* Config values by top-level key. vitals_config_string copies the decoded
 * string into dst (always NUL-terminated when cap > 0) and returns its
 * length, which is >= cap when it was cut (as snprintf), or
 * VITALS_E_NOT_FOUND / VITALS_E_TYPE. The others return def when the key
 * is absent or of another type. */
int vitals_config_string(const vitals_ctx *ctx, const char *key, char *dst, size_t cap);
int64_t vitals_config_int(const vitals_ctx *ctx, const char *key, int64_t def);
double vitals_config_number(const vitals_ctx *ctx, const char *key, double def);
int vitals_config_bool(const vitals_ctx *ctx, const char *key, int def);

/* JSON access, for the config and HTTP responses. vitals_json_get finds
 * key in the object obj (0, VITALS_E_NOT_FOUND or VITALS_E_TYPE). The
 * others decode one value and return 0 or VITALS_E_TYPE, except
 * vitals_json_string, which returns as vitals_config_string. */
int vitals_json_get(vitals_json obj, const char *key, vitals_json *val);
int vitals_json_string(vitals_json val, char *dst, size_t cap);
int vitals_json_int(vitals_json val, int64_t *out);
int vitals_json_number(vitals_json val, double *out);
int vitals_json_bool(vitals_json val, int *out);
/* A vitals_json over a NUL-terminated string. */
vitals_json vitals_json_of(const char *s);

/* The result's message (printf format; cut at 4095 bytes). The last call
 * wins. A degraded or down result without one is reported as "wasm probe
 * reported degraded/down". */
void vitals_message(vitals_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Details: one key per call, in call order. Details that do not fit in the
 * 32 KiB kept for them are dropped, and an "sdk_error" detail says how
 * many. vitals_detail_json copies raw JSON as it is (it must be valid). */
void vitals_detail_string(vitals_ctx *ctx, const char *key, const char *value);
void vitals_detail_int(vitals_ctx *ctx, const char *key, int64_t value);
void vitals_detail_number(vitals_ctx *ctx, const char *key, double value);
void vitals_detail_bool(vitals_ctx *ctx, const char *key, int value);
void vitals_detail_json(vitals_ctx *ctx, const char *key, vitals_json value);

/* One log line (printf format; cut at 1023 bytes) to the application's
 * logger, through the host, which caps the lines per check. */
void vitals_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Connects to addr ("host:port", "[v6]:port") through the host and closes
 * the connection: 0 or a negative VITALS_E_* code. timeout_ms > 0 bounds
 * the connect; the check's deadline always does. */
int vitals_tcp_connect(const char *addr, int32_t timeout_ms);

/* An HTTP response of the host: the response JSON, parsed. headers is a
 * JSON object of strings; body is a JSON string (decode it with
 * vitals_json_string, or look into it with vitals_json_get after decoding). */
typedef struct {
	int status;
	int truncated;
	vitals_json headers;
	vitals_json body;
} vitals_http_response;

/* GET url through the host into resp (resp_cap bytes; 256 KiB is plenty
 * for the host's default 64 KiB body cap) and parse it. Returns 0 or a
 * negative VITALS_E_* code. */
int vitals_http_get(const char *url, char *resp, size_t resp_cap, vitals_http_response *out);
/* Raw http_request: req is the request JSON ({"method","url","headers",
 * "body"}); returns the response JSON's length in resp, or a negative
 * code. vitals_http_parse parses what it wrote. */
int64_t vitals_http_request(const char *req, size_t req_len, char *resp, size_t resp_cap);
int vitals_http_parse(const char *resp, size_t len, vitals_http_response *out);

/* A short text for an error code ("not granted by the component's allow list", ...). */
const char *vitals_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* VITALS_PROBE_H */

/* ===================================================================== */
#ifdef VITALS_PROBE_IMPLEMENTATION
#ifndef VITALS_PROBE_IMPLEMENTED
#define VITALS_PROBE_IMPLEMENTED

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VITALS__IO_SIZE (64 * 1024)
#define VITALS__MSG_SIZE 4096
#define VITALS__DETAILS_SIZE (32 * 1024)
#define VITALS__NAME_SIZE 256

/* The I/O buffer, the input copy, the message and the details. The output
 * is at most 1 + 11 + 6 * 4095 + 2 + 12 + 32 KiB + 60 bytes: it always
 * fits in the I/O buffer. */
static char vitals__io[VITALS__IO_SIZE] __attribute__((aligned(16)));
static char vitals__in[VITALS__IO_SIZE];
static char vitals__msg[VITALS__MSG_SIZE];
static char vitals__details[VITALS__DETAILS_SIZE];

struct vitals_ctx {
	char name[VITALS__NAME_SIZE];
	int64_t timeout_ms;
	vitals_json config;
	size_t msg_len;
	size_t details_len;
	int details_dropped;
};

static vitals_ctx vitals__ctx;

__attribute__((import_module("vitals"), import_name("log")))
void vitals__host_log(int32_t level, const char *ptr, int32_t len);
__attribute__((import_module("vitals"), import_name("http_request")))
int64_t vitals__host_http_request(const char *req, int32_t req_len, char *resp, int32_t resp_cap);
__attribute__((import_module("vitals"), import_name("tcp_connect")))
int32_t vitals__host_tcp_connect(const char *addr, int32_t addr_len, int32_t timeout_ms);

/* ---- JSON reading ---------------------------------------------------- */

static const char *vitals__ws(const char *p, const char *e) {
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at '"': returns just past the closing quote, or NULL. */
static const char *vitals__skip_string(const char *p, const char *e) {
	for (p++; p < e; p++) {
		if (*p == '\\') {
			p++;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

/* Returns just past the value at p, or NULL. */
static const char *vitals__skip_value(const char *p, const char *e) {
	p = vitals__ws(p, e);
	if (p >= e)
		return NULL;
	if (*p == '"')
		return vitals__skip_string(p, e);
	if (*p == '{' || *p == '[') {
		int depth = 0;
		while (p < e) {
			char c = *p;
			if (c == '"') {
				p = vitals__skip_string(p, e);
				if (!p)
					return NULL;
				continue;
			}
			if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					return p + 1;
			}
			p++;
		}
		return NULL;
	}
	const char *s = p;
	while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	return p > s ? p : NULL;
}

static int vitals__hex4(const char *p, const char *e, uint32_t *out) {
	uint32_t v = 0;
	if (e - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Decodes the JSON string at val into dst (see vitals_json_string). */
int vitals_json_string(vitals_json val, char *dst, size_t cap) {
	const char *e = val.ptr + val.len;
	const char *p = vitals__ws(val.ptr, e);
	size_t n = 0;
	if (p >= e || *p != '"')
		return VITALS_E_TYPE;
#define VITALS__PUT(ch)                        \
	do {                                       \
		if (cap > 0 && n < cap - 1)            \
			dst[n] = (char)(ch);               \
		n++;                                   \
	} while (0)
	for (p++; p < e && *p != '"'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c != '\\') {
			VITALS__PUT(c);
			continue;
		}
		if (++p >= e)
			return VITALS_E_TYPE;
		switch (*p) {
		case '"': VITALS__PUT('"'); break;
		case '\\': VITALS__PUT('\\'); break;
		case '/': VITALS__PUT('/'); break;
		case 'b': VITALS__PUT('\b'); break;
		case 'f': VITALS__PUT('\f'); break;
		case 'n': VITALS__PUT('\n'); break;
		case 'r': VITALS__PUT('\r'); break;
		case 't': VITALS__PUT('\t'); break;
		case 'u': {
			uint32_t cp, lo;
			if (vitals__hex4(p + 1, e, &cp))
				return VITALS_E_TYPE;
			p += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && e - p > 6 && p[1] == '\\' && p[2] == 'u' &&
			    !vitals__hex4(p + 3, e, &lo) && lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD; /* a lone surrogate */
			}
			if (cp < 0x80) {
				VITALS__PUT(cp);
			} else if (cp < 0x800) {
				VITALS__PUT(0xC0 | (cp >> 6));
				VITALS__PUT(0x80 | (cp & 0x3F));
			} else if (cp < 0x10000) {
				VITALS__PUT(0xE0 | (cp >> 12));
				VITALS__PUT(0x80 | ((cp >> 6) & 0x3F));
				VITALS__PUT(0x80 | (cp & 0x3F));
			} else {
				VITALS__PUT(0xF0 | (cp >> 18));
				VITALS__PUT(0x80 | ((cp >> 12) & 0x3F));
				VITALS__PUT(0x80 | ((cp >> 6) & 0x3F));
				VITALS__PUT(0x80 | (cp & 0x3F));
			}
			break;
		}
		default:
			return VITALS_E_TYPE;
		}
	}
#undef VITALS__PUT
	if (p >= e)
		return VITALS_E_TYPE;
	if (cap > 0)
		dst[n < cap ? n : cap - 1] = '\0';
	return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

int vitals_json_get(vitals_json obj, const char *key, vitals_json *val) {
	const char *e = obj.ptr + obj.len;
	const char *p = vitals__ws(obj.ptr, e);
	char k[256];
	size_t klen = strlen(key);
	if (p >= e || *p != '{')
		return VITALS_E_TYPE;
	p = vitals__ws(p + 1, e);
	if (p < e && *p == '}')
		return VITALS_E_NOT_FOUND;
	while (p < e) {
		if (*p != '"')
			return VITALS_E_TYPE;
		const char *ke = vitals__skip_string(p, e);
		if (!ke)
			return VITALS_E_TYPE;
		vitals_json kj = {p, (size_t)(ke - p)};
		int kn = vitals_json_string(kj, k, sizeof k);
		p = vitals__ws(ke, e);
		if (p >= e || *p != ':')
			return VITALS_E_TYPE;
		const char *vs = vitals__ws(p + 1, e);
		const char *ve = vitals__skip_value(vs, e);
		if (!ve)
			return VITALS_E_TYPE;
		if (kn >= 0 && (size_t)kn == klen && klen < sizeof k && memcmp(k, key, klen) == 0) {
			val->ptr = vs;
			val->len = (size_t)(ve - vs);
			return 0;
		}
		p = vitals__ws(ve, e);
		if (p < e && *p == ',') {
			p = vitals__ws(p + 1, e);
			continue;
		}
		if (p < e && *p == '}')
			return VITALS_E_NOT_FOUND;
		return VITALS_E_TYPE;
	}
	return VITALS_E_TYPE;
}

/* Copies a number's text into buf, NUL-terminated; -1 if it is not one. */
static int vitals__number_text(vitals_json val, char *buf, size_t cap) {
	const char *e = val.ptr + val.len;
	const char *p = vitals__ws(val.ptr, e);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	size_t n = (size_t)(e - p);
	if (n == 0 || n >= cap || !(*p == '-' || (*p >= '0' && *p <= '9')))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

int vitals_json_number(vitals_json val, double *out) {
	char buf[64], *end;
	if (vitals__number_text(val, buf, sizeof buf))
		return VITALS_E_TYPE;
	double d = strtod(buf, &end);
	if (*end != '\0')
		return VITALS_E_TYPE;
	*out = d;
	return 0;
}

int vitals_json_int(vitals_json val, int64_t *out) {
	char buf[64], *end;
	if (vitals__number_text(val, buf, sizeof buf))
		return VITALS_E_TYPE;
	long long v = strtoll(buf, &end, 10);
	if (*end == '\0') {
		*out = (int64_t)v;
		return 0;
	}
	double d = strtod(buf, &end); /* 7.0, 1e3 */
	if (*end != '\0' || d != floor(d) || d < -9.2e18 || d > 9.2e18)
		return VITALS_E_TYPE;
	*out = (int64_t)d;
	return 0;
}

int vitals_json_bool(vitals_json val, int *out) {
	const char *e = val.ptr + val.len;
	const char *p = vitals__ws(val.ptr, e);
	if (e - p >= 4 && memcmp(p, "true", 4) == 0) {
		*out = 1;
		return 0;
	}
	if (e - p >= 5 && memcmp(p, "false", 5) == 0) {
		*out = 0;
		return 0;
	}
	return VITALS_E_TYPE;
}

vitals_json vitals_json_of(const char *s) {
	vitals_json j = {s, s ? strlen(s) : 0};
	return j;
}

/* ---- the check ------------------------------------------------------- */

const char *vitals_name(const vitals_ctx *ctx) { return ctx->name; }
int64_t vitals_timeout_ms(const vitals_ctx *ctx) { return ctx->timeout_ms; }
vitals_json vitals_config(const vitals_ctx *ctx) { return ctx->config; }

int vitals_config_string(const vitals_ctx *ctx, const char *key, char *dst, size_t cap) {
	vitals_json v;
	int rc = vitals_json_get(ctx->config, key, &v);
	if (rc)
		return rc;
	return vitals_json_string(v, dst, cap);
}

/* Defines vitals_config_<name>, which returns the value of key decoded
 * by vitals_json_<name>, or def. */
#define VITALS__CONFIG_GETTER(name, type)                                          \
	type vitals_config_##name(const vitals_ctx *ctx, const char *key, type def) { \
		vitals_json v;                                                            \
		type out;                                                                 \
		if (vitals_json_get(ctx->config, key, &v) || vitals_json_##name(v, &out)) \
			return def;                                                           \
		return out;                                                               \
	}

VITALS__CONFIG_GETTER(int, int64_t)
VITALS__CONFIG_GETTER(number, double)
VITALS__CONFIG_GETTER(bool, int)
#undef VITALS__CONFIG_GETTER

/* ---- JSON writing ---------------------------------------------------- */

/* Writes s (n bytes) as a quoted JSON string at dst; returns the bytes
 * written, or (size_t)-1 when it does not fit in cap. */
static size_t vitals__quote(char *dst, size_t cap, const char *s, size_t n) {
	static const char hex[] = "0123456789abcdef";
	size_t w = 0;
	if (cap < 2)
		return (size_t)-1;
	dst[w++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc = 0;
		switch (c) {
		case '"': esc = '"'; break;
		case '\\': esc = '\\'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		case '\t': esc = 't'; break;
		}
		if (esc) {
			if (w + 2 >= cap)
				return (size_t)-1;
			dst[w++] = '\\';
			dst[w++] = esc;
		} else if (c < 0x20) {
			if (w + 6 >= cap)
				return (size_t)-1;
			memcpy(dst + w, "\\u00", 4);
			dst[w + 4] = hex[c >> 4];
			dst[w + 5] = hex[c & 15];
			w += 6;
		} else {
			if (w + 1 >= cap)
				return (size_t)-1;
			dst[w++] = (char)c;
		}
	}
	if (w + 1 > cap)
		return (size_t)-1;
	dst[w++] = '"';
	return w;
}

void vitals_message(vitals_ctx *ctx, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(vitals__msg, sizeof vitals__msg, fmt, ap);
	va_end(ap);
	ctx->msg_len = n < 0 ? 0 : (size_t)n < sizeof vitals__msg ? (size_t)n : sizeof vitals__msg - 1;
}

/* Appends "key":<raw> to the details, or counts it dropped. */
static void vitals__detail(vitals_ctx *ctx, const char *key, const char *raw, size_t rawlen) {
	size_t at = ctx->details_len, cap = sizeof vitals__details;
	if (at > 0) {
		if (at + 1 > cap)
			goto drop;
		vitals__details[at++] = ',';
	}
	size_t k = vitals__quote(vitals__details + at, cap - at, key, strlen(key));
	if (k == (size_t)-1)
		goto drop;
	at += k;
	if (at + 1 + rawlen > cap)
		goto drop;
	vitals__details[at++] = ':';
	memcpy(vitals__details + at, raw, rawlen);
	ctx->details_len = at + rawlen;
	return;
drop:
	ctx->details_dropped++;
}

void vitals_detail_json(vitals_ctx *ctx, const char *key, vitals_json value) {
	const char *e = value.ptr + value.len;
	const char *p = vitals__ws(value.ptr, e);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if (p == e)
		vitals__detail(ctx, key, "null", 4);
	else
		vitals__detail(ctx, key, p, (size_t)(e - p));
}

void vitals_detail_string(vitals_ctx *ctx, const char *key, const char *value) {
	static char q[VITALS__DETAILS_SIZE];
	size_t n = vitals__quote(q, sizeof q, value ? value : "", value ? strlen(value) : 0);
	if (n == (size_t)-1) {
		ctx->details_dropped++;
		return;
	}
	vitals__detail(ctx, key, q, n);
}

void vitals_detail_int(vitals_ctx *ctx, const char *key, int64_t value) {
	char b[32];
	int n = snprintf(b, sizeof b, "%lld", (long long)value);
	vitals__detail(ctx, key, b, (size_t)n);
}

void vitals_detail_number(vitals_ctx *ctx, const char *key, double value) {
	char b[40];
	if (isnan(value) || isinf(value)) {
		vitals__detail(ctx, key, "null", 4);
		return;
	}
	int n = snprintf(b, sizeof b, "%.17g", value);
	vitals__detail(ctx, key, b, (size_t)n);
}

void vitals_detail_bool(vitals_ctx *ctx, const char *key, int value) {
	vitals__detail(ctx, key, value ? "true" : "false", value ? 4 : 5);
}

/* ---- host functions -------------------------------------------------- */

void vitals_log(int level, const char *fmt, ...) {
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	vitals__host_log(level, line, n);
}

int vitals_tcp_connect(const char *addr, int32_t timeout_ms) {
	return vitals__host_tcp_connect(addr, (int32_t)strlen(addr), timeout_ms);
}

int64_t vitals_http_request(const char *req, size_t req_len, char *resp, size_t resp_cap) {
	if (req_len > INT32_MAX || resp_cap > INT32_MAX)
		return VITALS_E_BAD_REQUEST;
	return vitals__host_http_request(req, (int32_t)req_len, resp, (int32_t)resp_cap);
}

int vitals_http_parse(const char *resp, size_t len, vitals_http_response *out) {
	vitals_json r = {resp, len}, v;
	int64_t status;
	memset(out, 0, sizeof *out);
	if (vitals_json_get(r, "status", &v) || vitals_json_int(v, &status))
		return VITALS_E_TYPE;
	out->status = (int)status;
	if (vitals_json_get(r, "headers", &out->headers))
		out->headers = vitals_json_of("{}");
	if (vitals_json_get(r, "body", &out->body))
		out->body = vitals_json_of("\"\"");
	if (!vitals_json_get(r, "truncated", &v))
		vitals_json_bool(v, &out->truncated);
	return 0;
}

int vitals_http_get(const char *url, char *resp, size_t resp_cap, vitals_http_response *out) {
	static char req[8192];
	size_t n = sizeof "{\"url\":" - 1;
	memcpy(req, "{\"url\":", n);
	size_t q = vitals__quote(req + n, sizeof req - n - 1, url, strlen(url));
	if (q == (size_t)-1)
		return VITALS_E_BAD_REQUEST;
	n += q;
	req[n++] = '}';
	int64_t got = vitals_http_request(req, n, resp, resp_cap);
	if (got < 0)
		return (int)got;
	if (vitals_http_parse(resp, (size_t)got, out))
		return VITALS_E_FAILED;
	return 0;
}

const char *vitals_strerror(int code) {
	switch (code) {
	case 0: return "ok";
	case VITALS_E_DENIED: return "not granted by the component's allow list";
	case VITALS_E_FAILED: return "failed";
	case VITALS_E_TIMEOUT: return "timed out";
	case VITALS_E_BAD_REQUEST: return "bad request";
	case VITALS_E_TOO_LARGE: return "response too large for the buffer";
	case VITALS_E_BUDGET: return "the check's network budget is spent";
	case VITALS_E_NOT_FOUND: return "no such key";
	case VITALS_E_TYPE: return "wrong JSON type";
	}
	return "failed (unknown error code)";
}

/* ---- exports --------------------------------------------------------- */

__attribute__((export_name("vitals_abi_v1"))) void vitals__abi_v1(void) {}

__attribute__((export_name("vitals_buffer"))) int32_t vitals__buffer(void) {
	return (int32_t)(uintptr_t)vitals__io;
}

__attribute__((export_name("vitals_buffer_size"))) int32_t vitals__buffer_size(void) {
	return (int32_t)sizeof vitals__io;
}

__attribute__((export_name("vitals_check"))) int64_t vitals__check(int32_t input_len) {
	vitals_ctx *ctx = &vitals__ctx;
	size_t n = (uint32_t)input_len;
	if (n > sizeof vitals__in)
		n = sizeof vitals__in;
	memcpy(vitals__in, vitals__io, n);
	memset(ctx, 0, sizeof *ctx);
	vitals_json in = {vitals__in, n}, v;
	if (!vitals_json_get(in, "name", &v))
		vitals_json_string(v, ctx->name, sizeof ctx->name);
	if (!vitals_json_get(in, "timeout_ms", &v))
		vitals_json_int(v, &ctx->timeout_ms);
	if (vitals_json_get(in, "config", &ctx->config) || ctx->config.len == 0 || ctx->config.ptr[0] != '{')
		ctx->config = vitals_json_of("{}");

	uint32_t status = (uint32_t)vitals_probe(ctx);

	/* {"message":"...","details":{...}} */
	size_t w = 0, cap = sizeof vitals__io;
	if (ctx->msg_len == 0 && ctx->details_len == 0 && ctx->details_dropped == 0)
		return (int64_t)status << 32;
	vitals__io[w++] = '{';
	if (ctx->msg_len > 0) {
		memcpy(vitals__io + w, "\"message\":", 10);
		w += 10;
		size_t q = vitals__quote(vitals__io + w, cap - w - 1, vitals__msg, ctx->msg_len);
		if (q == (size_t)-1) { /* cannot happen: see the sizes above */
			memcpy(vitals__io + w, "\"\"", 2);
			q = 2;
		}
		w += q;
	}
	if (ctx->details_len > 0 || ctx->details_dropped > 0) {
		if (w > 1)
			vitals__io[w++] = ',';
		memcpy(vitals__io + w, "\"details\":{", 11);
		w += 11;
		memcpy(vitals__io + w, vitals__details, ctx->details_len);
		w += ctx->details_len;
		if (ctx->details_dropped > 0)
			w += (size_t)snprintf(vitals__io + w, cap - w, "%s\"sdk_error\":\"%d details dropped: they did not fit in %d bytes\"",
			                      ctx->details_len > 0 ? "," : "", ctx->details_dropped, VITALS__DETAILS_SIZE);
		vitals__io[w++] = '}';
	}
	vitals__io[w++] = '}';
	return ((int64_t)status << 32) | (int64_t)w;
}

#endif /* VITALS_PROBE_IMPLEMENTED */
#endif /* VITALS_PROBE_IMPLEMENTATION */
