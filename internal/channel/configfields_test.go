package channel

import (
	"slices"
	"testing"
)

func TestConfigFields(t *testing.T) {
	got, err := ConfigFields(ProviderWebhook)
	if err != nil || !slices.Equal(got, []string{"url", "secret", "kind", "max_batch"}) {
		t.Errorf("webhook fields = %v, %v", got, err)
	}
	for _, p := range Providers() {
		fields, err := ConfigFields(p)
		if err != nil || len(fields) == 0 {
			t.Errorf("%s: %v, %v", p, fields, err)
		}
		secrets, _ := SecretFields(p)
		for _, s := range secrets {
			if !slices.Contains(fields, s) {
				t.Errorf("%s: secret %s is not among the fields %v", p, s, fields)
			}
		}
	}
	if _, err := ConfigFields("pigeon"); err == nil {
		t.Error("an unknown provider has fields")
	}
}
