package wecom

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxAnswer bounds the answer read from WeCom.
const maxAnswer = 8 << 20

// secretKind names which secret a call's token comes from.
type secretKind string

const (
	contactSecret secretKind = "contact" // 客户联系
	agentSecret   secretKind = "agent"   // the application's
)

// Error is an answer of WeCom's with a non-zero errcode, an HTTP failure
// (Code 0, Status set), or no answer at all (Code and Status 0, Err set:
// the network, a timeout).
type Error struct {
	Path   string
	Code   int
	Msg    string
	Status int
	Err    error
}

func (e *Error) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("wecom %s: errcode %d: %s", e.Path, e.Code, e.Msg)
	case e.Status != 0:
		return fmt.Sprintf("wecom %s: HTTP %d %s", e.Path, e.Status, e.Msg)
	}
	return fmt.Sprintf("wecom %s: %s", e.Path, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// WeCom's error codes Touchbase acts on.
const (
	CodeInvalidSecret  = 40001 // the secret is wrong
	CodeInvalidCorpID  = 40013
	CodeInvalidToken   = 40014
	CodeMissingToken   = 41001
	CodeTokenExpired   = 42001
	CodeFrequencyLimit = 45009 // API calls over the limit
	CodeConcurrency    = 45033
	CodeNoPrivilege    = 48002 // the secret's application may not call this API
	CodeNotInRange     = 60011 // the member is outside the secret's visible range
	CodeNoFollow       = 84061 // no friendship between member and external contact
)

// tokenRefused reports whether WeCom refused the call's token (a new one
// may succeed).
func tokenRefused(err error) bool {
	var we *Error
	return errors.As(err, &we) && (we.Code == CodeInvalidToken || we.Code == CodeTokenExpired || we.Code == CodeMissingToken)
}

// Throttled reports whether err is WeCom asking to slow down.
func Throttled(err error) bool {
	var we *Error
	return errors.As(err, &we) && (we.Code == CodeFrequencyLimit || we.Code == CodeConcurrency || we.Status == http.StatusTooManyRequests)
}

// Client calls qyapi for one corp.
type Client struct {
	cfg    Config
	http   *http.Client
	tokens *tokens
}

func (c *Client) key(kind secretKind) string {
	sum := sha256.Sum256([]byte(c.secret(kind)))
	return "wecom:" + c.cfg.CorpID + ":" + string(kind) + ":" + hex.EncodeToString(sum[:6])
}

func (c *Client) secret(kind secretKind) string {
	if kind == agentSecret {
		return c.cfg.AgentSecret
	}
	return c.cfg.ContactSecret
}

// fetch is the gettoken call of kind's secret.
func (c *Client) fetch(kind secretKind) fetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
		}
		q := url.Values{"corpid": {c.cfg.CorpID}, "corpsecret": {c.secret(kind)}}
		if err := c.do(ctx, http.MethodGet, "/cgi-bin/gettoken", q, nil, &out); err != nil {
			return "", 0, err
		}
		if out.AccessToken == "" || out.ExpiresIn <= 0 {
			return "", 0, &Error{Path: "/cgi-bin/gettoken", Msg: "no token in the answer", Status: http.StatusOK}
		}
		return out.AccessToken, time.Duration(out.ExpiresIn) * time.Second, nil
	}
}

// call makes one API call with kind's token; a token WeCom refuses is
// replaced once and the call repeated.
func (c *Client) call(ctx context.Context, kind secretKind, method, path string, q url.Values, body, out any) error {
	key, fetch := c.key(kind), c.fetch(kind)
	tok, err := c.tokens.get(ctx, key, fetch)
	if err != nil {
		return err
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		err = c.do(ctx, method, path, withToken(q, tok), body, out)
		switch {
		case tokenRefused(err) && !refreshed:
			refreshed = true
			if tok, err = c.tokens.refresh(ctx, key, tok, fetch); err != nil {
				return err
			}
		case Throttled(err) && attempt < len(throttleBackoff):
			select {
			case <-ctx.Done():
				return err
			case <-time.After(throttleBackoff[attempt]):
			}
		default:
			return err
		}
	}
}

// throttleBackoff are the pauses before a call WeCom throttled is tried
// again.
var throttleBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}

func withToken(q url.Values, tok string) url.Values {
	out := url.Values{"access_token": {tok}}
	for k, v := range q {
		out[k] = v
	}
	return out
}

// do sends one request and decodes the answer into out; a non-zero
// errcode is an *Error.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.baseURL()+path+"?"+q.Encode(), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// The request's URL carries the access token: it is never quoted.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &Error{Path: path, Msg: err.Error(), Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &Error{Path: path, Msg: err.Error(), Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return &Error{Path: path, Status: resp.StatusCode}
	}
	var status struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(raw, &status); err != nil {
		return &Error{Path: path, Msg: "the answer is not JSON", Status: resp.StatusCode}
	}
	if status.ErrCode != 0 {
		return &Error{Path: path, Code: status.ErrCode, Msg: status.ErrMsg, Status: resp.StatusCode}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Path: path, Msg: "unexpected answer: " + err.Error(), Status: resp.StatusCode}
	}
	return nil
}
