package wecom

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
)

var (
	errBadKey = errors.New("wecom: EncodingAESKey must be 43 base64 characters")
	// ErrSignature is a callback whose msg_signature is wrong.
	ErrSignature = errors.New("wecom: bad callback signature")
	// ErrMalformed is a callback that does not decrypt to a message for
	// this corp.
	ErrMalformed = errors.New("wecom: malformed callback")
)

// Crypt checks and decrypts WeCom's callbacks: a SHA1 signature over the
// sorted token, timestamp, nonce and ciphertext; AES-256-CBC with the
// EncodingAESKey (IV its first 16 bytes, PKCS#7 padding to 32 bytes) over
// 16 random bytes, the message length (4 bytes, big-endian), the message
// and the receiver's id, which must be the corp id.
type Crypt struct {
	token  string
	key    []byte
	corpID string
}

// NewCrypt returns the Crypt of a callback configuration.
func NewCrypt(token, encodingAESKey, corpID string) (*Crypt, error) {
	key, err := aesKey(encodingAESKey)
	if err != nil || len(key) != 32 {
		return nil, errBadKey
	}
	return &Crypt{token: token, key: key, corpID: corpID}, nil
}

// Signature is the msg_signature of encrypted sent at timestamp with nonce.
func (c *Crypt) Signature(timestamp, nonce, encrypted string) string {
	parts := []string{c.token, timestamp, nonce, encrypted}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// Open checks signature and decrypts encrypted: the message, or
// ErrSignature / ErrMalformed.
func (c *Crypt) Open(signature, timestamp, nonce, encrypted string) ([]byte, error) {
	want := c.Signature(timestamp, nonce, encrypted)
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(signature)), []byte(want)) != 1 {
		return nil, ErrSignature
	}
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil || len(raw) == 0 || len(raw)%aes.BlockSize != 0 {
		return nil, ErrMalformed
	}
	block, err := aes.NewCipher(c.key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(raw))
	cipher.NewCBCDecrypter(block, c.key[:aes.BlockSize]).CryptBlocks(plain, raw)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, ErrMalformed
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, ErrMalformed
	}
	n := binary.BigEndian.Uint32(plain[16:20])
	if uint64(n) > uint64(len(plain)-20) {
		return nil, ErrMalformed
	}
	msg, receiver := plain[20:20+n], plain[20+n:]
	if subtle.ConstantTimeCompare(receiver, []byte(c.corpID)) != 1 {
		return nil, ErrMalformed
	}
	return msg, nil
}
