package api

import (
	"net/http"
	"slices"
	"time"

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
	// The dry run: messages to send, their estimated cost, and whether
	// the send asks its operator to confirm or waits for approval.
	Messages          int         `json:"messages"`
	EstimatedCost     model.Money `json:"estimated_cost"`
	Unpriced          bool        `json:"unpriced"`
	NeedsConfirmation bool        `json:"needs_confirmation"`
	NeedsApproval     string      `json:"needs_approval"`
	TeamBudget        *teamBudget `json:"team_budget"`
	DailyLimit        *dailyLimit `json:"daily_limit"`
}

// dailyLimit is the caller's daily limit of bulk messages and today's use.
type dailyLimit struct {
	Limit int  `json:"limit"`
	Used  int  `json:"used"`
	Over  bool `json:"over"`
}

// teamBudget is the caller's team's budget of the month.
type teamBudget struct {
	Team   string      `json:"team"`
	Budget model.Money `json:"budget"`
	Spent  model.Money `json:"spent"`
}

// channelCount is one channel of a preview: total = send + skipped.
type channelCount struct {
	Channel         string       `json:"channel"`
	Provider        string       `json:"provider"`
	Total           int          `json:"total"`
	Send            int          `json:"send"`
	Skipped         int          `json:"skipped"`
	SkippedByReason skipReasons  `json:"skipped_by_reason"`
	Held            int          `json:"held"`
	HeldUntil       *time.Time   `json:"held_until"`
	Units           int          `json:"units"`
	UnitPrice       *model.Money `json:"unit_price"`
	Cost            model.Money  `json:"cost"`
}

// skipReasons counts skipped recipients by reason.
type skipReasons struct {
	DoNotContact  int `json:"do_not_contact"`
	OptedOut      int `json:"opted_out"`
	NoAddress     int `json:"no_address"`
	Duplicate     int `json:"duplicate"`
	FrequencyCaps int `json:"frequency_capped"`
	// WeCom only: no WeChat known to WeCom, nobody follows it, had this
	// month's share of mass messages.
	NoWeCom      int `json:"no_wecom,omitempty"`
	NotFollowed  int `json:"wecom_not_followed,omitempty"`
	MonthlyLimit int `json:"wecom_monthly_limit,omitempty"`
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
	if b.Channels == nil {
		var out []string
		if b.SMSText != "" {
			out = append(out, model.ChannelSMS)
		}
		if b.EmailSubject != "" || b.EmailBody != "" {
			out = append(out, model.ChannelEmail)
		}
		if b.WeComText != "" || len(b.WeComAttach) > 0 {
			out = append(out, model.ChannelWeCom)
		}
		if out == nil {
			out = []string{model.ChannelSMS, model.ChannelEmail}
		}
		return out, nil
	}
	var out []string
	for _, ch := range b.Channels {
		if !slices.Contains(bulkChannels, ch) {
			return nil, model.NewFieldError("channels", "invalid", "channels must hold sms, email or wecom")
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
	sample, err := h.app.Bulk.PreviewSample(r.Context(), policy(r), identity(r).User, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	segments := 1
	if sample.SMS != nil {
		segments = sample.SMS.Segments
	}
	dr, err := h.app.Bulk.DryRun(r.Context(), policy(r), identity(r).User, in, channels, segments)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := bulkPreview{Channels: make([]channelCount, len(channels)), Errors: fieldsOf(sample.Errors), Messages: dr.Messages,
		EstimatedCost: dr.Cost, Unpriced: dr.Unpriced, NeedsConfirmation: dr.Confirm, NeedsApproval: dr.Approval}
	if out.Errors == nil {
		out.Errors = []fieldError{}
	}
	if d := dr.Daily; d != nil {
		out.DailyLimit = &dailyLimit{Limit: d.Limit, Used: d.Used, Over: d.Over(dr.Messages)}
	}
	if b := dr.Budget; b != nil {
		out.TeamBudget = &teamBudget{Team: b.Team, Budget: b.Budget, Spent: b.Spent}
	}
	for i, run := range dr.Channels {
		m := run.Skipped
		c := channelCount{Channel: run.Channel, Provider: run.Provider, Total: run.Total, Send: run.Send,
			SkippedByReason: skipReasons{DoNotContact: m[model.SkipDoNotContact], OptedOut: m[model.SkipOptedOut],
				NoAddress: m[model.SkipNoAddress], Duplicate: m[model.SkipDuplicate], FrequencyCaps: m[model.SkipFrequencyCap],
				NoWeCom: m[model.SkipNoWeCom], NotFollowed: m[model.SkipWeComNotFollowed], MonthlyLimit: m[model.SkipWeComMonthlyLimit]},
			Held: run.Held, HeldUntil: run.HeldUntil, Units: run.Units, Cost: run.Cost}
		if run.Priced {
			c.UnitPrice = &run.UnitPrice
		}
		for _, n := range m {
			c.Skipped += n
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
