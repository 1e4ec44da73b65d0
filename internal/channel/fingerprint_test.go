package channel

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestKeyFingerprint(t *testing.T) {
	a, b := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	fa := KeyFingerprint(a)
	if len(fa) != 32 || fa != KeyFingerprint(bytes.Clone(a)) {
		t.Fatalf("fingerprint %q is not a stable 32-digit hex string", fa)
	}
	if fa == KeyFingerprint(b) {
		t.Fatal("two keys share a fingerprint")
	}
	// The fingerprint is a MAC of a label, not a hash of the key: neither
	// the key nor its plain SHA-256 shows through.
	sum := sha256.Sum256(a)
	if strings.Contains(hex.EncodeToString(sum[:]), fa) || strings.Contains(hex.EncodeToString(a), fa) {
		t.Fatal("fingerprint reveals the key")
	}
	m := hmac.New(sha256.New, a)
	m.Write([]byte(fingerprintLabel))
	if want := hex.EncodeToString(m.Sum(nil))[:32]; fa != want {
		t.Fatalf("fingerprint %s, want %s", fa, want)
	}
}
