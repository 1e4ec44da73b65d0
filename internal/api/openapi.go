package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"touchbase/internal/auth"
	"touchbase/internal/model"
)

// operation describes one endpoint in the OpenAPI document. It is written
// apart from the route table on purpose: a test checks that both list the
// same endpoints and that real answers match the schemas below.
type operation struct {
	method, path, tag, summary string
	desc                       string // longer description, status-code choices
	public                     bool
	query                      []param
	body                       string         // request schema; PATCH gets its "Patch" variant
	bodyMedia                  string         // media type of a request body that is a file, not JSON
	ok                         int            // success status
	okSchema                   string         // "" for no content
	okMedia                    []string       // media types of a success body that is a file, not JSON
	errs                       []int          // statuses besides those every operation of its kind may answer
	errSchema                  map[int]string // error statuses whose body is not the Error schema
}

// param is a query parameter.
type param struct {
	name, typ, desc string
}

var (
	pQ      = param{"q", "string", "name, code, mobile or e-mail contains (case-insensitive)"}
	pLimit  = param{"limit", "integer", "page size, 1–500 (default 50)"}
	pOffset = param{"offset", "integer", "items to skip (default 0)"}
	pActive = param{"active", "boolean", "only active ones"}

	// recordFilters narrow the records list, the customer timeline and the export.
	recordFilters = []param{{"customer_id", "integer", "of this customer"}, {"contact_id", "integer", "with this contact"},
		{"user_id", "integer", "by this rep"}, {"team_id", "integer", "by a rep of this team"},
		{"channel", "string", "sms, email, phone, visit, wechat, wecom or other"},
		{"source", "string", "manual, single, bulk, plan or inbound (the customer's own message: an unsubscribe, a reply)"},
		{"status", "string", "done, sent, delivered, undelivered or no_receipt"},
		{"direction", "string", "outbound (we contacted the customer) or inbound (the customer contacted us)"},
		{"topic_id", "integer", "ticked this topic"},
		{"from", "string", "contacted at or after this RFC 3339 time (encode + as %2B; a space is read as +)"},
		{"to", "string", "contacted before this RFC 3339 time"},
		{"q", "string", "title, summary or content contains (case-insensitive)"}}
	recordPaging = []param{{"limit", "integer", "page size, 1–500 (default 50)"},
		{"cursor", "string", "next_cursor of the previous page"}}
)

// withoutParam returns ps without the parameter name.
func withoutParam(ps []param, name string) []param {
	var out []param
	for _, p := range ps {
		if p.name != name {
			out = append(out, p)
		}
	}
	return out
}

const (
	singleDesc = "Sends the content to the contact in the path on each channel given (sms, email, wecom) and " +
		"writes one contact record per message the provider accepted. Everything is checked before anything is " +
		"sent: a 400 names the field (customer: do-not-contact; sms/email: opted out or no address; sms.text, " +
		"email.subject, email.body: a merge field that does not parse; channels: neither given) and nothing is " +
		"sent or written. 403: the caller may see the contact's customer but not contact it (exclusive rep, " +
		"participant, sharer and admins may; everyone who sees it may when single contact is open to all). 404: " +
		"the contact is missing or not visible. Once the request is valid the answer is 200 with one result per " +
		"channel, even when every provider refused: the request was right, the provider said no, and each " +
		"result carries the reason (reason_text in the caller's language: their preference, else " +
		"Accept-Language, else zh-CN), the delivery log id and whether trying later may help (transient). A " +
		"5xx is never used for a provider's refusal, so that no client or proxy retries a send that may have " +
		"been accepted."
	tokenDesc = "Checks the username and password (failures count towards the login throttle: 401, then 429) and " +
		"issues a bearer token. scope is what the token may do, within what its user may: read (read and preview, " +
		"change nothing), contact (what a rep does: customers, contacts, records, plans, single and bulk sends) or " +
		"admin (administration too; admins only); default contact. The token stops working expires_in_days days " +
		"from now (1–365, default 90); never_expires makes one without expiry, which only admins may. A scope or " +
		"expiry the user may not have is a 400 naming the field (scope, never_expires, expires_in_days). Changing " +
		"or resetting the user's password, or disabling the user, revokes every token of theirs."
	testDesc = "Sends one test message through the kind's configured provider (the outbox when none). 200: the " +
		"provider accepted it. 502: the provider refused it or could not be reached; the error carries the " +
		"reason, its text in the caller's language, the provider's own detail and whether it is transient. 400: " +
		"to is missing or not a mobile number / e-mail address. Admins only."
)

