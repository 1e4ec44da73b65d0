// Package browser drives a headless Chromium from tests, through chromedp.
//
// New starts a fresh browser for one test and returns a *Browser whose
// helpers read like the steps a user takes:
//
//	b := browser.New(t)
//	b.Visit(srv.URL+"/login", "form#login")
//	b.Fill("#email", "rep@example.com")
//	b.Fill("#password", "secret")
//	b.Click("button[type=submit]")
//	b.WaitText("h1", "Contact plans")
//
// Selectors are CSS selectors. Every helper fails the test (t.Fatalf) when it
// cannot do its step within the per-test timeout (60 s unless WithTimeout
// says otherwise). When the test fails, for any reason, the harness saves a
// screenshot, logs its path, and writes the page URL, the browser console and
// the page HTML into the test log, so a failure in CI can be understood from
// the log alone.
//
// The browser is found through TOUCHBASE_CHROMIUM, then chromium,
// chromium-browser or google-chrome on PATH, then /usr/bin/chromium. When
// there is none the test is skipped with a message that says so; .ci/run
// installs Chromium, so CI never skips.
//
// Screenshots go to t.TempDir(), which is removed when the test ends; set
// TOUCHBASE_BROWSER_ARTIFACTS to a directory to keep them.
//
// Each browser runs headless with a fresh temporary profile and is stopped,
// and its profile removed, when the test ends. JavaScript dialogs (alert,
// confirm, prompt) are accepted automatically and recorded; see Dialogs.
package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// EnvVar names the environment variable that points at the browser
// executable. .ci/run sets it.
const EnvVar = "TOUCHBASE_CHROMIUM"

// ArtifactsEnvVar names an optional environment variable: a directory where
// screenshots are kept after the test ends. Without it they are written to
// the test's t.TempDir(), which `go test` removes when the test ends.
const ArtifactsEnvVar = "TOUCHBASE_BROWSER_ARTIFACTS"

// DefaultTimeout bounds everything one test does with its browser.
const DefaultTimeout = 60 * time.Second

// startTimeout bounds the start of the browser process.
const startTimeout = 30 * time.Second

// dumpTimeout bounds the collection of failure diagnostics.
const dumpTimeout = 10 * time.Second

// maxHTMLLog is how much of the page HTML a failure writes into the log.
const maxHTMLLog = 64 << 10

// maxConsole is how many console messages the harness keeps for the log.
const maxConsole = 200

// candidates are the executables looked up on PATH, in order, when
// TOUCHBASE_CHROMIUM is not set.
var candidates = []string{"chromium", "chromium-browser", "google-chrome"}

// fallbackPath is used when no candidate is on PATH.
const fallbackPath = "/usr/bin/chromium"

// ExecPath returns the browser executable the harness would start. It
// returns "" and no error when no browser is installed, and an error when
// TOUCHBASE_CHROMIUM names something that is not an executable.
func ExecPath() (string, error) {
	return findExec(os.Getenv(EnvVar), exec.LookPath)
}

// findExec implements ExecPath with the environment and PATH lookup passed in.
func findExec(env string, lookPath func(string) (string, error)) (string, error) {
	if env = strings.TrimSpace(env); env != "" {
		p, err := lookPath(env)
		if err != nil {
			return "", fmt.Errorf("%s=%q: %w", EnvVar, env, err)
		}
		return p, nil
	}
	for _, name := range candidates {
		if p, err := lookPath(name); err == nil {
			return p, nil
		}
	}
	if p, err := lookPath(fallbackPath); err == nil {
		return p, nil
	}
	return "", nil
}

// Require returns the browser executable, skips t with a one-line reason
// when no browser is installed, and fails t when TOUCHBASE_CHROMIUM names
// something that is not an executable. A test that runs the browser in
// subtests calls it first, so that it skips rather than checks the outcome
// of a subtest that never ran.
func Require(t testing.TB) string {
	t.Helper()
	path, err := ExecPath()
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if path == "" {
		t.Skipf("browser: no Chromium found (set %s, or install chromium); skipping browser test", EnvVar)
	}
	return path
}

// Option changes how New sets up the browser.
type Option func(*config)

type config struct {
	timeout       time.Duration
	width, height int
}

