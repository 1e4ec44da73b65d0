package channel

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Tencent Cloud API 3.0 requests are signed with TC3-HMAC-SHA256
// ("签名方法 v3", https://cloud.tencent.com/document/api/382/52072):
//
//	CanonicalRequest = "POST" \n "/" \n "" \n
//	                   "content-type:application/json; charset=utf-8\nhost:<host>\n" \n
//	                   "content-type;host" \n HexSHA256(payload)
//	StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/service/tc3_request \n HexSHA256(CanonicalRequest)
//	SecretSigning    = HMAC(HMAC(HMAC("TC3"+SecretKey, Date), service), "tc3_request")
//	Signature        = Hex(HMAC(SecretSigning, StringToSign))
//
// Date is the UTC date of Timestamp.
const (
	tc3Algorithm   = "TC3-HMAC-SHA256"
	tc3ContentType = "application/json; charset=utf-8"
)

func tc3HMAC(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// tc3Authorization returns the Authorization header of a JSON POST to host
// for service, sent at ts.
func tc3Authorization(secretID, secretKey, service, host string, ts time.Time, payload []byte) string {
	const signedHeaders = "content-type;host"
	payloadHash := sha256.Sum256(payload)
	canonical := "POST\n/\n\n" +
		"content-type:" + tc3ContentType + "\nhost:" + host + "\n\n" +
		signedHeaders + "\n" + hex.EncodeToString(payloadHash[:])
	date := ts.UTC().Format("2006-01-02")
	scope := date + "/" + service + "/tc3_request"
	canonicalHash := sha256.Sum256([]byte(canonical))
	stringToSign := tc3Algorithm + "\n" + strconv.FormatInt(ts.Unix(), 10) + "\n" + scope + "\n" +
		hex.EncodeToString(canonicalHash[:])
	secretDate := tc3HMAC([]byte("TC3"+secretKey), date)
	secretService := tc3HMAC(secretDate, service)
	secretSigning := tc3HMAC(secretService, "tc3_request")
	signature := hex.EncodeToString(tc3HMAC(secretSigning, stringToSign))
	return tc3Algorithm + " Credential=" + secretID + "/" + scope +
		", SignedHeaders=" + signedHeaders + ", Signature=" + signature
}
