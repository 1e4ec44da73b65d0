package wecom

import (
	"errors"
	"testing"
)

// The URL-verification example of WeCom's callback documentation and
// samples (WXBizMsgCrypt): its signature, and its echostr decrypted for
// that corp.
func TestCryptDocumentedExample(t *testing.T) {
	c, err := NewCrypt("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
	if err != nil {
		t.Fatal(err)
	}
	const (
		ts, nonce = "1409659589", "263014780"
		echo      = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
		sig       = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	)
	if got := c.Signature(ts, nonce, echo); got != sig {
		t.Fatalf("signature %s, want %s", got, sig)
	}
	msg, err := c.Open(sig, ts, nonce, echo)
	if err != nil {
		t.Fatal(err)
	}
	if string(msg) != "1616140317555161061" {
		t.Fatalf("echostr decrypts to %q, want 1616140317555161061", msg)
	}
	if _, err := c.Open("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd4", ts, nonce, echo); !errors.Is(err, ErrSignature) {
		t.Errorf("a changed signature: %v", err)
	}
	other, _ := NewCrypt("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "ww0000000000000000")
	if _, err := other.Open(sig, ts, nonce, echo); !errors.Is(err, ErrMalformed) {
		t.Errorf("another corp's message: %v", err)
	}
}
