package importer

import "strings"

// userIndex finds reps by username: exactly, else ignoring case when that
// names a single user.
type userIndex struct {
	exact  map[string]int64
	folded map[string]int64 // 0: several users differ only in case
	ids    map[int64]bool
}

func newUserIndex(byName map[string]int64) userIndex {
	u := userIndex{exact: byName, folded: make(map[string]int64, len(byName)), ids: make(map[int64]bool, len(byName))}
	for name, id := range byName {
		k := strings.ToLower(name)
		if _, dup := u.folded[k]; dup {
			u.folded[k] = 0
		} else {
			u.folded[k] = id
		}
		u.ids[id] = true
	}
	return u
}

// lookup returns the id of the user called name.
func (u userIndex) lookup(name string) (int64, bool) {
	if id, ok := u.exact[name]; ok {
		return id, true
	}
	id := u.folded[strings.ToLower(name)]
	return id, id != 0
}
