package channel

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretKeyEnv is the environment variable that holds the base64 secret
// key. Several serve processes sharing one database must share this key.
const SecretKeyEnv = "TOUCHBASE_SECRET_KEY"

// SecretKeyFile is the name of the key file created in the data directory
// when no key is given.
const SecretKeyFile = "secret.key"

// sealedPrefix marks a sealed value and its format version.
const sealedPrefix = "sealed:v1:"

// SecretBox seals and opens provider secrets with AES-256-GCM. A sealed
// value is "sealed:v1:" + base64(nonce || ciphertext || tag).
type SecretBox struct {
	aead cipher.AEAD
}

// NewSecretBox returns a SecretBox using a 32-byte key.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key: need 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return &SecretBox{aead: aead}, nil
}

// Seal encrypts plaintext under a fresh random nonce.
func (b *SecretBox) Seal(plaintext string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	sealed := b.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value produced by Seal. It fails on values sealed with
// another key or altered in any way.
func (b *SecretBox) Open(sealed string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", errors.New("open: not a sealed value")
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(raw) < b.aead.NonceSize()+b.aead.Overhead() {
		return "", errors.New("open: malformed sealed value")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("open: wrong key or altered value")
	}
	return string(plain), nil
}

// IsSealed reports whether s looks like a value produced by Seal.
func IsSealed(s string) bool { return strings.HasPrefix(s, sealedPrefix) }

// LoadSecretKey returns the 32-byte secret key: decoded from envValue (the
// value of TOUCHBASE_SECRET_KEY, standard or URL base64, padded or not)
// when it is set, otherwise read from dataDir/secret.key, which is created
// with a new random key and mode 0600 the first time.
func LoadSecretKey(envValue, dataDir string) ([]byte, error) {
	if v := strings.TrimSpace(envValue); v != "" {
		key, err := decodeKey(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", SecretKeyEnv, err)
		}
		return key, nil
	}
	if dataDir == "" {
		return nil, fmt.Errorf("secret key: neither %s nor a data directory is set", SecretKeyEnv)
	}
	path := filepath.Join(dataDir, SecretKeyFile)
	key, err := readKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key = make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	// The key is written to a temporary file, then linked into place: the
	// link fails if another process created the file first (its key is
	// then used), and nobody ever reads a half-written file.
	tmp, err := os.CreateTemp(dataDir, ".secret-key-*")
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if werr == nil {
		werr = tmp.Chmod(0o600)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("secret key: writing %s: %w", tmp.Name(), werr)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return key, nil
}

func readKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	key, err := decodeKey(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return key, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != 32 {
				return nil, fmt.Errorf("must decode to 32 bytes, got %d", len(key))
			}
			return key, nil
		}
	}
	return nil, errors.New("not valid base64")
}
