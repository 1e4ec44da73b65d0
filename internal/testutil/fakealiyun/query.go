package fakealiyun

import (
	"net/http"
	"strconv"
	"time"
)

// dateTime is the format of the dates the API returns.
const dateTime = "2006-01-02 15:04:05"

// page reads PageIndex-style paging: index from 1, size 1–50.
func (c *call) page(indexName, sizeName string, defaultSize int) (index, size int, ok bool) {
	index, size = 1, defaultSize
	for _, p := range []struct {
		name string
		v    *int
		max  int
	}{{indexName, &index, 1 << 30}, {sizeName, &size, 50}} {
		raw := c.params.Get(p.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > p.max {
			return 0, 0, c.refuse(http.StatusBadRequest, "InvalidParameter", "Specified parameter "+p.name+" is not valid.", p.name+" "+raw)
		}
		*p.v = n
	}
	return index, size, true
}

// window returns the bounds of page index of size in n items.
func window(index, size, n int) (lo, hi int) {
	lo = min((index-1)*size, n)
	return lo, min(lo+size, n)
}

func (s *Server) queryTemplates(c *call) {
	index, size, ok := c.page("PageIndex", "PageSize", 10)
	if !ok {
		return
	}
	s.mu.Lock()
	lo, hi := window(index, size, len(s.tplOrder))
	list := []map[string]any{}
	for _, code := range s.tplOrder[lo:hi] {
		t := s.templates[code]
		list = append(list, map[string]any{
			"TemplateCode":      t.Code,
			"TemplateName":      t.Name,
			"TemplateType":      int(t.Kind),
			"OuterTemplateType": int(t.Kind),
			"AuditStatus":       string(t.Status),
			"TemplateContent":   t.Content,
			"CreateDate":        t.Created.In(chinaTime).Format(dateTime),
			"OrderId":           "2002" + strconv.Itoa(lo+len(list)),
			"Reason":            reason(t.Status, t.Reason, t.Created),
		})
	}
	total := len(s.tplOrder)
	s.mu.Unlock()
	c.ok(map[string]any{"SmsTemplateList": list, "TotalCount": total, "CurrentPage": index, "PageSize": size})
}

func (s *Server) querySigns(c *call) {
	index, size, ok := c.page("PageIndex", "PageSize", 10)
	if !ok {
		return
	}
	s.mu.Lock()
	lo, hi := window(index, size, len(s.signOrder))
	list := []map[string]any{}
	for _, name := range s.signOrder[lo:hi] {
		sg := s.signs[name]
		list = append(list, map[string]any{
			"SignName":     sg.Name,
			"AuditStatus":  string(sg.Status),
			"BusinessType": sg.BusinessType,
			"CreateDate":   sg.Created.In(chinaTime).Format(dateTime),
			"OrderId":      "1001" + strconv.Itoa(lo+len(list)),
			"Reason":       reason(sg.Status, sg.Reason, sg.Created),
		})
	}
	total := len(s.signOrder)
	s.mu.Unlock()
	c.ok(map[string]any{"SmsSignList": list, "TotalCount": total, "CurrentPage": index, "PageSize": size})
}

// reason is the Reason object of a listed signature or template.
func reason(status AuditStatus, note string, created time.Time) map[string]string {
	if status != AuditNotPass {
		return map[string]string{"RejectInfo": "无审核备注"}
	}
	return map[string]string{"RejectInfo": note, "RejectSubInfo": note,
		"RejectDate": created.Add(time.Hour).In(chinaTime).Format(dateTime)}
}

// Send statuses of QuerySendDetails.
const (
	StatusWaiting   = 1 // 等待回执
	StatusFailed    = 2 // 发送失败
	StatusDelivered = 3 // 发送成功
)

func (s *Server) querySendDetails(c *call) {
	if !c.require("PhoneNumber", "SendDate", "PageSize", "CurrentPage") {
		return
	}
	day, err := time.ParseInLocation("20060102", c.params.Get("SendDate"), chinaTime)
	if err != nil {
		c.refuse(http.StatusBadRequest, "InvalidParameter", "Specified parameter SendDate is not valid.", "SendDate "+c.params.Get("SendDate"))
		return
	}
	if age := c.s.clock().Sub(day); age > 31*24*time.Hour {
		c.refuse(http.StatusOK, "isv.INVALID_PARAMETERS", "参数异常", "SendDate older than 30 days")
		return
	}
	index, size, ok := c.page("CurrentPage", "PageSize", 10)
	if !ok {
		return
	}
	number, biz := NumberKey(c.params.Get("PhoneNumber")), c.params.Get("BizId")
	s.mu.Lock()
	var matched []map[string]any
	for _, m := range s.sent {
		if NumberKey(m.PhoneNumber) != number || m.At.In(chinaTime).Format("20060102") != day.Format("20060102") || biz != "" && m.BizID != biz {
			continue
		}
		code, decided := s.outcome(m.PhoneNumber)
		d := map[string]any{"PhoneNum": m.PhoneNumber, "TemplateCode": m.TemplateCode, "Content": m.Text,
			"SendDate": m.At.In(chinaTime).Format(dateTime), "OutId": m.OutID, "SendStatus": StatusWaiting, "ErrCode": "", "ReceiveDate": ""}
		if decided {
			d["ErrCode"], d["ReceiveDate"] = code, m.At.Add(receiptDelay).In(chinaTime).Format(dateTime)
			d["SendStatus"] = StatusFailed
			if code == Delivered {
				d["SendStatus"] = StatusDelivered
			}
		}
		matched = append(matched, d)
	}
	s.mu.Unlock()
	lo, hi := window(index, size, len(matched))
	page := matched[lo:hi]
	if page == nil {
		page = []map[string]any{}
	}
	c.ok(map[string]any{"TotalCount": strconv.Itoa(len(matched)), "SmsSendDetailDTOs": map[string]any{"SmsSendDetailDTO": page}})
}
