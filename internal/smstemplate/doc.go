// Package smstemplate is SMS the way mainland carriers accept it: an
// approved signature (短信签名) and an approved template (短信模板) in which
// only the variables change. Templates and signatures are synced from the
// provider (Aliyun, Tencent Cloud) or entered by hand; for each variable an
// admin picks what fills it (a merge field, a constant, or the rep when
// sending). The package parses each provider's variable syntax, fills a
// template for a recipient exactly as the phone will show it, and says
// whether a template may be used for a send.
package smstemplate