// WithTimeout replaces DefaultTimeout: the time after which every helper
// fails. It is capped by the deadline of `go test -timeout`, minus a margin
// for the failure report.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// minWindowWidth is the narrowest window Chromium opens; a narrower size
// is emulated as a mobile viewport.
const minWindowWidth = 500

// WithWindowSize sets the size of the browser window in CSS pixels; the
// default is 1280×900. Below 500 px wide it emulates a phone's viewport
// (mobile, touch, the page's viewport meta honoured).
func WithWindowSize(width, height int) Option {
	return func(c *config) { c.width, c.height = width, height }
}

// Browser is one headless browser tab owned by one test. Its methods must be
// called from the test's goroutine, as t.Fatalf requires.
type Browser struct {
	t        testing.TB
	ctx      context.Context // the tab, with the per-test deadline
	tab      context.Context // the tab, without the deadline: for diagnostics
	timeout  time.Duration
	dir      string
	execPath string

	mu      sync.Mutex
	console []string
	dialogs []string
	shots   int
	dumped  bool
}

// New starts a headless browser for t and returns its tab. It skips t when
// no browser is installed and fails t when the browser does not start. The
// browser is stopped when t ends; if t failed, a screenshot, the console and
// the page HTML are written to the log first.
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	cfg := config{timeout: DefaultTimeout, width: 1280, height: 900}
	for _, o := range opts {
		o(&cfg)
	}

	path := Require(t)

	// Registered first so it is removed last, after the failure report
	// wrote screenshots into it.
	dir := t.TempDir()
	if keep := os.Getenv(ArtifactsEnvVar); keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatalf("browser: %s: %v", ArtifactsEnvVar, err)
		}
		var err error
		if dir, err = os.MkdirTemp(keep, fileName(t.Name())+"-"); err != nil {
			t.Fatalf("browser: %s: %v", ArtifactsEnvVar, err)
		}
	}

	b := &Browser{t: t, timeout: cfg.timeout, dir: dir, execPath: path}
	output := &tailBuffer{max: 16 << 10}
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.CombinedOutput(output),
		// No UserDataDir: the allocator makes a fresh temporary profile
		// for each browser and removes it, after killing any helper
		// process still using it, when the browser stops.
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	tab, cancelTab := chromedp.NewContext(allocCtx)

	// The first Do binds the browser's life to the context it is given, so
	// it gets the tab context itself, not one with a deadline; a slow start
	// is bounded by the select instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tab) }()
	var err error
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no answer after %v", startTimeout)
	}
	if err == nil && cfg.width < minWindowWidth {
		// Chromium keeps a window at least 500 px wide; a phone's
		// viewport is emulated instead, as its device toolbar does.
		err = chromedp.Do(tab, chromedp.EmulateViewport(int64(cfg.width), int64(cfg.height), chromedp.EmulateMobile))
	}
	if err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("browser: start %s: %v\nbrowser output:\n%s", path, err, output.String())
	}

	var wg sync.WaitGroup
	wg.Go(func() { b.collectConsole(tab) })
	wg.Go(func() { b.acceptDialogs(tab) })

	t.Cleanup(func() {
		// Close the browser gracefully, then make sure it is gone and its
		// profile removed.
		ctx, cancel := context.WithTimeout(tab, 10*time.Second)
		_ = chromedp.Cancel(ctx)
		cancel()
		cancelTab()
		cancelAlloc() // waits for the process and removes the profile
		wg.Wait()
	})

	deadline := time.Now().Add(cfg.timeout)
	if d, ok := testDeadline(t); ok {
		// Leave room for the failure report before `go test` panics.
		if d = d.Add(-15 * time.Second); d.Before(deadline) {
			deadline = d
		}
	}
	ctx, cancelDeadline := context.WithDeadline(tab, deadline)
	t.Cleanup(cancelDeadline)
	b.ctx, b.tab = ctx, tab

	// Registered last so it runs first, while the browser is still up.
	t.Cleanup(func() {
		if t.Failed() {
			b.Report("test failed")
		}
	})
	return b
}

// testDeadline returns the deadline of t when it is a *testing.T run with a
// -timeout.
func testDeadline(t testing.TB) (time.Time, bool) {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		return d.Deadline()
	}
	return time.Time{}, false
}

// Context returns the context of the tab, bounded by the per-test timeout,
// for calling chromedp directly: chromedp.Run(b.Context(), ...).
func (b *Browser) Context() context.Context { return b.ctx }