var operations = []operation{
	{method: "GET", path: "/openapi.json", tag: "meta", summary: "This OpenAPI document", public: true, ok: 200, okSchema: "Document"},

	{method: "POST", path: "/tokens", tag: "auth", summary: "Log in and issue an API token (shown once)", public: true,
		desc: tokenDesc + " A user an admin requires to choose a new password gets a token too, good only for GET /me " +
			"and PUT /me/password until they do.",
		body: "TokenRequest", ok: 201, okSchema: "NewToken", errs: []int{401, 429}},
	{method: "GET", path: "/tokens", tag: "auth",
		summary: "The caller's API tokens with their scope, expiry and latest use (time and client address)",
		ok:      200, okSchema: "TokenList"},
	{method: "DELETE", path: "/tokens/{id}", tag: "auth", summary: "Revoke one of the caller's tokens", ok: 204},
	{method: "GET", path: "/me", tag: "auth", summary: "The caller (with a bearer token: the token too)", ok: 200, okSchema: "Me"},
	{method: "PUT", path: "/me/password", tag: "auth", summary: "Change the caller's own password, ending their sessions and revoking their tokens",
		desc: "The one call, with GET /me, open to a user an admin requires to choose a new password; it lifts the " +
			"requirement. 400 current_password/wrong_password, or password/too_short, common_password or " +
			"same_as_username.",
		body: "OwnPasswordInput", ok: 204},
	{method: "POST", path: "/me/sign-out-everywhere", tag: "auth",
		summary: "End every session of the caller, this one included; with revoke_tokens, revoke every API token too",
		desc: "The body may be left out (sessions only). A cookie caller is signed out by this call: the next request " +
			"with the cookie is 401.",
		body: "SignOutInput", ok: 200, okSchema: "SignOut"},

	{method: "GET", path: "/customers", tag: "customers", summary: "Customers the caller may see",
		query: []param{pQ, {"mine", "boolean", "only customers the caller serves (exclusive rep, participant, sharer)"},
			{"rep_id", "integer", "exclusive rep"}, {"level", "string", "level equals"}, {"industry", "string", "industry equals"},
			{"sort", "string", "order by code, name (default), level, industry, rep, contacts or updated"},
			{"desc", "boolean", "reverse the order"}, pLimit, pOffset},
		ok: 200, okSchema: "CustomerList"},
	{method: "POST", path: "/customers", tag: "customers", summary: "Add a customer (an agent becomes its exclusive rep)",
		body: "CustomerInput", ok: 201, okSchema: "CustomerDetail", errs: []int{409}},
	{method: "GET", path: "/customers/{id}", tag: "customers", summary: "One customer with the caller's access", ok: 200, okSchema: "CustomerDetail"},
	{method: "PUT", path: "/customers/{id}", tag: "customers", summary: "Replace a customer's writable fields",
		body: "CustomerInput", ok: 200, okSchema: "CustomerDetail", errs: []int{409}},
	{method: "PATCH", path: "/customers/{id}", tag: "customers", summary: "Change the given fields of a customer",
		body: "CustomerInput", ok: 200, okSchema: "CustomerDetail", errs: []int{409}},
	{method: "DELETE", path: "/customers/{id}", tag: "customers", summary: "Delete a customer with its contacts (admins)", ok: 204},
	{method: "PUT", path: "/customers/by-code/{code}", tag: "customers",
		summary: "Create or replace the customer with this code (host CRM sync; admins): 201 created, 200 replaced",
		body:    "CustomerInput", ok: 200, okSchema: "CustomerDetail", errs: []int{201, 409}},
	{method: "POST", path: "/imports/customers", tag: "customers",
		summary: "Import customers and their contacts from a CSV file (admins), or only check it",
		desc: "The body is the file (up to 64 MiB), with the columns of the admin import page: a customer's code finds or " +
			"creates it, a contact is matched by mobile, e-mail or name; an empty cell changes nothing. Rows with errors " +
			"are listed in the report and skipped. 400: a fault of the file as a whole. An import that stopped part-way " +
			"(a fault found further down the file: 400; a database failure: 500) answers with the report of what was " +
			"written: report.stopped, and the rows through report.written_through_line; import the file again once " +
			"the cause is fixed, nothing is duplicated.",
		query: []param{{"dry_run", "boolean", "check the whole file and report, writing nothing"},
			{"rep", "string", "username of the exclusive rep of new customers whose row names none"}},
		bodyMedia: "text/csv", ok: 200, okSchema: "ImportReport", errs: []int{400, 500},
		errSchema: map[int]string{400: "ImportRefusal", 500: "ImportRefusal"}},

	{method: "GET", path: "/customers/{id}/contacts", tag: "contacts", summary: "Contacts of a customer", ok: 200, okSchema: "ContactList"},
	{method: "POST", path: "/customers/{id}/contacts", tag: "contacts", summary: "Add a contact to a customer",
		body: "ContactInput", ok: 201, okSchema: "Contact"},
	{method: "GET", path: "/contacts", tag: "contacts", summary: "Contacts of every customer the caller may see",
		query: []param{pQ, {"customer_id", "integer", "of this customer"}, pLimit, pOffset}, ok: 200, okSchema: "ContactPage"},
	{method: "GET", path: "/contacts/{id}", tag: "contacts", summary: "One contact", ok: 200, okSchema: "Contact"},
	{method: "PUT", path: "/contacts/{id}", tag: "contacts", summary: "Replace a contact's writable fields",
		body: "ContactInput", ok: 200, okSchema: "Contact"},
	{method: "PATCH", path: "/contacts/{id}", tag: "contacts", summary: "Change the given fields of a contact",
		body: "ContactInput", ok: 200, okSchema: "Contact"},
	{method: "DELETE", path: "/contacts/{id}", tag: "contacts", summary: "Delete a contact", ok: 204},

	{method: "POST", path: "/contacts/{id}/contact", tag: "single contact",
		summary: "Contact one contact now by SMS, e-mail and/or WeCom (单个联系); a record per accepted message", desc: singleDesc,
		body: "SingleContactInput", ok: 200, okSchema: "SingleContactResult"},
	{method: "POST", path: "/contacts/{id}/contact/preview", tag: "single contact",
		summary: "Render a single contact's content for its contact, with the SMS encoding and segments; nothing is sent",
		desc: "Same body, permission and 404/403 answers as the single contact. Merge fields that do not parse are " +
			"listed in errors (the text is shown as typed), so a half-written text still previews.",
		body: "SingleContactInput", ok: 200, okSchema: "SingleContactPreview"},
	{method: "POST", path: "/deliveries/{id}/withdraw", tag: "single contact",
		summary: "Withdraw the caller's WeCom message that waits for their confirmation in the WeCom client",
		desc: "The message ends unsent (reason canceled) and writes no record. One the caller confirmed meanwhile is " +
			"answered as sent, with its record. 404: no such message of the caller's (admins may withdraw anyone's); " +
			"400 on delivery: not_waiting, the message was already sent or ended.",
		ok: 200, okSchema: "Delivery"},

	{method: "GET", path: "/records", tag: "records",
		summary: "Contact records of every customer the caller may see, newest first, keyset-paginated",
		query:   append(append([]param{}, recordFilters...), recordPaging...), ok: 200, okSchema: "RecordPage"},
	{method: "POST", path: "/records", tag: "records",
		summary: "Record by hand a contact made outside Touchbase (phone, visit, WeChat…); who may contact the customer may",
		desc: "404: the contact in contact_id is missing or not visible; 403: visible but the caller may not " +
			"contact its customer.",
		body: "ManualRecordInput", ok: 201, okSchema: "Record", errs: []int{404}},
	{method: "GET", path: "/records/export", tag: "records",
		summary: "Download the matching records as CSV (UTF-8 with BOM) or XLSX, streamed",
		desc: "Headers in the caller's language, times in their time zone. Sent as an attachment " +
			"(Content-Disposition). A failure after the first bytes aborts the connection rather than ending the file.",
		query: append([]param{{"format", "string", "csv or xlsx (required)"}}, recordFilters...),
		ok:    200, okMedia: []string{mediaCSV, mediaXLSX}},
	{method: "GET", path: "/records/{id}", tag: "records", summary: "One record", ok: 200, okSchema: "Record"},
	{method: "GET", path: "/customers/{id}/records", tag: "records", summary: "A customer's contact timeline, newest first",
		query: append(withoutParam(recordFilters, "customer_id"), recordPaging...), ok: 200, okSchema: "RecordPage"},

	{method: "GET", path: "/customers/{id}/relations", tag: "relations", summary: "Participants and sharers of a customer",
		ok: 200, okSchema: "RelationList"},
	{method: "POST", path: "/customers/{id}/relations", tag: "relations",
		summary: "Make a user participant or sharer of a customer, replacing their earlier relation (admins)",
		body:    "RelationInput", ok: 201, okSchema: "Relation"},
	{method: "DELETE", path: "/customers/{id}/relations/{user_id}", tag: "relations", summary: "Remove a relation (admins)", ok: 204},

	{method: "GET", path: "/users", tag: "users", summary: "Users: in full for admins, as colleagues for everyone else",
		desc: "Admins get every field. Everyone else gets their own entry in full and their colleagues' id, " +
			"display_name, role, team_id and active only — no username, e-mail address or mobile number; their q " +
			"matches display names alone.",
		query: []param{{"q", "string", "display name (admins: or username) contains"}, {"team_id", "integer", "in this team"}, pActive},
		ok:    200, okSchema: "UserList"},
	{method: "POST", path: "/users", tag: "users", summary: "Add a user (admins)", body: "NewUserInput", ok: 201, okSchema: "UserDetail", errs: []int{409}},
	{method: "GET", path: "/users/{id}", tag: "users", summary: "One user, in full for admins and oneself, as a colleague for others",
		ok: 200, okSchema: "User"},
	{method: "PUT", path: "/users/{id}", tag: "users",
		summary: "Replace a user's writable fields (admins); active false ends their sessions and revokes their API tokens",
		body:    "UserInput", ok: 200, okSchema: "UserDetail", errs: []int{409}},
	{method: "PATCH", path: "/users/{id}", tag: "users",
		summary: "Change the given fields of a user (admins); active false ends their sessions and revokes their API tokens",
		body:    "UserInput", ok: 200, okSchema: "UserDetail", errs: []int{409}},
	{method: "PUT", path: "/users/{id}/password", tag: "users",
		summary: "Set a user's password, ending their sessions and revoking their API tokens (admins)",
		body:    "PasswordInput", ok: 204},
	{method: "POST", path: "/users/{id}/sign-out-everywhere", tag: "users",
		summary: "Sign a user out everywhere: end their sessions and, with revoke_tokens, revoke their API tokens (admins)",
		desc:    "The body may be left out (sessions only). Disabling a user (active false) does both by itself.",
		body:    "SignOutInput", ok: 200, okSchema: "SignOut"},
	{method: "GET", path: "/users/{id}/tokens", tag: "users",
		summary: "A user's API tokens with their scope, expiry and latest use (admins)", ok: 200, okSchema: "TokenList"},

	{method: "GET", path: "/teams", tag: "teams", summary: "Teams", ok: 200, okSchema: "TeamList"},
	{method: "POST", path: "/teams", tag: "teams", summary: "Add a team (admins)", body: "TeamInput", ok: 201, okSchema: "Team", errs: []int{409}},
	{method: "GET", path: "/teams/{id}", tag: "teams", summary: "One team", ok: 200, okSchema: "Team"},
	{method: "PUT", path: "/teams/{id}", tag: "teams", summary: "Replace a team's writable fields (admins)",
		body: "TeamInput", ok: 200, okSchema: "Team", errs: []int{409}},
	{method: "PATCH", path: "/teams/{id}", tag: "teams", summary: "Change the given fields of a team (admins)",
		body: "TeamInput", ok: 200, okSchema: "Team", errs: []int{409}},
	{method: "DELETE", path: "/teams/{id}", tag: "teams", summary: "Delete a team; its members stay, teamless (admins)", ok: 204},

	{method: "GET", path: "/topics", tag: "topics", summary: "Content topics in their order", query: []param{pActive},
		ok: 200, okSchema: "TopicList"},
	{method: "POST", path: "/topics", tag: "topics", summary: "Add a topic (admins)", body: "TopicInput", ok: 201, okSchema: "Topic", errs: []int{409}},
	{method: "GET", path: "/topics/{id}", tag: "topics", summary: "One topic", ok: 200, okSchema: "Topic"},
	{method: "PUT", path: "/topics/{id}", tag: "topics", summary: "Replace a topic's writable fields (admins)",
		body: "TopicInput", ok: 200, okSchema: "Topic", errs: []int{409}},
	{method: "PATCH", path: "/topics/{id}", tag: "topics", summary: "Change the given fields of a topic (admins)",
		body: "TopicInput", ok: 200, okSchema: "Topic", errs: []int{409}},

	{method: "GET", path: "/settings", tag: "settings", summary: "The settings in force", ok: 200, okSchema: "Settings"},
	{method: "PUT", path: "/settings", tag: "settings", summary: "Replace every setting, absent ones by their defaults (admins)",
		body: "SettingsInput", ok: 200, okSchema: "Settings"},
	{method: "PATCH", path: "/settings", tag: "settings", summary: "Change the given settings (admins)",
		body: "SettingsInput", ok: 200, okSchema: "Settings"},

	{method: "GET", path: "/channels", tag: "channels", summary: "The provider of each channel kind, secrets emptied (admins)",
		ok: 200, okSchema: "ChannelList"},
	{method: "PUT", path: "/channels/{kind}", tag: "channels",
		summary: "Set the provider of a channel kind; secret fields left empty keep their stored value (admins)",
		desc: "provider outbox (the default) keeps messages in the outbox instead of sending them. config holds " +
			"the provider's fields; unknown fields are rejected by name (config.<field>). Secrets are stored sealed " +
			"and never answered. 404: a kind that cannot be configured.",
		body: "ChannelInput", ok: 200, okSchema: "Channel"},
	{method: "POST", path: "/channels/{kind}/test", tag: "channels", summary: "Send a test message through a channel (admins)",
		desc: testDesc, body: "ChannelTestInput", ok: 200, okSchema: "ChannelTestResult", errs: []int{502},
		errSchema: map[int]string{502: "ProviderError"}},
	{method: "GET", path: "/outbox", tag: "channels", summary: "Messages the outbox kept instead of sending, newest first (admins)",
		query: []param{{"kind", "string", "sms, email, wecom or call"}, {"to", "string", "to this exact address (E.164 for SMS)"},
			{"before_id", "integer", "older than this message (next_before_id of the previous page)"}, pLimit},
		ok: 200, okSchema: "OutboxPage"},
}

