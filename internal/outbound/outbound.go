// Package outbound builds the one HTTP client every provider, group bot
// and WeCom call goes out through, so a URL an admin types in cannot turn
// the server against its own network: redirects are never followed (a
// signed request never reaches a second host), the address of every
// connection is checked when it is dialled (after DNS, so a name that
// resolves inward is caught too), and only short JSON answers make it into
// error details.
package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Policy says where outbound calls may go.
type Policy struct {
	// AllowPrivate lets calls reach loopback and private networks (10/8,
	// 172.16/12, 192.168/16, 100.64/10, fc00::/7, 127/8, ::1): an
	// on-premises provider, the demo's simulated ones, tests' fakes.
	// Link-local, cloud metadata, unspecified and multicast addresses
	// stay refused.
	AllowPrivate bool
	// Timeout bounds one call (0: 30 s).
	Timeout time.Duration
}

// DefaultTimeout bounds one call when the policy sets none.
const DefaultTimeout = 30 * time.Second

// BlockedError refuses a connection to an address the policy forbids.
type BlockedError struct {
	Addr netip.Addr
	// Private is set when the address is only refused because private
	// networks are not allowed.
	Private bool
}

// Error names the address and, for a private one, the setting that
// allows it.
func (e *BlockedError) Error() string {
	if e.Private {
		return fmt.Sprintf("outbound: %s is in a private network; allow private providers (--allow-private-providers) to reach it", e.Addr)
	}
	return fmt.Sprintf("outbound: %s is a link-local, metadata, multicast or unspecified address, never reached", e.Addr)
}

// RedirectError is a redirect answer, returned as an error rather than
// followed.
type RedirectError struct {
	Status int
	// Host is the host the answer pointed to ("" when it named none).
	Host string
}

// Error names the status and the host.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("outbound: answered with a redirect (HTTP %d to %q), which is not followed", e.Status, e.Host)
}

// NewClient returns an HTTP client keeping to p: connections only to
// addresses p allows, no redirects, p's timeout. Every call of the
// process should go through a client made here; wrap its Transport (for
// metrics) rather than building another.
func NewClient(p Policy) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: Control(p)}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = d.DialContext
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{Transport: t, Timeout: timeout, CheckRedirect: refuseRedirect}
}

// refuseRedirect stops at the first redirect: its answer becomes a
// RedirectError, and nothing is sent to where it points.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	e := &RedirectError{Host: req.URL.Host}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	return e
}

// Control is a net.Dialer Control function that refuses the addresses p
// forbids. It sees the address actually dialled, after name resolution.
func Control(p Policy) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("outbound: unexpected address %q: %w", address, err)
		}
		return p.Check(ap.Addr())
	}
}

// Check returns a *BlockedError when p forbids a.
func (p Policy) Check(a netip.Addr) error {
	a = a.Unmap()
	switch {
	case never(a):
		return &BlockedError{Addr: a}
	case private(a) && !p.AllowPrivate:
		return &BlockedError{Addr: a, Private: true}
	}
	return nil
}

// metadata are cloud instance-metadata endpoints outside link-local:
// Alibaba Cloud's, AWS's IPv6 one and Oracle Cloud's.
var metadata = []netip.Prefix{
	netip.MustParsePrefix("100.100.100.200/32"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
	netip.MustParsePrefix("192.0.0.192/32"),
}

// privateNets are the ranges only AllowPrivate opens.
var privateNets = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("fc00::/7"),
}

// never reports the addresses no policy reaches.
func never(a netip.Addr) bool {
	if !a.IsValid() || a.IsUnspecified() || a.IsLinkLocalUnicast() || a.IsMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsLinkLocalMulticast() {
		return true
	}
	if a.Is4() && (a.As4()[0] == 0 || a == netip.AddrFrom4([4]byte{255, 255, 255, 255})) {
		return true // 0.0.0.0/8 "this network", the broadcast address
	}
	return inAny(metadata, a)
}

// private reports loopback and private-network addresses.
func private(a netip.Addr) bool {
	return a.IsLoopback() || inAny(privateNets, a)
}

func inAny(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Refused reports whether err is a call this package refused (a blocked
// address or a redirect): a setting to fix, not a failure that goes away
// when retried.
func Refused(err error) bool {
	var b *BlockedError
	var r *RedirectError
	return errors.As(err, &b) || errors.As(err, &r)
}
