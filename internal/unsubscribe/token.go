package unsubscribe

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrInvalidToken is returned for a token that was not made by this
// signer's key or was altered.
var ErrInvalidToken = errors.New("unsubscribe: invalid token")

// tokenVersion is the first byte of every token's payload.
const tokenVersion = 1

// macSize is how many bytes of the HMAC-SHA256 a token keeps: 128 bits
// cannot be guessed.
const macSize = 16

// MaxTokenLen bounds the length of a token: an address is at most 254
// bytes, which base64 makes about 380 characters.
const MaxTokenLen = 512

// keyLabel separates the unsubscribe key from every other use of the
// app's secret key.
const keyLabel = "touchbase/unsubscribe-token/v1"

// Signer makes and checks tokens.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer whose key is derived from the app's secret
// key (HMAC-SHA256 of a fixed label), so a token never reveals or reuses
// the key that seals provider secrets.
func NewSigner(secret []byte) *Signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(keyLabel))
	return &Signer{key: m.Sum(nil)}
}

// Target is what a token names: a contact and the address of the
// message that carried it.
type Target struct {
	ContactID int64
	Address   string
}

// Token returns the URL-safe token naming contactID and address:
// base64url(version ‖ uvarint(contactID) ‖ address ‖ MAC), the MAC being
// the first 16 bytes of HMAC-SHA256 over everything before it.
func (s *Signer) Token(contactID int64, address string) string {
	payload := make([]byte, 0, 1+binary.MaxVarintLen64+len(address)+macSize)
	payload = append(payload, tokenVersion)
	payload = binary.AppendUvarint(payload, uint64(contactID))
	payload = append(payload, address...)
	return base64.RawURLEncoding.EncodeToString(append(payload, s.mac(payload)...))
}

// Parse checks token and returns what it names, or ErrInvalidToken.
func (s *Signer) Parse(token string) (Target, error) {
	if len(token) > MaxTokenLen {
		return Target{}, ErrInvalidToken
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 1+1+macSize {
		return Target{}, ErrInvalidToken
	}
	payload, mac := raw[:len(raw)-macSize], raw[len(raw)-macSize:]
	if !hmac.Equal(mac, s.mac(payload)) || payload[0] != tokenVersion {
		return Target{}, ErrInvalidToken
	}
	id, n := binary.Uvarint(payload[1:])
	if n <= 0 || id == 0 || id > 1<<63-1 {
		return Target{}, ErrInvalidToken
	}
	addr := string(payload[1+n:])
	if !utf8.ValidString(addr) || !strings.Contains(addr, "@") {
		return Target{}, ErrInvalidToken
	}
	return Target{ContactID: int64(id), Address: addr}, nil
}

func (s *Signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)[:macSize]
}

// Mask shows an address without giving it away: "l***@example.com".
func Mask(address string) string {
	local, domain, ok := strings.Cut(address, "@")
	if !ok || local == "" {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "***@" + domain
}
