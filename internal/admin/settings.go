package admin

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/reply"
)

// Settings returns the settings in force.
func (s *Service) Settings(ctx context.Context) (model.Settings, error) { return s.store.Settings(ctx) }

// SaveSettings validates and stores settings.
func (s *Service) SaveSettings(ctx context.Context, p permission.Policy, st model.Settings) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	var errs model.ValidationErrors
	switch st.Visibility {
	case model.VisibilityOwn, model.VisibilityTeam, model.VisibilityAll:
	default:
		errs.Add("visibility", "invalid", "visibility must be own, team or all")
	}
	if phonenumbers.GetCountryCodeForRegion(st.DefaultRegion) == 0 {
		errs.Add("default_region", "invalid", "unknown region code "+st.DefaultRegion)
	}
	if st.CanaryPercent < 0 || st.CanaryPercent > 50 {
		errs.Add("canary_percent", "out_of_range", "the canary is 0 to 50 percent of a send")
	}
	if st.CanaryMax < 0 || st.CanaryMax > 10000 {
		errs.Add("canary_max", "out_of_range", "the canary is at most 0 to 10000 recipients")
	}
	if st.FailurePausePercent < 1 || st.FailurePausePercent > 100 {
		errs.Add("failure_pause_percent", "out_of_range", "the failure rate that pauses a send is 1 to 100 percent")
	}
	words, code, msg := optOutKeywords(st.OptOutKeywords)
	if code != "" {
		errs.Add("opt_out_keywords", code, msg)
	}
	st.OptOutKeywords = words
	checkQuietHours(&st, &errs)
	checkSendLimits(&st, &errs)
	if err := errs.Err(); err != nil {
		return err
	}
	return s.store.SaveSettings(ctx, st)
}

// Limits of the opt-out keywords.
const (
	maxOptOutKeywords = 50
	maxOptOutLetters  = 16
)

// optOutKeywords trims the keywords and drops repeats (as replies are
// compared: case, spaces and punctuation aside). It refuses, with a code
// and message, an empty list, too many, and keywords with no letter or
// digit or too long.
func optOutKeywords(in []string) (words []string, code, msg string) {
	seen := map[string]bool{}
	for _, k := range in {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		f := reply.Fold(k)
		switch n := utf8.RuneCountInString(f); {
		case n == 0:
			return nil, "no_letters", fmt.Sprintf("keyword %q has no letter or digit", k)
		case n > maxOptOutLetters:
			return nil, "too_long", fmt.Sprintf("keyword %q is longer than %d letters", k, maxOptOutLetters)
		}
		if !seen[f] {
			seen[f] = true
			words = append(words, k)
		}
	}
	switch {
	case len(words) == 0:
		return nil, "required", "at least one opt-out keyword is needed"
	case len(words) > maxOptOutKeywords:
		return nil, "too_many", fmt.Sprintf("at most %d opt-out keywords", maxOptOutKeywords)
	}
	return words, "", ""
}

// checkQuietHours refuses a send window with one end only, a time that is
// not HH:MM, or an empty window (start equal to end), and an unknown
// company time zone. Each error names its field, e.g.
// quiet_hours.sms_marketing.start.
func checkQuietHours(st *model.Settings, errs *model.ValidationErrors) {
	for _, key := range model.QuietWindowKeys {
		w := st.QuietHours.ByKey(key)
		w.Start, w.End = strings.TrimSpace(w.Start), strings.TrimSpace(w.End)
		if w.AnyTime() {
			continue
		}
		field := "quiet_hours." + key
		start, serr := model.ParseClock(w.Start)
		end, eerr := model.ParseClock(w.End)
		switch {
		case w.Start == "" || w.End == "":
			errs.Add(field, "incomplete", "give both the start and the end of the window, or neither for any time")
		case serr != nil:
			errs.Add(field+".start", "invalid_time", serr.Error())
		case eerr != nil:
			errs.Add(field+".end", "invalid_time", eerr.Error())
		case start == end:
			errs.Add(field, "empty_window", "the window starts and ends at the same time")
		}
	}
	st.TimeZone = strings.TrimSpace(st.TimeZone)
	if st.TimeZone == "" {
		st.TimeZone = model.DefaultTimeZone
	}
	if _, err := time.LoadLocation(st.TimeZone); err != nil || st.TimeZone == "Local" {
		errs.Add("time_zone", "invalid_timezone", "unknown time zone "+st.TimeZone)
	}
}

// maxUnitPrice bounds a unit price: no SMS segment or e-mail costs more.
const maxUnitPrice = 100 * model.Yuan

// checkSendLimits checks the frequency caps, the unit prices and the
// confirmation and approval thresholds.
func checkSendLimits(st *model.Settings, errs *model.ValidationErrors) {
	if len(st.FrequencyCaps) > model.MaxFrequencyCaps {
		errs.Add("frequency_caps", "too_many", fmt.Sprintf("at most %d frequency caps", model.MaxFrequencyCaps))
	}
	for i, c := range st.FrequencyCaps {
		c.Validate(fmt.Sprintf("frequency_caps.%d", i), errs)
	}
	for key, price := range st.Prices {
		ch, provider, ok := strings.Cut(key, "/")
		if !ok || (ch != model.ChannelSMS && ch != model.ChannelEmail) || provider == "" {
			errs.Add("prices."+key, "invalid", "a price is named channel/provider, e.g. sms/aliyun")
			continue
		}
		if price < 0 || price > maxUnitPrice {
			errs.Add("prices."+key, "out_of_range", "a unit price is between 0 and 100 yuan")
		}
	}
	if st.ConfirmAbove < 0 || st.ConfirmAbove > 10_000_000 {
		errs.Add("confirm_above", "out_of_range", "the confirmation threshold is 0 (never) to 10000000 messages")
	}
	if st.ApproveAbove < 0 || st.ApproveAbove > 10_000_000 {
		errs.Add("approve_above", "out_of_range", "the approval threshold is 0 (none) to 10000000 messages")
	}
	if st.RepDailyLimit < 0 || st.RepDailyLimit > 10_000_000 {
		errs.Add("rep_daily_limit", "out_of_range", "the daily limit is 0 (none) to 10000000 messages")
	}
	if st.ApproveCost < 0 || st.ApproveCost > 100_000_000*model.Yuan {
		errs.Add("approve_cost", "out_of_range", "the approval threshold is 0 (none) to 100000000 yuan")
	}
}
