package registry_test

import (
	"context"
	"strings"
	"testing"

	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestSaveNamesTheBadField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		box, _ := channel.NewSecretBox(make([]byte, 32))
		reg := registry.New(s, box, channel.Env{})
		u := &model.User{Username: "admin", Role: model.RoleAdmin, Active: true}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		cases := map[string]struct {
			kind     channel.Kind
			provider string
			cfg      string
			rate     int
			field    string
		}{
			"wrong type":    {channel.KindSMS, channel.ProviderWebhook, `{"url":"http://127.0.0.1:1","secret":"s","max_batch":"9"}`, 0, "config.max_batch"},
			"not an object": {channel.KindSMS, channel.ProviderWebhook, `[1]`, 0, "config"},
			"unknown kind":  {"fax", channel.ProviderWebhook, `{}`, 0, "kind"},
			"rate limit":    {channel.KindSMS, channel.ProviderWebhook, `{"url":"http://127.0.0.1:1","secret":"s"}`, -1, "rate_limit"},
			"wrong kind":    {channel.KindEmail, channel.ProviderTwilio, `{"account_sid":"AC1","auth_token":"t","from":"+15005550006"}`, 0, "provider"},
		}
		for name, c := range cases {
			err := reg.Save(ctx, u.ID, c.kind, c.provider, []byte(c.cfg), c.rate)
			ve, ok := model.AsValidation(err)
			if !ok || ve.For(c.field) == nil {
				t.Errorf("%s: err = %v, want a field error on %s", name, err, c.field)
			}
		}
		cfgs, _ := s.ChannelConfigs(ctx)
		if len(cfgs) != 0 {
			t.Fatalf("refused configurations were stored: %v", cfgs)
		}
		settings, err := reg.Settings(ctx)
		if err != nil || len(settings) != 2 || !settings[0].IsOutbox || !strings.Contains(string(settings[0].Config), "{") {
			t.Fatalf("default settings: %+v %v", settings, err)
		}
	})
}
