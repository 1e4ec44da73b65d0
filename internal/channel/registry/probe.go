package registry

import (
	"context"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/model"
)

// probeTimeout bounds the provider call of a test message.
const probeTimeout = 30 * time.Second

// Probe is the provider's answer to a test message.
type Probe struct {
	Provider          string
	ProviderMessageID string
	// Err is the provider's refusal (usually a *channel.Error), nil when
	// the message was accepted.
	Err error
}

// Probe sends one test message through kind's channel, as TestSend does,
// but keeps the provider's answer apart from failures of our own: the
// returned error is a storage or configuration problem (the message never
// reached a provider), while a provider's refusal is in Probe.Err.
func (r *Registry) Probe(ctx context.Context, kind channel.Kind, to string) (Probe, error) {
	if !validKind(kind) {
		return Probe{}, model.NewFieldError("kind", "invalid", "unknown channel kind "+string(kind))
	}
	ch, _, err := r.Channel(ctx, kind)
	if err != nil {
		return Probe{}, err
	}
	defer ch.Close()
	sctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	msg := channel.Message{To: to, Subject: "Touchbase test message", Text: "This is a test message from Touchbase."}
	id, sendErr := ch.Send(sctx, msg)
	return Probe{Provider: ch.Name(), ProviderMessageID: id, Err: sendErr}, nil
}

// Configurable reports whether a provider can be configured for kind.
func Configurable(kind channel.Kind) bool { return validKind(kind) }
