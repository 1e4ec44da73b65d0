package model

import "slices"

// Visibility scopes for customers a user does not serve.
const (
	VisibilityOwn  = "own"
	VisibilityTeam = "team"
	VisibilityAll  = "all"
)

// Setting keys.
const (
	SettingOpenContactAll = "contact.open_to_all"
	SettingVisibility     = "customers.visibility"
	SettingDefaultRegion  = "phone.default_region"
	SettingOptOutKeywords = "sms.opt_out_keywords"
	SettingQuietHours     = "sends.quiet_hours"
	SettingTimeZone       = "company.time_zone"
	SettingCanaryPercent  = "send.canary_percent"
	SettingCanaryMax      = "send.canary_max"
	SettingFailurePause   = "send.failure_pause_percent"
	SettingFrequencyCaps  = "send.frequency_caps"
	SettingPrices         = "send.prices"
	SettingConfirmAbove   = "send.confirm_above"
	SettingApproveAbove   = "send.approve_above"
	SettingApproveCost    = "send.approve_cost"
	SettingRepDailyLimit  = "send.rep_daily_limit"
	SettingDemoLoaded     = "demo.loaded"
	SettingDemoActivity   = "demo.activity_loaded"
)

// Settings is the typed view of the key/value settings table.
type Settings struct {
	OpenContactAll bool   `json:"open_contact_all"`
	Visibility     string `json:"visibility"`
	DefaultRegion  string `json:"default_region"`
	// OptOutKeywords are the SMS replies that opt the sender out: the
	// whole reply, in any case, spaces and punctuation aside.
	OptOutKeywords []string `json:"opt_out_keywords"`
	// QuietHours are when sends may go out, per channel and kind, in the
	// recipient's local time.
	QuietHours QuietHours `json:"quiet_hours"`
	// TimeZone is the company's: recipients whose own zone is not known
	// are taken to live in it.
	TimeZone string `json:"time_zone"`
	// A bulk send first sends CanaryPercent of its recipients (at most
	// CanaryMax; 0 turns the canary off) and goes on only if fewer than
	// FailurePausePercent of them failed; it pauses itself whenever that
	// many of its latest messages fail.
	CanaryPercent       int `json:"canary_percent"`
	CanaryMax           int `json:"canary_max"`
	FailurePausePercent int `json:"failure_pause_percent"`
	// FrequencyCaps bound the messages of a kind one contact gets on a
	// channel within a window, across every bulk send.
	FrequencyCaps []FrequencyCap `json:"frequency_caps"`
	// Prices are what one unit costs, by PriceKey: an SMS segment, an
	// e-mail. A provider without a price costs nothing in estimates.
	Prices map[string]Money `json:"prices"`
	// A bulk send of more than ConfirmAbove messages asks its operator to
	// confirm the count and cost (0: never); one of more than
	// ApproveAbove messages or costing more than ApproveCost waits for a
	// manager's or admin's approval (0: no such limit).
	ConfirmAbove int   `json:"confirm_above"`
	ApproveAbove int   `json:"approve_above"`
	ApproveCost  Money `json:"approve_cost"`
	// RepDailyLimit bounds the bulk messages a rep (not an admin) may
	// send in a day, company time; 0: no limit.
	RepDailyLimit int `json:"rep_daily_limit"`
}

// DefaultTimeZone is the company time zone when none is set.
const DefaultTimeZone = "Asia/Shanghai"

// DefaultOptOutKeywords are the replies carriers and customers use to opt
// out of SMS in China and abroad.
var DefaultOptOutKeywords = []string{"R", "T", "TD", "N", "退订", "拒收", "取消订阅", "STOP", "UNSUBSCRIBE"}

// DefaultSettings returns the settings used when nothing is stored.
func DefaultSettings() Settings {
	return Settings{Visibility: VisibilityTeam, DefaultRegion: "CN", OptOutKeywords: slices.Clone(DefaultOptOutKeywords),
		QuietHours: DefaultQuietHours(), TimeZone: DefaultTimeZone, CanaryPercent: 1, CanaryMax: 200, FailurePausePercent: 30,
		FrequencyCaps: DefaultFrequencyCaps(), Prices: map[string]Money{}, ConfirmAbove: 200}
}
