// Package fakewecom is an httptest fake of WeCom's server API (qyapi,
// 企业微信服务端API) for one corp. It checks every request as WeCom
// documents it — method, path, the access_token (issued by its gettoken
// for the right secret, not expired), JSON bodies and their limits — and
// answers with WeCom's errcode/errmsg shape: 40013 for an unknown corp,
// 40001 for a wrong secret, 40014 for an unknown token, 42001 for an
// expired one, 48002 for a secret whose application may not call the
// API, 45009 over its rate limit.
//
// It holds members (成员), external contacts (外部联系人) and who follows
// whom; answers gettoken, user/get, externalcontact/get_follow_user_list,
// externalcontact/get and externalcontact/batch/get_by_user; keeps
// customer mass message tasks (add_msg_template, get_groupmsg_task,
// get_groupmsg_send_result, remind_groupmsg_send, cancel_groupmsg_send)
// that a test confirms as the sender would, applying the monthly receive
// limit and the friendships of that moment; counts calls;
// expires or forgets tokens and fails calls on command; and pushes
// callbacks encrypted and signed as WeCom does (AES-256-CBC with the
// EncodingAESKey, SHA1 signature), or wrongly signed, for another corp,
// or again. It does not import the product's packages. serve --demo runs
// it as a simulated WeCom when no real one is connected.
package fakewecom

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is the fake.
type Server struct {
	*httptest.Server
	CorpID         string
	ContactSecret  string
	AgentID        int64
	AgentSecret    string
	CallbackToken  string
	EncodingAESKey string

	mu        sync.Mutex
	now       func() time.Time
	ttl       time.Duration
	tokens    map[string]issued
	fetches   map[string]int // gettoken calls by secret kind
	calls     map[string]int // API calls by path
	failures  map[string][]int
	perSecond int
	window    []time.Time

	members   map[string]*Member
	externals map[string]*External
	order     []string // external contacts in the order added

	groupMsgs    map[string]*GroupMsg
	msgOrder     []string
	msgSeq       int
	received     map[string]int // mass messages received, by external contact and month
	monthlyLimit int
	autoConfirm  time.Duration // members confirm their tasks this long after they are created; 0: never by themselves

	appMessages []AppMessage
}

// issued is one access token and the secret it was issued for.
type issued struct {
	kind    string // contact or agent
	expires time.Time
}

// New starts a fake for a new corp with random secrets, closed when the
// test ends.
func New(t testing.TB) *Server {
	s := Start()
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake for a new corp with random secrets on a loopback
// port, for the demo's simulated WeCom; Close stops it.
func Start() *Server {
	s := &Server{
		CorpID:         "ww" + randomHex(8),
		ContactSecret:  "contact-" + randomHex(16),
		AgentID:        1000002,
		AgentSecret:    "agent-" + randomHex(16),
		CallbackToken:  "tok" + randomHex(6),
		EncodingAESKey: strings.TrimRight(base64.StdEncoding.EncodeToString(randomBytes(32)), "="),
		now:            time.Now,
		ttl:            2 * time.Hour,
		tokens:         map[string]issued{},
		fetches:        map[string]int{},
		calls:          map[string]int{},
		failures:       map[string][]int{},
		members:        map[string]*Member{},
		externals:      map[string]*External{},
		groupMsgs:      map[string]*GroupMsg{},
		received:       map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/gettoken", s.gettoken)
	mux.HandleFunc("GET /cgi-bin/user/get", s.api("user/get", anySecret, s.userGet))
	mux.HandleFunc("GET /cgi-bin/externalcontact/get_follow_user_list", s.api("get_follow_user_list", contactOnly, s.followUserList))
	mux.HandleFunc("GET /cgi-bin/externalcontact/get", s.api("externalcontact/get", contactOnly, s.externalGet))
	mux.HandleFunc("POST /cgi-bin/externalcontact/batch/get_by_user", s.api("batch/get_by_user", contactOnly, s.batchGetByUser))
	s.registerGroupMsg(mux)
	mux.HandleFunc("POST /cgi-bin/message/send", s.api("message/send", agentOnly, s.messageSend))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		answer(w, 404, map[string]any{"errcode": 40058, "errmsg": "unknown api " + r.URL.Path})
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// Config is the connection settings of this corp, as an admin would enter
// them, with the API pointed at the fake.
func (s *Server) Config() map[string]any {
	return map[string]any{"corp_id": s.CorpID, "contact_secret": s.ContactSecret, "agent_id": s.AgentID,
		"agent_secret": s.AgentSecret, "callback_token": s.CallbackToken, "encoding_aes_key": s.EncodingAESKey,
		"base_url": s.URL}
}

// ConfigJSON is Config encoded.
func (s *Server) ConfigJSON() []byte {
	b, _ := json.Marshal(s.Config())
	return b
}

// SetClock replaces the fake's clock (token expiry).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetTokenTTL sets the lifetime of tokens issued from now on.
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ttl = d
}

// ExpireTokens makes every token issued so far expired (42001).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for k, v := range s.tokens {
		v.expires = past
		s.tokens[k] = v
	}
}

