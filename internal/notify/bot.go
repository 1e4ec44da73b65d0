package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/outbound"
)

// BotClient posts messages to WeCom, DingTalk and Feishu group-bot
// webhooks. It is the package's only use of net/http.
type BotClient struct {
	http    *http.Client
	anyHost bool
	now     func() time.Time
}

// NewBotClient returns a BotClient using client, made by
// outbound.NewClient (nil: an outbound client with a 10s timeout that
// reaches private networks only with anyHost). Webhook URLs must be the
// vendors' own https hosts unless anyHost is set (private deployments,
// tests).
func NewBotClient(client *http.Client, anyHost bool) *BotClient {
	if client == nil {
		client = outbound.NewClient(outbound.Policy{AllowPrivate: anyHost, Timeout: 10 * time.Second})
	}
	return &BotClient{http: client, anyHost: anyHost, now: time.Now}
}

// BotMessage is what a group bot posts: a title, plain-text lines and an
// optional absolute link with its label.
type BotMessage struct {
	Title     string
	Body      string
	URL       string
	LinkLabel string
}

// BotError is a bot webhook's refusal or a failure to reach it.
type BotError struct {
	Provider string
	// Status is the HTTP status, 0 when no answer came.
	Status int
	// Code and Message are the vendor's error code and message.
	Code    int
	Message string
	// Transient errors (no answer, 429, 5xx) may succeed when retried.
	Transient bool
}

// Error describes the failure without the webhook URL (it holds the key).
func (e *BotError) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("%s bot: error %d: %s", e.Provider, e.Code, e.Message)
	case e.Status != 0:
		return fmt.Sprintf("%s bot: HTTP %d: %s", e.Provider, e.Status, e.Message)
	}
	return fmt.Sprintf("%s bot: %s", e.Provider, e.Message)
}

// Send posts m to the bot b, whose URL and Secret are in clear.
func (c *BotClient) Send(ctx context.Context, b *model.BotWebhook, m BotMessage) error {
	url, body, err := botRequest(b, m, c.now())
	if err != nil {
		return &BotError{Provider: b.Provider, Message: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return &BotError{Provider: b.Provider, Message: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.http.Do(req)
	if err != nil {
		return &BotError{Provider: b.Provider, Message: redactURL(err.Error(), url), Transient: true}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return &BotError{Provider: b.Provider, Status: resp.StatusCode, Message: outbound.Snippet(resp.Header, answer),
			Transient: resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500}
	}
	return botAnswer(b.Provider, resp.Header, answer)
}

// botAnswer reads a vendor's JSON answer: WeCom and DingTalk say
// {"errcode":0,"errmsg":"ok"}, Feishu {"code":0,"msg":"success"} (older
// bots {"StatusCode":0,"StatusMessage":"success"}).
func botAnswer(provider string, h http.Header, body []byte) error {
	var a struct {
		ErrCode       *int   `json:"errcode"`
		ErrMsg        string `json:"errmsg"`
		Code          *int   `json:"code"`
		Msg           string `json:"msg"`
		StatusCode    *int   `json:"StatusCode"`
		StatusMessage string `json:"StatusMessage"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return &BotError{Provider: provider, Status: http.StatusOK, Message: outbound.Unreadable(h, body)}
	}
	for _, r := range []struct {
		code *int
		msg  string
	}{{a.ErrCode, a.ErrMsg}, {a.Code, a.Msg}, {a.StatusCode, a.StatusMessage}} {
		if r.code != nil && *r.code != 0 {
			return &BotError{Provider: provider, Status: http.StatusOK, Code: *r.code, Message: r.msg}
		}
	}
	return nil
}

// redactURL removes the webhook URL (which holds its access key) from a
// transport error message.
func redactURL(msg, url string) string {
	return strings.ReplaceAll(msg, url, "(webhook)")
}
