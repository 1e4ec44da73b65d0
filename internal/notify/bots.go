package notify

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"touchbase/internal/model"
)

// BotSettings is a group-bot webhook as shown to its owner: the URL only
// as a hint, the secret only as "set".
type BotSettings struct {
	AdminWide bool      `json:"admin_wide"`
	Provider  string    `json:"provider"`
	URLHint   string    `json:"url_hint"`
	HasSecret bool      `json:"has_secret"`
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updated_at"`
}

// BotInput is a group-bot webhook as its owner writes it. An empty URL or
// Secret keeps the stored one; ClearSecret removes the secret.
type BotInput struct {
	Provider    string `json:"provider"`
	URL         string `json:"url"`
	Secret      string `json:"secret"`
	ClearSecret bool   `json:"clear_secret"`
	Enabled     bool   `json:"enabled"`
}

// botOwner returns the storage owner of a user's bot, or of the admin-wide
// one, which only admins may see and change.
func botOwner(actor *model.User, adminWide bool) (int64, error) {
	switch {
	case actor == nil:
		return 0, model.ErrUnauthenticated
	case adminWide && !actor.IsAdmin():
		return 0, model.ErrForbidden
	case adminWide:
		return 0, nil
	}
	return actor.ID, nil
}

// Bot returns the actor's group-bot settings, or the admin-wide ones;
// model.ErrNotFound when none are set.
func (s *Service) Bot(ctx context.Context, actor *model.User, adminWide bool) (*BotSettings, error) {
	owner, err := botOwner(actor, adminWide)
	if err != nil {
		return nil, err
	}
	b, err := s.store.BotWebhook(ctx, owner)
	if err != nil {
		return nil, err
	}
	return s.settings(b), nil
}

// SaveBot validates and stores the actor's group-bot settings, or the
// admin-wide ones.
func (s *Service) SaveBot(ctx context.Context, actor *model.User, adminWide bool, in BotInput) (*BotSettings, error) {
	owner, err := botOwner(actor, adminWide)
	if err != nil {
		return nil, err
	}
	old, err := s.store.BotWebhook(ctx, owner)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	b := &model.BotWebhook{Provider: strings.TrimSpace(in.Provider), Enabled: in.Enabled}
	if owner != 0 {
		b.UserID = &owner
	}
	var errs model.ValidationErrors
	if _, ok := botEndpoints[b.Provider]; !ok {
		errs.Add("provider", "invalid", "provider must be wecom, dingtalk or feishu")
	}
	b.URL, b.Secret = strings.TrimSpace(in.URL), strings.TrimSpace(in.Secret)
	if old != nil {
		if b.URL == "" {
			if b.URL, err = s.open(old.URL); err != nil {
				return nil, err
			}
		}
		if b.Secret == "" && !in.ClearSecret {
			if b.Secret, err = s.open(old.Secret); err != nil {
				return nil, err
			}
		}
	}
	if in.ClearSecret || b.Provider == model.BotWeCom { // WeCom bots are not signed
		b.Secret = ""
	}
	errs.Text("url", b.URL, true, 1000)
	errs.Text("secret", b.Secret, false, 200)
	if len(errs) == 0 {
		if err := checkBotURL(b.Provider, b.URL, s.bots != nil && s.bots.anyHost); err != nil {
			errs.Add("url", "invalid", err.Error())
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	stored := *b
	if stored.URL, err = s.seal(b.URL); err != nil {
		return nil, err
	}
	if stored.Secret, err = s.seal(b.Secret); err != nil {
		return nil, err
	}
	if err := s.store.SaveBotWebhook(ctx, &stored); err != nil {
		return nil, err
	}
	return s.settings(&stored), nil
}

// DeleteBot removes the actor's group-bot settings, or the admin-wide ones.
func (s *Service) DeleteBot(ctx context.Context, actor *model.User, adminWide bool) error {
	owner, err := botOwner(actor, adminWide)
	if err != nil {
		return err
	}
	return s.store.DeleteBotWebhook(ctx, owner)
}

// TestBot posts a test message to the actor's group bot, or the admin-wide
// one, now, and returns the bot's refusal if any (a *BotError).
func (s *Service) TestBot(ctx context.Context, actor *model.User, adminWide bool) error {
	owner, err := botOwner(actor, adminWide)
	if err != nil {
		return err
	}
	if s.bots == nil {
		return errors.New("notify: group-bot forwarding is off")
	}
	h, err := s.store.BotWebhook(ctx, owner)
	if err != nil {
		return err
	}
	b, err := s.openBot(h)
	if err != nil {
		return err
	}
	lang := s.language(ctx, actor.ID)
	return s.bots.Send(ctx, b, BotMessage{Title: text(lang, "test_title"), Body: text(lang, "test_body")})
}

// settings shows a stored bot to its owner.
func (s *Service) settings(b *model.BotWebhook) *BotSettings {
	out := &BotSettings{AdminWide: b.UserID == nil, Provider: b.Provider, HasSecret: b.Secret != "", Enabled: b.Enabled,
		UpdatedAt: b.UpdatedAt}
	if u, err := s.open(b.URL); err == nil {
		out.URLHint = urlHint(u)
	}
	return out
}

// openBot returns a copy of a stored bot with its URL and secret in clear.
func (s *Service) openBot(h *model.BotWebhook) (*model.BotWebhook, error) {
	b := *h
	var err error
	if b.URL, err = s.open(h.URL); err != nil {
		return nil, err
	}
	if b.Secret, err = s.open(h.Secret); err != nil {
		return nil, err
	}
	return &b, nil
}

func (s *Service) seal(v string) (string, error) {
	if s.secrets == nil || v == "" {
		return v, nil
	}
	return s.secrets.Seal(v)
}

func (s *Service) open(v string) (string, error) {
	if s.secrets == nil || v == "" {
		return v, nil
	}
	return s.secrets.Open(v)
}

// urlHint shows a webhook URL with its access key masked to the last four
// characters: the key is in the query (WeCom, DingTalk) or the last path
// segment (Feishu).
func urlHint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	mask := func(s string) string {
		if len(s) <= 4 {
			return "…"
		}
		return "…" + s[len(s)-4:]
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q.Set(k, mask(q.Get(k)))
		}
		return u.Scheme + "://" + u.Host + u.Path + "?" + strings.NewReplacer("%E2%80%A6", "…").Replace(q.Encode())
	}
	dir, last := u.Path, ""
	if i := strings.LastIndex(u.Path, "/"); i >= 0 {
		dir, last = u.Path[:i+1], u.Path[i+1:]
	}
	return u.Scheme + "://" + u.Host + dir + mask(last)
}
