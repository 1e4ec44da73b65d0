package smstemplate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Service keeps the SMS channel's signatures and templates.
type Service struct {
	store    *storage.Store
	channels *registry.Registry
	now      func() time.Time
}

// NewService returns the service.
func NewService(store *storage.Store, channels *registry.Registry, now func() time.Time) *Service {
	return &Service{store: store, channels: channels, now: now}
}

// Provider returns the SMS channel's provider and whether it sends
// approved templates only.
func (s *Service) Provider(ctx context.Context) (string, bool, error) {
	p, err := s.channels.Provider(ctx, channel.KindSMS)
	if err != nil {
		return "", false, err
	}
	return p, Templated(p), nil
}

// Templates lists the templates of the SMS channel's provider.
func (s *Service) Templates(ctx context.Context) ([]*model.SMSTemplate, error) {
	p, templated, err := s.Provider(ctx)
	if err != nil || !templated {
		return nil, err
	}
	return s.store.SMSTemplates(ctx, p)
}

// Signatures lists the signatures of the SMS channel's provider.
func (s *Service) Signatures(ctx context.Context) ([]*model.SMSSignature, error) {
	p, templated, err := s.Provider(ctx)
	if err != nil || !templated {
		return nil, err
	}
	return s.store.SMSSignatures(ctx, p)
}

// Get returns one template.
func (s *Service) Get(ctx context.Context, id int64) (*model.SMSTemplate, error) {
	return s.store.SMSTemplate(ctx, id)
}

// SyncResult says what a sync changed.
type SyncResult struct {
	Provider   string             `json:"provider"`
	Templates  storage.SyncCounts `json:"templates"`
	Signatures storage.SyncCounts `json:"signatures"`
}

// ErrNotTemplated is returned when the SMS channel sends free text and so
// has no templates to sync.
var ErrNotTemplated = model.NewFieldError("provider", "not_templated", "the SMS channel sends free text: it has no templates")

