package wecom

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/model"
)

// DefaultBaseURL is WeCom's API.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// Config is the WeCom connection an admin enters. The secrets are sealed
// at rest and never shown again.
type Config struct {
	CorpID string `json:"corp_id"`
	// ContactSecret is the secret of 客户联系 (customer contact).
	ContactSecret string `json:"contact_secret"`
	// AgentID and AgentSecret are a self-built application's, for
	// application messages to reps (optional).
	AgentID     int64  `json:"agent_id"`
	AgentSecret string `json:"agent_secret"`
	// CallbackToken and EncodingAESKey are those set for the callback URL.
	CallbackToken  string `json:"callback_token"`
	EncodingAESKey string `json:"encoding_aes_key"`
	// BaseURL is the API's address: WeCom's unless a private deployment
	// or a proxy says otherwise.
	BaseURL string `json:"base_url,omitempty"`
	// ConfirmHours is how long a member has to confirm a mass-message
	// task before its receivers are skipped as not confirmed (0: the
	// default, DefaultConfirmHours).
	ConfirmHours int `json:"confirm_hours,omitempty"`
	// MonthlyLimit is how many mass messages a customer may receive a
	// month, when the company's WeCom sets fewer than WeCom's own limit
	// (as many as the month has days); 0 keeps WeCom's.
	MonthlyLimit int `json:"monthly_limit,omitempty"`
	// Simulated marks the demo's built-in simulated WeCom; only the demo
	// sets it (an admin's Save clears it).
	Simulated bool `json:"simulated,omitempty"`
}

var (
	corpIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{6,32}$`)
	tokenPattern  = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)
)

// Validate checks every field and names the first bad one.
func (c Config) Validate() error {
	switch {
	case c.CorpID == "":
		return model.NewFieldError("corp_id", "required", "corp id is required")
	case !corpIDPattern.MatchString(c.CorpID):
		return model.NewFieldError("corp_id", "invalid", "corp id is letters and digits, such as ww1436e0e65a779aee")
	case c.ContactSecret == "":
		return model.NewFieldError("contact_secret", "required", "the customer contact secret is required")
	case c.AgentID < 0:
		return model.NewFieldError("agent_id", "invalid", "agent id must be a positive number")
	case c.AgentID > 0 && c.AgentSecret == "":
		return model.NewFieldError("agent_secret", "required", "an application needs its secret")
	case c.AgentID == 0 && c.AgentSecret != "":
		return model.NewFieldError("agent_id", "required", "an application secret needs its agent id")
	case c.CallbackToken != "" && !tokenPattern.MatchString(c.CallbackToken):
		return model.NewFieldError("callback_token", "invalid", "the callback token is up to 32 letters and digits")
	case (c.CallbackToken == "") != (c.EncodingAESKey == ""):
		field := "callback_token"
		if c.EncodingAESKey == "" {
			field = "encoding_aes_key"
		}
		return model.NewFieldError(field, "required", "the callback needs both the token and the EncodingAESKey")
	}
	if c.EncodingAESKey != "" {
		if _, err := aesKey(c.EncodingAESKey); err != nil {
			return model.NewFieldError("encoding_aes_key", "invalid", "the EncodingAESKey is 43 letters and digits")
		}
	}
	if c.ConfirmHours < 0 || c.ConfirmHours > MaxConfirmHours {
		return model.NewFieldError("confirm_hours", "invalid", "the time to confirm is 1 to 720 hours")
	}
	if c.MonthlyLimit < 0 || c.MonthlyLimit > 31 {
		return model.NewFieldError("monthly_limit", "invalid", "the monthly limit is 1 to 31 messages")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.User != nil {
			return model.NewFieldError("base_url", "invalid", "the API address must be an http or https URL")
		}
	}
	return nil
}

// aesKey decodes an EncodingAESKey: 43 base64 characters, 32 bytes.
func aesKey(s string) ([]byte, error) {
	if len(s) != 43 {
		return nil, errBadKey
	}
	return base64.StdEncoding.DecodeString(s + "=")
}

// The time members have to confirm a task: by default, and at most.
const (
	DefaultConfirmHours = 48
	MaxConfirmHours     = 720
)

// confirmWait is how long a member has to confirm a task.
func (c Config) confirmWait() time.Duration {
	if c.ConfirmHours <= 0 {
		return DefaultConfirmHours * time.Hour
	}
	return time.Duration(c.ConfirmHours) * time.Hour
}

// monthlyLimit is how many mass messages a customer may receive in the
// month of t: as many as the month has days, or the company's lower
// setting.
func (c Config) monthlyLimit(t time.Time) int {
	days := time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if c.MonthlyLimit > 0 {
		return min(c.MonthlyLimit, days)
	}
	return days
}

func (c Config) baseURL() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimRight(c.BaseURL, "/")
}

// secrets lists the secret fields of c, to seal, open or empty.
func (c *Config) secrets() []*string {
	return []*string{&c.ContactSecret, &c.AgentSecret, &c.CallbackToken, &c.EncodingAESKey}
}

// seal returns c as stored: secrets sealed by box.
func (c Config) seal(box *channel.SecretBox) ([]byte, error) {
	for _, p := range c.secrets() {
		if *p == "" || channel.IsSealed(*p) {
			continue
		}
		v, err := box.Seal(*p)
		if err != nil {
			return nil, err
		}
		*p = v
	}
	return json.Marshal(c)
}

// openConfig reads a stored configuration and opens its secrets.
func openConfig(stored []byte, box *channel.SecretBox) (Config, error) {
	var c Config
	if err := json.Unmarshal(stored, &c); err != nil {
		return c, err
	}
	for _, p := range c.secrets() {
		if !channel.IsSealed(*p) {
			continue
		}
		v, err := box.Open(*p)
		if err != nil {
			return c, err
		}
		*p = v
	}
	return c, nil
}

// Redacted is c with the secrets emptied, and which of them are set.
func (c Config) Redacted() (Config, map[string]bool) {
	set := map[string]bool{"contact_secret": c.ContactSecret != "", "agent_secret": c.AgentSecret != "",
		"callback_token": c.CallbackToken != "", "encoding_aes_key": c.EncodingAESKey != ""}
	for _, p := range c.secrets() {
		*p = ""
	}
	return c, set
}
