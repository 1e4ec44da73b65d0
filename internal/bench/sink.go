package bench

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"sync"

	"github.com/emersion/go-smtp"
)

// sink is a loopback receiving side that counts every message it takes by
// its reference, to find duplicates and missing ones.
type sink struct {
	mu      sync.Mutex
	refs    map[string]int
	repeats int // refs sent again and recognised (webhook contract)
}

func newSink() *sink { return &sink{refs: map[string]int{}} }

func (s *sink) take(ref string) {
	s.mu.Lock()
	s.refs[ref]++
	s.mu.Unlock()
}

// tally returns how many distinct references arrived and how many arrived
// more than once.
// takeOnce delivers ref unless it was delivered before, as the webhook
// contract asks of receivers; it reports whether it delivered.
func (s *sink) takeOnce(ref string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs[ref] > 0 {
		s.repeats++
		return false
	}
	s.refs[ref] = 1
	return true
}

func (s *sink) repeated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repeats
}

func (s *sink) tally() (distinct, duplicates int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.refs {
		if n > 1 {
			duplicates += n - 1
		}
	}
	return len(s.refs), duplicates
}

func (s *sink) has(ref string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refs[ref] > 0
}

// ServeHTTP is a webhook SMS provider: it accepts every message of a
// batch, and answers a ref it has seen with the same id without
// delivering it again.
func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Messages []struct {
			Ref string `json:"ref"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	type result struct {
		Ref string `json:"ref"`
		ID  string `json:"id"`
	}
	out := make([]result, len(body.Messages))
	for i, m := range body.Messages {
		s.takeOnce(m.Ref)
		out[i] = result{Ref: m.Ref, ID: "sink-" + m.Ref}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"results": out}) //nolint:errcheck
}

// serveSMTP runs an SMTP server on ln that records each message's
// Message-ID (whose local part is the delivery reference).
func (s *sink) serveSMTP(ln net.Listener) *smtp.Server {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{sink: s}, nil }))
	srv.Domain = "sink.local"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 1 << 20
	go srv.Serve(ln) //nolint:errcheck
	return srv
}

type smtpSession struct{ sink *sink }

func (*smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (*smtpSession) Reset()                               {}
func (*smtpSession) Logout() error                        { return nil }

func (ss *smtpSession) Data(r io.Reader) error {
	h, err := textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader()
	if err != nil {
		return err
	}
	id := strings.Trim(h.Get("Message-Id"), "<>")
	if at := strings.IndexByte(id, '@'); at > 0 {
		id = id[:at]
	}
	ss.sink.take(id)
	_, err = io.Copy(io.Discard, r)
	return err
}
