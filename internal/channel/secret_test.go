package channel

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func testBox(t *testing.T, fill byte) *SecretBox {
	t.Helper()
	b, err := NewSecretBox(bytes.Repeat([]byte{fill}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSecretBoxRoundTrip(t *testing.T) {
	box := testBox(t, 1)
	for _, plain := range []string{"", "s3cr3t", "密钥 with spaces", strings.Repeat("x", 5000)} {
		sealed, err := box.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !IsSealed(sealed) || strings.Contains(sealed, plain) && plain != "" {
			t.Errorf("sealed %q = %q", plain, sealed)
		}
		again, _ := box.Seal(plain)
		if again == sealed {
			t.Error("two seals of the same value must differ (random nonce)")
		}
		got, err := box.Open(sealed)
		if err != nil || got != plain {
			t.Errorf("Open = %q, %v", got, err)
		}
	}
}

func TestSecretBoxRejects(t *testing.T) {
	box := testBox(t, 1)
	sealed, _ := box.Seal("s3cr3t")
	if _, err := testBox(t, 2).Open(sealed); err == nil {
		t.Error("opened with another key")
	}
	raw, _ := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, "sealed:v1:"))
	raw[len(raw)-1] ^= 1
	if _, err := box.Open("sealed:v1:" + base64.RawStdEncoding.EncodeToString(raw)); err == nil {
		t.Error("opened an altered value")
	}
	for _, bad := range []string{"s3cr3t", "sealed:v1:", "sealed:v1:!!!", "sealed:v1:AAAA"} {
		if _, err := box.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := NewSecretBox(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestLoadSecretKeyFromEnv(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
		got, err := LoadSecretKey(" "+enc.EncodeToString(key)+"\n", "")
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("LoadSecretKey = %x, %v", got, err)
		}
	}
	if _, err := LoadSecretKey(base64.StdEncoding.EncodeToString(key[:31]), t.TempDir()); err == nil ||
		!strings.Contains(err.Error(), SecretKeyEnv) {
		t.Errorf("short key: %v", err)
	}
	if _, err := LoadSecretKey("not base64!", t.TempDir()); err == nil {
		t.Error("accepted non-base64 key")
	}
}

func TestLoadSecretKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	// Several processes starting together agree on one key.
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := LoadSecretKey("", dir)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if len(k) != 32 || !bytes.Equal(k, keys[0]) {
			t.Fatalf("keys differ: %x vs %x", k, keys[0])
		}
	}
	path := filepath.Join(dir, SecretKeyFile)
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v", info.Mode(), err)
	}
	again, err := LoadSecretKey("", dir)
	if err != nil || !bytes.Equal(again, keys[0]) {
		t.Errorf("reload = %x, %v", again, err)
	}
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSecretKey("", dir); err == nil {
		t.Error("accepted a corrupt key file")
	}
	if _, err := LoadSecretKey("", ""); err == nil {
		t.Error("no env and no data dir must fail")
	}
}

func TestSealOpenRedactConfig(t *testing.T) {
	box := testBox(t, 3)
	cfg := []byte(`{"access_key_id":"LTAI","access_key_secret":"topsecret","sign_name":"签名","template_code":"SMS_1"}`)
	sealed, err := SealConfig("aliyun", cfg, box)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(sealed, &m); err != nil {
		t.Fatal(err)
	}
	if !IsSealed(m["access_key_secret"]) || m["access_key_id"] != "LTAI" || m["sign_name"] != "签名" {
		t.Errorf("sealed config = %s", sealed)
	}
	twice, _ := SealConfig("aliyun", sealed, box)
	if !bytes.Equal(twice, sealed) {
		t.Error("sealing a sealed config must keep it")
	}
	opened, err := OpenConfig("aliyun", sealed, box)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New("aliyun", opened, nil); err != nil {
		t.Errorf("opened config does not build: %v", err)
	}
	_ = json.Unmarshal(opened, &m)
	if m["access_key_secret"] != "topsecret" {
		t.Errorf("opened = %s", opened)
	}
	redacted, _ := RedactConfig("aliyun", sealed)
	if bytes.Contains(redacted, []byte("sealed:")) || bytes.Contains(redacted, []byte("topsecret")) {
		t.Errorf("redacted = %s", redacted)
	}
	_, err = OpenConfig("aliyun", sealed, testBox(t, 4))
	if ce, ok := err.(*ConfigError); !ok || ce.Field != "access_key_secret" {
		t.Errorf("wrong key: %v", err)
	}
}

func TestSecretFields(t *testing.T) {
	want := map[string]string{"aliyun": "access_key_secret", "tencent": "secret_key", "twilio": "auth_token",
		"webhook": "secret", "smtp": "password"}
	for _, p := range Providers() {
		f, err := SecretFields(p)
		if err != nil || len(f) != 1 || f[0] != want[p] {
			t.Errorf("%s: %v, %v", p, f, err)
		}
	}
	if _, err := SecretFields("fax"); err == nil {
		t.Error("unknown provider accepted")
	}
}
