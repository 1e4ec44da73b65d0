package channel

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"io"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP security modes.
const (
	SMTPSecurityStartTLS = "starttls" // plain connection upgraded with STARTTLS (mandatory)
	SMTPSecurityTLS      = "tls"      // implicit TLS from the first byte ("SMTPS")
	SMTPSecurityNone     = "none"     // no encryption
)

const smtpDefaultMaxBatch = 100

// SMTPConfig configures the SMTP email provider.
type SMTPConfig struct {
	Host string `json:"host"`
	// Port defaults to 587 for starttls, 465 for tls and 25 for none.
	Port int `json:"port,omitempty"`
	// Security is starttls (default), tls or none.
	Security string `json:"security,omitempty"`
	// Username and Password enable SMTP AUTH; with security none, the
	// password travels in clear text.
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty" secret:"true"`
	// Auth is the AUTH mechanism: plain (default), login or cram-md5.
	Auth string `json:"auth,omitempty"`
	// From is the sender address; FromName its display name.
	From     string `json:"from"`
	FromName string `json:"from_name,omitempty"`
	ReplyTo  string `json:"reply_to,omitempty"`
	// HELO is the name we greet the server with (default: our hostname).
	HELO string `json:"helo,omitempty"`
	// InsecureSkipVerify accepts any server certificate.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
	// MaxBatch is the most messages sent over one connection (default 100).
	MaxBatch int `json:"max_batch,omitempty"`
	// Timeout bounds each SMTP command, as a Go duration ("30s", default).
	Timeout string `json:"timeout,omitempty"`
}

// SMTP sends email through an SMTP server. A batch is sent over one
// connection; a connection lost mid-batch is opened again for the rest.
type SMTP struct {
	cfg    SMTPConfig
	from   *mail.Address
	domain string
	client *gomail.Client
	env    Env
	// timeout bounds each message's commands on an open connection.
	timeout time.Duration

	// idle is the connection the last SendBatch left open for the next
	// one: a dispatcher that must know which messages reached the server
	// gives the channel one message per call (see Sequential).
	mu   sync.Mutex
	idle *smtpConn
}

// smtpIdleReuse is how long a connection left open by SendBatch is used
// again; an older one is closed and a new one dialled.
const smtpIdleReuse = 5 * time.Second