// Sync lists the provider's templates and signatures and stores them.
func (s *Service) Sync(ctx context.Context) (*SyncResult, error) {
	ch, _, err := s.channels.Channel(ctx, channel.KindSMS)
	if err != nil {
		return nil, err
	}
	defer ch.Close()
	lister, ok := ch.(channel.TemplateLister)
	if !ok || !Templated(ch.Name()) {
		return nil, ErrNotTemplated
	}
	res := &SyncResult{Provider: ch.Name()}
	tpls, err := lister.ListTemplates(ctx)
	if err != nil {
		return nil, err
	}
	listed := make([]model.SMSTemplate, len(tpls))
	for i, t := range tpls {
		listed[i] = model.SMSTemplate{Code: t.Code, Name: t.Name, Kind: t.Kind, Content: t.Content, State: t.State, ReviewNote: t.ReviewNote}
	}
	at := s.now()
	if res.Templates, err = s.store.SyncSMSTemplates(ctx, ch.Name(), listed, at); err != nil {
		return nil, err
	}
	signs, err := lister.ListSignatures(ctx)
	if err != nil {
		return nil, err
	}
	if len(signs) > 0 {
		gs := make([]model.SMSSignature, len(signs))
		for i, g := range signs {
			gs[i] = model.SMSSignature{Name: g.Name, State: g.State, ReviewNote: g.ReviewNote}
		}
		if res.Signatures, err = s.store.SyncSMSSignatures(ctx, ch.Name(), gs, at); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Edit is what an admin sets on a template. Code, Content and State are
// taken only for a template entered by hand.
type Edit struct {
	// Provider is, for a template entered by hand, the provider it belongs
	// to (aliyun or tencent); empty: the SMS channel's. Templates can so be
	// entered before the channel is switched to their provider.
	Provider  string                     `json:"provider"`
	Code      string                     `json:"code"`
	Name      string                     `json:"name"`
	Kind      string                     `json:"kind"`
	Content   string                     `json:"content"`
	State     string                     `json:"state"`
	SignName  string                     `json:"sign_name"`
	Variables map[string]model.VarSource `json:"variables"`
}

// Create stores a template entered by hand, for in.Provider or else the
// SMS channel's provider.
func (s *Service) Create(ctx context.Context, in Edit) (*model.SMSTemplate, error) {
	p := in.Provider
	if p == "" {
		var templated bool
		var err error
		if p, templated, err = s.Provider(ctx); err != nil {
			return nil, err
		}
		if !templated {
			return nil, model.NewFieldError("provider", "not_templated", "the SMS channel sends free text: name the provider the template belongs to (aliyun or tencent)")
		}
	} else if !Templated(p) {
		return nil, model.NewFieldError("provider", "invalid", "provider must be aliyun or tencent")
	}
	t := &model.SMSTemplate{Provider: p, Origin: model.OriginManual}
	if err := apply(t, in); err != nil {
		return nil, err
	}
	if err := s.store.CreateSMSTemplate(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Update saves in on template id.
func (s *Service) Update(ctx context.Context, id int64, in Edit) (*model.SMSTemplate, error) {
	t, err := s.store.SMSTemplate(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := apply(t, in); err != nil {
		return nil, err
	}
	if err := s.store.UpdateSMSTemplate(ctx, t); err != nil {
		return nil, err
	}
	return s.store.SMSTemplate(ctx, id)
}

// Delete removes a template entered by hand that no bulk send uses.
func (s *Service) Delete(ctx context.Context, id int64) error {
	t, err := s.store.SMSTemplate(ctx, id)
	if err != nil {
		return err
	}
	if t.Origin != model.OriginManual {
		return model.NewFieldError("id", "synced", "a synced template is removed at the provider, then by the next sync")
	}
	return s.store.DeleteSMSTemplate(ctx, id)
}

// apply validates in and sets it on t; a synced template keeps its code,
// content and state.
func apply(t *model.SMSTemplate, in Edit) error {
	var errs model.ValidationErrors
	if t.Origin == model.OriginManual {
		t.Code, t.Content, t.State = strings.TrimSpace(in.Code), strings.TrimSpace(in.Content), in.State
		if t.State == "" {
			t.State = model.ReviewApproved
		}
		switch {
		case t.Code == "":
			errs.Add("code", "required", "the provider's template code is required")
		case utf8.RuneCountInString(t.Code) > 64:
			errs.Add("code", "too_long", "at most 64 characters")
		}
		switch {
		case t.Content == "":
			errs.Add("content", "required", "the template's text is required")
		case utf8.RuneCountInString(t.Content) > 500:
			errs.Add("content", "too_long", "at most 500 characters")
		}
		if !slices.Contains(model.ReviewStates, t.State) {
			errs.Add("state", "invalid", "state must be one of "+strings.Join(model.ReviewStates, ", "))
		}
	}
	t.Name, t.Kind, t.SignName = strings.TrimSpace(in.Name), in.Kind, strings.TrimSpace(in.SignName)
	if t.Kind == "" {
		t.Kind = model.TemplateNotice
	}
	if !slices.Contains(model.TemplateKinds, t.Kind) {
		errs.Add("kind", "invalid", "kind must be one of "+strings.Join(model.TemplateKinds, ", "))
	}
	if utf8.RuneCountInString(t.Name) > 100 {
		errs.Add("name", "too_long", "at most 100 characters")
	}
	if utf8.RuneCountInString(t.SignName) > 30 {
		errs.Add("sign_name", "too_long", "at most 30 characters")
	}
	vars := Variables(t.Provider, t.Content)
	t.Variables = map[string]model.VarSource{}
	for name, src := range in.Variables {
		field := "variables." + name
		if !slices.Contains(vars, name) {
			errs.Add(field, "unknown_variable", "the template has no variable "+name)
			continue
		}
		switch src.Source {
		case model.VarMerge:
			if !slices.Contains(message.Fields(), src.Field) {
				errs.Add(field, "invalid", fmt.Sprintf("merge field must be one of %s", strings.Join(message.Fields(), ", ")))
				continue
			}
			src.Value, src.Label = "", ""
		case model.VarConstant:
			if src.Value = strings.TrimSpace(src.Value); src.Value == "" {
				errs.Add(field, "required", "a constant needs its text")
				continue
			}
			src.Field, src.Label = "", ""
		case model.VarRep, "":
			src = model.VarSource{Source: model.VarRep, Label: strings.TrimSpace(src.Label)}
		default:
			errs.Add(field, "invalid", "source must be merge, constant or rep")
			continue
		}
		t.Variables[name] = src
	}
	return errs.Err()
}
