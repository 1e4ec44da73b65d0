package channel

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const twilioDefaultBaseURL = "https://api.twilio.com"

// TwilioConfig configures the Twilio Programmable Messaging provider.
type TwilioConfig struct {
	AccountSID string `json:"account_sid"`
	// AuthToken is the account's auth token, or the API key secret when
	// APIKeySID is set.
	AuthToken string `json:"auth_token" secret:"true"`
	// APIKeySID, when set, authenticates with an API key (SK…) instead of
	// the account SID.
	APIKeySID string `json:"api_key_sid,omitempty"`
	// From is the sender number or alphanumeric sender ID; required unless
	// MessagingServiceSID is set.
	From                string `json:"from,omitempty"`
	MessagingServiceSID string `json:"messaging_service_sid,omitempty"`
	// StatusCallback is the URL Twilio posts delivery status changes to.
	StatusCallback string `json:"status_callback,omitempty"`
	// BaseURL overrides https://api.twilio.com (tests).
	BaseURL string `json:"base_url,omitempty"`
}

// Twilio sends SMS through Twilio's Messages API, one recipient per call.
type Twilio struct {
	cfg      TwilioConfig
	endpoint string
	env      Env
}

// NewTwilio validates cfg and returns the provider.
func NewTwilio(cfg TwilioConfig, env Env) (*Twilio, error) {
	if err := required(ProviderTwilio, "account_sid", cfg.AccountSID); err != nil {
		return nil, err
	}
	if err := required(ProviderTwilio, "auth_token", cfg.AuthToken); err != nil {
		return nil, err
	}
	if cfg.From == "" && cfg.MessagingServiceSID == "" {
		return nil, &ConfigError{Provider: ProviderTwilio, Field: "from", Problem: "is required unless messaging_service_sid is set"}
	}
	if cfg.StatusCallback != "" {
		if _, err := parseBaseURL(ProviderTwilio, "status_callback", cfg.StatusCallback); err != nil {
			return nil, err
		}
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = twilioDefaultBaseURL
	}
	u, err := parseBaseURL(ProviderTwilio, "base_url", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json"
	return &Twilio{cfg: cfg, endpoint: u.String(), env: env.withDefaults()}, nil
}

// Name returns "twilio".
func (t *Twilio) Name() string { return ProviderTwilio }

// Kind returns KindSMS.
func (t *Twilio) Kind() Kind { return KindSMS }

// MaxBatch returns 1: Twilio has no batch call.
func (t *Twilio) MaxBatch() int { return 1 }

// Close does nothing.
func (t *Twilio) Close() error { return nil }

// SendBatch sends the messages one by one.
func (t *Twilio) SendBatch(ctx context.Context, msgs []Message) []Result {
	return SendEach(ctx, ProviderTwilio, msgs, t.Send)
}

// twilioMessage is the part of a Message resource we read.
type twilioMessage struct {
	SID    string `json:"sid"`
	Status string `json:"status"`
}

// twilioError is Twilio's error body.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// Send creates one Message resource and returns its SID.
func (t *Twilio) Send(ctx context.Context, msg Message) (string, error) {
	to := strings.TrimSpace(msg.To)
	if to == "" {
		return "", &Error{Provider: ProviderTwilio, Reason: ReasonInvalidMobile, Detail: "empty mobile number"}
	}
	form := url.Values{"To": {to}, "Body": {msg.Text}}
	if t.cfg.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", t.cfg.MessagingServiceSID)
	}
	if t.cfg.From != "" {
		form.Set("From", t.cfg.From)
	}
	if t.cfg.StatusCallback != "" {
		form.Set("StatusCallback", t.cfg.StatusCallback)
	}
	req, err := http.NewRequest(http.MethodPost, t.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", &Error{Provider: ProviderTwilio, Reason: ReasonInvalidRequest, Detail: err.Error(), Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	user := t.cfg.AccountSID
	if t.cfg.APIKeySID != "" {
		user = t.cfg.APIKeySID
	}
	req.SetBasicAuth(user, t.cfg.AuthToken)
	resp, err := doHTTP(ctx, ProviderTwilio, t.env.HTTPClient, req)
	if err != nil {
		return "", err
	}
	if resp.Status/100 == 2 {
		var m twilioMessage
		if err := json.Unmarshal(resp.Body, &m); err != nil || m.SID == "" {
			return "", &Error{Provider: ProviderTwilio, Reason: ReasonProviderError, Detail: resp.unreadable()}
		}
		return m.SID, nil
	}
	var te twilioError
	if err := json.Unmarshal(resp.Body, &te); err != nil || te.Code == 0 {
		return "", httpStatusError(ProviderTwilio, resp.Status, resp.snippet())
	}
	return "", twilioAPIError(resp.Status, te)
}

// twilioAPIError maps a Twilio error code (https://www.twilio.com/docs/api/errors)
// and HTTP status to an *Error.
func twilioAPIError(status int, te twilioError) *Error {
	e := httpStatusError(ProviderTwilio, status, te.Message)
	e.Code = strconv.Itoa(te.Code)
	switch te.Code {
	case 21211, 21614, 21217, 21401, 21407, 21612:
		// invalid 'To' number; not a mobile number; not reachable by SMS
		e.Reason, e.Transient = ReasonInvalidMobile, false
	case 21610:
		// the recipient replied STOP
		e.Reason, e.Transient = ReasonBlocked, false
	case 21602, 21617, 21619, 30007:
		// body required / too long / filtered as spam
		e.Reason, e.Transient = ReasonContentRejected, false
	case 20003, 20005, 20008, 20403:
		e.Reason, e.Transient = ReasonAuthFailed, false
	case 20429, 14107:
		e.Reason, e.Transient = ReasonThrottled, true
	case 21606, 21659, 21603, 21212, 21408:
		// invalid or missing From, sender not owned, region not enabled
		e.Reason, e.Transient = ReasonInvalidRequest, false
	}
	return e
}
