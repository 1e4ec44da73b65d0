package web

import (
	"net/http"

	"touchbase/internal/channel"
)

// channelsData is the data of the channel settings page.
type channelsData struct {
	base
	Cards []channelCard
}

// channelSettings shows, for SMS and e-mail, the provider that sends them
// with its settings, the rate limit and a test-send form.
func (h *handler) channelSettings(w http.ResponseWriter, r *http.Request) {
	d, err := h.channelsPage(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_channels.html", d)
}

// channelsPage loads the settings page with every kind's stored setting.
func (h *handler) channelsPage(w http.ResponseWriter, r *http.Request) (channelsData, error) {
	d := channelsData{base: h.adminBase(w, r, "channels", "channels.title")}
	settings, err := h.app.Channels.Settings(r.Context())
	if err != nil {
		return d, err
	}
	secrets, err := h.app.Channels.StoredSecrets(r.Context())
	if err != nil {
		return d, err
	}
	for _, s := range settings {
		if _, ok := providerSpecs[s.Kind]; ok {
			c := newChannelCard(s, secrets[s.Kind], d.CSRF)
			if s.Kind == channel.KindSMS {
				c.Callbacks = smsCallbacks(s.Provider, h.app.Config.BaseURL, h.app.Receipts.Token())
			}
			d.Cards = append(d.Cards, c)
		}
	}
	return d, nil
}

// card returns the card of kind, or nil.
func (d *channelsData) card(kind channel.Kind) *channelCard {
	for i := range d.Cards {
		if d.Cards[i].Kind == string(kind) {
			return &d.Cards[i]
		}
	}
	return nil
}