// statuses returns every status op may answer, success first.
func (op operation) statuses() []int {
	out := []int{op.ok}
	out = append(out, op.errs...)
	if !op.public {
		out = append(out, 401)
		out = append(out, 403) // forbidden, or the CSRF check of cookie calls
	}
	if op.body != "" || len(op.query) > 0 || strings.Contains(op.path, "{") {
		out = append(out, 400)
	}
	if strings.Contains(op.path, "{") {
		out = append(out, 404)
	}
	return out
}

type obj = map[string]any

// errorObject is the "error" member of every error answer.
var errorObject = object([]string{"code", "message"}, obj{
	"code": typ("string"), "message": typ("string"),
	"field":  obj{"type": "string", "description": "the first invalid field or parameter"},
	"fields": arrayOf(ref("FieldError"))})

// importReport is what an import of customers did.
var importReport = func() obj {
	rowErr := object([]string{"line", "field", "value", "code", "message"}, obj{
		"line":  obj{"type": "integer", "description": "line of the file, the header being line 1"},
		"field": obj{"type": "string", "description": "the column's canonical name, or empty for the whole row"},
		"value": obj{"type": "string", "maxLength": 200}, "code": typ("string"), "message": typ("string")})
	return object([]string{"rows", "failed", "customers_created", "customers_updated", "contacts_created", "contacts_updated",
		"errors", "warnings", "stopped", "written_through_line"}, obj{
		"rows":              obj{"type": "integer", "description": "data rows read"},
		"failed":            obj{"type": "integer", "description": "rows not imported because of an error"},
		"customers_created": typ("integer"), "customers_updated": typ("integer"),
		"contacts_created": typ("integer"), "contacts_updated": typ("integer"),
		"errors":   obj{"type": "array", "items": rowErr, "maxItems": 1000, "description": "one per faulty field, in file order"},
		"warnings": obj{"type": "array", "items": rowErr, "description": "what was ignored, such as unknown columns"},
		"stopped":  obj{"type": "boolean", "description": "the import stopped part-way: the counts are of what was written"},
		"written_through_line": obj{"type": "integer",
			"description": "when stopped: the rows through this line of the file were written, none after it (0: none)"}})
}()

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func typ(t string) obj { return obj{"type": t} }

