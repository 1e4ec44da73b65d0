package api

import (
	"errors"
	"net/http"

	"touchbase/internal/model"
	"touchbase/internal/wecom"
)

// weComFailed answers WeCom's refusal (502, with its errcode), a call
// that got no answer (502), or a connection not made yet (409).
func (h *handler) weComFailed(w http.ResponseWriter, r *http.Request, err error) {
	var we *wecom.Error
	switch {
	case errors.Is(err, wecom.ErrNotConfigured):
		writeError(w, http.StatusConflict, errorBody{Code: "wecom_not_connected", Message: "WeCom is not connected (PUT /wecom)"})
	case errors.As(err, &we):
		writeJSON(w, http.StatusBadGateway, struct {
			Error weComError `json:"error"`
		}{weComError{Code: "wecom_failed", Message: we.Error(), ErrCode: we.Code, ErrMsg: we.Msg, HTTPStatus: we.Status}})
	default:
		h.fail(w, r, err)
	}
}

// weComError is the "error" member of a 502 from WeCom.
type weComError struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	ErrCode    int    `json:"errcode"`
	ErrMsg     string `json:"errmsg"`
	HTTPStatus int    `json:"http_status"`
}

// getWeCom answers the connection, secrets emptied; admins only.
func (h *handler) getWeCom(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.app.WeCom.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// saveWeCom replaces the connection; secrets left empty keep theirs.
func (h *handler) saveWeCom(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	var in wecom.Config
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.WeCom.Save(r.Context(), identity(r).User.ID, in); err != nil {
		h.fail(w, r, err)
		return
	}
	h.getWeCom(w, r)
}

// testWeCom fetches a token and reads a member.
func (h *handler) testWeCom(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.app.WeCom.Test(r.Context())
	if err != nil {
		h.weComFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// listWeComMembers answers the members known and the users they are.
func (h *handler) listWeComMembers(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	ms, err := h.app.WeCom.Members(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(ms))
}

// refreshWeComMembers reads the members from WeCom and maps new ones.
func (h *handler) refreshWeComMembers(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.app.WeCom.RefreshMembers(r.Context())
	if err != nil {
		h.weComFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// mapWeComMember sets the user a member is (null: nobody).
func (h *handler) mapWeComMember(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathText(r, "userid")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in struct {
		UserID *int64 `json:"user_id"`
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if err := h.app.WeCom.MapMember(ctx, id, in.UserID); err != nil {
		h.fail(w, r, err)
		return
	}
	ms, err := h.app.WeCom.Members(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, m := range ms {
		if m.ID == id {
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	h.fail(w, r, model.ErrNotFound)
}

// syncWeCom queues a walk of the mapped members' customers (202).
func (h *handler) syncWeCom(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	st, err := h.app.WeCom.Settings(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !st.Configured {
		h.weComFailed(w, r, wecom.ErrNotConfigured)
		return
	}
	if err := h.app.WeCom.SyncSoon(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]bool{"queued": true})
}

// weComReview answers the external contacts matched to no contact.
func (h *handler) weComReview(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.app.WeCom.Review(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(list))
}

// resolveWeComExternal matches an external contact to a contact, or
// (contact_id null) sets it aside as no customer.
func (h *handler) resolveWeComExternal(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathText(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in struct {
		ContactID *int64 `json:"contact_id"`
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if err := h.app.WeCom.Resolve(ctx, id, in.ContactID); err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.app.WeCom.External(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// myWeComNotify answers whether the caller's notifications go to their
// WeCom.
func (h *handler) myWeComNotify(w http.ResponseWriter, r *http.Request) {
	a, err := h.app.WeCom.AppNotifyOf(r.Context(), identity(r).User.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// setMyWeComNotify turns the caller's WeCom application messages on or
// off.
func (h *handler) setMyWeComNotify(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if in.Enabled == nil {
		h.fail(w, r, model.NewFieldError("enabled", "required", "enabled is required: true or false"))
		return
	}
	a, err := h.app.WeCom.SetAppNotify(r.Context(), identity(r).User.ID, *in.Enabled)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}
