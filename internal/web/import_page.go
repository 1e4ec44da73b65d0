package web

import (
	"net/http"

	"touchbase/internal/importer"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// importData is the data of the import page: the upload form and, after
// an upload, its report.
type importData struct {
	base
	Reps     []*model.User
	RepID    *int64
	DryRun   bool
	FileName string
	Errors   model.ValidationErrors // faults of the file as a whole
	Report   *importer.Report
	Failure  bool // the import stopped part-way; the report counts what was written
}

// importPage shows the CSV upload form.
func (h *handler) importPage(w http.ResponseWriter, r *http.Request) {
	h.importRender(w, r, http.StatusOK, importData{base: h.adminBase(w, r, "import", "import.title"), DryRun: true})
}

// importRender renders the import page with the rep choices.
func (h *handler) importRender(w http.ResponseWriter, r *http.Request, status int, d importData) {
	reps, err := h.app.Admin.Users(r.Context(), storage.UserFilter{ActiveOnly: true})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Reps = reps
	h.render(w, r, status, "admin_import.html", d)
}
