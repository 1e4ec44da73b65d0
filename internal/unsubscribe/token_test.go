package unsubscribe

import (
	"strings"
	"testing"
)

func TestTokenRoundTripAndTamper(t *testing.T) {
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	tok := s.Token(42, "li@example.com")
	got, err := s.Parse(tok)
	if err != nil || got.ContactID != 42 || got.Address != "li@example.com" {
		t.Fatalf("parse: %+v %v", got, err)
	}
	if strings.ContainsAny(tok, "+/=") {
		t.Fatalf("token not URL-safe: %s", tok)
	}
	other := NewSigner([]byte("fedcba9876543210fedcba9876543210"))
	if _, err := other.Parse(tok); err != ErrInvalidToken {
		t.Fatalf("token of another key accepted: %v", err)
	}
	// Every single-character change is refused.
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range tok {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, tok[i])+1)%64]} {
			bad := tok[:i] + string(c) + tok[i+1:]
			if got, err := s.Parse(bad); err == nil {
				t.Fatalf("altered token %q accepted: %+v", bad, got)
			}
		}
	}
	for _, bad := range []string{"", "x", "%%%", strings.Repeat("A", MaxTokenLen+1), tok + "A", tok[:len(tok)-1]} {
		if _, err := s.Parse(bad); err == nil {
			t.Fatalf("token %q accepted", bad)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"li@example.com": "l***@example.com", "张三@例子.中国": "张***@例子.中国", "bad": "***"} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	s := NewSigner(make([]byte, 32))
	f.Add(s.Token(1, "a@b.c"))
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		if got, err := s.Parse(tok); err == nil && s.Token(got.ContactID, got.Address) != tok {
			t.Fatalf("accepted a token it would not make: %q", tok)
		}
	})
}
