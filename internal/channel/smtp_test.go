package channel

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test SMTP server got it.
type received struct {
	From string
	To   []string
	Data []byte
}

// sink is a real SMTP server (emersion/go-smtp) that records what it
// receives. Recipients starting with "nobody" are refused with 550 5.1.1,
// "greylist" with 451 4.7.1; bodies containing "VIAGRA" with 554 5.7.1.
type sink struct {
	mu     sync.Mutex
	msgs   []received
	conns  int
	authed []string
	// onData, when set, runs after each accepted message.
	onData func()
	// noPipelining hides the PIPELINING extension from new connections.
	noPipelining bool
	user         string
	pass         string
	addr         string
}

type sinkSession struct {
	s    *sink
	cur  received
	auth bool
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &sinkSession{s: s}, nil
}

func (ss *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.user || pass != ss.s.pass {
			return smtp.ErrAuthFailed
		}
		ss.auth = true
		ss.s.mu.Lock()
		ss.s.authed = append(ss.s.authed, user)
		ss.s.mu.Unlock()
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && !ss.auth {
		return smtp.ErrAuthRequired
	}
	ss.cur = received{From: from}
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "nobody"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	case strings.HasPrefix(to, "greylist"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, try again later"}
	}
	ss.cur.To = append(ss.cur.To, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if bytes.Contains(b, []byte("VIAGRA")) {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message rejected as spam"}
	}
	ss.cur.Data = b
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.cur)
	onData := ss.s.onData
	ss.s.mu.Unlock()
	if onData != nil {
		onData()
	}
	return nil
}

func (ss *sinkSession) Reset()        { ss.cur = received{} }
func (ss *sinkSession) Logout() error { return nil }

func (s *sink) snapshot() ([]received, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...), s.conns
}

// testCert returns a self-signed certificate for 127.0.0.1 and a pool
// trusting it.
func testCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// startSink starts a sink in the given security mode and returns it with
// the CA pool to trust.
func startSink(t testing.TB, security, user, pass string) (*sink, *x509.CertPool) {
	t.Helper()
	s := &sink{user: user, pass: pass}
	srv := smtp.NewServer(s)
	srv.Domain = "sink.test"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.ErrorLog = nopLogger{}
	var pool *x509.CertPool
	var ln net.Listener
	var err error
	switch security {
	case SMTPSecurityNone:
		srv.AllowInsecureAuth = true
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	case SMTPSecurityStartTLS:
		var cert tls.Certificate
		cert, pool = testCert(t)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	case SMTPSecurityTLS:
		var cert tls.Certificate
		cert, pool = testCert(t)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(countingListener{ln, s}) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s, pool
}

// countingListener counts the connections a sink accepts (go-smtp starts
// a new session after STARTTLS, so sessions are not connections).
type countingListener struct {
	net.Listener
	s *sink
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.conns++
		if l.s.noPipelining {
			c = noPipeliningConn{c}
		}
		l.s.mu.Unlock()
	}
	return c, err
}

// noPipeliningConn hides the server's PIPELINING extension (plain
// connections only).
type noPipeliningConn struct{ net.Conn }

