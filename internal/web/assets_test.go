package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"touchbase/internal/storage/storetest"
)

var assetURL = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

func TestAssets(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.client(t)
	page := c.get("/login")
	urls := assetURL.FindAllStringSubmatch(page.body, -1)
	if len(urls) != 3 || strings.Contains(page.body, `src=""`) || strings.Contains(page.body, `href=""`) {
		t.Fatalf("asset links on the login page: %v", urls)
	}
	for _, m := range urls {
		if !regexp.MustCompile(`^/static/[a-z.]+\.[0-9a-f]{12}\.(css|js)$`).MatchString(m[1]) {
			t.Errorf("asset URL %s carries no checksum", m[1])
		}
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+m[1], nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
			res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s: %d %q %q", m[1], res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Encoding"))
		}
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		if res, err := http.DefaultTransport.RoundTrip(req); err != nil || res.StatusCode != http.StatusNotModified {
			t.Errorf("conditional GET %s: %v %v", m[1], res.StatusCode, err)
		}
	}
	if res := c.get("/static/app.css"); res.status != http.StatusNotFound {
		t.Errorf("unversioned asset: %d", res.status)
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if res := c.get("/no/such/page"); res.status != http.StatusNotFound || !strings.Contains(res.body, "页面不存在") {
		t.Errorf("unknown path: %d", res.status)
	}
}

func TestOversizedForm(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.signedIn(t, e.agent1)
	big := strings.Repeat("x", 2<<20)
	res := c.post("/customers", map[string][]string{"name": {big}})
	if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "文件过大") {
		t.Errorf("2 MB form: %d", res.status)
	}
}
