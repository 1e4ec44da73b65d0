package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/channel"
	"touchbase/internal/channel/outbox"
	"touchbase/internal/channel/registry"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// fieldSpec describes one field of a provider's configuration (the JSON
// names of channel.AliyunConfig, SMTPConfig…) as the settings form shows it.
type fieldSpec struct {
	Name     string
	Label    string // catalog key
	Hint     string // catalog key, optional
	Type     string // text, password (a secret), number, url, email, select, checkbox, list, numbers (a list of whole numbers)
	Required bool
	Options  []string // select
	Holder   string   // placeholder: the default
}

// providerSpecs are the providers of each channel kind, the outbox first,
// with their fields.
var providerSpecs = map[channel.Kind][]string{
	channel.KindSMS:   {outbox.Provider, channel.ProviderAliyun, channel.ProviderTencent, channel.ProviderTwilio, channel.ProviderWebhook},
	channel.KindEmail: {outbox.Provider, channel.ProviderSMTP, channel.ProviderWebhook},
}

var providerFields = map[string][]fieldSpec{
	channel.ProviderAliyun: {
		{Name: "access_key_id", Label: "chfield.access_key_id", Type: "text", Required: true},
		{Name: "access_key_secret", Label: "chfield.access_key_secret", Type: "password", Required: true},
		{Name: "sign_name", Label: "chfield.sign_name", Type: "text", Required: true},
		{Name: "template_code", Label: "chfield.template_code", Hint: "chfield.template_code_hint", Type: "text", Holder: "SMS_123456789"},
		{Name: "text_param", Label: "chfield.text_param", Hint: "chfield.text_param_hint", Type: "text", Holder: "content"},
		{Name: "endpoint", Label: "chfield.endpoint", Hint: "chfield.endpoint_hint", Type: "url", Holder: "https://dysmsapi.aliyuncs.com"},
	},
	channel.ProviderTencent: {
		{Name: "secret_id", Label: "chfield.secret_id", Type: "text", Required: true},
		{Name: "secret_key", Label: "chfield.secret_key", Type: "password", Required: true},
		{Name: "sms_sdk_app_id", Label: "chfield.sms_sdk_app_id", Type: "text", Required: true, Holder: "1400006666"},
		{Name: "sign_name", Label: "chfield.sign_name", Hint: "chfield.sign_name_hint", Type: "text"},
		{Name: "template_id", Label: "chfield.template_id", Hint: "chfield.template_code_hint", Type: "text"},
		{Name: "sign_ids", Label: "chfield.sign_ids", Hint: "chfield.sign_ids_hint", Type: "numbers"},
		{Name: "text_param", Label: "chfield.text_param", Hint: "chfield.text_param_hint", Type: "text"},
		{Name: "param_order", Label: "chfield.param_order", Hint: "chfield.param_order_hint", Type: "list"},
		{Name: "region", Label: "chfield.region", Type: "text", Holder: "ap-guangzhou"},
		{Name: "sender_id", Label: "chfield.sender_id", Type: "text"},
		{Name: "endpoint", Label: "chfield.endpoint", Hint: "chfield.endpoint_hint", Type: "url", Holder: "https://sms.tencentcloudapi.com"},
	},
	channel.ProviderTwilio: {
		{Name: "account_sid", Label: "chfield.account_sid", Type: "text", Required: true, Holder: "AC…"},
		{Name: "auth_token", Label: "chfield.auth_token", Hint: "chfield.auth_token_hint", Type: "password", Required: true},
		{Name: "api_key_sid", Label: "chfield.api_key_sid", Type: "text", Holder: "SK…"},
		{Name: "from", Label: "chfield.from_number", Hint: "chfield.from_number_hint", Type: "text"},
		{Name: "messaging_service_sid", Label: "chfield.messaging_service_sid", Type: "text", Holder: "MG…"},
		{Name: "status_callback", Label: "chfield.status_callback", Type: "url"},
		{Name: "base_url", Label: "chfield.endpoint", Hint: "chfield.endpoint_hint", Type: "url", Holder: "https://api.twilio.com"},
	},
	channel.ProviderWebhook: {
		{Name: "url", Label: "chfield.url", Hint: "chfield.url_hint", Type: "url", Required: true},
		{Name: "secret", Label: "chfield.secret", Hint: "chfield.secret_hint", Type: "password", Required: true},
		{Name: "max_batch", Label: "chfield.max_batch", Type: "number", Holder: "1000"},
	},
	channel.ProviderSMTP: {
		{Name: "host", Label: "chfield.host", Type: "text", Required: true, Holder: "smtp.example.com"},
		{Name: "port", Label: "chfield.port", Hint: "chfield.port_hint", Type: "number", Holder: "587"},
		{Name: "security", Label: "chfield.security", Type: "select", Options: []string{"starttls", "tls", "none"}},
		{Name: "auth", Label: "chfield.auth", Type: "select", Options: []string{"plain", "login", "cram-md5"}},
		{Name: "username", Label: "chfield.username", Type: "text"},
		{Name: "password", Label: "chfield.password", Type: "password"},
		{Name: "from", Label: "chfield.from_email", Type: "email", Required: true, Holder: "service@example.com"},
		{Name: "from_name", Label: "chfield.from_name", Type: "text"},
		{Name: "reply_to", Label: "chfield.reply_to", Type: "email"},
		{Name: "helo", Label: "chfield.helo", Type: "text"},
		{Name: "timeout", Label: "chfield.timeout", Type: "text", Holder: "30s"},
		{Name: "max_batch", Label: "chfield.max_batch", Type: "number", Holder: "100"},
		{Name: "insecure_skip_verify", Label: "chfield.insecure_skip_verify", Hint: "chfield.insecure_skip_verify_hint", Type: "checkbox"},
	},
}

