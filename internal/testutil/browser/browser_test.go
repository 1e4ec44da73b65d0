package browser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testPage is a small contact form: the button writes what was filled into
// #result, the "delete" button asks for confirmation and answers later, and
// #later appears a moment after load.
const testPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Harness</title></head>
<body>
<form id="contact" onsubmit="return false">
  <label>Name <input id="name" name="name" value="prefilled"></label>
  <label>Summary <textarea id="summary"></textarea></label>
  <label>Channel <select id="channel">
    <option value="sms">SMS</option>
    <option value="email">Email</option>
  </select></label>
  <label>Due <input id="due" type="date"></label>
  <label>At <input id="at" type="datetime-local" step="1"></label>
  <label><input id="urgent" type="checkbox"> Urgent</label>
  <button id="send" type="button">Send</button>
  <button id="delete" type="button">Delete</button>
</form>
<p id="result">not sent</p>
<p id="deleted"></p>
<div id="spinner" hidden>Working…</div>
<div id="later" hidden>loaded later</div>
<script>
  window.nameChanges = 0;
  const $ = id => document.getElementById(id);
  $("name").addEventListener("change", () => window.nameChanges++);
  $("send").addEventListener("click", () => {
    $("result").textContent = "sent to " + $("name").value + " by " + $("channel").value +
      " due " + $("due").value + (" urgent=" + $("urgent").checked) + ": " + $("summary").value;
  });
  $("delete").addEventListener("click", () => {
    if (!confirm("Delete this plan?")) return;
    $("spinner").hidden = false;
    setTimeout(() => { $("spinner").hidden = true; $("deleted").textContent = "plan deleted"; }, 200);
  });
  setTimeout(() => { $("later").hidden = false; }, 200);
  console.log("page ready");
