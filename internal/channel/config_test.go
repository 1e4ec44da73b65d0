package channel

import (
	"errors"
	"testing"
)

// FuzzNew feeds arbitrary configurations to every provider: New must
// either build a channel or return a *ConfigError, never panic.
func FuzzNew(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"host":"smtp.example.com","from":"a@example.com","port":-1}`,
		`{"url":"http://x","secret":"s","max_batch":1e9}`, `{"access_key_id":"a","access_key_secret":"b","sign_name":"c","template_code":"d","endpoint":"http://[::1"}`,
		`{"secret_id":"i","secret_key":"k","sms_sdk_app_id":"1","template_id":"2","param_order":["a",null]}`,
		`{"account_sid":"AC/../x","auth_token":"t","from":"+1"}`, `{"timeout":"-1s","host":"h","from":"a@b"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cfg string) {
		for _, p := range Providers() {
			c, err := New(p, []byte(cfg), nil)
			if err != nil {
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Provider != p {
					t.Fatalf("%s: error %v is not a ConfigError", p, err)
				}
				continue
			}
			if c.Name() != p || c.MaxBatch() < 1 {
				t.Fatalf("%s: built %s with MaxBatch %d", p, c.Name(), c.MaxBatch())
			}
			if _, err := RedactConfig(p, []byte(cfg)); err != nil {
				t.Fatalf("%s: config accepted by New but not by RedactConfig: %v", p, err)
			}
		}
	})
}