// smsParams documents the values a rep fills in an SMS template.
var smsParams = obj{"type": "object", "maxProperties": 20, "additionalProperties": obj{"type": "string", "maxLength": 100},
	"description": "the values of the template's variables the rep fills, by variable name (Aliyun ${name}) or position (Tencent {1})"}

func id64() obj { return obj{"type": "integer", "format": "int64"} }

func dateTime() obj { return obj{"type": "string", "format": "date-time"} }

func enum(values ...string) obj { return obj{"type": "string", "enum": values} }

func nullable(s obj) obj {
	c := maps.Clone(s)
	c["nullable"] = true
	return c
}

func arrayOf(items obj) obj { return obj{"type": "array", "items": items} }

func object(required []string, props obj) obj {
	s := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// input is a request body schema: only the listed fields are accepted.
func input(required []string, props obj) obj {
	s := object(required, props)
	s["additionalProperties"] = false
	return s
}

// with returns s with more properties, all required.
func with(s obj, props obj) obj {
	c := maps.Clone(s)
	p := maps.Clone(s["properties"].(obj))
	req := append([]string(nil), s["required"].([]string)...)
	for k, v := range props {
		p[k] = v
		req = append(req, k)
	}
	c["properties"], c["required"] = p, req
	return c
}

// withOptional returns s with more, optional properties.
func withOptional(s obj, props obj) obj {
	c := maps.Clone(s)
	p := maps.Clone(s["properties"].(obj))
	maps.Copy(p, props)
	c["properties"] = p
	return c
}

// quietHoursSchema documents the send windows per channel and kind.
func quietHoursSchema() obj {
	clock := obj{"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^$", "description": "local time of day HH:MM"}
	window := obj{"type": "object", "additionalProperties": false, "properties": obj{"start": clock, "end": clock},
		"description": "sends go out from start until end in the recipient's local time (an end before the start runs past midnight); both empty: any time"}
	props := obj{}
	for _, k := range model.QuietWindowKeys {
		props[k] = window
	}
	s := input(nil, props)
	s["description"] = "quiet hours (免打扰时段): outside its window a recipient is held until the window opens, never dropped; default: marketing SMS 08:00–21:00, others any time"
	return s
}

func listSchema(item string) obj {
	return object([]string{"items", "total"}, obj{"items": arrayOf(ref(item)), "total": typ("integer")})
}

func schemas() obj {
	customer := object(
		[]string{"id", "code", "name", "level", "industry", "address", "notes", "rep_id", "do_not_contact", "contact_count",
			"created_at", "updated_at"},
		obj{"id": id64(), "code": typ("string"), "name": typ("string"), "level": typ("string"), "industry": typ("string"),
			"address": typ("string"), "notes": typ("string"), "rep_id": nullable(id64()),
			"rep_name":       obj{"type": "string", "description": "display name of the exclusive rep"},
			"do_not_contact": typ("boolean"), "contact_count": typ("integer"), "created_at": dateTime(), "updated_at": dateTime()})
	newPassword := obj{"type": "string", "minLength": 8,
		"description": "not one of the most common passwords, nor the username (reversed, or with digits after it)"}
	mustChange := obj{"type": "boolean", "description": "set by an admin: until the user chooses a new password " +
		"(PUT /me/password) the API answers their other calls 403 password_change_required; only for admins and the user themselves"}
	private := func(t string) obj {
		return obj{"type": t, "description": "only for admins and the user themselves"}
	}
	user := object(
		[]string{"id", "display_name", "role", "team_id", "active"},
		obj{"id": id64(), "username": private("string"), "display_name": typ("string"), "email": private("string"),
			"mobile": private("string"), "role": enum("admin", "agent"), "team_id": nullable(id64()), "active": typ("boolean"),
			"language": private("string"), "timezone": private("string"), "must_change_password": mustChange,
			"created_at":       obj{"type": "string", "format": "date-time", "description": "only for admins and the user themselves"},
			"updated_at":       obj{"type": "string", "format": "date-time", "description": "only for admins and the user themselves"},
			"managed_team_ids": arrayOf(id64())})
	user["description"] = "A user. Admins, and every user of themselves, see every field; everyone else sees a " +
		"colleague: id, display_name (the username for a user without one), role, team_id and active."
	fullUser := with(user, obj{})
	fullUser["required"] = []string{"id", "username", "display_name", "email", "mobile", "role", "team_id", "active",
		"language", "timezone", "must_change_password", "created_at", "updated_at"}
	delete(fullUser, "description")
	token := object([]string{"id", "user_id", "name", "scope", "created_at", "expires_at", "expired", "last_used_at", "last_used_ip"},
		obj{"id": id64(), "user_id": id64(), "name": typ("string"), "scope": scopeSchema(), "created_at": dateTime(),
			"expires_at":   obj{"type": "string", "format": "date-time", "nullable": true, "description": "when the token stops working; null: never"},
			"expired":      obj{"type": "boolean", "description": "expires_at has passed: calls with it answer 401 token_expired"},
			"last_used_at": nullable(dateTime()),
			"last_used_ip": obj{"type": "string", "description": "client address of the latest use; empty before any"}})
	userInput := obj{"username": typ("string"), "display_name": typ("string"), "email": typ("string"),
		"mobile": typ("string"), "role": enum("admin", "agent"), "team_id": nullable(id64()),
		"active": obj{"type": "boolean", "default": true}, "language": enum("", "zh-CN", "en"),
		"timezone": obj{"type": "string", "default": "Asia/Shanghai"}, "must_change_password": mustChange}
	newUserInput := maps.Clone(userInput)
	newUserInput["password"] = newPassword
	fieldErr := object([]string{"field", "code", "message"}, obj{"field": typ("string"), "code": typ("string"), "message": typ("string")})
	teamBudget := money("what the team's bulk sends of a month may cost before they need approval (\"0.00\": no budget)")
	settings := obj{"open_contact_all": typ("boolean"), "visibility": enum("own", "team", "all"), "default_region": typ("string"),
		"opt_out_keywords": obj{"type": "array", "minItems": 1, "maxItems": 50, "items": obj{"type": "string", "minLength": 1, "maxLength": 64},
			"description": "SMS replies that opt the sender out, compared as whole replies, case, spaces and punctuation aside"},
		"quiet_hours": quietHoursSchema(),
		"time_zone": obj{"type": "string", "default": model.DefaultTimeZone,
			"description": "the company's IANA time zone: quiet hours of recipients whose own zone is unknown are kept in it"},
		"canary_percent": obj{"type": "integer", "minimum": 0, "maximum": 50, "default": 1,
			"description": "share of a bulk send's recipients sent first, alone (at least 20, none for sends under 40); 0: no canary"},
		"canary_max": obj{"type": "integer", "minimum": 0, "maximum": 10000, "default": 200, "description": "the largest canary"},
		"failure_pause_percent": obj{"type": "integer", "minimum": 1, "maximum": 100, "default": 30,
			"description": "a send pauses itself when more than this share of its canary or of its latest 200 messages failed"},
		"frequency_caps": obj{"type": "array", "maxItems": model.MaxFrequencyCaps,
			"description": "at most max messages of a kind per contact and channel within hours, across every bulk send; " +
				"recipients over a cap are skipped (frequency_capped). Default: 1 marketing SMS a day, 4 in 30 days",
			"items": object([]string{"channel", "marketing", "max", "hours"}, obj{
				"channel": enum(model.ChannelSMS, model.ChannelEmail), "marketing": typ("boolean"),
				"max":   obj{"type": "integer", "minimum": 1, "maximum": 1000},
				"hours": obj{"type": "integer", "minimum": 1, "maximum": model.MaxCapHours}})},
		"prices": obj{"type": "object", "additionalProperties": money("price of one unit"),
			"description": "what one unit costs, in yuan, keyed channel/provider (sms/aliyun: an SMS segment, email/smtp: an e-mail)"},
		"confirm_above": obj{"type": "integer", "minimum": 0, "default": 200,
			"description": "the web UI asks the operator to confirm a bulk send of more messages (0: never)"},
		"approve_above": obj{"type": "integer", "minimum": 0, "default": 0,
			"description": "a bulk send of more messages waits for a manager's or admin's approval (0: no limit)"},
		"rep_daily_limit": obj{"type": "integer", "minimum": 0, "default": 0,
			"description": "the bulk messages a rep (not an admin) may send a day, company time (0: no limit)"},
		"approve_cost": money("a bulk send estimated to cost more waits for approval (\"0.00\": no limit)")}

	out := obj{
		"Document": object([]string{"openapi", "info", "paths"}, obj{"openapi": typ("string"), "info": typ("object"),
			"servers": arrayOf(typ("object")), "paths": typ("object"), "components": typ("object"),
			"security": arrayOf(typ("object")), "tags": arrayOf(typ("object"))}),
		"Error":      object([]string{"error"}, obj{"error": errorObject}),
		"FieldError": fieldErr,
		"ImportRefusal": object([]string{"error"}, obj{"error": errorObject,
			"report": obj{"allOf": []obj{ref("ImportReport")}, "description": "what was written, when the import stopped part-way"}}),
		"ImportReport": importReport,

		"TokenRequest": input([]string{"username", "password"}, obj{"username": typ("string"), "password": typ("string"),
			"name":  obj{"type": "string", "maxLength": 100, "description": "a label for the token"},
			"scope": withDefault(scopeSchema(), string(model.ScopeContact)),
			"expires_in_days": obj{"type": "integer", "minimum": 1, "maximum": auth.MaxTokenDays, "default": auth.DefaultTokenDays,
				"description": "the token stops working this many days from now"},
			"never_expires": obj{"type": "boolean", "default": false,
				"description": "a token without expiry: admins only, and not with expires_in_days"}}),
		"APIToken":  token,
		"NewToken":  with(token, obj{"token": obj{"type": "string", "description": "the bearer secret, shown only now"}}),
		"TokenList": listSchema("APIToken"),
		"Me": withOptional(with(fullUser, obj{"auth": enum("bearer", "session")}),
			obj{"csrf_token": obj{"type": "string", "description": "with session auth: the X-CSRF-Token value"},
				"token": ref("APIToken")}),
		"SignOutInput": input(nil, obj{"revoke_tokens": obj{"type": "boolean", "default": false,
			"description": "revoke every API token of the user too"}}),
		"SignOut": object([]string{"sessions_ended", "tokens_revoked"},
			obj{"sessions_ended": typ("integer"), "tokens_revoked": typ("integer")}),

		"Customer": customer,
		"CustomerDetail": with(customer, obj{"access": object([]string{"see", "contact", "edit"},
			obj{"see": typ("boolean"), "contact": typ("boolean"), "edit": typ("boolean")})}),
		"CustomerList": listSchema("Customer"),
		"CustomerInput": input([]string{"name"}, obj{"code": obj{"type": "string", "maxLength": 64,
			"description": "set and changed by admins only (a code a customer the caller cannot see uses must not be " +
				"confirmed); a customer an agent adds gets a generated code"},
			"name": obj{"type": "string", "maxLength": 200}, "level": obj{"type": "string", "maxLength": 32},
			"industry": obj{"type": "string", "maxLength": 100}, "address": obj{"type": "string", "maxLength": 500},
			"notes":          obj{"type": "string", "maxLength": 5000},
			"rep_id":         obj{"type": "integer", "format": "int64", "nullable": true, "description": "only admins may set another user"},
			"do_not_contact": typ("boolean")}),

		"Contact": object([]string{"id", "customer_id", "name", "title", "mobile", "email", "wecom_id", "opt_out_sms",
			"opt_out_email", "opt_out_wecom", "opt_out_call", "opt_out_sms_at", "opt_out_sms_source", "opt_out_email_at",
			"opt_out_email_source", "primary", "created_at", "updated_at"},
			obj{"id": id64(), "customer_id": id64(), "customer_name": typ("string"), "name": typ("string"), "title": typ("string"),
				"mobile": obj{"type": "string", "description": "E.164"}, "email": typ("string"), "wecom_id": typ("string"),
				"opt_out_sms": typ("boolean"), "opt_out_email": typ("boolean"), "opt_out_wecom": typ("boolean"),
				"opt_out_call": typ("boolean"),
				"opt_out_sms_at": obj{"type": "string", "format": "date-time", "nullable": true,
					"description": "when the SMS opt-out was set; null while it is off or when it was set before times were kept"},
				"opt_out_sms_source": obj{"type": "string", "enum": append([]string{""}, model.OptOutSources...),
					"description": "what set the SMS opt-out: manual (a user), reply (an SMS reply such as 退订), unsubscribe (an e-mail's unsubscribe link), import or api; empty while it is off"},
				"opt_out_email_at": obj{"type": "string", "format": "date-time", "nullable": true,
					"description": "when the e-mail opt-out was set; null while it is off or when it was set before times were kept"},
				"opt_out_email_source": obj{"type": "string", "enum": append([]string{""}, model.OptOutSources...),
					"description": "what set the e-mail opt-out (as opt_out_sms_source); unsubscribe for the one-click link of a bulk e-mail"},
				"primary": typ("boolean"), "created_at": dateTime(), "updated_at": dateTime()}),
		"ContactList": listSchema("Contact"),
		"ContactPage": object([]string{"items", "has_more"}, obj{"items": arrayOf(ref("Contact")), "has_more": typ("boolean")}),
		"ContactInput": input([]string{"name"}, obj{"name": obj{"type": "string", "maxLength": 100},
			"title":  obj{"type": "string", "maxLength": 100},
			"mobile": obj{"type": "string", "description": "any common notation; stored as E.164 using the default region"},
			"email":  typ("string"), "wecom_id": obj{"type": "string", "maxLength": 64}, "opt_out_sms": typ("boolean"),
			"opt_out_email": typ("boolean"), "opt_out_wecom": typ("boolean"), "opt_out_call": typ("boolean"),
			"primary": typ("boolean")}),

		"Relation": object([]string{"customer_id", "user_id", "kind", "created_at"}, obj{"customer_id": id64(), "user_id": id64(),
			"kind": enum("participant", "sharer"), "user_name": typ("string"), "created_at": dateTime()}),
		"RelationList":  listSchema("Relation"),
		"RelationInput": input([]string{"user_id", "kind"}, obj{"user_id": id64(), "kind": enum("participant", "sharer")}),

		"User":          user,
		"UserDetail":    fullUser,
		"UserList":      listSchema("User"),
		"UserInput":     input([]string{"username", "role"}, userInput),
		"NewUserInput":  input([]string{"username", "role", "password"}, newUserInput),
		"PasswordInput": input([]string{"password"}, obj{"password": newPassword}),
		"OwnPasswordInput": input([]string{"current_password", "password"},
			obj{"current_password": typ("string"), "password": newPassword}),

		"Team": object([]string{"id", "name", "manager_id", "monthly_budget", "member_count", "created_at"}, obj{"id": id64(),
			"name": typ("string"), "manager_id": nullable(id64()), "monthly_budget": teamBudget, "member_count": typ("integer"),
			"created_at": dateTime()}),
		"TeamList": listSchema("Team"),
		"TeamInput": input([]string{"name"}, obj{"name": obj{"type": "string", "maxLength": 100}, "manager_id": nullable(id64()),
			"monthly_budget": teamBudget}),

		"Topic": object([]string{"id", "name", "name_en", "sort_order", "active", "created_at"}, obj{"id": id64(),
			"name": typ("string"), "name_en": typ("string"), "sort_order": typ("integer"), "active": typ("boolean"),
			"created_at": dateTime()}),
		"TopicList": listSchema("Topic"),
		"TopicInput": input([]string{"name"}, obj{"name": obj{"type": "string", "maxLength": 50},
			"name_en": obj{"type": "string", "maxLength": 50}, "sort_order": typ("integer"),
			"active": obj{"type": "boolean", "default": true}}),

		"Settings": object([]string{"open_contact_all", "visibility", "default_region", "opt_out_keywords", "quiet_hours",
			"time_zone", "canary_percent", "canary_max", "failure_pause_percent", "frequency_caps", "prices", "confirm_above",
			"approve_above", "approve_cost", "rep_daily_limit"}, settings),
		"SettingsInput": input(nil, settings),
	}
	maps.Copy(out, recordSchemas())
	maps.Copy(out, bulkSchemas())
	maps.Copy(out, planSchemas())
	maps.Copy(out, smsSchemas())
	maps.Copy(out, weComSchemas())
	return out
}

// document builds the OpenAPI 3 description of the API.
func document() obj {
	sch := schemas()
	paths := obj{}
	for _, op := range slices.Concat(operations, bulkOperations, planOperations, smsOperations, weComOperations) {
		item, _ := paths[op.path].(obj)
		if item == nil {
			item = obj{}
			paths[op.path] = item
		}
		item[strings.ToLower(op.method)] = op.build(sch)
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "Touchbase API", "version": "1",
			"description": "Customers, contacts, relations, users, teams, topics, settings, single contact, contact " +
				"records, contact plans, channels, the outbox, bulk sends and notifications of Touchbase. " +
				"Authenticate with a bearer token from POST /tokens, or with the session cookie plus the X-CSRF-Token " +
				"header on requests that change data; a cookie call a browser marks as coming from another site (Origin, " +
				"Sec-Fetch-Site) gets 403 cross_origin. PUT replaces every writable field (absent fields take their " +
				"defaults); PATCH changes only the fields present. Unknown fields are rejected. Errors are " +
				`{"error": {"code", "message", "field", "fields"}}; a 4xx never changes data. Customers the caller ` +
				"may not see answer 404, exactly like missing ones. A user an admin requires to choose a new password " +
				"gets 403 password_change_required on every call but GET /me and PUT /me/password. Live streams (a bulk " +
				"send's progress, the caller's notifications) are Server-Sent Events (text/event-stream).\n\n" + tokenDocs},
		"servers":  []obj{{"url": Prefix}},
		"security": []obj{{"bearerAuth": []string{}}, {"cookieAuth": []string{}, "csrfHeader": []string{}}},
		"paths":    paths,
		"components": obj{
			"schemas": sch,
			"securitySchemes": obj{
				"bearerAuth": obj{"type": "http", "scheme": "bearer", "description": tokenDocs},
				"cookieAuth": obj{"type": "apiKey", "in": "cookie", "name": "touchbase_session"},
				"csrfHeader": obj{"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
			},
		},
	}
}

// tokenDocs is what the document says of API tokens, at its top and on
// the bearer scheme.
const tokenDocs = "API tokens: each has a scope — read (GET requests and the send previews only), contact (what " +
	"a rep does: customers, contacts, records, plans, single and bulk sends) or admin (administration too: users, " +
	"teams, topics, settings, channels, SMS templates, customer sync; admins only) — and each operation names the " +
	"scope it needs in x-token-scope. A call its user may make but the token's scope does not cover answers 403 " +
	"insufficient_scope, naming both scopes. A token expires 90 days after it is made unless its creator chose another lifetime (1–365 days) or, " +
	"for admins only, none; an expired token answers 401 token_expired. The last use of a token (time and client " +
	"address) is kept and listed. Changing or resetting a user's password, or disabling the user, revokes all " +
	"their tokens; so may sign-out-everywhere with revoke_tokens."

// scopeSchema documents a token scope.
func scopeSchema() obj {
	return obj{"type": "string", "enum": []string{string(model.ScopeRead), string(model.ScopeContact), string(model.ScopeAdmin)},
		"description": "read: read and preview only; contact: what a rep does; admin: administration too (admins only)"}
}

// withDefault returns s with a default value.
func withDefault(s obj, v any) obj {
	c := maps.Clone(s)
	c["default"] = v
	return c
}

// routeScopes maps "METHOD /path" to the token scope its route needs; it
// is filled from the route table at start (the table refers to the
// document's handler, so it cannot be read while variables initialise).
var routeScopes = map[string]model.TokenScope{}

func init() {
	for _, rt := range routes {
		routeScopes[rt.Method+" "+rt.Path] = rt.Scope
	}
}

func (op operation) build(sch obj) obj {
	out := obj{"summary": op.summary, "tags": []string{op.tag},
		"operationId": strings.ToLower(op.method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_", "-", "_").Replace(op.path)}
	if op.desc != "" {
		out["description"] = op.desc
	}
	if op.public {
		out["security"] = []obj{}
	} else if scope := routeScopes[op.method+" "+op.path]; scope != noScope {
		out["x-token-scope"] = scope
		note := "Bearer tokens need scope " + string(scope) + "."
		if op.desc != "" {
			note = op.desc + " " + note
		}
		out["description"] = note
	}
	var params []obj
	for _, seg := range strings.Split(op.path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			name = strings.TrimSuffix(name, "}")
			s := obj{"type": "integer", "format": "int64", "minimum": 1}
			switch name {
			case "code":
				s = typ("string")
			case "kind":
				s = enum("sms", "email")
			}
			params = append(params, obj{"name": name, "in": "path", "required": true, "schema": s})
		}
	}
	for _, q := range op.query {
		params = append(params, obj{"name": q.name, "in": "query", "description": q.desc, "schema": typ(q.typ)})
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if op.body != "" {
		name := op.body
		if op.method == "PATCH" {
			name += "Patch"
			if _, ok := sch[name]; !ok {
				patch := maps.Clone(sch[op.body].(obj))
				delete(patch, "required")
				sch[name] = patch
			}
		}
		out["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": ref(name)}}}
	}
	if op.bodyMedia != "" {
		out["requestBody"] = obj{"required": true, "content": obj{op.bodyMedia: obj{"schema": obj{"type": "string", "format": "binary"}}}}
	}
	responses := obj{}
	for i, st := range op.statuses() {
		resp := obj{"description": http.StatusText(st)}
		switch {
		case i == 0 && len(op.okMedia) > 0:
			content := obj{}
			for _, m := range op.okMedia {
				content[m] = obj{"schema": obj{"type": "string", "format": "binary"}}
			}
			resp["content"] = content
		case i == 0 && op.okSchema != "", st == 201 && op.okSchema != "":
			resp["content"] = obj{"application/json": obj{"schema": ref(op.okSchema)}}
		case op.errSchema[st] != "":
			resp["content"] = obj{"application/json": obj{"schema": ref(op.errSchema[st])}}
		case st >= 400:
			resp["content"] = obj{"application/json": obj{"schema": ref("Error")}}
		}
		responses[strconv.Itoa(st)] = resp
	}
	responses["default"] = obj{"description": "unexpected error", "content": obj{"application/json": obj{"schema": ref("Error")}}}
	out["responses"] = responses
	return out
}

var openAPIJSON = sync.OnceValue(func() []byte {
	b, err := json.MarshalIndent(document(), "", "  ")
	if err != nil {
		panic(err) // the document is static: a failure is a programming error
	}
	return b
})

// openAPI serves the OpenAPI document.
func (h *handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPIJSON()) //nolint:errcheck // the client went away
}
