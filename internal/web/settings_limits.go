package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"touchbase/internal/channel"
	"touchbase/internal/model"
)

// The send limits of the settings page: frequency caps, unit prices, and
// the confirmation and approval thresholds.

// capRow is one frequency cap as the form shows it (Max and Hours as
// typed, so a bad value comes back as it was).
type capRow struct {
	Index      int
	Channel    string
	Marketing  bool
	Max, Hours string
	Blank      bool // the empty row to add a cap with
}

// priceRow is the unit price of one channel's provider.
type priceRow struct {
	Key, Channel, Provider, Value string
}

// capRows are the settings' caps plus an empty row.
func capRows(caps []model.FrequencyCap) []capRow {
	rows := make([]capRow, 0, len(caps)+1)
	for i, c := range caps {
		rows = append(rows, capRow{Index: i, Channel: c.Channel, Marketing: c.Marketing, Max: strconv.Itoa(c.Max), Hours: strconv.Itoa(c.Hours)})
	}
	if len(caps) < model.MaxFrequencyCaps {
		rows = append(rows, capRow{Index: len(caps), Channel: model.ChannelSMS, Marketing: true, Blank: true})
	}
	return rows
}

// priceRows lists a price for the provider each channel uses now, then
// any other price set earlier (a provider used before).
func (h *handler) priceRows(ctx context.Context, prices map[string]model.Money) ([]priceRow, error) {
	var rows []priceRow
	seen := map[string]bool{}
	for _, kind := range []channel.Kind{channel.KindSMS, channel.KindEmail} {
		provider, err := h.app.Channels.Provider(ctx, kind)
		if err != nil {
			return nil, err
		}
		key := model.PriceKey(string(kind), provider)
		seen[key] = true
		row := priceRow{Key: key, Channel: string(kind), Provider: provider}
		if p, ok := prices[key]; ok {
			row.Value = p.Price()
		}
		rows = append(rows, row)
	}
	var rest []string
	for key := range prices {
		if !seen[key] {
			rest = append(rest, key)
		}
	}
	slices.Sort(rest)
	for _, key := range rest {
		ch, provider, _ := strings.Cut(key, "/")
		rows = append(rows, priceRow{Key: key, Channel: ch, Provider: provider, Value: prices[key].Price()})
	}
	return rows, nil
}

// formLimits reads the send limits of the form into st; a form without
// them keeps cur's.
func formLimits(r *http.Request, st *model.Settings, cur model.Settings) {
	st.ConfirmAbove = formSetting(r, "confirm_above", cur.ConfirmAbove)
	st.ApproveAbove = formSetting(r, "approve_above", cur.ApproveAbove)
	st.ApproveCost = formMoney(r, "approve_cost", cur.ApproveCost)
	st.RepDailyLimit = formSetting(r, "rep_daily_limit", cur.RepDailyLimit)
	st.FrequencyCaps, st.Prices = cur.FrequencyCaps, cur.Prices
	if _, ok := r.PostForm["frequency_caps"]; ok {
		st.FrequencyCaps = []model.FrequencyCap{}
		for i := 0; i <= model.MaxFrequencyCaps; i++ {
			p := "frequency_caps." + strconv.Itoa(i) + "."
			max, hours := strings.TrimSpace(r.PostFormValue(p+"max")), strings.TrimSpace(r.PostFormValue(p+"hours"))
			if max == "" && hours == "" {
				continue
			}
			st.FrequencyCaps = append(st.FrequencyCaps, model.FrequencyCap{Channel: r.PostFormValue(p + "channel"),
				Marketing: r.PostFormValue(p+"kind") == "marketing", Max: atoiOrBad(max), Hours: atoiOrBad(hours)})
		}
	}
	if _, ok := r.PostForm["prices"]; ok {
		st.Prices = map[string]model.Money{}
		for key, vals := range r.PostForm {
			k, ok := strings.CutPrefix(key, "price.")
			if !ok || strings.TrimSpace(vals[0]) == "" {
				continue
			}
			st.Prices[k] = formMoney(r, key, 0)
		}
	}
}

// formMoney reads an amount in yuan: def when the form has no such
// field, -1 (out of every range) when it is not an amount.
func formMoney(r *http.Request, name string, def model.Money) model.Money {
	if _, ok := r.PostForm[name]; !ok {
		return def
	}
	m, err := model.ParseMoney(r.PostFormValue(name))
	if err != nil {
		return -1
	}
	return m
}

// atoiOrBad reads a whole number, -1 (out of every range) when it is not.
func atoiOrBad(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
