package outbound_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"touchbase/internal/outbound"
)

func TestPolicyCheck(t *testing.T) {
	for _, tc := range []struct {
		addr          string
		deny, private bool // refused by default / refused only because private
		denyAllowing  bool // refused even with AllowPrivate
	}{
		{"169.254.169.254", true, false, true}, // AWS, GCP, Azure, Tencent metadata
		{"169.254.0.23", true, false, true},
		{"100.100.100.200", true, false, true}, // Alibaba Cloud metadata
		{"fd00:ec2::254", true, false, true},   // AWS IPv6 metadata
		{"192.0.0.192", true, false, true},     // Oracle Cloud metadata
		{"fe80::1", true, false, true},
		{"::ffff:169.254.169.254", true, false, true},
		{"0.0.0.0", true, false, true},
		{"0.1.2.3", true, false, true},
		{"::", true, false, true},
		{"224.0.0.1", true, false, true},
		{"ff02::1", true, false, true},
		{"255.255.255.255", true, false, true},
		{"127.0.0.1", true, true, false},
		{"127.8.9.10", true, true, false},
		{"::1", true, true, false},
		{"::ffff:127.0.0.1", true, true, false},
		{"10.1.2.3", true, true, false},
		{"172.16.0.1", true, true, false},
		{"172.31.255.254", true, true, false},
		{"192.168.1.1", true, true, false},
		{"100.64.0.1", true, true, false},
		{"fc00::1", true, true, false},
		{"fd12:3456::1", true, true, false},
		{"172.32.0.1", false, false, false},
		{"8.8.8.8", false, false, false},
		{"203.0.113.9", false, false, false},
		{"2001:4860:4860::8888", false, false, false},
	} {
		a := netip.MustParseAddr(tc.addr)
		err := outbound.Policy{}.Check(a)
		var be *outbound.BlockedError
		if (err != nil) != tc.deny || (tc.deny && (!errors.As(err, &be) || be.Private != tc.private)) {
			t.Errorf("%s by default: %v, want refused %v (private %v)", tc.addr, err, tc.deny, tc.private)
		}
		if err := (outbound.Policy{AllowPrivate: true}).Check(a); (err != nil) != tc.denyAllowing {
			t.Errorf("%s allowing private networks: %v, want refused %v", tc.addr, err, tc.denyAllowing)
		}
	}
}

// TestClientRefusesInwardAddresses: the check runs when the connection is
// dialled, so a metadata address, a loopback server and a name that
// resolves to loopback are all refused by default; allowing private
// networks opens loopback, never the metadata address.
func TestClientRefusesInwardAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	get := func(p outbound.Policy, url string) error {
		resp, err := outbound.NewClient(p).Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	var be *outbound.BlockedError
	if err := get(outbound.Policy{AllowPrivate: true}, "http://169.254.169.254/latest/meta-data/"); !errors.As(err, &be) || be.Private {
		t.Fatalf("metadata address: %v, want a BlockedError", err)
	}
	if !outbound.Refused(errors.Join(errors.New("x"), be)) {
		t.Fatal("Refused misses a BlockedError")
	}
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, url := range []string{srv.URL, "http://localhost" + port} {
		if err := get(outbound.Policy{}, url); !errors.As(err, &be) || !be.Private ||
			!strings.Contains(err.Error(), "--allow-private-providers") {
			t.Fatalf("%s by default: %v, want a private BlockedError naming the setting", url, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the loopback server was reached %d times", hits.Load())
	}
	if err := get(outbound.Policy{AllowPrivate: true}, srv.URL); err != nil || hits.Load() != 1 {
		t.Fatalf("loopback allowing private networks: %v (hits %d)", err, hits.Load())
	}
}

// TestClientRefusesRedirects: a redirect answer is an error, and the
// request — with its signature header — never reaches the other host.
func TestClientRefusesRedirects(t *testing.T) {
	var other atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	defer target.Close()
	for _, code := range []int{301, 302, 307, 308} {
		redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/steal", code)
		}))
		req, _ := http.NewRequest("POST", redirect.URL, strings.NewReader("{}"))
		req.Header.Set("X-Touchbase-Signature", "sha256=secret")
		resp, err := outbound.NewClient(outbound.Policy{AllowPrivate: true}).Do(req)
		redirect.Close()
		if err == nil {
			resp.Body.Close()
		}
		var re *outbound.RedirectError
		if !errors.As(err, &re) || re.Status != code || re.Host != strings.TrimPrefix(target.URL, "http://") || !outbound.Refused(err) {
			t.Fatalf("%d: %v, want a RedirectError", code, err)
		}
	}
	if other.Load() != 0 {
		t.Fatalf("the redirect target was called %d times", other.Load())
	}
}

func TestSnippet(t *testing.T) {
	long := `{"message":"` + strings.Repeat("错", 100) + `"}`
	for _, tc := range []struct {
		ct, body, want string
	}{
		{"application/json", ` {"code":"bad"} `, `{"code":"bad"}`},
		{"application/problem+json; charset=utf-8", `{"title":"x"}`, `{"title":"x"}`},
		{"", `{"code":1}`, `{"code":1}`},
		{"", `<html>internal admin</html>`, ""},
		{"text/html", `<html><body>root:x:0:0</body></html>`, ""},
		{"text/plain", `ami-id instance-id`, ""},
		{"application/json", long, long[:198] + "…"}, // cut on a rune boundary
	} {
		h := http.Header{}
		if tc.ct != "" {
			h.Set("Content-Type", tc.ct)
		}
		if got := outbound.Snippet(h, []byte(tc.body)); got != tc.want {
			t.Errorf("Snippet(%q, %.40q) = %q, want %q", tc.ct, tc.body, got, tc.want)
		}
	}
	if got := outbound.Unreadable(http.Header{"Content-Type": {"text/html"}}, []byte("<p>secret</p>")); got != "unreadable answer" {
		t.Errorf("Unreadable of HTML: %q", got)
	}
}

// clientUse finds a client built or the default one used ("*http.Client{"
// is a type, in a map literal).
var clientUse = regexp.MustCompile(`(?:^|[^*\w])http\.Client\{|http\.DefaultClient|http\.(?:Get|Post|PostForm|Head)\(`)

// TestOneConstructor: no other package of the product builds an HTTP
// client or uses the default one, so every call out keeps to the policy.
// (The healthcheck command calls the server itself; test fakes are not
// the product.)
func TestOneConstructor(t *testing.T) {
	allowed := map[string]bool{"outbound/outbound.go": true, "cli/healthcheck.go": true}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
		if d.IsDir() && rel == "testutil" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || allowed[rel] {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := clientUse.FindString(string(b)); m != "" {
			t.Errorf("%s uses %q: build clients with outbound.NewClient", rel, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
