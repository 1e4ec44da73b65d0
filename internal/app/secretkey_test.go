package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"touchbase/internal/app"
	"touchbase/internal/channel"
	"touchbase/internal/config"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// newApp builds the services on s with the secret key made of fill bytes.
func newApp(t *testing.T, s *storage.Store, fill byte) *app.App {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.SecretKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, 32))
	a, err := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCheckSecretKey: the first process records its key's fingerprint; a
// process with another key is refused, with what to set and without the
// key; one with the same key goes on.
func TestCheckSecretKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := newApp(t, s, 1).CheckSecretKey(ctx); err != nil {
			t.Fatalf("first process: %v", err)
		}
		err := newApp(t, s, 2).CheckSecretKey(ctx)
		if !errors.Is(err, app.ErrWrongSecretKey) || !strings.Contains(err.Error(), "TOUCHBASE_SECRET_KEY_FILE") ||
			!strings.Contains(err.Error(), channel.KeyFingerprint(bytes.Repeat([]byte{1}, 32))) {
			t.Fatalf("another key: %v", err)
		}
		if b64 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32)); strings.Contains(err.Error(), b64) {
			t.Fatal("the error shows the key")
		}
		if err := newApp(t, s, 1).CheckSecretKey(ctx); err != nil {
			t.Fatalf("same key again: %v", err)
		}
	})
}

// TestCheckSecretKeyBeforeFingerprint: on a database whose secrets were
// sealed before fingerprints were kept, the first process records its key
// only if those secrets open with it.
func TestCheckSecretKeyBeforeFingerprint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		box, err := channel.NewSecretBox(bytes.Repeat([]byte{1}, 32))
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := box.Seal("hook secret")
		if err != nil {
			t.Fatal(err)
		}
		cfg := []byte(`{"url":"https://sms.example.com/send","secret":"` + sealed + `"}`)
		if err := s.SaveChannelConfig(ctx, &model.ChannelConfig{Kind: "sms", Provider: "webhook", Config: cfg}); err != nil {
			t.Fatal(err)
		}
		err = newApp(t, s, 2).CheckSecretKey(ctx)
		if !errors.Is(err, app.ErrWrongSecretKey) || !strings.Contains(err.Error(), "secret of the sms channel") {
			t.Fatalf("a key that cannot open the stored secrets: %v", err)
		}
		if strings.Contains(err.Error(), "hook secret") {
			t.Fatal("the error shows the secret")
		}
		if err := newApp(t, s, 1).CheckSecretKey(ctx); err != nil {
			t.Fatalf("the key that sealed them: %v", err)
		}
		if err := newApp(t, s, 2).CheckSecretKey(ctx); !errors.Is(err, app.ErrWrongSecretKey) {
			t.Fatalf("after the fingerprint is kept: %v", err)
		}
	})
}
