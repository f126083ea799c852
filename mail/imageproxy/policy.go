package imageproxy

import "net/netip"

// nonPublic returns the ranges PublicOnly refuses besides what netip's
// predicates already name: shared, reserved, benchmarking and
// documentation space, and the IPv6 prefixes that embed an IPv4 address a
// gateway would reach for us (NAT64, 6to4, Teredo).
func nonPublic() []netip.Prefix {
	return []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"),
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("192.88.99.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("64:ff9b::/96"),
		netip.MustParsePrefix("64:ff9b:1::/48"),
		netip.MustParsePrefix("100::/64"),
		netip.MustParsePrefix("2001::/32"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("2002::/16"),
		netip.MustParsePrefix("fec0::/10"),
	}
}

// PublicOnly is the default destination policy: it allows only global
// unicast addresses on the public internet. Loopback, private (RFC 1918,
// IPv6 unique-local), link-local (cloud metadata services live there),
// multicast, unspecified, shared (CGNAT) and reserved addresses are
// refused, IPv4-mapped IPv6 addresses judged as the IPv4 they carry.
func PublicOnly(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || !addr.IsGlobalUnicast() || addr.IsPrivate() || addr.IsLoopback() ||
		addr.IsLinkLocalUnicast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic() {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}