// ExecPath returns the executable this browser runs.
func (b *Browser) ExecPath() string { return b.execPath }

// Do runs chromedp actions in order and fails the test on the first error.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail("run actions: %v", b.explain(err))
	}
}

// Run runs one chromedp action on b and returns its value, failing the test
// on error.
func Run[T any](b *Browser, action chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, action)
	if err != nil {
		b.fail("run action: %v", b.explain(err))
	}
	return v
}

// Eval evaluates a JavaScript expression in the page and returns its value
// decoded into T (see chromedp.Evaluate), failing the test on error. A
// promise is awaited.
func Eval[T any](b *Browser, expression string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("evaluate %s: %v", expression, b.explain(err))
	}
	return v
}

// Visit navigates to url, waits for the page to load and, when visible is
// not empty, for an element matching that selector to be visible. It
// returns the HTTP status of the page, so a test can assert on an error
// page too.
func (b *Browser) Visit(url, visible string) int {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		b.fail("visit %s: %v", url, b.explain(err))
	}
	if visible != "" {
		b.WaitVisible(visible)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// WaitVisible waits until an element matching sel is visible.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.fail("wait for %q to be visible: %v", sel, b.explain(err))
	}
}

// WaitGone waits until no element matching sel is visible (it may be
// hidden or removed from the page).
func (b *Browser) WaitGone(sel string) {
	b.t.Helper()
	err := chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](
		`!Array.from(document.querySelectorAll(`+jsString(sel)+`)).some(e => e.checkVisibility())`,
		chromedp.WithPollingTimeout(0)))
	if err != nil {
		b.fail("wait for %q to disappear: %v", sel, b.explain(err))
	}
}

// Click waits until an element matching sel is visible and clicks it with
// the mouse, as a user would.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.fail("click %q: %v", sel, b.explain(err))
	}
}

// fillJS prepares the field for Fill. For a field a user types into it
// clears the value, focuses the field and returns "type"; for a select, a
// date/time/color/range input or a hidden input it sets the value, fires
// input and change events and returns "set". A select option is matched by
// value, then by visible text.
const fillJS = `(sel, value) => {
	const el = document.querySelector(sel);
	if (!el) return "missing";
	const tag = el.tagName, type = (el.getAttribute("type") || "text").toLowerCase();
	const fire = () => {
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
	};
	if (tag === "SELECT") {
		const opt = Array.from(el.options).find(o => o.value === value) ||
			Array.from(el.options).find(o => o.text.trim() === value);
		if (!opt) return "no option " + JSON.stringify(value);
		el.value = opt.value;
		fire();
		return "set";
	}
	if (tag === "INPUT" && ["checkbox", "radio", "file", "submit", "button", "reset", "image"].includes(type)) {
		return "cannot fill an input of type " + type;
	}
	if (tag === "INPUT" && ["date", "time", "datetime-local", "month", "week", "color", "range", "hidden"].includes(type)) {
		el.value = value;
		fire();
		// Browsers drop zero seconds: "T01:41:00" reads back as "T01:41".
		const norm = v => ["time", "datetime-local"].includes(type) ? v.replace(/:00(\.0+)?$/, "") : v;
		return norm(el.value) === norm(value) ? "set" : "value " + JSON.stringify(value) + " rejected";
	}
	if (tag !== "INPUT" && tag !== "TEXTAREA" && !el.isContentEditable) {
		return "cannot fill a " + tag.toLowerCase() + " element";
	}
	el.focus();
	if (el.isContentEditable) {
		el.textContent = "";
	} else if (el.value !== "") {
		el.value = "";
		el.dispatchEvent(new Event("input", {bubbles: true}));
	}
	return "type";
}`

