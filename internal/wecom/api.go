package wecom

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"touchbase/internal/model"
)

// BatchUsers is the most members externalcontact/batch/get_by_user takes
// in one call, and BatchLimit the most external contacts it returns.
const (
	BatchUsers = 100
	BatchLimit = 100
)

// FollowUsers lists the members allowed to serve customers (客户联系).
func (c *Client) FollowUsers(ctx context.Context) ([]string, error) {
	var out struct {
		FollowUser []string `json:"follow_user"`
	}
	err := c.call(ctx, contactSecret, http.MethodGet, "/cgi-bin/externalcontact/get_follow_user_list", nil, nil, &out)
	return out.FollowUser, err
}

// Member reads one member; through the application when one is set (its
// visible range decides), else through the customer-contact secret.
func (c *Client) Member(ctx context.Context, userid string) (model.WeComMember, error) {
	var out struct {
		UserID string `json:"userid"`
		Name   string `json:"name"`
		Mobile string `json:"mobile"`
		Email  string `json:"email"`
	}
	kind := contactSecret
	if c.cfg.AgentID > 0 {
		kind = agentSecret
	}
	err := c.call(ctx, kind, http.MethodGet, "/cgi-bin/user/get", url.Values{"userid": {userid}}, nil, &out)
	return model.WeComMember{ID: out.UserID, Name: out.Name, Mobile: out.Mobile, Email: out.Email}, err
}

// externalContact is an external contact as WeCom describes it.
type externalContact struct {
	ExternalUserID string `json:"external_userid"`
	Name           string `json:"name"`
	CorpName       string `json:"corp_name"`
	UnionID        string `json:"unionid"`
}

// followInfo is one member's follow of an external contact.
type followInfo struct {
	UserID        string   `json:"userid"`
	Remark        string   `json:"remark"`
	CreateTime    int64    `json:"createtime"`
	RemarkMobiles []string `json:"remark_mobiles"`
}

func (f followInfo) follow() model.WeComFollow {
	out := model.WeComFollow{MemberID: f.UserID, Remark: f.Remark, RemarkMobiles: f.RemarkMobiles}
	if f.CreateTime > 0 {
		t := time.Unix(f.CreateTime, 0).UTC()
		out.AddedAt = &t
	}
	return out
}

func (e externalContact) external() *model.WeComExternal {
	return &model.WeComExternal{ID: e.ExternalUserID, Name: e.Name, CorpName: e.CorpName, UnionID: e.UnionID}
}

// ExternalsOf reads one page of the external contacts the members follow
// (at most BatchUsers members; cursor "" for the first page): one entry
// per follow, so an external contact followed by two of them comes twice,
// each time with that member's follow. It returns the next page's cursor,
// "" after the last.
func (c *Client) ExternalsOf(ctx context.Context, members []string, cursor string) ([]*model.WeComExternal, string, error) {
	var out struct {
		List []struct {
			ExternalContact externalContact `json:"external_contact"`
			FollowInfo      followInfo      `json:"follow_info"`
		} `json:"external_contact_list"`
		NextCursor string `json:"next_cursor"`
	}
	body := map[string]any{"userid_list": members, "cursor": cursor, "limit": BatchLimit}
	if err := c.call(ctx, contactSecret, http.MethodPost, "/cgi-bin/externalcontact/batch/get_by_user", nil, body, &out); err != nil {
		return nil, "", err
	}
	exts := make([]*model.WeComExternal, 0, len(out.List))
	for _, it := range out.List {
		e := it.ExternalContact.external()
		e.Follows = []model.WeComFollow{it.FollowInfo.follow()}
		exts = append(exts, e)
	}
	return exts, out.NextCursor, nil
}

// External reads one external contact with every member who follows it.
func (c *Client) External(ctx context.Context, externalUserID string) (*model.WeComExternal, error) {
	var e *model.WeComExternal
	cursor := ""
	for {
		var out struct {
			ExternalContact externalContact `json:"external_contact"`
			FollowUser      []followInfo    `json:"follow_user"`
			NextCursor      string          `json:"next_cursor"`
		}
		q := url.Values{"external_userid": {externalUserID}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		if err := c.call(ctx, contactSecret, http.MethodGet, "/cgi-bin/externalcontact/get", q, nil, &out); err != nil {
			return nil, err
		}
		if e == nil {
			e = out.ExternalContact.external()
		}
		for _, f := range out.FollowUser {
			e.Follows = append(e.Follows, f.follow())
		}
		if out.NextCursor == "" || out.NextCursor == cursor {
			return e, nil
		}
		cursor = out.NextCursor
	}
}
