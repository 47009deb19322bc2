package wasmprobe

import (
	"net"
	"testing"
)

// TestSpecialPurposeAddresses checks the address filter of host-name grants
// against the IANA special-purpose registries, embedded IPv4 addresses
// included. It classifies addresses only: nothing is dialed.
func TestSpecialPurposeAddresses(t *testing.T) {
	for _, tc := range []struct {
		addr             string
		usable, withPriv bool // without and with allow_private
	}{
		// IPv4 registry
		{"0.1.2.3", false, false},   // "this network"
		{"100.64.0.1", false, true}, // shared address space (CGN)
		{"100.127.255.254", false, true},
		{"100.128.0.1", true, true},  // just past 100.64.0.0/10
		{"192.0.0.1", false, true},   // IETF protocol assignments
		{"192.0.0.9", true, true},    // PCP anycast, globally reachable
		{"192.0.0.170", false, true}, // NAT64 discovery
		{"192.0.2.1", false, true},   // TEST-NET-1
		{"192.88.99.1", false, true}, // 6to4 relay anycast
		{"198.18.0.1", false, true},  // benchmarking
		{"198.19.255.255", false, true},
		{"198.20.0.1", true, true},
		{"198.51.100.1", false, true}, // TEST-NET-2
		{"203.0.113.1", false, true},  // TEST-NET-3
		{"240.0.0.1", false, false},   // reserved
		{"255.255.255.255", false, false},
		{"224.0.0.1", false, false},
		{"127.0.0.1", false, true},
		{"169.254.169.254", false, true},
		{"8.8.8.8", true, true},
		// IPv6 registry
		{"::", false, false},
		{"::1", false, true},
		{"::ffff:100.64.0.1", false, true}, // IPv4-mapped: the IPv4 address decides
		{"::ffff:8.8.8.8", true, true},
		{"::7f00:1", false, true},           // IPv4-compatible ::127.0.0.1
		{"::808:808", false, true},          // IPv4-compatible is deprecated: never public
		{"64:ff9b::7f00:1", false, true},    // NAT64 of 127.0.0.1
		{"64:ff9b::a00:1", false, true},     // NAT64 of 10.0.0.1
		{"64:ff9b::6440:1", false, true},    // NAT64 of 100.64.0.1
		{"64:ff9b::e000:1", false, false},   // NAT64 of multicast 224.0.0.1
		{"64:ff9b::808:808", true, true},    // NAT64 of a public address
		{"64:ff9b:1::808:808", false, true}, // NAT64 local-use prefix
		{"2002:7f00:1::", false, true},      // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::1", false, true},  // 6to4 of 169.254.169.254
		{"2002:0:0::1", false, false},       // 6to4 of 0.0.0.0
		{"2002:808:808::1", true, true},     // 6to4 of a public address
		// Teredo 2001:0:<server>:<flags>:<port>:<client inverted>
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", false, true},  // client 127.0.0.1
		{"2001:0:a00:1:8000:63bf:f7f7:f7f7", false, true},      // server 10.0.0.1
		{"2001:0:4136:e378:8000:63bf:1fff:fffe", false, false}, // client 224.0.0.1
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", true, true},   // both public
		{"2001:1::1", true, true},                              // PCP anycast
		{"2001:2::1", false, true},                             // benchmarking
		{"2001:20::1", true, true},                             // ORCHIDv2
		{"2001:100::1", false, true},                           // rest of 2001::/23
		{"2001:200::1", true, true},                            // past 2001::/23
		{"2001:db8::1", false, true},                           // documentation
		{"3fff::1", false, true},                               // documentation
		{"100::1", false, true},                                // discard-only
		{"5f00::1", false, true},                               // SRv6 SIDs
		{"fc00::1", false, true},
		{"fd00::1", false, true},
		{"fe80::1", false, true},
		{"fec0::1", false, true}, // site-local
		{"ff02::1", false, false},
		{"2606:4700::1111", true, true},
	} {
		ip := net.ParseIP(tc.addr)
		if ip == nil {
			t.Fatalf("bad test address %s", tc.addr)
		}
		for _, priv := range []bool{false, true} {
			want := tc.usable
			if priv {
				want = tc.withPriv
			}
			ips, _ := newAddrFilter().usableIPs([]net.IPAddr{{IP: ip}}, priv)
			if got := len(ips) == 1; got != want {
				t.Errorf("%s with allow_private=%v: usable %v, want %v", tc.addr, priv, got, want)
			}
		}
	}
}