// Fill replaces the value of the form field matching sel by value. Text
// fields and textareas are cleared and typed into, key by key, then left
// (blur), so input and change listeners run as for a user. Selects (by
// option value or text) and date, time, color, range and hidden inputs are
// set directly, with input and change events. A "\n" in value presses
// Enter, which submits the form of a text input. Use Check for checkboxes
// and radio buttons.
func (b *Browser) Fill(sel, value string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
		b.fail("fill %q: %v", sel, b.explain(err))
	}
	how, err := chromedp.Run(b.ctx, callJS[string](fillJS, sel, value))
	if err != nil {
		b.fail("fill %q: %v", sel, b.explain(err))
	}
	switch how {
	case "set":
		return
	case "type":
	default:
		b.fail("fill %q: %s", sel, how)
	}
	if value != "" {
		if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
			b.fail("fill %q: type: %v", sel, b.explain(err))
		}
	}
	blur := `sel => { const el = document.querySelector(sel); if (el && el === document.activeElement) el.blur(); }`
	if _, err := chromedp.Run(b.ctx, callJS[chromedp.Void](blur, sel)); err != nil {
		b.fail("fill %q: leave field: %v", sel, b.explain(err))
	}
}

// Check makes the checkbox or radio button matching sel checked or not,
// clicking it only when its state differs.
func (b *Browser) Check(sel string, checked bool) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.fail("check %q: %v", sel, b.explain(err))
	}
	state := `sel => { const el = document.querySelector(sel); return !!(el && el.checked); }`
	cur, err := chromedp.Run(b.ctx, callJS[bool](state, sel))
	if err != nil {
		b.fail("check %q: %v", sel, b.explain(err))
	}
	if cur == checked {
		return
	}
	b.Click(sel)
	if cur, err = chromedp.Run(b.ctx, callJS[bool](state, sel)); err != nil || cur != checked {
		b.fail("check %q: still checked=%v after a click (err: %v)", sel, cur, err)
	}
}

// Text returns the visible text (innerText) of the first element matching
// sel, waiting for one to exist.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read text of %q: %v", sel, b.explain(err))
	}
	return s
}

// Value returns the current value of the form field matching sel.
func (b *Browser) Value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read value of %q: %v", sel, b.explain(err))
	}
	return s
}

