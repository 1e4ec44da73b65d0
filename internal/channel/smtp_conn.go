package channel

import (
	"bufio"
	"context"
	"errors"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"
)

// smtpConn is one SMTP connection.
type smtpConn struct {
	client *gosmtp.Client
	// pipelining is set when the server takes several commands at once
	// (RFC 2920): a message then costs two round trips instead of five.
	pipelining bool
	// mailParams are the MAIL FROM parameters the server's extensions ask
	// for.
	mailParams string
	// broken is set once the connection can no longer be trusted (no
	// reply, or a reply out of step).
	broken bool
	// ahead is the message whose envelope went out with the previous
	// message's content; its replies are still to be read, and the
	// server may be waiting for its content.
	ahead *gomail.Msg
	// dot writes content into the connection's buffer without sending
	// it, so the next envelope can follow in the same packet.
	dot *textproto.Writer
	buf *bufio.Writer
	// sent counts the messages the connection has carried; wrote is set
	// once the current message's content has started to go out;
	// idleSince is when SendBatch left the connection open.
	sent      int
	wrote     bool
	idleSince time.Time
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
	c := &smtpConn{client: client}
	c.pipelining, _ = client.Extension("PIPELINING")
	// The same parameters go-mail's own MAIL command sends.
	if ok, _ := client.Extension("8BITMIME"); ok {
		c.mailParams += " BODY=8BITMIME"
	}
	if ok, _ := client.Extension("SMTPUTF8"); ok {
		c.mailParams += " SMTPUTF8"
	}
	return c, nil
}

// send sends one message as one mail transaction. Without pipelining it
// is go-mail's exchange, one command at a time. With pipelining, MAIL,
// RCPT and DATA go out together and their replies are read together; the
// content follows once the server has said it is ready for it, so content
// is never sent for an envelope the server refused. The envelope of next
// (the message to be sent after this one on this connection, if any)
// goes out with the content, so each message costs one round trip. A
// refusal is returned as a *textproto.Error, a message that cannot be
// sent as an *Error; any other error means the connection failed (and is
// marked broken).
func (c *smtpConn) send(s *SMTP, gm, next *gomail.Msg) error {
	c.wrote = false
	if !c.pipelining {
		c.wrote = true // go-mail's exchange does not say how far it got
		err := s.client.SendWithSMTPClient(c.client, gm)
		if err != nil {
			if serr := gm.SendError(); serr != nil {
				err = serr
			}
		}
		return err
	}
	if err := c.client.UpdateDeadline(s.timeout); err != nil {
		return c.fail(err)
	}
	t := c.client.Text
	w := t.W
	var rcpts int
	if c.ahead == gm {
		rcpts = len(envelope(gm)) - 1
	} else {
		if c.ahead != nil {
			return c.fail(errors.New("smtp: message sent out of order"))
		}
		env := envelope(gm)
		if env == nil {
			return &Error{Provider: ProviderSMTP, Reason: ReasonInvalidEmail, Detail: "no usable sender or recipient"}
		}
		c.writeEnvelope(env)
		if err := w.Flush(); err != nil {
			return c.fail(err)
		}
		rcpts = len(env) - 1
	}
	c.ahead = nil
	_, _, mailErr := t.ReadResponse(250)
	if !isReply(mailErr) {
		return c.fail(mailErr)
	}
	refused := mailErr
	for range rcpts {
		_, _, err := t.ReadResponse(25)
		if !isReply(err) {
			return c.fail(err)
		}
		if refused == nil {
			refused = err
		}
	}
	_, _, dataErr := t.ReadResponse(354)
	if !isReply(dataErr) {
		return c.fail(dataErr)
	}
	if dataErr == nil && refused != nil {
		// A server that takes DATA although it refused the envelope gets
		// an empty message, which it has no one to deliver to.
		if err := t.DotWriter().Close(); err != nil {
			return c.fail(err)
		}
		if _, _, err := t.ReadResponse(0); !isReply(err) {
			return c.fail(err)
		}
	}
	if refused == nil && dataErr != nil {
		refused = dataErr
	}
	if refused != nil {
		if mailErr == nil {
			// The transaction the server opened is dropped before the next.
			w.WriteString("RSET\r\n")
			if err := w.Flush(); err != nil {
				c.broken = true
			} else if _, _, err := t.ReadResponse(250); !isReply(err) {
				c.broken = true
			}
		}
		return refused
	}
	if c.dot == nil {
		c.buf = bufio.NewWriter(w)
		c.dot = textproto.NewWriter(c.buf)
	}
	dw := c.dot.DotWriter()
	c.wrote = true
	if _, err := gm.WriteTo(dw); err != nil {
		return c.fail(err)
	}
	if err := dw.Close(); err != nil { // into w, not yet sent
		return c.fail(err)
	}
	if env := envelope(next); next != nil && env != nil {
		c.writeEnvelope(env)
		c.ahead = next
	}
	if err := w.Flush(); err != nil {
		return c.fail(err)
	}
	_, _, err := t.ReadResponse(250)
	if !isReply(err) {
		return c.fail(err)
	}
	return err
}

// envelope returns the MAIL FROM and RCPT TO addresses of gm (in angle
// brackets), or nil when it has none usable.
func envelope(gm *gomail.Msg) []string {
	if gm == nil {
		return nil
	}
	from, err := gm.GetSender(false)
	if err != nil {
		return nil
	}
	rcpts, err := gm.GetRecipients()
	if err != nil {
		return nil
	}
	env := append([]string{from}, rcpts...)
	for _, a := range env {
		if strings.ContainsAny(a, "\r\n") {
			return nil
		}
	}
	return env
}

// writeEnvelope buffers MAIL, RCPT and DATA for env.
func (c *smtpConn) writeEnvelope(env []string) {
	w := c.client.Text.W
	w.WriteString("MAIL FROM:" + env[0] + c.mailParams + "\r\n")
	for _, r := range env[1:] {
		w.WriteString("RCPT TO:" + r + "\r\n")
	}
	w.WriteString("DATA\r\n")
}

// fail marks the connection broken and returns err.
func (c *smtpConn) fail(err error) error {
	c.broken = true
	return err
}

// isReply reports whether err is nil or a reply of the server (as opposed
// to a failure to get one).
func isReply(err error) bool {
	var tp *textproto.Error
	return err == nil || errors.As(err, &tp)
}

// close says QUIT and closes the connection; a nil connection is fine. A
// connection with an envelope whose replies were not read (the server may
// be waiting for content) or a broken one is just closed: the server drops
// an unfinished transaction.
func (c *smtpConn) close() {
	if c == nil {
		return
	}
	if c.ahead != nil || c.broken {
		_ = c.client.Close()
		return
	}
	if c.client.HasConnection() {
		if err := c.client.Quit(); err != nil {
			_ = c.client.Close()
		}
	}
}
