package api

import (
	"errors"
	"net/http"

	"touchbase/internal/importer"
	"touchbase/internal/model"
)

// maxImportBody is the largest CSV file an import takes.
const maxImportBody = 64 << 20

// importStopped is the answer to an import that stopped part-way: why,
// and the report of what was written.
type importStopped struct {
	Error  errorBody        `json:"error"`
	Report *importer.Report `json:"report"`
}

// importCustomers imports customers and their contacts from the CSV file
// in the body (the columns of the admin import page), or with
// dry_run=true only checks it; rep names the exclusive rep of new
// customers whose row names none. Admins only. 200 with the report: rows
// with errors are listed and skipped, not fatal. 400 for a fault of the
// file as a whole. An import that stopped part-way (a fault found further
// down the file: 400; a database failure: 500) answers the error with the
// report of what was written (report.stopped, report.written_through_line).
func (h *handler) importCustomers(w http.ResponseWriter, r *http.Request) {
	if !policy(r).CanAdminister() {
		h.fail(w, r, model.ErrForbidden)
		return
	}
	dry, err := queryBool(r, "dry_run")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.app.Store.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	opts := importer.Options{DefaultRegion: st.DefaultRegion, DryRun: dry}
	name, err := queryText(r, "rep")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if name != "" {
		u, err := h.app.Store.UserByUsername(r.Context(), name)
		if errors.Is(err, model.ErrNotFound) {
			h.fail(w, r, newBadRequest("not_found", "rep", "no user is called "+name))
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		opts.DefaultRepID = &u.ID
	}
	rep, err := importer.Import(r.Context(), h.app.Store, r.Body, opts)
	if rep != nil && rep.Errors == nil {
		rep.Errors = []importer.RowError{}
	}
	if rep != nil && rep.Warnings == nil {
		rep.Warnings = []importer.RowError{}
	}
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, rep)
	case rep != nil && rep.Stopped && !dry:
		h.app.Log.Error("import stopped part-way", "written_through_line", rep.WrittenThrough, "err", err)
		status, body := http.StatusInternalServerError, errorBody{Code: "import_stopped",
			Message: "the import stopped part-way; the report counts what was written"}
		if ve, ok := model.AsValidation(err); ok {
			status, body = http.StatusBadRequest, errorBody{Code: "validation_failed", Message: ve.Error(), Field: ve[0].Field,
				Fields: fieldsOf(ve)}
		}
		writeJSON(w, status, importStopped{Error: body, Report: rep})
	default:
		h.fail(w, r, err)
	}
}
