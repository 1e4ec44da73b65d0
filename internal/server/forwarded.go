package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// forwardedFor gives a request that came through a trusted reverse proxy
// the client's address as its RemoteAddr: the rightmost X-Forwarded-For
// entry that is not itself a trusted proxy. The header of a request from
// anywhere else is ignored, so a client cannot choose the address that
// login throttling counts.
func forwardedFor(trusted []netip.Prefix, next http.Handler) http.Handler {
	if len(trusted) == 0 {
		return next
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if peer, ok := parseAddr(r.RemoteAddr); ok && isTrusted(peer) {
			if client, ok := clientOf(r.Header.Values("X-Forwarded-For"), isTrusted); ok {
				r2 := new(http.Request)
				*r2 = *r
				r2.RemoteAddr = net.JoinHostPort(client.String(), "0")
				r = r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientOf walks X-Forwarded-For from the nearest hop back and returns the
// first address that is not a trusted proxy; a malformed entry ends the
// walk with nothing.
func clientOf(headers []string, isTrusted func(netip.Addr) bool) (netip.Addr, bool) {
	hops := strings.Split(strings.Join(headers, ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(strings.TrimSpace(hops[i]))
		if !ok {
			return netip.Addr{}, false
		}
		if !isTrusted(a) {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// parseAddr reads "1.2.3.4", "1.2.3.4:5678", "::1" or "[::1]:5678".
func parseAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(s)
	return a.Unmap(), err == nil
}
