package channel

import (
	"context"

	gosmtp "github.com/wneessen/go-mail/smtp"
)

// smtpConn is one SMTP connection.
type smtpConn struct {
	client *gosmtp.Client
}

// dial opens a connection: greeting, STARTTLS and AUTH as configured. Once
// open, the connection does not watch ctx: a message being transmitted
// is finished (each command is bounded by the configured timeout) rather
// than cut off with its fate unknown; SendBatch checks ctx between
// messages.
func (s *SMTP) dial(ctx context.Context) (*smtpConn, error) {
	client, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, contextError(ProviderSMTP, ctx.Err())
		}
		return nil, smtpDialError(err)
	}
	return &smtpConn{client: client}, nil
}

// close says QUIT and closes the connection; a nil connection is fine.
func (c *smtpConn) close() {
	if c == nil {
		return
	}
	if c.client.HasConnection() {
		if err := c.client.Quit(); err != nil {
			_ = c.client.Close()
		}
	}
}