// channelCard is one channel kind on the settings page: its provider
// choices with their fields, the rate limit, and the test-send form.
type channelCard struct {
	Kind      string
	Current   string // the stored provider
	Chosen    string // the provider ticked in the form
	RateLimit string
	Providers []providerForm
	Errors    model.ValidationErrors
	TestTo    string
	Test      *testAnswer
	CSRF      string
	// Callbacks are the addresses the provider pushes receipts and
	// replies to.
	Callbacks []callbackURL
}

// providerForm is one provider's choice and fields.
type providerForm struct {
	Name   string
	Fields []providerField
}

// providerField is one input of a provider's form.
type providerField struct {
	fieldSpec
	Provider  string
	Value     string
	Checked   bool
	SecretSet bool // a secret is stored: blank keeps it
	Error     string
	Detail    string // the provider's own wording of the problem
}

// InputName is the form name of the field: "aliyun.access_key_id".
func (f providerField) InputName() string { return f.Provider + "." + f.Name }

// testAnswer is the provider's answer to a test message.
type testAnswer struct {
	OK         bool
	Provider   string
	MessageID  string
	Reason     string // translated
	Detail     string
	FieldError string // the recipient is not valid
}

// newChannelCard builds the card of one kind from its stored setting: the
// provider's fields show the stored values, secrets never.
func newChannelCard(s registry.Setting, secrets map[string]bool, csrf string) channelCard {
	c := channelCard{Kind: string(s.Kind), Current: s.Provider, Chosen: s.Provider, CSRF: csrf}
	if s.RateLimit > 0 {
		c.RateLimit = strconv.Itoa(s.RateLimit)
	}
	var stored map[string]any
	if !s.IsOutbox {
		json.Unmarshal(s.Config, &stored) //nolint:errcheck // a bad stored config shows empty fields
	}
	for _, name := range providerSpecs[s.Kind] {
		pf := providerForm{Name: name}
		for _, spec := range providerFields[name] {
			f := providerField{fieldSpec: spec, Provider: name}
			if name == s.Provider {
				f.Value, f.Checked = storedValue(stored[spec.Name])
				f.SecretSet = spec.Type == "password" && secrets[spec.Name]
			}
			pf.Fields = append(pf.Fields, f)
		}
		c.Providers = append(c.Providers, pf)
	}
	return c
}

// splitList reads a comma-separated input (a full-width comma too),
// dropping empty items.
func splitList(v string) []string {
	var items []string
	for _, s := range strings.Split(strings.ReplaceAll(v, "，", ","), ",") {
		if s = strings.TrimSpace(s); s != "" {
			items = append(items, s)
		}
	}
	return items
}

