package wasmprobe

import (
	"net"
	"net/netip"
)

// addrClass is what the host makes of an address a granted host name
// resolved to.
type addrClass uint8

const (
	// addrPublic is globally reachable: dialed.
	addrPublic addrClass = iota
	// addrPrivate is not globally reachable (loopback, link-local, private,
	// shared, documentation, benchmarking, …): dialed only with
	// allow_private.
	addrPrivate
	// addrNever is never dialed for a host name: unspecified, "this
	// network", multicast, broadcast and reserved addresses.
	addrNever
)

// embedding says where a prefix carries an IPv4 address that the host
// judges in its place.
type embedding uint8

const (
	embedNone   embedding = iota
	embedLow32            // the last 32 bits (IPv4-mapped, IPv4-compatible, NAT64)
	embed6to4             // bits 16..47 (RFC 3056)
	embedTeredo           // server bits 32..63, client the inverted last 32 bits (RFC 4380)
)

// specialPrefix is one entry of the special-purpose address table.
type specialPrefix struct {
	prefix netip.Prefix
	class  addrClass
	embed  embedding
}

func sp(s string, c addrClass) specialPrefix {
	return specialPrefix{prefix: netip.MustParsePrefix(s), class: c}
}

func spEmbed(s string, c addrClass, e embedding) specialPrefix {
	return specialPrefix{prefix: netip.MustParsePrefix(s), class: c, embed: e}
}

// specialPrefixes is the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890 and their updates), plus multicast and the
// deprecated site-local and IPv4-compatible ranges, as an explicit list.
// The longest matching prefix decides. An entry whose registry row says
// "globally reachable: true" is listed only where it carves an exception
// out of a larger non-global block. Where a prefix embeds an IPv4 address
// (mapped, compatible, NAT64, 6to4, Teredo), the embedded address is judged
// too and the worse class wins, so ::ffff:127.0.0.1 or 2002:7f00:1:: is
// loopback, not public.
func specialPrefixes() []specialPrefix {
	return []specialPrefix{
		// IPv4
		sp("0.0.0.0/8", addrNever),          // "this network" (RFC 791); 0.0.0.0 reaches the local host
		sp("10.0.0.0/8", addrPrivate),       // private-use (RFC 1918)
		sp("100.64.0.0/10", addrPrivate),    // shared address space, carrier-grade NAT (RFC 6598)
		sp("127.0.0.0/8", addrPrivate),      // loopback (RFC 1122)
		sp("169.254.0.0/16", addrPrivate),   // link-local, cloud metadata 169.254.169.254 (RFC 3927)
		sp("172.16.0.0/12", addrPrivate),    // private-use (RFC 1918)
		sp("192.0.0.0/24", addrPrivate),     // IETF protocol assignments (RFC 6890), among them DS-Lite 192.0.0.0/29, 192.0.0.8/32, NAT64 discovery 192.0.0.170-171
		sp("192.0.0.9/32", addrPublic),      // port control protocol anycast (RFC 7723): globally reachable
		sp("192.0.0.10/32", addrPublic),     // traversal using relays around NAT anycast (RFC 8155): globally reachable
		sp("192.0.2.0/24", addrPrivate),     // documentation TEST-NET-1 (RFC 5737)
		sp("192.88.99.0/24", addrPrivate),   // deprecated 6to4 relay anycast (RFC 7526)
		sp("192.168.0.0/16", addrPrivate),   // private-use (RFC 1918)
		sp("198.18.0.0/15", addrPrivate),    // benchmarking (RFC 2544)
		sp("198.51.100.0/24", addrPrivate),  // documentation TEST-NET-2 (RFC 5737)
		sp("203.0.113.0/24", addrPrivate),   // documentation TEST-NET-3 (RFC 5737)
		sp("224.0.0.0/4", addrNever),        // multicast (RFC 5771)
		sp("240.0.0.0/4", addrNever),        // reserved (RFC 1112)
		sp("255.255.255.255/32", addrNever), // limited broadcast (RFC 919)

		// IPv6
		sp("::/128", addrNever),                          // unspecified (RFC 4291)
		sp("::1/128", addrPrivate),                       // loopback (RFC 4291)
		spEmbed("::/96", addrPrivate, embedLow32),        // deprecated IPv4-compatible (RFC 4291)
		spEmbed("::ffff:0:0/96", addrPublic, embedLow32), // IPv4-mapped (RFC 4291): the IPv4 address decides
		spEmbed("64:ff9b::/96", addrPublic, embedLow32),  // NAT64 well-known prefix (RFC 6052): the IPv4 address decides
		sp("64:ff9b:1::/48", addrPrivate),                // NAT64 local-use prefix (RFC 8215)
		sp("100::/64", addrPrivate),                      // discard-only (RFC 6666)
		sp("100:0:0:1::/64", addrPrivate),                // dummy IPv6 prefix (RFC 9780)
		sp("2001::/23", addrPrivate),                     // IETF protocol assignments (RFC 2928)
		spEmbed("2001::/32", addrPublic, embedTeredo),    // Teredo (RFC 4380): server and client IPv4 decide
		sp("2001:1::1/128", addrPublic),                  // port control protocol anycast (RFC 7723)
		sp("2001:1::2/128", addrPublic),                  // traversal using relays around NAT anycast (RFC 8155)
		sp("2001:1::3/128", addrPublic),                  // DNS-SD service registration protocol anycast (RFC 9665)
		sp("2001:2::/48", addrPrivate),                   // benchmarking (RFC 5180)
		sp("2001:3::/32", addrPublic),                    // AMT (RFC 7450)
		sp("2001:4:112::/48", addrPublic),                // AS112-v6 (RFC 7535)
		sp("2001:10::/28", addrPrivate),                  // deprecated ORCHID (RFC 4843)
		sp("2001:20::/28", addrPublic),                   // ORCHIDv2 (RFC 7343)
		sp("2001:30::/28", addrPublic),                   // drone remote ID ORCHIDv2 (RFC 9374)
		sp("2001:db8::/32", addrPrivate),                 // documentation (RFC 3849)
		spEmbed("2002::/16", addrPublic, embed6to4),      // 6to4 (RFC 3056): the IPv4 address decides
		sp("3fff::/20", addrPrivate),                     // documentation (RFC 9637)
		sp("5f00::/16", addrPrivate),                     // segment routing SIDs (RFC 9602)
		sp("fc00::/7", addrPrivate),                      // unique local (RFC 4193)
		sp("fe80::/10", addrPrivate),                     // link-local unicast (RFC 4291)
		sp("fec0::/10", addrPrivate),                     // deprecated site-local (RFC 3879)
		sp("ff00::/8", addrNever),                        // multicast (RFC 4291)
	}
}