// NewSMTP validates cfg and returns the provider. It does not connect.
func NewSMTP(cfg SMTPConfig, env Env) (*SMTP, error) {
	env = env.withDefaults()
	if err := required(ProviderSMTP, "host", cfg.Host); err != nil {
		return nil, err
	}
	if err := required(ProviderSMTP, "from", cfg.From); err != nil {
		return nil, err
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil || from.Name != "" {
		return nil, &ConfigError{Provider: ProviderSMTP, Field: "from", Problem: "must be a bare email address"}
	}
	from.Name = cfg.FromName
	if cfg.ReplyTo != "" {
		if _, err := mail.ParseAddress(cfg.ReplyTo); err != nil {
			return nil, &ConfigError{Provider: ProviderSMTP, Field: "reply_to", Problem: "must be an email address"}
		}
	}
	timeout := 30 * time.Second
	if cfg.Timeout != "" {
		if timeout, err = time.ParseDuration(cfg.Timeout); err != nil || timeout <= 0 {
			return nil, &ConfigError{Provider: ProviderSMTP, Field: "timeout", Problem: `must be a positive duration such as "30s"`}
		}
	}
	switch {
	case cfg.MaxBatch == 0:
		cfg.MaxBatch = smtpDefaultMaxBatch
	case cfg.MaxBatch < 0:
		return nil, &ConfigError{Provider: ProviderSMTP, Field: "max_batch", Problem: "must be positive"}
	}
	tlsConfig := &tls.Config{ServerName: cfg.Host, RootCAs: env.TLSRoots, MinVersion: tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify}
	opts := []gomail.Option{gomail.WithTimeout(timeout), gomail.WithTLSConfig(tlsConfig), gomail.WithoutNoop()}
	if cfg.Security == "" {
		cfg.Security = SMTPSecurityStartTLS
	}
	defaultPort := 0
	switch cfg.Security {
	case SMTPSecurityStartTLS:
		defaultPort = 587
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case SMTPSecurityTLS:
		defaultPort = 465
		opts = append(opts, gomail.WithSSL())
	case SMTPSecurityNone:
		defaultPort = 25
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, &ConfigError{Provider: ProviderSMTP, Field: "security", Problem: "must be starttls, tls or none"}
	}
	if cfg.Port == 0 {
		cfg.Port = defaultPort
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, &ConfigError{Provider: ProviderSMTP, Field: "port", Problem: "must be between 1 and 65535"}
	}
	opts = append(opts, gomail.WithPort(cfg.Port))
	if cfg.Username != "" {
		auth, err := smtpAuthType(cfg.Auth, cfg.Security == SMTPSecurityNone)
		if err != nil {
			return nil, err
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, &ConfigError{Provider: ProviderSMTP, Problem: err.Error()}
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return &SMTP{cfg: cfg, from: from, domain: domain, client: client, env: env, timeout: timeout}, nil
}

func smtpAuthType(name string, clearText bool) (gomail.SMTPAuthType, error) {
	switch strings.ToLower(name) {
	case "", "plain":
		if clearText {
			return gomail.SMTPAuthPlainNoEnc, nil
		}
		return gomail.SMTPAuthPlain, nil
	case "login":
		if clearText {
			return gomail.SMTPAuthLoginNoEnc, nil
		}
		return gomail.SMTPAuthLogin, nil
	case "cram-md5":
		return gomail.SMTPAuthCramMD5, nil
	}
	return "", &ConfigError{Provider: ProviderSMTP, Field: "auth", Problem: "must be plain, login or cram-md5"}
}

// Name returns "smtp".
func (s *SMTP) Name() string { return ProviderSMTP }

// Kind returns KindEmail.
func (s *SMTP) Kind() Kind { return KindEmail }

// MaxBatch returns the number of messages sent per connection.
func (s *SMTP) MaxBatch() int { return s.cfg.MaxBatch }

// Sequential reports that SendBatch hands its messages to the server one
// after another over one connection, which it keeps open for the next
// call.
func (s *SMTP) Sequential() bool { return true }

// Close closes the connection SendBatch left open, if any.
func (s *SMTP) Close() error {
	s.mu.Lock()
	c := s.idle
	s.idle = nil
	s.mu.Unlock()
	c.close()
	return nil
}

// Send sends one email over a new connection, closed after it, and
// returns its Message-ID.
func (s *SMTP) Send(ctx context.Context, msg Message) (string, error) {
	r := s.sendBatch(ctx, []Message{msg}, false)
	return r[0].ProviderID, r[0].Err
}

// SendBatch sends msgs over one connection per MaxBatch messages; the
// last one stays open for the next call (until Close, or for
// smtpIdleReuse). The ProviderID of each message is its Message-ID
// (without angle brackets), derived from the message's Ref when it has
// one.
func (s *SMTP) SendBatch(ctx context.Context, msgs []Message) []Result {
	return s.sendBatch(ctx, msgs, true)
}

// takeIdle returns the connection the last call left open, when it is
// recent enough to use; an older one is closed.
func (s *SMTP) takeIdle() *smtpConn {
	s.mu.Lock()
	c := s.idle
	s.idle = nil
	s.mu.Unlock()
	if c != nil && time.Since(c.idleSince) > smtpIdleReuse {
		c.close()
		return nil
	}
	return c
}

func (s *SMTP) sendBatch(ctx context.Context, msgs []Message, keep bool) []Result {
	results := make([]Result, len(msgs))
	built := make([]*gomail.Msg, len(msgs))
	for i, m := range msgs {
		results[i] = Result{Ref: m.Ref, To: m.To}
		built[i], results[i].ProviderID, results[i].Err = s.build(m)
	}
	conn := s.takeIdle()
	reused := conn != nil
	defer func() {
		if !keep || conn == nil || conn.broken || conn.ahead != nil || conn.sent >= s.cfg.MaxBatch {
			conn.close()
			return
		}
		conn.idleSince = time.Now()
		s.mu.Lock()
		old := s.idle
		s.idle = conn
		s.mu.Unlock()
		old.close()
	}()
	for i, gm := range built {
		if gm == nil {
			continue // not built: results[i] holds why
		}
		if err := ctx.Err(); err != nil {
			results[i].ProviderID, results[i].Err = "", contextError(ProviderSMTP, err)
			continue
		}
		if conn != nil && conn.sent >= s.cfg.MaxBatch {
			conn.close()
			conn = nil
		}
		if conn == nil {
			var err error
			if conn, err = s.dial(ctx); err != nil {
				results[i].ProviderID, results[i].Err = "", err
				continue
			}
			reused = false
		}
		// The next message's envelope may travel with this message's
		// content when it will use this connection too.
		var next *gomail.Msg
		if conn.sent+1 < s.cfg.MaxBatch {
			for _, n := range built[i+1:] {
				if n != nil {
					next = n
					break
				}
			}
		}
		conn.sent++
		err := conn.send(s, gm, next)
		if err != nil && reused && conn.broken && !conn.wrote {
			// The server closed the connection while it waited: nothing
			// of this message reached it, so it goes over a new one.
			conn.close()
			var derr error
			if conn, derr = s.dial(ctx); derr != nil {
				results[i].ProviderID, results[i].Err = "", derr
				continue
			}
			conn.sent++
			err = conn.send(s, gm, next)
		}
		reused = false
		if err != nil {
			ce := smtpError(err)
			results[i].ProviderID, results[i].Err = "", ce
			if ce.Code == "" || conn.broken {
				// No reply from the server: the connection is unusable.
				conn.close()
				conn = nil
			}
		}
	}
	return results
}

// build turns msg into a go-mail message.
func (s *SMTP) build(msg Message) (*gomail.Msg, string, error) {
	to, err := mail.ParseAddress(strings.TrimSpace(msg.To))
	if err != nil {
		return nil, "", &Error{Provider: ProviderSMTP, Reason: ReasonInvalidEmail, Detail: "invalid address " + strconv.Quote(msg.To)}
	}
	if msg.Text == "" && msg.HTML == "" {
		return nil, "", &Error{Provider: ProviderSMTP, Reason: ReasonContentRejected, Detail: "empty body"}
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(s.from)
	m.ToMailAddress(to)
	if s.cfg.ReplyTo != "" {
		if err := m.ReplyTo(s.cfg.ReplyTo); err != nil {
			return nil, "", &Error{Provider: ProviderSMTP, Reason: ReasonInvalidRequest, Detail: err.Error(), Err: err}
		}
	}
	m.Subject(msg.Subject)
	m.SetDateWithValue(s.env.Now())
	id, err := s.messageID(msg.Ref)
	if err != nil {
		return nil, "", err
	}
	m.SetMessageIDWithValue(id)
	if msg.Unsubscribe != "" {
		if err := m.SetListUnsubscribeOneClick(msg.Unsubscribe); err != nil {
			// Not https (a development base URL): the link without the
			// one-click promise, which RFC 8058 keeps for https.
			m.SetListUnsubscribe(msg.Unsubscribe)
		}
	}
	switch {
	case msg.Text != "" && msg.HTML != "":
		m.SetBodyString(gomail.TypeTextPlain, msg.Text)
		m.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	case msg.HTML != "":
		m.SetBodyString(gomail.TypeTextHTML, msg.HTML)
	default:
		m.SetBodyString(gomail.TypeTextPlain, msg.Text)
	}
	return m, id, nil
}

// messageID returns "<ref>@<from domain>" when ref is usable in a
// Message-ID, so that a message sent again carries the same ID, and a
// random ID otherwise.
func (s *SMTP) messageID(ref string) (string, error) {
	if ref != "" && len(ref) <= 128 && isDotAtom(ref) {
		return ref + "@" + s.domain, nil
	}
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.env.Random, b); err != nil {
		return "", &Error{Provider: ProviderSMTP, Reason: ReasonProviderError, Transient: true, Detail: err.Error(), Err: err}
	}
	return hex.EncodeToString(b) + "@" + s.domain, nil
}

// isDotAtom reports whether s is made of RFC 5322 atext characters and
// single inner dots.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
