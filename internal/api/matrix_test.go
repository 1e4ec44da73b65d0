package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// The authorization matrix: every endpoint, called by every kind of
// caller, under each visibility scope, with the expected answer written out
// by hand (not derived from the permission rules under test).
//
// The fixture, rebuilt fresh for every call that changes data:
//   - customer X, exclusive rep "rep" (team T1), participant "part" and
//     sharer "share" (both team T2), with one contact CX;
//   - "mate": an agent of T1 with no relation to X (sees X under the team
//     and all scopes);
//   - "mgr": the manager of T1, in no team (always sees X, never edits);
//   - "other": an agent of T2 with no relation (sees X only under "all");
//   - "anon": no credentials;
//   - record R of X, made by "rep" by phone;
//   - bulk sends of "rep" to CX: B scheduled far ahead, BD done with CX
//     failed (bulk sends are seen by their operator, the manager of the
//     operator's team and admins, whatever the scope);
//   - notification NT of "rep";
//   - open plan PL of "rep" on X with CX, due in two days, and open plan
//     PLO on X of "gone", a deactivated agent of T1 (so it needs
//     reassignment); plans are seen by their owner, the manager of the
//     owner's team and admins, whatever the scope;
//   - a group bot of every user and the admin-wide one, on a local
//     receiver ({BOT}) that takes every message.

// cells holds the expected answer under the visibility scopes own, team, all.
type cells [3]int

// same is one answer under every scope.
func same(status int) cells { return cells{status, status, status} }

// Pseudo-statuses of list endpoints: 200 with the target in the items (in)
// or 200 without it (out).
const (
	in  = 1
	out = 2
)

// wants is the expected answer of each caller.
type wants struct {
	admin, rep, part, share, mate, mgr, other, anon cells
}

// mrow is one endpoint call of the matrix. Path and body placeholders:
// {X} {CODE} customer X, {CX} {CXNAME} its contact, {REP} {MATE} {SHARE}
// users, {U} a target user, {T} a fresh team, {TP} a topic, {TOK} a token
// of the caller, {OTOK} a token of someone else, {N} a unique number,
// {SCOPE} the visibility scope in force, {R} a record of X, {RQ} a
// keyword only its title holds, {B} {BD} bulk sends of rep, {NT} a
// notification of rep ({B1}, {NT1}: the id after them, to page to them),
// {BOT} the group-bot receiver, {PL} {PLO} plans on X, {PART} a user,
// {ST} an SMS template entered by hand.
type mrow struct {
	method, path, body string
	find               string // for in/out: "X", "CX" or "R"
	want               wants
}

// orow is a row whose answers change when single contact is open to all.
type orow struct {
	mrow
	open wants // the answers when it is on (mrow.want: when off)
}

// Shorthands for the recurring columns (each still written per row).
var (
	seeX = cells{404, 200, 200} // mate: X visible under team and all
	seeO = cells{404, 404, 200} // other: X visible only under all
)

