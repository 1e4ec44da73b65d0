package model

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
	SettingDemoLoaded     = "demo.loaded"
	SettingDemoActivity   = "demo.activity_loaded"
)

// Settings is the typed view of the key/value settings table.
type Settings struct {
	OpenContactAll bool   `json:"open_contact_all"`
	Visibility     string `json:"visibility"`
	DefaultRegion  string `json:"default_region"`
}

// DefaultSettings returns the settings used when nothing is stored.
func DefaultSettings() Settings {
	return Settings{Visibility: VisibilityTeam, DefaultRegion: "CN"}
}