func (c noPipeliningConn) Write(p []byte) (int, error) {
	return c.Conn.Write(bytes.ReplaceAll(p, []byte("PIPELINING"), []byte("XPIPELINEX")))
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

func newTestSMTP(t *testing.T, s *sink, pool *x509.CertPool, cfg SMTPConfig) *SMTP {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.addr)
	cfg.Host = host
	cfg.Port, _ = strconv.Atoi(port)
	if cfg.From == "" {
		cfg.From, cfg.FromName = "service@example.com", "客服中心 Touchbase"
	}
	env := testEnv(nil)
	env.TLSRoots = pool
	c, err := NewSMTP(cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parsedMail is a received message decoded the way a mail client would.
type parsedMail struct {
	Header mail.Header
	// Subject is the RFC 2047-decoded subject.
	Subject string
	// Parts maps each body part's media type to its decoded text.
	Parts map[string]string
}

func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, data)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsedMail{Header: m.Header, Subject: subject, Parts: map[string]string{}}
	readPart := func(header func(string) string, r io.Reader) {
		mt, _, err := mime.ParseMediaType(header("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(header("Content-Transfer-Encoding"), "quoted-printable") {
			r = quotedprintable.NewReader(r)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		// MIME text uses CRLF line ends; compare with LF and no final
		// line end.
		p.Parts[mt] = strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if mt != "multipart/alternative" {
		readPart(m.Header.Get, m.Body)
		return p
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		readPart(part.Header.Get, part)
	}
	return p
}

func TestSMTPSendModes(t *testing.T) {
	for _, security := range []string{SMTPSecurityStartTLS, SMTPSecurityTLS, SMTPSecurityNone} {
		t.Run(security, func(t *testing.T) {
			s, pool := startSink(t, security, "agent@example.com", "p@ss 密码")
			c := newTestSMTP(t, s, pool, SMTPConfig{Security: security, Username: "agent@example.com",
				Password: "p@ss 密码", ReplyTo: "support@example.com"})
			msg := Message{
				To:      "李雷 <lilei@customer.example.cn>",
				Subject: "您的工单 #42 已处理 — café",
				Text:    "李先生您好：\n\n工单已处理。€ ½\n",
				HTML:    "<p>李先生您好：</p><p>工单已<b>处理</b>。€</p>",
				Ref:     "delivery-42",
			}
			id, err := c.Send(context.Background(), msg)
			if err != nil {
				t.Fatal(err)
			}
			if id != "delivery-42@example.com" {
				t.Errorf("provider ID = %q", id)
			}
			got, conns := s.snapshot()
			if len(got) != 1 || conns != 1 {
				t.Fatalf("%d messages over %d connections", len(got), conns)
			}
			s.mu.Lock()
			authed := append([]string(nil), s.authed...)
			s.mu.Unlock()
			if len(authed) != 1 || authed[0] != "agent@example.com" {
				t.Errorf("authenticated as %v", authed)
			}
			if got[0].From != "service@example.com" || len(got[0].To) != 1 || got[0].To[0] != "lilei@customer.example.cn" {
				t.Errorf("envelope = %s -> %v", got[0].From, got[0].To)
			}
			p := parseMail(t, got[0].Data)
			if p.Subject != msg.Subject {
				t.Errorf("Subject = %q", p.Subject)
			}
			from, err := p.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != "客服中心 Touchbase" || from[0].Address != "service@example.com" {
				t.Errorf("From = %v, %v", from, err)
			}
			to, err := p.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Address != "lilei@customer.example.cn" || to[0].Name != "李雷" {
				t.Errorf("To = %v, %v", to, err)
			}
			if v := p.Header.Get("Reply-To"); v != "<support@example.com>" {
				t.Errorf("Reply-To = %q", v)
			}
			if v := p.Header.Get("Message-ID"); v != "<delivery-42@example.com>" {
				t.Errorf("Message-ID = %q", v)
			}
			if d, err := p.Header.Date(); err != nil || !d.Equal(fixedNow) {
				t.Errorf("Date = %v, %v", d, err)
			}
			if p.Parts["text/plain"] != "李先生您好：\n\n工单已处理。€ ½" || p.Parts["text/html"] != msg.HTML || len(p.Parts) != 2 {
				t.Errorf("parts = %q", p.Parts)
			}
		})
	}
}

func TestSMTPBatchReusesConnection(t *testing.T) {
	s, pool := startSink(t, SMTPSecurityStartTLS, "", "")
	checkBatch(t, s, newTestSMTP(t, s, pool, SMTPConfig{MaxBatch: 3}))
}

// A server that does not offer PIPELINING is sent one command at a time,
// with the same outcomes.
func TestSMTPBatchWithoutPipelining(t *testing.T) {
	s, _ := startSink(t, SMTPSecurityNone, "", "")
	s.mu.Lock()
	s.noPipelining = true
	s.mu.Unlock()
	checkBatch(t, s, newTestSMTP(t, s, nil, SMTPConfig{Security: SMTPSecurityNone, MaxBatch: 3}))
}

// checkBatch sends a batch of accepted and refused messages through c,
// three per connection, and checks each outcome.
func checkBatch(t *testing.T, s *sink, c *SMTP) {
	t.Helper()
	msgs := []Message{
		{To: "a@x.example", Subject: "1", Text: "one", Ref: "r1"},
		{To: "nobody@x.example", Subject: "2", Text: "two", Ref: "r2"},
		{To: "not an address", Subject: "3", Text: "three", Ref: "r3"},
		{To: "greylist@x.example", Subject: "4", Text: "four", Ref: "r4"},
		{To: "b@x.example", Subject: "5", Text: "buy VIAGRA", Ref: "r5"},
		{To: "c@x.example", Subject: "6", HTML: "<p>six</p>", Ref: "r6"},
		{To: "d@x.example", Subject: "7", Ref: "r7"},
		{To: "e@x.example", Subject: "8", Text: "eight", Ref: "has space"},
	}
	res := c.SendBatch(context.Background(), msgs)
	if len(res) != len(msgs) {
		t.Fatalf("%d results", len(res))
	}
	for i, want := range []struct {
		reason    string
		transient bool
	}{{}, {ReasonInvalidEmail, false}, {ReasonInvalidEmail, false}, {ReasonThrottled, true},
		{ReasonBlocked, false}, {}, {ReasonContentRejected, false}, {}} {
		if res[i].Ref != msgs[i].Ref || res[i].To != msgs[i].To {
			t.Errorf("result %d is for %s/%s", i, res[i].Ref, res[i].To)
		}
		if want.reason == "" {
			if res[i].Err != nil || res[i].ProviderID == "" {
				t.Errorf("result %d = %+v", i, res[i])
			}
			continue
		}
		ce := wantChannelError(t, res[i].Err, want.reason, want.transient)
		if res[i].ProviderID != "" {
			t.Errorf("failed result %d has provider ID %q", i, res[i].ProviderID)
		}
		if i == 1 && (ce.Code != "550 5.1.1" || !strings.Contains(ce.Detail, "No such user")) {
			t.Errorf("550: %+v", ce)
		}
	}
	if res[0].ProviderID != "r1@example.com" {
		t.Errorf("ID = %s", res[0].ProviderID)
	}
	if id := res[7].ProviderID; !strings.HasSuffix(id, "@example.com") || len(id) != 32+len("@example.com") {
		t.Errorf("random ID = %s", id)
	}
	got, conns := s.snapshot()
	if len(got) != 3 {
		t.Fatalf("%d messages delivered, want 3", len(got))
	}
	// 6 messages reached the server (not the malformed address nor the
	// empty one), 3 per connection.
	if conns != 2 {
		t.Errorf("%d connections, want 2", conns)
	}
	if p := parseMail(t, got[1].Data); p.Parts["text/html"] != "<p>six</p>" || len(p.Parts) != 1 {
		t.Errorf("HTML-only message parts = %q", p.Parts)
	}
}

func TestSMTPBatchCanceled(t *testing.T) {
	s, pool := startSink(t, SMTPSecurityStartTLS, "", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.mu.Lock()
	s.onData = cancel
	s.mu.Unlock()
	c := newTestSMTP(t, s, pool, SMTPConfig{})
	res := c.SendBatch(ctx, []Message{{To: "a@x.example", Text: "1"}, {To: "b@x.example", Text: "2"}, {To: "c@x.example", Text: "3"}})
	got, _ := s.snapshot()
	if len(got) != 1 {
		t.Fatalf("%d messages delivered after the cancel, want 1", len(got))
	}
	// The message in flight when ctx ends is finished, the others are not
	// sent.
	if res[0].Err != nil || res[0].ProviderID == "" {
		t.Errorf("first = %+v", res[0])
	}
	for _, r := range res[1:] {
		wantChannelError(t, r.Err, ReasonCanceled, true)
	}
}

func TestSMTPAuthFailed(t *testing.T) {
	s, pool := startSink(t, SMTPSecurityStartTLS, "agent", "right")
	c := newTestSMTP(t, s, pool, SMTPConfig{Username: "agent", Password: "wrong"})
	res := c.SendBatch(context.Background(), []Message{{To: "a@x.example", Text: "x"}, {To: "b@x.example", Text: "x"}})
	for _, r := range res {
		ce := wantChannelError(t, r.Err, ReasonAuthFailed, false)
		if !strings.HasPrefix(ce.Code, "535") {
			t.Errorf("code = %s", ce.Code)
		}
	}
	if got, _ := s.snapshot(); len(got) != 0 {
		t.Error("nothing may be delivered without authentication")
	}
}

func TestSMTPUntrustedCertificate(t *testing.T) {
	s, _ := startSink(t, SMTPSecurityTLS, "", "")
	c := newTestSMTP(t, s, nil, SMTPConfig{Security: SMTPSecurityTLS})
	_, err := c.Send(context.Background(), Message{To: "a@x.example", Text: "x"})
	wantChannelError(t, err, ReasonNetwork, false)
}

func TestSMTPTimeout(t *testing.T) {
	// A server that accepts connections and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	c, err := NewSMTP(SMTPConfig{Host: host, Port: p, Security: SMTPSecurityNone, From: "a@example.com", Timeout: "100ms"}, testEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Send(context.Background(), Message{To: "b@example.com", Text: "x"})
	wantChannelError(t, err, ReasonTimeout, true)
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestSMTPConnectionRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	c, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: addr.Port, Security: SMTPSecurityNone, From: "a@example.com"}, testEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Send(context.Background(), Message{To: "b@example.com", Text: "x"})
	wantChannelError(t, err, ReasonNetwork, true)
}

func TestSMTPConfig(t *testing.T) {
	for field, cfg := range map[string]string{
		"host":      `{"from":"a@example.com"}`,
		"from":      `{"host":"smtp.example.com"}`,
		"reply_to":  `{"host":"smtp.example.com","from":"a@example.com","reply_to":"nope"}`,
		"security":  `{"host":"smtp.example.com","from":"a@example.com","security":"ssl3"}`,
		"port":      `{"host":"smtp.example.com","from":"a@example.com","port":70000}`,
		"auth":      `{"host":"smtp.example.com","from":"a@example.com","username":"u","auth":"gssapi"}`,
		"timeout":   `{"host":"smtp.example.com","from":"a@example.com","timeout":"soon"}`,
		"max_batch": `{"host":"smtp.example.com","from":"a@example.com","max_batch":-5}`,
	} {
		_, err := New("smtp", []byte(cfg), nil)
		if ce, ok := err.(*ConfigError); !ok || ce.Field != field {
			t.Errorf("%s: error %v", field, err)
		}
	}
	c, err := New("smtp", []byte(`{"host":"smtp.example.com","from":"a@example.com"}`), nil)
	if err != nil || c.Kind() != KindEmail || c.MaxBatch() != 100 || c.(*SMTP).cfg.Port != 587 {
		t.Errorf("New = %v, %v", c, err)
	}
}

// BenchmarkSMTPBatch measures one connection sending batches to the
// loopback sink (run with -benchtime to taste).
func BenchmarkSMTPBatch(b *testing.B) {
	s, _ := startSink(b, SMTPSecurityNone, "", "")
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	c, err := NewSMTP(SMTPConfig{Host: host, Port: p, Security: SMTPSecurityNone, From: "a@example.com", MaxBatch: 1000}, Env{})
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]Message, 100)
	for i := range msgs {
		msgs[i] = Message{To: "c@example.com", Subject: "Hello 您好", Text: "Body text", HTML: "<p>Body</p>", Ref: "r" + strconv.Itoa(i)}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, r := range c.SendBatch(context.Background(), msgs) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
}

func TestSMTPListUnsubscribeHeaders(t *testing.T) {
	s, pool := startSink(t, SMTPSecurityNone, "", "")
	c := newTestSMTP(t, s, pool, SMTPConfig{Security: SMTPSecurityNone})
	msgs := []Message{
		{To: "a@example.com", Subject: "s", Text: "hi", Ref: "b1", Unsubscribe: "https://crm.example.com/u/TOKEN-a"},
		{To: "b@example.com", Subject: "s", Text: "hi", Ref: "b2", Unsubscribe: "http://127.0.0.1:8080/u/TOKEN-b"},
		{To: "c@example.com", Subject: "s", Text: "hi", Ref: "b3"},
	}
	for _, r := range c.SendBatch(context.Background(), msgs) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	got, _ := s.snapshot()
	if len(got) != 3 {
		t.Fatalf("%d messages", len(got))
	}
	want := map[string][2]string{
		"a@example.com": {"<https://crm.example.com/u/TOKEN-a>", "List-Unsubscribe=One-Click"},
		// RFC 8058 one-click is for https links only.
		"b@example.com": {"<http://127.0.0.1:8080/u/TOKEN-b>", ""},
		"c@example.com": {"", ""},
	}
	for _, m := range got {
		h := parseMail(t, m.Data).Header
		w := want[m.To[0]]
		if h.Get("List-Unsubscribe") != w[0] || h.Get("List-Unsubscribe-Post") != w[1] {
			t.Errorf("%s: List-Unsubscribe %q, -Post %q; want %q, %q", m.To[0], h.Get("List-Unsubscribe"),
				h.Get("List-Unsubscribe-Post"), w[0], w[1])
		}
	}
}
