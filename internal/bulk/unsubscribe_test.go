package bulk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/unsubscribe"
)

// mailSink is a real SMTP server that keeps every message by recipient.
// With holdNth set, the holdNth message it takes is not answered until
// hold is closed; reached is closed when it arrives, heldTo is its
// recipient.
type mailSink struct {
	mu       sync.Mutex
	msgs     map[string][][]byte
	sessions int
	taken    int
	holdNth  int
	hold     chan struct{}
	reached  chan struct{}
	heldTo   string
}

func (s *mailSink) NewSession(*smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	return &mailSession{s: s}, nil
}

type mailSession struct {
	s  *mailSink
	to []string
}

func (m *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (m *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	m.to = append(m.to, to)
	return nil
}
func (m *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.s.mu.Lock()
	for _, to := range m.to {
		m.s.msgs[to] = append(m.s.msgs[to], b)
	}
	m.s.taken++
	held := m.s.taken == m.s.holdNth
	if held {
		m.s.heldTo = m.to[0]
	}
	m.s.mu.Unlock()
	if held {
		close(m.s.reached)
		<-m.s.hold
	}
	return nil
}
func (m *mailSession) Reset()        { m.to = nil }
func (m *mailSession) Logout() error { return nil }

func (s *mailSink) get(to string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.msgs[to]
}

func startMailSink(t *testing.T) (*mailSink, string) {
	t.Helper()
	s := &mailSink{msgs: map[string][][]byte{}, hold: make(chan struct{}), reached: make(chan struct{})}
	srv := smtp.NewServer(s)
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s, ln.Addr().String()
}

// TestBulkEmailCarriesOneClickUnsubscribe sends a bulk e-mail through SMTP
// to a real SMTP server: every message carries List-Unsubscribe with a
// signed link naming its own contact and address, and
// List-Unsubscribe-Post; following one link opts that contact out, and
// the next bulk e-mail skips it as opted out.
func TestBulkEmailCarriesOneClickUnsubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 7})
		signer := unsubscribe.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
		links := unsubscribe.NewService(s, signer, "https://crm.example.cn/", time.Now)
		e.svc.SetUnsubscribe(links.URL)
		sink, addr := startMailSink(t)
		host, port, _ := net.SplitHostPort(addr)
		cfg, _ := json.Marshal(map[string]any{"host": host, "port": json.Number(port), "security": "none", "from": "svc@example.cn"})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindEmail, channel.ProviderSMTP, cfg, 0); err != nil {
			t.Fatal(err)
		}
		e.contacts(t, 20)
		in := bulk.Input{Title: "年终回馈", EmailSubject: "{{customer.name}} 年终回馈", EmailBody: "{{contact.name}}您好", Recipients: storage.RecipientSelection{}}
		b, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		if done := e.wait(t, b.ID); done.Counts.Sent != 20 {
			t.Fatalf("first send: %+v", done.Counts)
		}
		admin := permission.Policy{Admin: true}
		contacts, err := s.ListContacts(ctx, admin, storage.ContactFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		byEmail := map[string]*model.Contact{}
		for _, ct := range contacts {
			byEmail[ct.Email] = ct
		}
		var victim string // the link of c3@example.cn
		for i := 0; i < 20; i++ {
			to := "c" + strconv.Itoa(i) + "@example.cn"
			got := sink.get(to)
			if len(got) != 1 {
				t.Fatalf("%s received %d messages", to, len(got))
			}
			m, err := mail.ReadMessage(bytes.NewReader(got[0]))
			if err != nil {
				t.Fatal(err)
			}
			if p := m.Header.Get("List-Unsubscribe-Post"); p != "List-Unsubscribe=One-Click" {
				t.Fatalf("%s: List-Unsubscribe-Post %q", to, p)
			}
			lu := m.Header.Get("List-Unsubscribe")
			tok, ok := strings.CutPrefix(lu, "<https://crm.example.cn/u/")
			tok, ok2 := strings.CutSuffix(tok, ">")
			if !ok || !ok2 {
				t.Fatalf("%s: List-Unsubscribe %q", to, lu)
			}
			target, err := signer.Parse(tok)
			if err != nil {
				t.Fatalf("%s: token does not verify: %v", to, err)
			}
			if target.Address != to || target.ContactID != byEmail[to].ID {
				t.Fatalf("%s: token names %+v, want contact %d", to, target, byEmail[to].ID)
			}
			if to == "c3@example.cn" {
				victim = tok
			}
		}
		if _, err := links.Unsubscribe(ctx, victim); err != nil {
			t.Fatal(err)
		}
		b2, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		if done := e.wait(t, b2.ID); done.Counts.Sent != 19 {
			t.Fatalf("second send: %+v", done.Counts)
		}
		if n := len(sink.get("c3@example.cn")); n != 1 {
			t.Fatalf("the unsubscribed contact received %d messages, want only the first", n)
		}
		skipped, err := e.svc.Recipients(ctx, e.pol, b2.ID, storage.RecipientFilter{Status: model.RecipientSkipped})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range skipped {
			if r.Address == "c3@example.cn" {
				found = r.Reason == model.SkipOptedOut
			}
		}
		if !found {
			t.Fatalf("c3 not skipped as opted out: %+v", skipped)
		}
	})
}
