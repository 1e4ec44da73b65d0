package api

import (
	"net/http"
	"slices"

	"touchbase/internal/model"
)

// bulkPreviewBody is a bulk send's body, any field optional but the
// recipients, plus the channels to count (default: those with content,
// else both).
type bulkPreviewBody struct {
	bulkBody
	Channels []string `json:"channels"`
}

// bulkPreview counts, per channel, whom a selection reaches and whom it
// skips, and shows the content as the first recipient would receive it.
type bulkPreview struct {
	Channels []channelCount `json:"channels"`
	SMS      *smsSample     `json:"sms"`
	Email    *emailSample   `json:"email"`
	Errors   []fieldError   `json:"errors"`
}

// channelCount is one channel of a preview: total = send + skipped.
type channelCount struct {
	Channel         string      `json:"channel"`
	Total           int         `json:"total"`
	Send            int         `json:"send"`
	Skipped         int         `json:"skipped"`
	SkippedByReason skipReasons `json:"skipped_by_reason"`
}

// skipReasons counts skipped recipients by reason.
type skipReasons struct {
	DoNotContact int `json:"do_not_contact"`
	OptedOut     int `json:"opted_out"`
	NoAddress    int `json:"no_address"`
	Duplicate    int `json:"duplicate"`
}

// sampleRecipient is who a sample message goes to.
type sampleRecipient struct {
	ContactID    *int64 `json:"contact_id"`
	ContactName  string `json:"contact_name"`
	CustomerID   *int64 `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	Address      string `json:"address"`
}

type smsSample struct {
	Recipient sampleRecipient `json:"recipient"`
	smsPreview
}

type emailSample struct {
	Recipient sampleRecipient `json:"recipient"`
	emailPreview
}

func sampleOf(r *model.BulkRecipient) sampleRecipient {
	return sampleRecipient{ContactID: r.ContactID, ContactName: r.ContactName, CustomerID: r.CustomerID,
		CustomerName: r.CustomerName, Address: r.Address}
}

// previewChannels returns the channels to count.
func (b bulkPreviewBody) previewChannels() ([]string, error) {
	all := []string{model.ChannelSMS, model.ChannelEmail}
	if b.Channels == nil {
		var out []string
		if b.SMSText != "" {
			out = append(out, model.ChannelSMS)
		}
		if b.EmailSubject != "" || b.EmailBody != "" {
			out = append(out, model.ChannelEmail)
		}
		if out == nil {
			out = all
		}
		return out, nil
	}
	var out []string
	for _, ch := range b.Channels {
		if !slices.Contains(all, ch) {
			return nil, model.NewFieldError("channels", "invalid", "channels must hold sms and/or email")
		}
		if !slices.Contains(out, ch) {
			out = append(out, ch)
		}
	}
	if len(out) == 0 {
		return nil, model.NewFieldError("channels", "required", "give at least one channel, or leave channels out")
	}
	return out, nil
}

// previewBulkSend counts a selection per channel, with the reasons of
// the skipped, and renders the content for a sample recipient. Nothing is
// stored; merge fields that do not parse are listed in errors.
func (h *handler) previewBulkSend(w http.ResponseWriter, r *http.Request) {
	var body bulkPreviewBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	channels, err := body.previewChannels()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	counts, err := h.app.Bulk.Preview(r.Context(), policy(r), in.Recipients, channels)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sample, err := h.app.Bulk.PreviewSample(r.Context(), policy(r), identity(r).User, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := bulkPreview{Channels: make([]channelCount, len(channels)), Errors: fieldsOf(sample.Errors)}
	if out.Errors == nil {
		out.Errors = []fieldError{}
	}
	for i, ch := range channels {
		m := counts[ch]
		c := channelCount{Channel: ch, Send: m[""], SkippedByReason: skipReasons{DoNotContact: m[model.SkipDoNotContact],
			OptedOut: m[model.SkipOptedOut], NoAddress: m[model.SkipNoAddress], Duplicate: m[model.SkipDuplicate]}}
		for reason, n := range m {
			c.Total += n
			if reason != "" {
				c.Skipped += n
			}
		}
		out.Channels[i] = c
	}
	if s := sample.SMS; s != nil {
		out.SMS = &smsSample{Recipient: sampleOf(s.Recipient),
			smsPreview: smsPreview{Text: s.Text, Encoding: s.Encoding, Chars: s.Chars, Segments: s.Segments}}
	}
	if s := sample.Email; s != nil {
		out.Email = &emailSample{Recipient: sampleOf(s.Recipient), emailPreview: emailPreview{Subject: s.Subject, Body: s.Text}}
	}
	writeJSON(w, http.StatusOK, out)
}
