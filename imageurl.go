package stylegraph

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// PublicHTTPURL reports whether raw is an absolute http(s) URL whose host a
// browser or an image proxy could fetch from the public internet: no user
// info, no IP literal in a private, loopback, link-local, shared or
// multicast range, and no host name that only resolves inside a network
// (single labels, localhost, .local, .internal, numeric "domains" such as
// 0x7f.1). It does not resolve names: a fetcher must check the address it
// connects to as well.
func PublicHTTPURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return publicAddr(ip.Unmap())
	}
	if net.ParseIP(host) != nil || strings.ContainsAny(host, "%[]") {
		return false
	}
	labels := strings.Split(host, ".")
	last := labels[len(labels)-1]
	if len(labels) < 2 || last == "localhost" || last == "local" || last == "internal" || last == "localdomain" || last == "home" || last == "lan" ||
		strings.HasPrefix(last, "0x") || strings.Trim(last, "0123456789") == "" {
		return false
	}
	return true
}

var sharedRanges = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach IPv4 inside
}

func publicAddr(ip netip.Addr) bool {
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range sharedRanges {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
