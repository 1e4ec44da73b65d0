package permission

import "touchbase/internal/model"

// The expressions below take the SQL alias of a customers row (c) and an
// ArgFunc that binds arguments. Each returns a parenthesised boolean
// expression valid on PostgreSQL and SQLite.

// ServesSQL is true when the user is exclusive rep, participant or sharer.
func (p Policy) ServesSQL(c string, arg ArgFunc) string {
	u := arg(p.UserID)
	return "(" + c + ".rep_id = " + u + " OR EXISTS (SELECT 1 FROM customer_relations pr WHERE pr.customer_id = " +
		c + ".id AND pr.user_id = " + u + "))"
}

// SeeSQL is true when the user may see the customer.
func (p Policy) SeeSQL(c string, arg ArgFunc) string {
	if p.SeesEverything() {
		return "(1 = 1)"
	}
	expr := "(" + p.ServesSQL(c, arg) + " OR " + managerOf(c+".rep_id", arg(p.UserID))
	if p.Visibility == model.VisibilityTeam && p.TeamID != nil {
		expr += " OR EXISTS (SELECT 1 FROM users prm WHERE prm.id = " + c + ".rep_id AND prm.team_id = " + arg(*p.TeamID) + ")"
	}
	return expr + ")"
}

// SeeIDsSQL is a query of the ids of the customers the user may see, "" when
// the user sees every customer. Its branches (the user's customers and
// relations, the customers of the teams they manage or belong to) are each
// read from an index, so counting it costs a read per visible customer,
// where counting customers by SeeSQL tests every customer there is.
func (p Policy) SeeIDsSQL(arg ArgFunc) string {
	if p.SeesEverything() {
		return ""
	}
	u := arg(p.UserID)
	q := servesIDs(u) + " UNION SELECT pm.id FROM customers pm WHERE pm.rep_id IN (SELECT pmu.id FROM users pmu JOIN teams pmt" +
		" ON pmt.id = pmu.team_id WHERE pmt.manager_id = " + u + ")"
	if p.Visibility == model.VisibilityTeam && p.TeamID != nil {
		q += " UNION SELECT pt.id FROM customers pt WHERE pt.rep_id IN (SELECT prm.id FROM users prm WHERE prm.team_id = " +
			arg(*p.TeamID) + ")"
	}
	return q
}

// ServesIDsSQL is a query of the ids of the customers the user serves
// (ServesSQL), read from indexes as SeeIDsSQL's are.
func (p Policy) ServesIDsSQL(arg ArgFunc) string { return servesIDs(arg(p.UserID)) }

func servesIDs(u string) string {
	return "SELECT ps.id FROM customers ps WHERE ps.rep_id = " + u +
		" UNION SELECT pr.customer_id FROM customer_relations pr WHERE pr.user_id = " + u
}

// ContactSQL is true when the user may contact the customer.
func (p Policy) ContactSQL(c string, arg ArgFunc) string {
	if p.Admin {
		return "(1 = 1)"
	}
	if p.OpenContactAll {
		return p.SeeSQL(c, arg)
	}
	return p.ServesSQL(c, arg)
}

// EditSQL is true when the user may edit the customer and its contacts.
func (p Policy) EditSQL(c string, arg ArgFunc) string {
	if p.Admin {
		return "(1 = 1)"
	}
	u := arg(p.UserID)
	return "(" + c + ".rep_id = " + u + " OR EXISTS (SELECT 1 FROM customer_relations pr WHERE pr.customer_id = " +
		c + ".id AND pr.user_id = " + u + " AND pr.kind = 'participant'))"
}

// managerOf is true when user placeholder u manages the team of the user
// in column col.
func managerOf(col, u string) string {
	return "EXISTS (SELECT 1 FROM users pmu JOIN teams pmt ON pmt.id = pmu.team_id WHERE pmu.id = " + col +
		" AND pmt.manager_id = " + u + ")"
}

// selfOrManaged is true when column col holds the user or someone in a
// team the user manages; always for admins.
func (p Policy) selfOrManaged(col string, arg ArgFunc) string {
	if p.Admin {
		return "(1 = 1)"
	}
	u := arg(p.UserID)
	return "(" + col + " = " + u + " OR " + managerOf(col, u) + ")"
}

// BulkSendSQL is true when the user may see a bulk send (alias b) and its
// recipients: its operator, the manager of the operator's team, admins.
func (p Policy) BulkSendSQL(b string, arg ArgFunc) string { return p.selfOrManaged(b+".user_id", arg) }

// PlanSQL is true when the user may see a contact plan (alias pl): its
// owner, the manager of the owner's team, admins.
func (p Policy) PlanSQL(pl string, arg ArgFunc) string { return p.selfOrManaged(pl+".owner_id", arg) }

// ManagesSQL is true when the user may assign work to user column col:
// themselves, members of a team they manage, anyone for admins.
func (p Policy) ManagesSQL(col string, arg ArgFunc) string { return p.selfOrManaged(col, arg) }