// ForgetTokens makes every token issued so far unknown (40014), as when
// the secret was reset in the admin console.
func (s *Server) ForgetTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]issued{}
}

// TokenFetches is how many tokens gettoken issued for the secret kind
// ("contact" or "agent").
func (s *Server) TokenFetches(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches[kind]
}

// Calls is how many calls of api (such as "batch/get_by_user") were
// answered, failed ones included.
func (s *Server) Calls(api string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[api]
}

// Fail makes the next calls of api answer the errcodes given, one each.
func (s *Server) Fail(api string, codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[api] = append(s.failures[api], codes...)
}

// SetRateLimit makes API calls beyond perSecond in any second answer
// 45009 (0: no limit).
func (s *Server) SetRateLimit(perSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perSecond = perSecond
}

func (s *Server) gettoken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.Get("corpid") != s.CorpID {
		answer(w, 200, wecomError(40013, "invalid corpid"))
		return
	}
	kind := ""
	switch q.Get("corpsecret") {
	case s.ContactSecret:
		kind = "contact"
	case s.AgentSecret:
		kind = "agent"
	default:
		answer(w, 200, wecomError(40001, "invalid credential, access_token is invalid or not latest"))
		return
	}
	tok := randomHex(24)
	s.tokens[tok] = issued{kind: kind, expires: s.now().Add(s.ttl)}
	s.fetches[kind]++
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": int(s.ttl.Seconds())})
}

// Which secrets' tokens an API takes.
const (
	anySecret   = ""
	contactOnly = "contact"
	agentOnly   = "agent"
)

// api wraps an API's handler with the checks every call gets: the token,
// the rate limit and the failures asked for. The handler runs with s.mu
// held.
func (s *Server) api(name, secret string, h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls[name]++
		tok := r.URL.Query().Get("access_token")
		is, ok := s.tokens[tok]
		switch {
		case tok == "":
			answer(w, 200, wecomError(41001, "access_token missing"))
			return
		case !ok:
			answer(w, 200, wecomError(40014, "invalid access_token"))
			return
		case !is.expires.After(s.now()):
			answer(w, 200, wecomError(42001, "access_token expired"))
			return
		case secret != anySecret && is.kind != secret:
			answer(w, 200, wecomError(48002, "api forbidden"))
			return
		}
		if s.perSecond > 0 {
			t := s.now()
			kept := s.window[:0]
			for _, at := range s.window {
				if t.Sub(at) < time.Second {
					kept = append(kept, at)
				}
			}
			s.window = kept
			if len(s.window) >= s.perSecond {
				answer(w, 200, wecomError(45009, "api freq out of limit"))
				return
			}
			s.window = append(s.window, t)
		}
		if f := s.failures[name]; len(f) > 0 {
			s.failures[name] = f[1:]
			answer(w, 200, wecomError(f[0], "failure asked by the test"))
			return
		}
		h(w, r)
	}
}

func wecomError(code int, msg string) map[string]any {
	return map[string]any{"errcode": code, "errmsg": msg}
}

func answer(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body) //nolint:errcheck
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n))[:n*2] }