</script>
</body>
</html>`

func serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, testPage)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFormAndButton(t *testing.T) {
	b := New(t)
	srv := serve(t)

	if status := b.Visit(srv.URL+"/", "#later"); status != http.StatusOK {
		t.Fatalf("Visit: status %d, want 200", status)
	}
	if got := b.Text("#result"); got != "not sent" {
		t.Fatalf("before sending, #result = %q", got)
	}

	b.Fill("#name", "王小明 O'Neil")
	b.Fill("#summary", "Called about renewal.\nWill follow up.")
	b.Fill("#channel", "Email") // by visible text
	b.Fill("#due", "2026-03-01")
	b.Fill("#at", "2026-03-01T09:30:00") // zero seconds, which the browser drops
	if got := b.Value("#at"); got != "2026-03-01T09:30" {
		t.Errorf("Value(#at) = %q, want 2026-03-01T09:30", got)
	}
	b.Check("#urgent", true)
	b.Check("#urgent", true) // already checked: no click

	if got := b.Value("#name"); got != "王小明 O'Neil" {
		t.Errorf("Value(#name) = %q: the prefilled value was not replaced", got)
	}
	if n := Eval[int](b, "window.nameChanges"); n != 1 {
		t.Errorf("name field fired %d change events, want 1", n)
	}

	b.Click("#send")
	want := "sent to 王小明 O'Neil by email due 2026-03-01 urgent=true: Called about renewal. Will follow up."
	got := b.WaitText("#result", "sent to")
	if strings.Join(strings.Fields(got), " ") != want {
		t.Errorf("after Send, #result = %q, want %q", got, want)
	}

	b.Fill("#channel", "sms") // by value
	b.Check("#urgent", false)
	b.Fill("#name", "")
	b.Click("#send")
	b.WaitText("#result", "urgent=false")
	if got := strings.Join(strings.Fields(b.Text("#result")), " "); !strings.HasPrefix(got, "sent to by sms due 2026-03-01 urgent=false") {
		t.Errorf("after the second Send, #result = %q", got)
	}

	if n := b.Count("#contact input"); n != 4 {
		t.Errorf("Count(#contact input) = %d, want 4", n)
	}
	if u := b.URL(); u != srv.URL+"/" {
		t.Errorf("URL() = %q, want %q", u, srv.URL+"/")
	}
	if html := b.HTML(); !strings.Contains(html, `<p id="result">sent to`) {
		t.Errorf("HTML() does not show the current DOM:\n%s", html)
	}
	if c := b.Console(); len(c) == 0 || !strings.Contains(strings.Join(c, "\n"), "page ready") {
		t.Errorf("Console() = %q, want the page's log line", c)
	}
	if title := Run(b, chromedp.Title()); title != "Harness" {
		t.Errorf("Run(Title) = %q", title)
	}
}

func TestDialogAndAsyncUpdate(t *testing.T) {
	b := New(t)
	srv := serve(t)
	b.Visit(srv.URL, "#delete")

	b.Click("#delete")
	b.WaitText("#deleted", "plan deleted")
	b.WaitGone("#spinner")
	if d := b.Dialogs(); len(d) != 1 || d[0] != "confirm: Delete this plan?" {
		t.Errorf("Dialogs() = %q, want the accepted confirm", d)
	}

	if status := b.Visit(srv.URL+"/missing", ""); status != http.StatusNotFound {
		t.Errorf("Visit(/missing) status = %d, want 404", status)
	}
}

// recorder is a testing.TB that keeps what the harness reports, so the
// failure path can be tested without failing this test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	logs   []string
	fatal  string
	failed bool
}

type fatalSignal struct{}

func (r *recorder) Log(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprint(args...))
}

func (r *recorder) Logf(format string, args ...any) { r.Log(fmt.Sprintf(format, args...)) }

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.failed = true
	r.fatal = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	panic(fatalSignal{})
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.logs, "\n")
}

// expectFatal runs f and reports whether it stopped with Fatalf.
func expectFatal(f func()) (fataled bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(fatalSignal); !ok {
				panic(v)
			}
			fataled = true
		}
	}()
	f()
	return false
}

var screenshotLine = regexp.MustCompile(`screenshot: (\S+\.png)`)

// checkReport checks the report in log; the screenshot file is read only
// when readShot is set, since it lives in a temporary directory of the test
// that wrote it.
func checkReport(t *testing.T, log string, readShot bool) {
	t.Helper()
	m := screenshotLine.FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("report names no screenshot:\n%s", log)
	}
	if readShot {
		png, err := os.ReadFile(m[1])
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("screenshot %s is not a PNG", m[1])
		}
	}
	for _, want := range []string{"url: http://", "page ready", `<p id="result">not sent</p>`} {
		if !strings.Contains(log, want) {
			t.Errorf("report lacks %q:\n%s", want, log)
		}
	}
}

// TestHelperFailureReports checks that a helper that cannot do its step
// fails the test within the timeout, after a screenshot and the page HTML.
func TestHelperFailureReports(t *testing.T) {
	rec := &recorder{TB: t}
	b := New(rec, WithTimeout(2*time.Second))
	srv := serve(t)
	b.Visit(srv.URL, "#send")

	start := time.Now()
	if !expectFatal(func() { b.Click("#no-such-button") }) {
		t.Fatal("Click on a missing element did not fail the test")
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("the failing Click took %v, past its 2 s timeout", took)
	}
	if !strings.Contains(rec.fatal, `click "#no-such-button"`) || !strings.Contains(rec.fatal, "timeout of 2s ran out") {
		t.Errorf("failure message = %q", rec.fatal)
	}
	checkReport(t, rec.log(), true)

	// The report is written once, not again by the cleanup.
	n := strings.Count(rec.log(), "browser report")
	if n != 1 {
		t.Errorf("%d reports, want 1", n)
	}
}

// TestFailedTestReports checks that a test failing by its own assertion
// gets the report when it ends.
func TestFailedTestReports(t *testing.T) {
	Require(t)
	rec := &recorder{}
	t.Run("inner", func(t *testing.T) {
		rec.TB = t
		b := New(rec)
		b.Visit(serve(t).URL, "#send")
		rec.Errorf("an assertion of the test failed")
	})
	log := rec.log()
	if !strings.Contains(log, "browser report (test failed)") {
		t.Fatalf("no report after the test failed:\n%s", log)
	}
	checkReport(t, log, false)
}

// TestArtifactsDir checks that screenshots outlive the test when
// TOUCHBASE_BROWSER_ARTIFACTS names a directory.
func TestArtifactsDir(t *testing.T) {
	Require(t)
	dir := t.TempDir()
	t.Setenv(ArtifactsEnvVar, dir)
	var path string
	t.Run("inner", func(t *testing.T) {
		b := New(t)
		b.Visit(serve(t).URL, "#send")
		p, err := b.Screenshot("after visit")
		if err != nil {
			t.Fatal(err)
		}
		path = p
	})
	if !strings.HasPrefix(path, dir+string(os.PathSeparator)) || !strings.HasSuffix(path, "after_visit.png") {
		t.Fatalf("Screenshot saved to %q, want a file under %s", path, dir)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("screenshot gone after the test: %v", err)
	}
}

func TestFindExec(t *testing.T) {
	installed := func(names ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			for _, n := range names {
				if n == name {
					if strings.HasPrefix(n, "/") {
						return n, nil
					}
					return "/opt/bin/" + n, nil
				}
			}
			return "", errors.New("not found")
		}
	}
	for _, tc := range []struct {
		env       string
		installed []string
		want      string
		wantErr   bool
	}{
		{"", nil, "", false},
		{"", []string{"google-chrome", "chromium-browser"}, "/opt/bin/chromium-browser", false},
		{"", []string{"google-chrome", "chromium"}, "/opt/bin/chromium", false},
		{"", []string{"/usr/bin/chromium"}, "/usr/bin/chromium", false},
		{"/custom/chrome", []string{"/custom/chrome", "chromium"}, "/custom/chrome", false},
		{"/missing/chrome", []string{"chromium"}, "", true},
	} {
		got, err := findExec(tc.env, installed(tc.installed...))
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("findExec(%q, %v) = %q, %v; want %q (error: %v)", tc.env, tc.installed, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"TestX/sub case#01": "TestX_sub_case_01",
		"":                  "page",
		"../../etc":         ".._.._etc",
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}
