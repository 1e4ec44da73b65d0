package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestForwardedFor(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tc := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"10.0.0.5:4000", []string{"203.0.113.7"}, "203.0.113.7:0"},
		{"[::1]:4000", []string{"203.0.113.7, 10.0.0.9"}, "203.0.113.7:0"},        // through two proxies
		{"10.0.0.5:4000", []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7:0"}, // a forged first entry is not believed
		{"10.0.0.5:4000", []string{"1.1.1.1", "203.0.113.7"}, "203.0.113.7:0"},    // several header lines
		{"10.0.0.5:4000", []string{"2001:db8::1"}, "[2001:db8::1]:0"},
		{"10.0.0.5:4000", nil, "10.0.0.5:4000"},                           // no header: the proxy itself
		{"10.0.0.5:4000", []string{"10.0.0.7"}, "10.0.0.5:4000"},          // only proxies
		{"10.0.0.5:4000", []string{"203.0.113.7, junk"}, "10.0.0.5:4000"}, // malformed nearest hop
		{"192.0.2.8:4000", []string{"203.0.113.7"}, "192.0.2.8:4000"},     // not a trusted peer
	} {
		var got string
		h := forwardedFor(trusted, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: RemoteAddr %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
	// Without trusted proxies the header is never read.
	var got string
	h := forwardedFor(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.5:4000"
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "10.0.0.5:4000" {
		t.Errorf("no trusted proxies: RemoteAddr %s", got)
	}
}