var matrix = []mrow{
	{"GET", "/openapi.json", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(200)}},
	{"POST", "/tokens", `{"username":"owner","password":"password-1"}`, "",
		wants{same(201), same(201), same(201), same(201), same(201), same(201), same(201), same(201)}},
	{"GET", "/tokens", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"DELETE", "/tokens/{TOK}", "", "", wants{same(204), same(204), same(204), same(204), same(204), same(204), same(204), same(401)}},
	{"DELETE", "/tokens/{OTOK}", "", "", wants{same(404), same(404), same(404), same(404), same(404), same(404), same(404), same(401)}},
	{"GET", "/me", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	// Sessions only: the caller's tokens stay (the matrix calls with them).
	{"POST", "/me/sign-out-everywhere", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	// A wrong current password: every caller reaches the check (400), and
	// nobody's password changes (a change would revoke the tokens the rows
	// after call with).
	{"PUT", "/me/password", `{"current_password":"not-the-password","password":"a brand new one"}`, "",
		wants{same(400), same(400), same(400), same(400), same(400), same(400), same(400), same(401)}},

	// Customers.
	{"GET", "/customers?q={CODE}", "", "X",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"GET", "/customers?mine=true&q={CODE}", "", "X",
		wants{same(out), same(in), same(in), same(in), same(out), same(out), same(out), same(401)}},
	{"GET", "/customers?rep_id={REP}&q={CODE}&limit=500", "", "X",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"POST", "/customers", `{"name":"New {N}"}`, "",
		wants{same(201), same(201), same(201), same(201), same(201), same(201), same(201), same(401)}},
	{"GET", "/customers/{X}", "", "", wants{same(200), same(200), same(200), same(200), seeX, same(200), seeO, same(401)}},
	{"PUT", "/customers/{X}", `{"code":"{CODE}","name":"X renamed","rep_id":{REP}}`, "",
		wants{same(200), same(200), same(200), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
	{"PATCH", "/customers/{X}", `{"notes":"patched"}`, "",
		wants{same(200), same(200), same(200), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
	{"DELETE", "/customers/{X}", "", "",
		wants{same(204), same(403), same(403), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
	{"PUT", "/customers/by-code/{CODE}", `{"name":"X synced","rep_id":{REP}}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/customers/by-code/NEW-{N}", `{"name":"Synced {N}"}`, "",
		wants{same(201), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/imports/customers", "", "", // an empty file: refused for its missing header
		wants{same(400), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// Contacts.
	{"GET", "/customers/{X}/contacts", "", "", wants{same(200), same(200), same(200), same(200), seeX, same(200), seeO, same(401)}},
	{"POST", "/customers/{X}/contacts", `{"name":"New contact","mobile":"13812345678"}`, "",
		wants{same(201), same(201), same(201), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
	{"GET", "/contacts?q={CXNAME}", "", "CX",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"GET", "/contacts?customer_id={X}", "", "CX",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"GET", "/contacts/{CX}", "", "", wants{same(200), same(200), same(200), same(200), seeX, same(200), seeO, same(401)}},
	{"PUT", "/contacts/{CX}", `{"name":"CX renamed","email":"cx@example.com"}`, "",
		wants{same(200), same(200), same(200), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
	{"PATCH", "/contacts/{CX}", `{"title":"CEO"}`, "",
		wants{same(200), same(200), same(200), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
	{"DELETE", "/contacts/{CX}", "", "",
		wants{same(204), same(204), same(204), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},

	// Relations.
	{"GET", "/customers/{X}/relations", "", "", wants{same(200), same(200), same(200), same(200), seeX, same(200), seeO, same(401)}},
	{"POST", "/customers/{X}/relations", `{"user_id":{MATE},"kind":"participant"}`, "",
		wants{same(201), same(403), same(403), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
	{"DELETE", "/customers/{X}/relations/{SHARE}", "", "",
		wants{same(204), same(403), same(403), same(403), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},

	// Users.
	{"GET", "/users", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"GET", "/users/{U}", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"POST", "/users", `{"username":"new{N}","password":"new-password-{N}","role":"agent"}`, "",
		wants{same(201), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/users/{U}", `{"username":"target","role":"agent","display_name":"Target {N}"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PATCH", "/users/{U}", `{"display_name":"Target {N}"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/users/{U}/password", `{"password":"target-password-{N}"}`, "",
		wants{same(204), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/users/{U}/sign-out-everywhere", `{"revoke_tokens":true}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"GET", "/users/{U}/tokens", "", "", wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// Teams.
	{"GET", "/teams", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"GET", "/teams/{T}", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"POST", "/teams", `{"name":"Team {N}"}`, "",
		wants{same(201), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/teams/{T}", `{"name":"Team {N}"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PATCH", "/teams/{T}", `{"manager_id":{MATE}}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"DELETE", "/teams/{T}", "", "",
		wants{same(204), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// Topics.
	{"GET", "/topics", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"GET", "/topics/{TP}", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"POST", "/topics", `{"name":"Topic {N}"}`, "",
		wants{same(201), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/topics/{TP}", `{"name":"Fixed topic","sort_order":{N}}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PATCH", "/topics/{TP}", `{"name_en":"Fixed"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// SMS templates: every user reads them (reps pick one when sending);
	// only admins change them. The SMS channel is the outbox, so a sync
	// has nothing to list (400, provider).
	{"GET", "/sms-templates", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"GET", "/sms-templates/{ST}", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"POST", "/sms-templates", `{"provider":"aliyun","code":"SMS_{N}","content":"${name}您好","variables":{"name":{"source":"merge","field":"contact.name"}}}`, "",
		wants{same(201), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/sms-templates/sync", "", "",
		wants{same(400), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/sms-templates/{ST}", `{"code":"SMS_R{N}","content":"${name}，您好","name":"Renamed {N}","kind":"notice","sign_name":"恒信"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"DELETE", "/sms-templates/{ST}", "", "",
		wants{same(204), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// Settings.
	{"GET", "/settings", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"PUT", "/settings", `{"visibility":"{SCOPE}","open_contact_all":{OPEN},"default_region":"CN"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PATCH", "/settings", `{"default_region":"CN"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// Records: whoever sees X sees its records, in every list and export.
	{"GET", "/records?customer_id={X}", "", "R",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"GET", "/records?q={RQ}", "", "R",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"GET", "/records?contact_id={CX}&channel=phone&source=manual", "", "R",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"GET", "/records/{R}", "", "", wants{same(200), same(200), same(200), same(200), seeX, same(200), seeO, same(401)}},
	{"GET", "/records/export?format=csv&q={RQ}", "", "R",
		wants{same(in), same(in), same(in), same(in), cells{out, in, in}, same(in), cells{out, out, in}, same(401)}},
	{"GET", "/customers/{X}/records", "", "R",
		wants{same(in), same(in), same(in), same(in), cells{404, in, in}, same(in), cells{404, 404, in}, same(401)}},

	// Channels and the outbox: admins only.
	{"GET", "/channels", "", "", wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/channels/sms", `{"provider":"outbox","config":{},"rate_limit":5}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/channels/sms/test", `{"to":"+8613812345678"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"GET", "/outbox?kind=sms", "", "", wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// WeCom: admins only. The connection points at a closed port, so the
	// calls that reach WeCom fail 502 once it is saved (and 409 before).
	{"GET", "/wecom", "", "", wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"GET", "/wecom/members", "", "", wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"GET", "/wecom/review", "", "", wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/wecom/test", "", "", wants{cells{409, 502, 502}, same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/wecom", `{"corp_id":"ww1436e0e65a779aee","contact_secret":"s3cret","base_url":"http://127.0.0.1:9"}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/wecom/members/refresh", "", "", wants{same(502), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/wecom/members/nobody", `{"user_id":999999}`, "", wants{same(400), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/wecom/sync", "", "", wants{same(202), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/wecom/externals/nobody", `{"contact_id":999999}`, "", wants{same(400), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},

	// Bulk sends of "rep": seen by rep, mgr (manager of rep's team) and
	// admins under every scope; cancelled and retried by rep and admins
	// only (mgr: 403). Recipients are picked among the contacts the caller
	// sees: a selection of CX alone reaches nobody (400 recipients) where
	// X is invisible.
	{"GET", "/bulk-sends?before_id={B1}&limit=1", "", "B",
		wants{same(in), same(in), same(out), same(out), same(out), same(in), same(out), same(401)}},
	{"POST", "/bulk-sends",
		`{"title":"Bulk {N}","sms_text":"Hi {{contact.name}}","scheduled_at":"2099-01-01T00:00:00Z","recipients":{"contact_ids":[{CX}]}}`, "",
		wants{same(201), same(201), same(201), same(201), cells{400, 201, 201}, same(201), cells{400, 400, 201}, same(401)}},
	{"POST", "/bulk-sends/preview", `{"sms_text":"Hi {{contact.name}}","recipients":{"contact_ids":[{CX}]}}`, "",
		wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"GET", "/bulk-sends/{B}", "", "", wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"GET", "/bulk-sends/{B}/recipients?status=pending", "", "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"GET", "/bulk-sends/{BD}/recipients/export?status=failed", "", "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"GET", "/bulk-sends/{BD}/events", "", "", wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"POST", "/bulk-sends/{B}/cancel", "", "", wants{same(200), same(200), same(404), same(404), same(404), same(403), same(404), same(401)}},
	// A finished send can be neither paused nor resumed: 409 to those who
	// may manage it (the pause itself is tested in internal/bulk).
	{"POST", "/bulk-sends/{BD}/pause", "", "", wants{same(409), same(409), same(404), same(404), same(404), same(403), same(404), same(401)}},
	{"POST", "/bulk-sends/{BD}/resume", "", "", wants{same(409), same(409), same(404), same(404), same(404), same(403), same(404), same(401)}},
	// Only a send waiting for approval can be decided: 409 to admins and
	// the operator's manager; the operator may never decide their own.
	{"POST", "/bulk-sends/{BD}/approve", "", "", wants{same(409), same(403), same(404), same(404), same(404), same(409), same(404), same(401)}},
	{"POST", "/bulk-sends/{BD}/reject", `{"comment":"内容需修改"}`, "",
		wants{same(409), same(403), same(404), same(404), same(404), same(409), same(404), same(401)}},
	{"POST", "/bulk-sends/{BD}/retry-failed", "", "",
		wants{same(200), same(200), same(404), same(404), same(404), same(403), same(404), same(401)}},
	{"GET", "/bulk-sends/{BD}/wecom-tasks", "", "", wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	// A send without WeCom tasks has no member to remind: 400 to those
	// who may manage it.
	{"POST", "/bulk-sends/{BD}/wecom-tasks/remind", "", "",
		wants{same(400), same(400), same(404), same(404), same(404), same(403), same(404), same(401)}},

	// A WeCom message only its rep (or an admin) may withdraw: none is
	// waiting here, so every caller is answered as if it did not exist.
	{"POST", "/deliveries/999999/withdraw", "", "", wants{same(404), same(404), same(404), same(404), same(404), same(404), same(404), same(401)}},

	// Notifications: only ever the caller's own; another user's is 404,
	// admins included.
	{"GET", "/notifications?before_id={NT1}&limit=1", "", "NT", wants{same(out), same(in), same(out), same(out), same(out), same(out), same(out), same(401)}},
	{"GET", "/notifications?unread=true&before_id={NT1}", "", "NT",
		wants{same(out), same(in), same(out), same(out), same(out), same(out), same(out), same(401)}},
	{"POST", "/notifications/{NT}/read", "", "", wants{same(404), same(200), same(404), same(404), same(404), same(404), same(404), same(401)}},
	{"POST", "/notifications/read-all", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"GET", "/notifications/stream", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},

	// Plans of "rep" (PL) and of deactivated "gone" (PLO) on X: seen and
	// changed by the owner, mgr (manager of T1) and admins under every
	// scope; anyone else gets 404. Reassigning needs the caller to manage
	// the new owner: rep manages only themselves, mgr only T1, so handing
	// PL to part (T2) is theirs to refuse (400 owner_id).
	{"GET", "/plans?customer_id={X}", "", "PL",
		wants{same(in), same(in), same(out), same(out), same(out), same(in), same(out), same(401)}},
	{"GET", "/plans?view=upcoming&customer_id={X}&owner_id={REP}", "", "PL",
		wants{same(in), same(in), same(out), same(out), same(out), same(in), same(out), same(401)}},
	{"GET", "/plans?mine=true&customer_id={X}", "", "PL",
		wants{same(out), same(in), same(out), same(out), same(out), same(out), same(out), same(401)}},
	{"GET", "/plans/needing-reassignment", "", "PLO",
		wants{same(in), same(out), same(out), same(out), same(out), same(in), same(out), same(401)}},
	{"POST", "/plans", `{"owner_id":{REP},"customer_ids":[{X}],"title":"Assigned {N}","due_at":"2099-01-01T09:00:00+08:00","remind_minutes":0}`, "",
		wants{same(201), same(201), same(400), same(400), same(400), same(201), same(400), same(401)}},
	{"GET", "/plans/{PL}", "", "", wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"PUT", "/plans/{PL}", `{"contact_id":{CX},"title":"Renamed {N}","topic_ids":[{TP}],"due_at":"2099-02-01T09:00:00+08:00","remind_minutes":60}`, "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"PATCH", "/plans/{PL}", `{"notes":"patched {N}"}`, "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"POST", "/plans/{PL}/reschedule", `{"due_at":"2099-03-01T09:00:00Z","remind_minutes":null}`, "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"POST", "/plans/{PL}/cancel", `{"reason":"no longer needed"}`, "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"POST", "/plans/{PL}/close", `{"reason":"customer unreachable {N}"}`, "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"POST", "/plans/{PL}/reassign", `{"owner_id":{REP}}`, "",
		wants{same(200), same(200), same(404), same(404), same(404), same(200), same(404), same(401)}},
	{"POST", "/plans/{PL}/reassign", `{"owner_id":{PART}}`, "",
		wants{same(200), same(400), same(404), same(404), same(404), same(400), same(404), same(401)}},
	{"POST", "/plans/{PLO}/reassign", `{"owner_id":{REP}}`, "",
		wants{same(200), same(404), same(404), same(404), same(404), same(200), same(404), same(401)}},

	// Group bots: everyone has their own; the admin-wide one is for admins.
	// WeCom is not connected in the matrix: nobody can turn its
	// notifications on.
	{"GET", "/me/wecom-notifications", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"PUT", "/me/wecom-notifications", `{"enabled":true}`, "",
		wants{same(400), same(400), same(400), same(400), same(400), same(400), same(400), same(401)}},
	{"GET", "/me/bot-webhook", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"PUT", "/me/bot-webhook", `{"provider":"wecom","url":"{BOT}/cgi-bin/webhook/send?key=k{N}"}`, "",
		wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"DELETE", "/me/bot-webhook", "", "", wants{same(204), same(204), same(204), same(204), same(204), same(204), same(204), same(401)}},
	{"POST", "/me/bot-webhook/test", "", "", wants{same(200), same(200), same(200), same(200), same(200), same(200), same(200), same(401)}},
	{"GET", "/settings/bot-webhook", "", "", wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"PUT", "/settings/bot-webhook", `{"provider":"wecom","url":"{BOT}/cgi-bin/webhook/send?key=all{N}","enabled":false}`, "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"DELETE", "/settings/bot-webhook", "", "",
		wants{same(204), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
	{"POST", "/settings/bot-webhook/test", "", "",
		wants{same(200), same(403), same(403), same(403), same(403), same(403), same(403), same(401)}},
}

// openMatrix holds the rows whose answers depend on "open single contact
// to all": exclusive rep, participant, sharer and admins may always
// contact X; those who only see it get 403 unless it is open; those who
// cannot see it get 404 either way.
var openMatrix = []orow{
	{mrow{"POST", "/contacts/{CX}/contact",
		`{"title":"Hello {N}","topic_ids":[{TP}],"summary":"matrix","sms":{"text":"Hi {{contact.name}}"}}`, "",
		wants{same(200), same(200), same(200), same(200), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
		wants{same(200), same(200), same(200), same(200), cells{404, 200, 200}, same(200), cells{404, 404, 200}, same(401)}},
	{mrow{"POST", "/contacts/{CX}/contact/preview", `{"title":"Hello","sms":{"text":"Hi {{contact.name}}"}}`, "",
		wants{same(200), same(200), same(200), same(200), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
		wants{same(200), same(200), same(200), same(200), cells{404, 200, 200}, same(200), cells{404, 404, 200}, same(401)}},
	{mrow{"POST", "/records",
		`{"contact_id":{CX},"channel":"phone","contacted_at":"2025-06-01T10:00:00+08:00","title":"Call {N}","topic_ids":[{TP}]}`, "",
		wants{same(201), same(201), same(201), same(201), cells{404, 403, 403}, same(403), cells{404, 404, 403}, same(401)}},
		wants{same(201), same(201), same(201), same(201), cells{404, 201, 201}, same(201), cells{404, 404, 201}, same(401)}},
	// A plan is for a customer its owner (here the caller) may contact; one
	// the caller cannot see is 404, one they see but may not contact 400
	// customer_ids.
	{mrow{"POST", "/plans", `{"customer_ids":[{X}],"contact_id":{CX},"title":"Plan {N}","topic_ids":[{TP}],"due_at":"2099-01-01T09:00:00+08:00","remind_minutes":15,"recurrence":{"freq":"weekly","weekdays":[1,4],"count":3}}`, "",
		wants{same(201), same(201), same(201), same(201), cells{404, 400, 400}, same(400), cells{404, 404, 400}, same(401)}},
		wants{same(201), same(201), same(201), same(201), cells{404, 201, 201}, same(201), cells{404, 404, 201}, same(401)}},
}

// rowsFor returns every row with the answers expected when open contact
// is on or off.
func rowsFor(open bool) []mrow {
	rows := append([]mrow(nil), matrix...)
	for _, r := range openMatrix {
		row := r.mrow
		if open {
			row.want = r.open
		}
		rows = append(rows, row)
	}
	return rows
}

// accessMatrix is the "access" of GET /customers/{X}: s(ee) c(ontact)
// e(dit), "-" for no, "404" when X is invisible; by scope own, team, all,
// with "open single contact to all" off and on.
var accessMatrix = []struct {
	actor        string
	closed, open [3]string
}{
	{"admin", [3]string{"sce", "sce", "sce"}, [3]string{"sce", "sce", "sce"}},
	{"rep", [3]string{"sce", "sce", "sce"}, [3]string{"sce", "sce", "sce"}},
	{"part", [3]string{"sce", "sce", "sce"}, [3]string{"sce", "sce", "sce"}},
	{"share", [3]string{"sc-", "sc-", "sc-"}, [3]string{"sc-", "sc-", "sc-"}},
	{"mate", [3]string{"404", "s--", "s--"}, [3]string{"404", "sc-", "sc-"}},
	{"mgr", [3]string{"s--", "s--", "s--"}, [3]string{"sc-", "sc-", "sc-"}},
	{"other", [3]string{"404", "404", "s--"}, [3]string{"404", "404", "sc-"}},
}

var (
	actors = []string{"admin", "rep", "part", "share", "mate", "mgr", "other", "anon"}
	scopes = [3]string{model.VisibilityOwn, model.VisibilityTeam, model.VisibilityAll}
)

func (w wants) of(actor string) cells {
	return map[string]cells{"admin": w.admin, "rep": w.rep, "part": w.part, "share": w.share, "mate": w.mate,
		"mgr": w.mgr, "other": w.other, "anon": w.anon}[actor]
}

// mworld holds the long-lived users and the per-call fixture.
type mworld struct {
	e      *env
	users  map[string]*model.User
	tokens map[string]string
	topic  *model.Topic
	otok   int64
	n      int
	bot    string // URL of the group-bot receiver
	gone   *model.User
}

// fixture is what one call works on.
type fixture struct {
	x       *model.Customer
	cx      *model.Contact
	rec     *model.Record
	team    *model.Team
	tok     int64
	b, done *model.BulkSend
	note    *model.Notification
	pl, plo *model.Plan
	tpl     *model.SMSTemplate
}

func newMWorld(t *testing.T, s *storage.Store) *mworld {
	e := newEnv(t, s)
	ctx := context.Background()
	w := &mworld{e: e, users: map[string]*model.User{}, tokens: map[string]string{}}
	t1, t2 := &model.Team{Name: "T1"}, &model.Team{Name: "T2"}
	for _, tm := range []*model.Team{t1, t2} {
		if err := s.CreateTeam(ctx, tm); err != nil {
			t.Fatal(err)
		}
	}
	teams := map[string]*model.Team{"rep": t1, "part": t2, "share": t2, "mate": t1, "other": t2, "target": t2}
	for _, name := range []string{"admin", "rep", "part", "share", "mate", "mgr", "other", "target", "owner"} {
		role := model.RoleAgent
		if name == "admin" {
			role = model.RoleAdmin
		}
		w.users[name] = e.user(t, name, role, teams[name])
		w.tokens[name] = e.token(t, w.users[name])
	}
	t1.ManagerID = &w.users["mgr"].ID
	if err := s.UpdateTeam(ctx, t1); err != nil {
		t.Fatal(err)
	}
	owned, err := e.app.Auth.APITokens(ctx, w.users["owner"].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.otok = owned[0].ID
	w.gone = e.user(t, "gone", model.RoleAgent, t1)
	w.gone.Active = false
	if err := s.UpdateUser(ctx, w.gone); err != nil {
		t.Fatal(err)
	}
	w.topic = &model.Topic{Name: "Fixed topic", Active: true}
	if err := s.CreateTopic(ctx, w.topic); err != nil {
		t.Fatal(err)
	}
	// Group bots post to a local receiver: the notification centre is
	// rebuilt to allow its host.
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)                    //nolint:errcheck
		w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`)) //nolint:errcheck
	}))
	t.Cleanup(bot.Close)
	w.bot = bot.URL
	e.app.Notify = notify.NewService(s, notify.NewBotClient(bot.Client(), true), nil, e.app.Log, notify.Config{})
	for name := range w.users {
		w.saveBot(t, name)
	}
	w.saveBot(t, "")
	return w
}

// saveBot sets the group bot of the named user, or the admin-wide one.
func (w *mworld) saveBot(t *testing.T, name string) {
	t.Helper()
	actor, adminWide := w.users[name], name == ""
	if adminWide {
		actor = w.users["admin"]
	}
	in := notify.BotInput{Provider: model.BotWeCom, URL: w.bot + "/cgi-bin/webhook/send?key=k-" + name, Enabled: true}
	if _, err := w.e.app.Notify.SaveBot(context.Background(), actor, adminWide, in); err != nil {
		t.Fatal(err)
	}
}

// build makes a fresh customer X with its relations and contact, a fresh
// team, a spare token of the caller, bulk sends, a notification and plans,
// and restores the group bots.
func (w *mworld) build(t *testing.T, actor string) fixture {
	t.Helper()
	return w.buildFor(t, actor, "{B} {NT} {PL} bot-webhook")
}

// buildFor is build for one call, leaving out the bulk sends, the
// notification, the plans and the bots when the call's path and body (in)
// do not mention them.
func (w *mworld) buildFor(t *testing.T, actor, in string) fixture {
	t.Helper()
	ctx := context.Background()
	s := w.e.store
	w.n++
	rep := w.users["rep"].ID
	f := fixture{}
	f.x = w.e.customer(t, &model.Customer{Name: fmt.Sprintf("X Corp %d", w.n), Code: fmt.Sprintf("X-%d", w.n), RepID: &rep})
	for _, r := range []*model.Relation{
		{CustomerID: f.x.ID, UserID: w.users["part"].ID, Kind: model.RelationParticipant},
		{CustomerID: f.x.ID, UserID: w.users["share"].ID, Kind: model.RelationSharer},
	} {
		if err := s.SetRelation(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	f.cx = w.e.contact(t, &model.Contact{CustomerID: f.x.ID, Name: fmt.Sprintf("Contact%d", w.n), Mobile: "+8613800000000"})
	f.tpl = &model.SMSTemplate{Provider: "aliyun", Code: fmt.Sprintf("SMS_M%d", w.n), Kind: model.TemplateNotice,
		Content: "${name}您好", State: model.ReviewApproved}
	if err := s.CreateSMSTemplate(ctx, f.tpl); err != nil {
		t.Fatal(err)
	}
	f.rec = &model.Record{CustomerID: f.x.ID, ContactID: &f.cx.ID, UserID: &rep, Channel: model.ChannelPhone,
		Source: model.SourceManual, Title: fmt.Sprintf("Call rq%dq", w.n), TopicIDs: []int64{w.topic.ID}}
	if err := s.CreateRecord(ctx, f.rec); err != nil {
		t.Fatal(err)
	}
	f.team = &model.Team{Name: fmt.Sprintf("Fixture team %d", w.n)}
	if err := s.CreateTeam(ctx, f.team); err != nil {
		t.Fatal(err)
	}
	f.tok = 1
	if u := w.users[actor]; u != nil {
		_, tok, err := w.e.app.Auth.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "spare"})
		if err != nil {
			t.Fatal(err)
		}
		f.tok = tok.ID
	}
	f.b, f.done, f.note, f.pl, f.plo = &model.BulkSend{}, &model.BulkSend{}, &model.Notification{}, &model.Plan{}, &model.Plan{}
	if strings.Contains(in, "{B") {
		f.b, f.done = w.bulkSend(t, f, false), w.bulkSend(t, f, true)
	}
	if strings.Contains(in, "{NT") {
		note, err := w.e.app.Notify.Notify(ctx, rep, notify.Message{Kind: model.NotifySystem, Title: fmt.Sprintf("Note %d", w.n)})
		if err != nil {
			t.Fatal(err)
		}
		f.note = note
	}
	if strings.Contains(in, "{PL") || strings.Contains(in, "needing-reassignment") {
		f.pl, f.plo = w.plans(t, f)
	}
	// Restore the bots a call may have removed.
	switch {
	case !strings.Contains(in, "bot-webhook"):
		return f
	case actor == "":
		for name := range w.users {
			w.saveBot(t, name)
		}
	case actor != "anon":
		w.saveBot(t, actor)
	}
	w.saveBot(t, "")
	return f
}

// plans stores an open plan of "rep" on X with CX, and one of the
// deactivated "gone".
func (w *mworld) plans(t *testing.T, f fixture) (pl, plo *model.Plan) {
	t.Helper()
	rep, remind := w.users["rep"].ID, 15
	pl = &model.Plan{OwnerID: rep, CreatedBy: &rep, CustomerID: f.x.ID, ContactID: &f.cx.ID, Title: fmt.Sprintf("Plan %d", w.n),
		DueAt: time.Now().Add(48 * time.Hour), RemindMinutes: &remind, TopicIDs: []int64{w.topic.ID}}
	plo = &model.Plan{OwnerID: w.gone.ID, CustomerID: f.x.ID, Title: fmt.Sprintf("Orphan plan %d", w.n),
		DueAt: time.Now().Add(72 * time.Hour)}
	if err := w.e.store.CreatePlans(context.Background(), []*model.Plan{pl, plo}, nil); err != nil {
		t.Fatal(err)
	}
	return pl, plo
}

// bulkSend stores a bulk send of "rep" to CX: scheduled far ahead, or
// done with CX failed.
func (w *mworld) bulkSend(t *testing.T, f fixture, done bool) *model.BulkSend {
	t.Helper()
	ctx, s := context.Background(), w.e.store
	rep := w.users["rep"].ID
	b := &model.BulkSend{UserID: &rep, Title: fmt.Sprintf("Bulk %d", w.n), SMSText: "Hi {{contact.name}}",
		Selection: "{}", Status: model.BulkScheduled, ScheduledAt: time.Now().Add(24 * time.Hour)}
	if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, b, storage.RecipientSelection{ContactIDs: []int64{f.cx.ID}}); err != nil {
		t.Fatal(err)
	}
	if done {
		at := time.Now().UTC()
		if _, err := s.DB().ExecContext(ctx, `UPDATE bulk_recipients SET status = $1, settled = TRUE, reason = $2, detail = 'refused',
			attempts = 1 WHERE bulk_send_id = $3`, model.RecipientFailed, "invalid_mobile", b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE bulk_sends SET status = $1, started_at = $2, finished_at = $2 WHERE id = $3`,
			model.BulkDone, at, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func (w *mworld) expand(s string, f fixture, scope string, open bool) string {
	w.n++
	return strings.NewReplacer(
		"{X}", itoa(f.x.ID), "{CODE}", f.x.Code, "{CX}", itoa(f.cx.ID), "{CXNAME}", f.cx.Name,
		"{REP}", itoa(w.users["rep"].ID), "{MATE}", itoa(w.users["mate"].ID), "{SHARE}", itoa(w.users["share"].ID),
		"{U}", itoa(w.users["target"].ID), "{T}", itoa(f.team.ID), "{TP}", itoa(w.topic.ID),
		"{TOK}", itoa(f.tok), "{OTOK}", itoa(w.otok), "{N}", strconv.Itoa(w.n), "{SCOPE}", scope,
		"{OPEN}", strconv.FormatBool(open), "{R}", itoa(f.rec.ID), "{RQ}", strings.TrimPrefix(f.rec.Title, "Call "),
		"{BD}", itoa(f.done.ID), "{B1}", itoa(f.b.ID+1), "{B}", itoa(f.b.ID), "{NT1}", itoa(f.note.ID+1),
		"{NT}", itoa(f.note.ID), "{BOT}", w.bot, "{PLO}", itoa(f.plo.ID), "{PL}", itoa(f.pl.ID),
		"{PART}", itoa(w.users["part"].ID), "{ST}", itoa(f.tpl.ID),
	).Replace(s)
}

// snapshot is the state a refused call must leave untouched.
func (w *mworld) snapshot(t *testing.T, f fixture) string {
	t.Helper()
	s := w.e.store
	return counts(t, s) +
		dump(t, s, `SELECT * FROM customers WHERE id = $1`, f.x.ID) +
		dump(t, s, `SELECT * FROM contacts WHERE customer_id = $1 ORDER BY id`, f.x.ID) +
		dump(t, s, `SELECT customer_id, user_id, kind FROM customer_relations WHERE customer_id = $1 ORDER BY user_id`, f.x.ID) +
		dump(t, s, `SELECT * FROM users ORDER BY id`) +
		dump(t, s, `SELECT * FROM teams WHERE id = $1 OR name IN ('T1', 'T2') ORDER BY id`, f.team.ID) +
		dump(t, s, `SELECT * FROM topics ORDER BY id`) +
		dump(t, s, `SELECT key, value FROM settings ORDER BY key`) +
		dump(t, s, `SELECT id, user_id, name FROM api_tokens ORDER BY id`) +
		dump(t, s, `SELECT * FROM contact_records WHERE customer_id = $1 ORDER BY id`, f.x.ID) +
		dump(t, s, `SELECT * FROM deliveries WHERE customer_id = $1 ORDER BY id`, f.x.ID) +
		dump(t, s, `SELECT * FROM channel_configs ORDER BY kind`) +
		dump(t, s, `SELECT * FROM bulk_sends WHERE id IN ($1, $2) ORDER BY id`, f.b.ID, f.done.ID) +
		dump(t, s, `SELECT * FROM bulk_recipients WHERE bulk_send_id IN ($1, $2) ORDER BY id`, f.b.ID, f.done.ID) +
		dump(t, s, `SELECT id, user_id, kind, title, read_at FROM notifications ORDER BY id`) +
		dump(t, s, `SELECT * FROM bot_webhooks ORDER BY id`) +
		dump(t, s, `SELECT * FROM plans WHERE customer_id = $1 ORDER BY id`, f.x.ID) +
		dump(t, s, `SELECT plan_id, topic_id FROM plan_topics WHERE plan_id IN (SELECT id FROM plans WHERE customer_id = $1)
			ORDER BY plan_id, topic_id`, f.x.ID)
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, row := range rowsFor(false) {
		path, _, _ := strings.Cut(row.path, "?")
		for _, rt := range routes {
			if rt.Method == row.method && samePattern(rt.Path, path) {
				covered[rt.Method+" "+rt.Path] = true
			}
		}
	}
	for _, rt := range routes {
		if !covered[rt.Method+" "+rt.Path] {
			t.Errorf("route %s %s has no row in the authorization matrix", rt.Method, rt.Path)
		}
	}

	// The halves with "open single contact to all" off and on run side by
	// side, each in a world of its own.
	for _, open := range []bool{false, true} {
		t.Run(fmt.Sprintf("open=%v", open), func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, s *storage.Store) {
				t.Parallel()
				w := newMWorld(t, s)
				calls := 0
				for i, scope := range scopes {
					w.e.settings(t, scope, open)
					shared := w.build(t, "") // read-only calls share one fixture
					for _, row := range rowsFor(open) {
						for _, actor := range actors {
							// A change that goes through gets a fixture of its
							// own; one to be refused shares the read-only one,
							// since call checks that it changes nothing.
							f, want := shared, row.want.of(actor)[i]
							if row.method != "GET" && want < 400 {
								f = w.buildFor(t, actor, row.path+row.body)
							}
							w.call(t, row, actor, scope, open, want, f)
							calls++
						}
					}
				}
				t.Logf("%d endpoint rows × %d callers × %d scopes: %d calls", len(rowsFor(open)), len(actors), len(scopes), calls)
			})
		})
	}
}

func (w *mworld) call(t *testing.T, row mrow, actor, scope string, open bool, want int, f fixture) {
	t.Helper()
	path := w.expand(row.path, f, scope, open)
	name := fmt.Sprintf("%s %s as %s, visibility %s, open=%v", row.method, row.path, actor, scope, open)
	var opts []reqOpt
	if actor != "anon" {
		opts = append(opts, bearer(w.tokens[actor]))
	}
	var body any
	if row.body != "" {
		body = w.expand(row.body, f, scope, open)
	}
	var before string
	if row.method != "GET" && want >= 400 {
		before = w.snapshot(t, f)
	}
	r := w.e.do(t, row.method, path, body, opts...)

	wantStatus := want
	if want == in || want == out {
		wantStatus = 200
	}
	if r.status != wantStatus {
		t.Errorf("%s: %d, want %d\n%s", name, r.status, wantStatus, r.body)
		return
	}
	if want == in || want == out {
		target := map[string]int64{"X": f.x.ID, "CX": f.cx.ID, "R": f.rec.ID, "B": f.b.ID, "NT": f.note.ID, "PL": f.pl.ID,
			"PLO": f.plo.ID}[row.find]
		found := slices.Contains(listedIDs(t, r), target)
		if found != (want == in) {
			t.Errorf("%s: target listed = %v, want %v", name, found, want == in)
		}
	}
	if before != "" {
		if after := w.snapshot(t, f); after != before {
			t.Errorf("%s: refused with %d but data changed:\nbefore:\n%s\nafter:\n%s", name, r.status, before, after)
		}
	}
}

// listedIDs returns the ids of a list answer: its items, or the first
// column of a CSV export.
func listedIDs(t *testing.T, r *resp) []int64 {
	t.Helper()
	var ids []int64
	if strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
		if err != nil || len(rows) == 0 {
			t.Fatalf("export is not CSV with a header: %v", err)
		}
		for _, row := range rows[1:] {
			id, err := strconv.ParseInt(row[0], 10, 64)
			if err != nil {
				t.Fatalf("export row %v: %v", row, err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	for _, it := range r.json(t)["items"].([]any) {
		ids = append(ids, int64(it.(map[string]any)["id"].(float64)))
	}
	return ids
}

// samePattern reports whether a matrix path fits a route pattern.
func samePattern(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if ps[i] != xs[i] && !strings.HasPrefix(ps[i], "{") {
			return false
		}
	}
	return true
}

func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newMWorld(t, s)
		f := w.build(t, "")
		for _, row := range accessMatrix {
			for _, open := range []bool{false, true} {
				want := row.closed
				if open {
					want = row.open
				}
				for i, scope := range scopes {
					w.e.settings(t, scope, open)
					r := w.e.do(t, "GET", "customers/"+itoa(f.x.ID), nil, bearer(w.tokens[row.actor]))
					got := strconv.Itoa(r.status)
					if r.status == 200 {
						a := r.json(t)["access"].(map[string]any)
						got = flag(a["see"], "s") + flag(a["contact"], "c") + flag(a["edit"], "e")
					}
					if got != want[i] {
						t.Errorf("%s under %s, open=%v: access %s, want %s", row.actor, scope, open, got, want[i])
					}
				}
			}
		}
	})
}

func flag(v any, letter string) string {
	if v == true {
		return letter
	}
	return "-"
}
