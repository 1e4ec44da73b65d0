package wecom

import (
	"context"
	"net/http"
	"time"
)

// MaxGroupMsgReceivers is the most external contacts one
// add_msg_template task takes.
const MaxGroupMsgReceivers = 10000

// Attachment is a link or an image sent with a customer mass message.
type Attachment struct {
	// Link: a card with a title, an optional description and picture.
	LinkTitle, LinkURL, LinkDesc, LinkPicURL string
	// Image: a picture by its URL (WeCom fetches it) or an uploaded media id.
	ImageURL, MediaID string
}

func (a Attachment) body() map[string]any {
	if a.LinkURL != "" {
		link := map[string]any{"title": a.LinkTitle, "url": a.LinkURL}
		if a.LinkDesc != "" {
			link["desc"] = a.LinkDesc
		}
		if a.LinkPicURL != "" {
			link["picurl"] = a.LinkPicURL
		}
		return map[string]any{"msgtype": "link", "link": link}
	}
	img := map[string]any{}
	if a.MediaID != "" {
		img["media_id"] = a.MediaID
	} else {
		img["pic_url"] = a.ImageURL
	}
	return map[string]any{"msgtype": "image", "image": img}
}

// GroupMsg is one customer mass message (客户群发) for one sender.
type GroupMsg struct {
	Sender      string   // the member who sends it, once they confirm
	Receivers   []string // external_userids, at most MaxGroupMsgReceivers
	Text        string
	Attachments []Attachment
}

// AddGroupMsg creates the task of m (externalcontact/add_msg_template,
// chat_type single). WeCom sends nothing until the sender confirms it in
// the WeCom client. It returns the task's msgid and the receivers WeCom
// refused at once (not the sender's customers).
func (c *Client) AddGroupMsg(ctx context.Context, m GroupMsg) (string, []string, error) {
	body := map[string]any{"chat_type": "single", "external_userid": m.Receivers, "sender": m.Sender, "allow_select": false}
	if m.Text != "" {
		body["text"] = map[string]string{"content": m.Text}
	}
	if len(m.Attachments) > 0 {
		atts := make([]map[string]any, len(m.Attachments))
		for i, a := range m.Attachments {
			atts[i] = a.body()
		}
		body["attachments"] = atts
	}
	var out struct {
		MsgID    string   `json:"msgid"`
		FailList []string `json:"fail_list"`
	}
	err := c.call(ctx, contactSecret, http.MethodPost, "/cgi-bin/externalcontact/add_msg_template", nil, body, &out)
	return out.MsgID, out.FailList, err
}

// Task states of get_groupmsg_task, and send states of
// get_groupmsg_send_result.
const (
	TaskNotSent = 0
	TaskSent    = 2

	SendNotSent      = 0
	SendSent         = 1
	SendNotFriend    = 2 // the customer is no longer the sender's friend
	SendLimitReached = 3 // the customer received their monthly share of mass messages
)

// GroupMsgTask is one sender's part of a mass message.
type GroupMsgTask struct {
	Sender   string
	Status   int
	SentTime *time.Time
}

// GroupMsgTasks lists the senders' tasks of msgid and whether each
// confirmed it.
func (c *Client) GroupMsgTasks(ctx context.Context, msgID string) ([]GroupMsgTask, error) {
	var tasks []GroupMsgTask
	cursor := ""
	for {
		var out struct {
			TaskList []struct {
				UserID   string `json:"userid"`
				Status   int    `json:"status"`
				SendTime int64  `json:"send_time"`
			} `json:"task_list"`
			NextCursor string `json:"next_cursor"`
		}
		body := map[string]any{"msgid": msgID, "limit": 1000, "cursor": cursor}
		if err := c.call(ctx, contactSecret, http.MethodPost, "/cgi-bin/externalcontact/get_groupmsg_task", nil, body, &out); err != nil {
			return nil, err
		}
		for _, t := range out.TaskList {
			tasks = append(tasks, GroupMsgTask{Sender: t.UserID, Status: t.Status, SentTime: unixTime(t.SendTime)})
		}
		if out.NextCursor == "" || out.NextCursor == cursor {
			return tasks, nil
		}
		cursor = out.NextCursor
	}
}

// GroupMsgResult is what became of one receiver of a sender's task.
type GroupMsgResult struct {
	ExternalUserID string
	Status         int
	SentTime       *time.Time
}

// GroupMsgResults lists, for one sender of msgid, what became of each
// receiver.
func (c *Client) GroupMsgResults(ctx context.Context, msgID, sender string) ([]GroupMsgResult, error) {
	var res []GroupMsgResult
	cursor := ""
	for {
		var out struct {
			SendList []struct {
				ExternalUserID string `json:"external_userid"`
				Status         int    `json:"status"`
				SendTime       int64  `json:"send_time"`
			} `json:"send_list"`
			NextCursor string `json:"next_cursor"`
		}
		body := map[string]any{"msgid": msgID, "userid": sender, "limit": 1000, "cursor": cursor}
		if err := c.call(ctx, contactSecret, http.MethodPost, "/cgi-bin/externalcontact/get_groupmsg_send_result", nil, body, &out); err != nil {
			return nil, err
		}
		for _, s := range out.SendList {
			res = append(res, GroupMsgResult{ExternalUserID: s.ExternalUserID, Status: s.Status, SentTime: unixTime(s.SendTime)})
		}
		if out.NextCursor == "" || out.NextCursor == cursor {
			return res, nil
		}
		cursor = out.NextCursor
	}
}

// RemindGroupMsg reminds the senders who have not confirmed msgid yet
// (WeCom allows three reminders a day).
func (c *Client) RemindGroupMsg(ctx context.Context, msgID string) error {
	return c.call(ctx, contactSecret, http.MethodPost, "/cgi-bin/externalcontact/remind_groupmsg_send", nil,
		map[string]string{"msgid": msgID}, nil)
}

// CancelGroupMsg stops msgid for the senders who have not confirmed it.
func (c *Client) CancelGroupMsg(ctx context.Context, msgID string) error {
	return c.call(ctx, contactSecret, http.MethodPost, "/cgi-bin/externalcontact/cancel_groupmsg_send", nil,
		map[string]string{"msgid": msgID}, nil)
}

func unixTime(s int64) *time.Time {
	if s <= 0 {
		return nil
	}
	t := time.Unix(s, 0).UTC()
	return &t
}
