package config

import (
	"strings"
	"testing"
	"time"
)

// Addresses that net.SplitHostPort accepts but no server can listen on
// are errors naming the key, as are the server.* and health.grpc.*
// limits out of their bounds.
func TestServerKeyErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"server: {address: '999.1.1.1:99999'}", `server.address: "999.1.1.1:99999": port "99999" is not a number in 0-65535`},
		{"server: {address: '999.1.1.1:80'}", `server.address: "999.1.1.1:80": host "999.1.1.1" is not an IPv4 address`},
		{"server: {address: ':http'}", `server.address: ":http": port "http" is not a number in 0-65535`},
		{"server: {address: 'bad_-.x..y:80'}", `server.address: "bad_-.x..y:80": host "bad_-.x..y" is not a host name`},
		{"server: {address: 'localhost'}", `server.address: "localhost" is not host:port`},
		{"health: {grpc: {address: '1.2.3.4.5:1'}}", `health.grpc.address: "1.2.3.4.5:1": host "1.2.3.4.5" is not an IPv4 address`},
		{"server: {read_header_timeout: 0s}", "server.read_header_timeout: 0s must be positive"},
		{"server: {idle_timeout: 0s}", "server.idle_timeout: 0s must be positive"},
		{"server: {write_timeout: 2h}", "server.write_timeout: 2h0m0s is over 1h0m0s"},
		{"server: {read_timeout: -1s}", `server.read_timeout: "-1s" must not be negative`},
		{"server: {max_header_bytes: 100}", "server.max_header_bytes: 100 is not in 1024-16777216"},
		{"server: {max_connections: -1}", "server.max_connections: -1 is not in 0-1048576"},
		{"server: {max_conns: 1}", "server.max_conns: unknown key"},
		{"health: {grpc: {max_connections: 0}}", "health.grpc.max_connections: 0 is not in 1-1048576"},
		{"health: {grpc: {max_concurrent_streams: 0}}", "health.grpc.max_concurrent_streams: 0 is not in 1-65536"},
	} {
		_, err := Load(LoadOptions{File: writeFile(t, tc.file)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.file, err, tc.want)
		}
	}
}

func TestServerAddressesAccepted(t *testing.T) {
	for _, a := range []string{":8080", "127.0.0.1:0", "[::1]:443", "[fe80::1%eth0]:80", "localhost:65535", "api.example.com:8080", "0.0.0.0:1"} {
		if _, err := Load(LoadOptions{Defaults: map[string]any{"server.address": a}}); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
}

// An app's koanf carries its own server.* keys beside Vitals' ones.
func TestFromKoanfServerKeys(t *testing.T) {
	cfg, err := FromKoanf(koanfOf(t, map[string]any{
		"server.address":             "127.0.0.1:0",
		"server.port":                8080, // the app's own key
		"server.read_header_timeout": "3s",
		"server.max_connections":     500,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Server; s.ReadHeaderTimeout != 3*time.Second || s.MaxConnections != 500 || s.IdleTimeout != 120*time.Second {
		t.Errorf("server = %+v", s)
	}
}
