package contact

import (
	"context"
	"crypto/rand"
	"errors"

	"touchbase/internal/model"
)

// Customer codes are unique across the company, while a rep sees only some
// customers. Were a rep free to pick a code, the answer to a taken one
// (409, "another customer has this code") would tell them that a customer
// they may not see exists, and trying codes would enumerate them. No
// wording of that answer helps: whatever differs from the answer a free
// code gets confirms the hidden customer, and a taken code cannot be
// accepted. So codes are chosen only by admins, who see every customer
// (a conflict tells them nothing new), and by the host CRM's sync, which
// runs with an admin's token. A customer a rep adds gets its code from the
// server; a rep's request that sets or changes a code is refused with
// errCodeAdminOnly before any lookup, the same whether the code is free,
// taken by a customer they see or by one they do not.

// errCodeAdminOnly refuses a code chosen by someone other than an admin.
var errCodeAdminOnly = model.NewFieldError("code", "forbidden",
	"only admins assign customer codes; a customer you add gets its code from Touchbase")

// codeAlphabet is Crockford's base32 (no I, L, O or U, which read as 1, 0
// or V): 32 characters, so a random byte picks one evenly.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeLength is how many random characters follow the "C" of a generated
// code: 32^10 codes, so a clash with an existing one is a curiosity.
const codeLength = 10

// codeAttempts bounds the tries at a free generated code.
const codeAttempts = 5

// newCustomerCode returns a random code such as "C7KQ2M9XHPA".
func newCustomerCode() string {
	b := make([]byte, codeLength)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return "C" + string(b)
}

// createWithGeneratedCode stores c under a fresh generated code, drawing
// again when one is taken. The caller never chose the code, so a clash
// tells them nothing.
func (s *Service) createWithGeneratedCode(ctx context.Context, c *model.Customer) error {
	for i := 1; ; i++ {
		c.Code = newCustomerCode()
		err := s.store.CreateCustomer(ctx, c)
		if !errors.Is(err, model.ErrConflict) || i == codeAttempts {
			return err
		}
	}
}
