package wecom_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// TestConnectionSettings: bad settings are refused naming the field and
// change nothing; secrets are sealed at rest, never shown, and kept when
// left empty; the test lists the members who may serve customers.
func TestConnectionSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fake := fakewecom.New(t)
		fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Follow: true})
		fake.AddMember(fakewecom.Member{UserID: "lisi", Name: "李四", Follow: true})
		fake.AddMember(fakewecom.Member{UserID: "wangwu", Name: "王五"})
		e := newEnv(t, s, nil, false)
		if _, err := e.svc.Test(ctx); !errors.Is(err, wecom.ErrNotConfigured) {
			t.Fatalf("test before connecting: %v", err)
		}
		good := wecom.Config{CorpID: fake.CorpID, ContactSecret: fake.ContactSecret, AgentID: fake.AgentID,
			AgentSecret: fake.AgentSecret, CallbackToken: fake.CallbackToken, EncodingAESKey: fake.EncodingAESKey, BaseURL: fake.URL}
		for field, bad := range map[string]func(c *wecom.Config){
			"corp_id":          func(c *wecom.Config) { c.CorpID = "" },
			"contact_secret":   func(c *wecom.Config) { c.ContactSecret = "" },
			"agent_secret":     func(c *wecom.Config) { c.AgentSecret = "" },
			"encoding_aes_key": func(c *wecom.Config) { c.EncodingAESKey = "short" },
			"callback_token":   func(c *wecom.Config) { c.CallbackToken = "has spaces" },
			"base_url":         func(c *wecom.Config) { c.BaseURL = "ftp://x" },
		} {
			c := good
			bad(&c)
			var fe *model.FieldError
			if err := e.svc.Save(ctx, e.admin.ID, c); !errors.As(err, &fe) || fe.Field != field {
				t.Errorf("bad %s: %v", field, err)
			}
		}
		if st, err := e.svc.Settings(ctx); err != nil || st.Configured {
			t.Fatalf("refused settings were stored: %+v %v", st, err)
		}
		if err := e.svc.Save(ctx, e.admin.ID, good); err != nil {
			t.Fatal(err)
		}
		cfgs, err := s.ChannelConfigs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		raw := string(cfgs[wecom.ConfigKind].Config)
		for _, secret := range []string{fake.ContactSecret, fake.AgentSecret, fake.CallbackToken, fake.EncodingAESKey} {
			if strings.Contains(raw, secret) {
				t.Fatalf("a secret is stored in the clear: %s", raw)
			}
		}
		// Saving again with the secrets left empty keeps them.
		keep := good
		keep.ContactSecret, keep.AgentSecret, keep.CallbackToken, keep.EncodingAESKey = "", "", "", ""
		if err := e.svc.Save(ctx, e.admin.ID, keep); err != nil {
			t.Fatal(err)
		}
		st, err := e.svc.Settings(ctx)
		if err != nil || !st.Configured || st.Config.ContactSecret != "" || !st.Secrets["contact_secret"] || !st.Secrets["encoding_aes_key"] ||
			st.Config.CorpID != fake.CorpID || st.Config.AgentID != fake.AgentID {
			t.Fatalf("settings: %+v %v", st, err)
		}
		res, err := e.svc.Test(ctx)
		if err != nil || res.FollowUsers != 2 || res.Member == nil || res.Member.Name != "李四" || !res.Application {
			t.Fatalf("test: %+v %v", res, err)
		}
		// A wrong secret is WeCom's 40001, named as such.
		wrong := good
		wrong.ContactSecret = "not-the-secret"
		if err := e.svc.Save(ctx, e.admin.ID, wrong); err != nil {
			t.Fatal(err)
		}
		var we *wecom.Error
		if _, err := e.svc.Test(ctx); !errors.As(err, &we) || we.Code != wecom.CodeInvalidSecret {
			t.Fatalf("test with a wrong secret: %v", err)
		}
	})
}