// addrFilter classifies addresses by specialPrefixes. It is built once per
// Provider and read-only after.
type addrFilter struct {
	v4, v6 []specialPrefix
}

func newAddrFilter() *addrFilter {
	f := &addrFilter{}
	for _, p := range specialPrefixes() {
		if p.prefix.Addr().Is4() {
			f.v4 = append(f.v4, p)
		} else {
			f.v6 = append(f.v6, p)
		}
	}
	return f
}

// classify returns the class of a: that of the longest matching prefix, or
// public; for a prefix that embeds IPv4 addresses, the worst of its own
// class and theirs.
func (f *addrFilter) classify(a netip.Addr) addrClass {
	if !a.IsValid() {
		return addrNever
	}
	table := f.v6
	if a.Is4() {
		table = f.v4
	}
	best := -1
	for i, p := range table {
		if p.prefix.Contains(a) && (best < 0 || p.prefix.Bits() > table[best].prefix.Bits()) {
			best = i
		}
	}
	if best < 0 {
		return addrPublic
	}
	p := table[best]
	c := p.class
	b := a.As16()
	v4 := func(x []byte) netip.Addr { return netip.AddrFrom4([4]byte(x)) }
	switch p.embed {
	case embedLow32:
		c = max(c, f.classify(v4(b[12:16])))
	case embed6to4:
		c = max(c, f.classify(v4(b[2:6])))
	case embedTeredo:
		client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
		c = max(c, f.classify(v4(b[4:8])), f.classify(netip.AddrFrom4(client)))
	}
	return c
}

// usable reports whether an address a granted host name resolved to may be
// dialed.
func (f *addrFilter) usable(ip net.IP, allowPrivate bool) bool {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return false
	}
	switch f.classify(a.Unmap()) {
	case addrPublic:
		return true
	case addrPrivate:
		return allowPrivate
	}
	return false
}