// Count returns how many elements match sel right now, without waiting.
func (b *Browser) Count(sel string) int {
	b.t.Helper()
	return Eval[int](b, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// WaitText waits until the visible text of an element matching sel contains
// want and returns that text. Use it after an action whose effect arrives
// asynchronously (htmx swaps, server-sent events).
func (b *Browser) WaitText(sel, want string) string {
	b.t.Helper()
	fn := `(sel, want) => {
		for (const el of document.querySelectorAll(sel)) {
			const text = el.innerText;
			if (text.includes(want)) return text;
		}
		return null;
	}`
	s, err := chromedp.Run(b.ctx, chromedp.PollFunction[string](fn,
		chromedp.WithPollingArgs(sel, want), chromedp.WithPollingTimeout(0)))
	if err != nil {
		var last []string
		ctx, cancel := context.WithTimeout(b.tab, time.Second)
		defer cancel()
		texts, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll(`+jsString(sel)+`)).map(e => e.innerText)`))
		last = texts
		b.fail("wait for %q to contain %q: %v; text now: %q", sel, want, b.explain(err), last)
	}
	return s
}

// URL returns the address of the current page.
func (b *Browser) URL() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.fail("read location: %v", b.explain(err))
	}
	return s
}

// HTML returns the HTML of the current page.
func (b *Browser) HTML() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		b.fail("read page HTML: %v", b.explain(err))
	}
	return s
}

// Console returns the messages the page wrote to the console so far,
// including uncaught exceptions, one line each.
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// Dialogs returns the JavaScript dialogs (alert, confirm, prompt) the page
// opened so far, as "type: message". Each was accepted.
func (b *Browser) Dialogs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// Screenshot saves a PNG of the visible page, named after name, in the
// test's temporary directory (or under TOUCHBASE_BROWSER_ARTIFACTS when set)
// and returns its path. It works after the per-test timeout too.
func (b *Browser) Screenshot(name string) (string, error) {
	ctx, cancel := context.WithTimeout(b.tab, dumpTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return "", fmt.Errorf("capture screenshot: %w", err)
	}
	b.mu.Lock()
	b.shots++
	n := b.shots
	b.mu.Unlock()
	path := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", n, fileName(name)))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// Shot saves a screenshot named after name and logs where it went; a
// screenshot that cannot be taken is logged, not a failure.
func (b *Browser) Shot(name string) {
	b.t.Helper()
	if p, err := b.Screenshot(name); err == nil {
		b.t.Logf("screenshot %s: %s", name, p)
	} else {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// Settled waits until the page has loaded and htmx has finished its
// requests, swaps and settling (htmx binds new elements' triggers a moment
// after the swap).
func (b *Browser) Settled() {
	Eval[bool](b, `new Promise(done => {
		const busy = () => document.readyState !== "complete" || document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling");
		const check = () => busy() ? setTimeout(check, 20) : done(true);
		setTimeout(check, 20);
	})`)
}

// Report writes what the page looks like into the test log: a screenshot
// path, the URL, the console, dialogs and the page HTML. It runs at most
// once per test; the helpers call it before failing the test, and New's
// cleanup calls it when the test failed otherwise.
func (b *Browser) Report(reason string) {
	b.t.Helper()
	b.mu.Lock()
	if b.dumped {
		b.mu.Unlock()
		return
	}
	b.dumped = true
	b.mu.Unlock()

	var r strings.Builder
	fmt.Fprintf(&r, "browser report (%s):\n", reason)
	if path, err := b.Screenshot(b.t.Name()); err != nil {
		fmt.Fprintf(&r, "  screenshot: %v\n", err)
	} else {
		fmt.Fprintf(&r, "  screenshot: %s\n", path)
	}
	ctx, cancel := context.WithTimeout(b.tab, dumpTimeout)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		fmt.Fprintf(&r, "  url: %s\n", loc)
	}
	if lines := b.Console(); len(lines) > 0 {
		fmt.Fprintf(&r, "  console (%d messages):\n", len(lines))
		for _, l := range lines {
			fmt.Fprintf(&r, "    %s\n", l)
		}
	} else {
		r.WriteString("  console: empty\n")
	}
	for _, d := range b.Dialogs() {
		fmt.Fprintf(&r, "  dialog: %s\n", d)
	}
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		fmt.Fprintf(&r, "  html: %v\n", err)
	} else {
		fmt.Fprintf(&r, "  html (%d bytes):\n", len(html))
		if len(html) > maxHTMLLog {
			html = html[:maxHTMLLog] + fmt.Sprintf("\n… %d more bytes", len(html)-maxHTMLLog)
		}
		r.WriteString(html)
	}
	b.t.Log(r.String())
}

// fail reports the page and fails the test.
func (b *Browser) fail(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	b.Report(msg)
	b.t.Fatalf("browser: %s", msg)
}

// explain adds the timeout to a deadline error, which chromedp reports only
// as "context deadline exceeded".
func (b *Browser) explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (the test's browser timeout of %v ran out)", err, b.timeout)
	}
	return err
}

// collectConsole keeps the last console messages for the failure report. It
// returns when the tab closes.
func (b *Browser) collectConsole(tab context.Context) {
	for m, err := range chromedp.Console(tab) {
		if err != nil {
			return
		}
		line := fmt.Sprintf("%s: %s", m.Type, m.Text)
		if m.URL != "" {
			line += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
		}
		b.mu.Lock()
		if len(b.console) == maxConsole {
			b.console = append(b.console[:0], b.console[1:]...)
		}
		b.console = append(b.console, line)
		b.mu.Unlock()
	}
}

// acceptDialogs accepts every JavaScript dialog, which would otherwise block
// the page and every action after it. It returns when the tab closes.
func (b *Browser) acceptDialogs(tab context.Context) {
	for ev, err := range chromedp.Events(tab, page.JavascriptDialogOpening) {
		if err != nil {
			return
		}
		b.mu.Lock()
		b.dialogs = append(b.dialogs, fmt.Sprintf("%s: %s", ev.Type, ev.Message))
		b.mu.Unlock()
		_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true, PromptText: ev.DefaultPrompt})
	}
}

// callJS returns an action that calls the JavaScript function fn with args,
// each passed as JSON, and decodes its result into T.
func callJS[T any](fn string, args ...any) chromedp.Action[T] {
	parts := make([]string, len(args))
	for i, a := range args {
		j, err := json.Marshal(a)
		if err != nil {
			panic(fmt.Sprintf("browser: argument %d of a page function: %v", i, err))
		}
		parts[i] = string(j)
	}
	return chromedp.Evaluate[T]("(" + fn + ")(" + strings.Join(parts, ", ") + ")")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// fileName turns a test name into a safe file name.
func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
	if len(s) > 80 {
		s = s[:80]
	}
	if s == "" {
		s = "page"
	}
	return s
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