// storedValue shows a stored JSON value in an input.
func storedValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, false
	case bool:
		return "", x
	case float64:
		if x == 0 {
			return "", false
		}
		return strconv.FormatFloat(x, 'f', -1, 64), false
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, ", "), false
	}
	return "", false
}

// readChannelForm fills the card from the posted form and returns the
// chosen provider's configuration as JSON. Required fields left empty (a
// stored secret excepted) and numbers that do not parse are field errors.
func readChannelForm(r *http.Request, c *channelCard) (cfg []byte, rate int, errs model.ValidationErrors) {
	c.Chosen = r.PostFormValue("provider")
	c.RateLimit = strings.TrimSpace(r.PostFormValue("rate_limit"))
	rate = 0
	if c.RateLimit != "" {
		n, err := strconv.Atoi(c.RateLimit)
		if err != nil {
			errs.Add("rate_limit", "invalid", "not a whole number")
		}
		rate = n
	}
	out := map[string]any{}
	known := false
	for i := range c.Providers {
		pf := &c.Providers[i]
		for j := range pf.Fields {
			f := &pf.Fields[j]
			f.Value = strings.TrimSpace(r.PostFormValue(f.InputName()))
			f.Checked = formBool(r, f.InputName())
			if f.Type == "password" {
				f.Value = r.PostFormValue(f.InputName()) // secrets are taken as typed
			}
		}
		if pf.Name != c.Chosen {
			continue
		}
		known = true
		for j := range pf.Fields {
			f := &pf.Fields[j]
			switch {
			case f.Type == "checkbox":
				out[f.Name] = f.Checked
			case f.Value == "":
				if f.Required && !f.SecretSet {
					errs.Add("config."+f.Name, "required", f.Name+" is required")
				}
				if f.Type == "password" {
					out[f.Name] = "" // blank keeps the stored secret
				}
			case f.Type == "number":
				n, err := strconv.Atoi(f.Value)
				if err != nil || n < 0 {
					errs.Add("config."+f.Name, "invalid", "not a whole number")
				}
				out[f.Name] = n
			case f.Type == "list":
				out[f.Name] = splitList(f.Value)
			case f.Type == "numbers":
				nums := []int64{}
				for _, s := range splitList(f.Value) {
					n, err := strconv.ParseInt(s, 10, 64)
					if err != nil || n <= 0 {
						errs.Add("config."+f.Name, "invalid", "whole numbers separated by commas")
						break
					}
					nums = append(nums, n)
				}
				out[f.Name] = nums
			default:
				out[f.Name] = f.Value
			}
		}
	}
	if !known {
		errs.Add("provider", "invalid", "choose a provider")
		return nil, rate, errs
	}
	if c.Chosen == channel.ProviderWebhook {
		out["kind"] = c.Kind // the receiver delivers this card's kind
	}
	cfg, _ = json.Marshal(out)
	return cfg, rate, errs
}

// showErrors puts field errors under their inputs: config.<name> under the
// chosen provider's field, the rest on the card.
func (c *channelCard) showErrors(lang string, errs model.ValidationErrors) {
	c.Errors = errs
	for i := range c.Providers {
		pf := &c.Providers[i]
		if pf.Name != c.Chosen {
			continue
		}
		for j := range pf.Fields {
			f := &pf.Fields[j]
			if fe := errs.For("config." + f.Name); fe != nil {
				f.Error = i18n.FieldError(lang, fe)
				if fe.Code == "invalid" && strings.HasPrefix(fe.Message, "channel ") {
					f.Detail = fe.Message
				}
			}
		}
	}
}

// ProviderError is the translated error of the provider choice, with the
// provider's own words when it gave some.
func (c channelCard) ProviderError(lang string) string {
	fe := c.Errors.For("provider")
	if fe == nil {
		fe = c.Errors.For("config")
	}
	if fe == nil {
		return ""
	}
	msg := i18n.FieldError(lang, fe)
	if strings.HasPrefix(fe.Message, "channel ") {
		msg += " (" + fe.Message + ")"
	}
	return msg
}
