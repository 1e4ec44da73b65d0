package web

import (
	"net/http"

	"touchbase/internal/channel"
	"touchbase/internal/model"
)

// channelSave stores the provider of one channel kind with its settings
// and rate limit. Secrets are sealed by the registry before they are
// stored; a secret left blank keeps the stored one.
func (h *handler) channelSave(w http.ResponseWriter, r *http.Request) {
	d, err := h.channelsPage(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	kind := channel.Kind(r.PathValue("kind"))
	c := d.card(kind)
	if c == nil {
		h.notFound(w, r)
		return
	}
	cfg, rate, errs := readChannelForm(r, c)
	if len(errs) == 0 {
		err = h.app.Channels.Save(r.Context(), identity(r).User.ID, kind, c.Chosen, cfg, rate)
	} else {
		err = errs
	}
	if ve, ok := model.AsValidation(err); ok {
		c.showErrors(d.Lang, ve)
		h.render(w, r, http.StatusBadRequest, "admin_channels.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.channel_saved", "/admin/channels")
}
