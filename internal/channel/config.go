package channel

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	"touchbase/internal/outbound"
)

// Provider names accepted by New.
const (
	ProviderSMTP    = "smtp"
	ProviderAliyun  = "aliyun"
	ProviderTencent = "tencent"
	ProviderTwilio  = "twilio"
	ProviderWebhook = "webhook"
)

// Env holds what providers take from their surroundings. Zero fields get
// defaults: an outbound client keeping to Network (30 s timeout),
// time.Now and crypto/rand.Reader.
type Env struct {
	// HTTPClient makes the providers' calls; build it with
	// outbound.NewClient so redirects and inward addresses are refused.
	HTTPClient *http.Client
	// Network is the policy of the client made when HTTPClient is nil:
	// by default no loopback or private addresses.
	Network outbound.Policy
	// ProviderClient, when set, gives each provider its own HTTP client
	// (one whose calls are counted under the provider's name); it takes
	// the place of HTTPClient.
	ProviderClient func(provider string) *http.Client
	// Now is the clock used for request timestamps and signatures.
	Now func() time.Time
	// Random is the source of signature nonces and message IDs.
	Random io.Reader
	// TLSRoots are the certificate authorities trusted by SMTP connections;
	// nil means the system's.
	TLSRoots *x509.CertPool
}

func (e Env) withDefaults() Env {
	if e.HTTPClient == nil {
		e.HTTPClient = outbound.NewClient(e.Network)
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Random == nil {
		e.Random = rand.Reader
	}
	return e
}

// ConfigError reports an invalid provider configuration, naming the field.
type ConfigError struct {
	Provider string
	// Field is the JSON name of the offending field.
	Field   string
	Problem string
}

// Error implements error.
func (e *ConfigError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("channel %s: %s", e.Provider, e.Problem)
	}
	return fmt.Sprintf("channel %s: %s: %s", e.Provider, e.Field, e.Problem)
}

// Providers lists the provider names New accepts.
func Providers() []string {
	p := []string{ProviderSMTP, ProviderAliyun, ProviderTencent, ProviderTwilio, ProviderWebhook}
	sort.Strings(p)
	return p
}

// New builds the channel of provider from its JSON configuration (secrets
// already opened). httpClient is used by HTTP-based providers; nil gets an
// outbound client that reaches no loopback or private address. Invalid configurations return a *ConfigError.
func New(provider string, cfgJSON []byte, httpClient *http.Client) (Channel, error) {
	return NewWithEnv(provider, cfgJSON, Env{HTTPClient: httpClient})
}

// NewWithEnv is New with every dependency explicit, for tests and tools.
func NewWithEnv(provider string, cfgJSON []byte, env Env) (Channel, error) {
	cfg, err := newConfig(provider)
	if err != nil {
		return nil, err
	}
	if err := decodeConfig(provider, cfgJSON, cfg); err != nil {
		return nil, err
	}
	if env.ProviderClient != nil {
		env.HTTPClient = env.ProviderClient(provider)
	}
	switch c := cfg.(type) {
	case *SMTPConfig:
		return NewSMTP(*c, env)
	case *AliyunConfig:
		return NewAliyun(*c, env)
	case *TencentConfig:
		return NewTencent(*c, env)
	case *TwilioConfig:
		return NewTwilio(*c, env)
	case *WebhookConfig:
		return NewWebhook(*c, env)
	}
	return nil, &ConfigError{Provider: provider, Problem: "unknown provider"}
}

// newConfig returns a pointer to the zero configuration struct of provider.
func newConfig(provider string) (any, error) {
	switch provider {
	case ProviderSMTP:
		return &SMTPConfig{}, nil
	case ProviderAliyun:
		return &AliyunConfig{}, nil
	case ProviderTencent:
		return &TencentConfig{}, nil
	case ProviderTwilio:
		return &TwilioConfig{}, nil
	case ProviderWebhook:
		return &WebhookConfig{}, nil
	}
	return nil, &ConfigError{Provider: provider, Problem: "unknown provider"}
}

// decodeConfig strictly decodes cfgJSON into cfg: unknown fields are
// errors, so a misspelt setting is reported instead of ignored.
func decodeConfig(provider string, cfgJSON []byte, cfg any) error {
	dec := json.NewDecoder(bytes.NewReader(cfgJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &ConfigError{Provider: provider, Field: te.Field, Problem: "must be a " + te.Type.String()}
		}
		return &ConfigError{Provider: provider, Problem: "invalid JSON: " + err.Error()}
	}
	return nil
}

// required returns a *ConfigError naming field when value is empty.
func required(provider, field, value string) error {
	if value == "" {
		return &ConfigError{Provider: provider, Field: field, Problem: "is required"}
	}
	return nil
}
