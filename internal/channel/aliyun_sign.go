package channel

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// Aliyun (Alibaba Cloud) OpenAPI requests are signed with the V3 method,
// ACS3-HMAC-SHA256, which Alibaba Cloud documents as the current one for
// RPC-style APIs such as dysmsapi (the older V2 HMAC-SHA1 "Signature" query
// parameter is still accepted but its docs ask callers to move to V3):
// https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//	                   CanonicalHeaders \n SignedHeaders \n HexSHA256(body)
//	StringToSign     = "ACS3-HMAC-SHA256" \n HexSHA256(CanonicalRequest)
//	Signature        = Hex(HMAC-SHA256(AccessKeySecret, StringToSign))
//	Authorization    = "ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<...>,Signature=<...>"
//
// Signed headers are host, content-type when present and every x-acs-*
// header, lower-cased and sorted.
const acs3Algorithm = "ACS3-HMAC-SHA256"

// acs3Percent encodes s as Alibaba Cloud's canonical query requires: RFC
// 3986 unreserved characters stay, everything else is %XX in upper case (so
// a space is %20, "*" is %2A and "~" stays).
func acs3Percent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		const hexDigits = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// acs3Query returns the canonical query string of params: names sorted,
// names and values percent-encoded, joined with "&". It is also sent as the
// request's query string, so what is signed is exactly what is sent.
func acs3Query(params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		for _, v := range params[k] {
			parts = append(parts, acs3Percent(k)+"="+acs3Percent(v))
		}
	}
	return strings.Join(parts, "&")
}

// acs3Authorization returns the Authorization header value for a request.
// headers holds the headers to sign with lower-case names (host and the
// x-acs-* headers, including x-acs-content-sha256).
func acs3Authorization(accessKeyID, accessKeySecret, method, canonicalURI, canonicalQuery string, headers map[string]string, body []byte) string {
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + strings.TrimSpace(headers[k]) + "\n")
	}
	signedHeaders := strings.Join(names, ";")
	bodyHash := sha256.Sum256(body)
	canonical := method + "\n" + canonicalURI + "\n" + canonicalQuery + "\n" +
		canonHeaders.String() + "\n" + signedHeaders + "\n" + hex.EncodeToString(bodyHash[:])
	canonicalHash := sha256.Sum256([]byte(canonical))
	stringToSign := acs3Algorithm + "\n" + hex.EncodeToString(canonicalHash[:])
	mac := hmac.New(sha256.New, []byte(accessKeySecret))
	mac.Write([]byte(stringToSign))
	return acs3Algorithm + " Credential=" + accessKeyID + ",SignedHeaders=" + signedHeaders +
		",Signature=" + hex.EncodeToString(mac.Sum(nil))
}
