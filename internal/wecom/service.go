package wecom

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// ConfigKind is the row of channel_configs that holds the connection.
const ConfigKind = "wecom"

// ErrNotConfigured is returned while WeCom is not connected.
var ErrNotConfigured = errors.New("wecom: not connected")

// Service is Touchbase's side of the WeCom connection.
type Service struct {
	store  *storage.Store
	box    *channel.SecretBox
	http   *http.Client
	tokens *tokens
	queue  jobs.Queue
	log    *slog.Logger
	now    func() time.Time
	onTask TaskFunc
	// baseURL is Touchbase's address, for the links of application
	// messages.
	baseURL string
}

// NewService returns a Service; httpClient makes the API calls, box
// seals the secrets.
func NewService(store *storage.Store, box *channel.SecretBox, httpClient *http.Client, log *slog.Logger, now func() time.Time) *Service {
	return &Service{store: store, box: box, http: httpClient, log: log, now: now,
		tokens: &tokens{store: store, box: box, now: now}}
}

// SetQueue sets the job queue callbacks and syncs are worked on.
func (s *Service) SetQueue(q jobs.Queue) { s.queue = q }

// Settings is what an admin sees of the connection.
type Settings struct {
	Config     Config          `json:"config"` // secrets emptied
	Secrets    map[string]bool `json:"secrets_set"`
	Configured bool            `json:"configured"`
	UpdatedAt  *time.Time      `json:"updated_at,omitempty"`
}

// load returns the stored connection with its secrets opened.
func (s *Service) load(ctx context.Context) (Config, *model.ChannelConfig, error) {
	cfgs, err := s.store.ChannelConfigs(ctx)
	if err != nil {
		return Config{}, nil, err
	}
	row, ok := cfgs[ConfigKind]
	if !ok {
		return Config{}, nil, ErrNotConfigured
	}
	c, err := openConfig(row.Config, s.box)
	return c, row, err
}

// Settings returns the connection without its secrets.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	c, row, err := s.load(ctx)
	if errors.Is(err, ErrNotConfigured) {
		return Settings{Secrets: map[string]bool{}}, nil
	}
	if err != nil {
		return Settings{}, err
	}
	red, set := c.Redacted()
	at := row.UpdatedAt
	return Settings{Config: red, Secrets: set, Configured: true, UpdatedAt: &at}, nil
}

// Save validates and stores the connection. Secrets left empty keep
// their stored value, so an admin can change the other fields without
// typing them again.
func (s *Service) Save(ctx context.Context, userID int64, in Config) error {
	if old, _, err := s.load(ctx); err == nil && old.CorpID == in.CorpID {
		for i, p := range in.secrets() {
			if *p == "" {
				*p = *old.secrets()[i]
			}
		}
	} else if err != nil && !errors.Is(err, ErrNotConfigured) {
		return err
	}
	in.Simulated = false
	return s.save(ctx, in, &userID)
}

// SaveSimulated stores the connection to the demo's simulated WeCom.
func (s *Service) SaveSimulated(ctx context.Context, in Config) error {
	in.Simulated = true
	return s.save(ctx, in, nil)
}

func (s *Service) save(ctx context.Context, in Config, by *int64) error {
	if err := in.Validate(); err != nil {
		return err
	}
	sealed, err := in.seal(s.box)
	if err != nil {
		return err
	}
	return s.store.SaveChannelConfig(ctx, &model.ChannelConfig{Kind: ConfigKind, Provider: ConfigKind, Config: sealed, UpdatedBy: by})
}

// Client returns a client of the stored connection.
func (s *Service) Client(ctx context.Context) (*Client, error) {
	cl, _, err := s.client(ctx)
	return cl, err
}

// client returns a client of the stored connection, and the connection.
func (s *Service) client(ctx context.Context) (*Client, Config, error) {
	c, _, err := s.load(ctx)
	if err != nil {
		return nil, c, err
	}
	return &Client{cfg: c, http: s.http, tokens: s.tokens}, c, nil
}

// TestResult is what the settings page's test found.
type TestResult struct {
	// FollowUsers is how many members may serve customers.
	FollowUsers int `json:"follow_users"`
	// Member is one of them, read through the application when one is set.
	Member *model.WeComMember `json:"member,omitempty"`
	// Application says the application's secret was tried too.
	Application bool `json:"application"`
}

// Test fetches a token (or uses the shared one), lists the members who
// may serve customers, and reads the first of them.
func (s *Service) Test(ctx context.Context) (TestResult, error) {
	cl, cfg, err := s.client(ctx)
	if err != nil {
		return TestResult{}, err
	}
	ids, err := cl.FollowUsers(ctx)
	if err != nil {
		return TestResult{}, err
	}
	res := TestResult{FollowUsers: len(ids), Application: cfg.AgentID > 0}
	if len(ids) > 0 {
		m, err := cl.Member(ctx, ids[0])
		if err != nil {
			return res, err
		}
		res.Member = &m
	}
	return res, nil
}
