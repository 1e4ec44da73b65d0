package channel

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// fingerprintLabel is the fixed message whose HMAC under a key is that
// key's fingerprint.
const fingerprintLabel = "touchbase secret-key fingerprint v1"

// KeyFingerprint identifies a secret key without revealing it: the first
// 16 bytes of HMAC-SHA256(key, a fixed label), in hex. Two processes have
// the same key exactly when their fingerprints match; the fingerprint
// tells nothing else about the key.
func KeyFingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(fingerprintLabel))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
