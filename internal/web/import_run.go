package web

import (
	"net/http"

	"touchbase/internal/importer"
	"touchbase/internal/model"
)

// importRun imports (or, as a dry run, only checks) an uploaded CSV file
// of customers and contacts and shows the report: counts, and each bad row
// with its line and field.
func (h *handler) importRun(w http.ResponseWriter, r *http.Request) {
	d := importData{base: h.adminBase(w, r, "import", "import.title"), RepID: formID(r, "rep_id"),
		DryRun: formBool(r, "dry_run")}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		d.Errors = model.ValidationErrors{model.NewFieldError("file", "required", "choose a CSV file")}
		h.importRender(w, r, http.StatusBadRequest, d)
		return
	}
	defer f.Close()
	d.FileName = hdr.Filename
	opts := importer.Options{DefaultRegion: h.region(r.Context()), DryRun: d.DryRun, DefaultRepID: d.RepID}
	d.Report, err = importer.Import(r.Context(), h.app.Store, f, opts)
	if ve, ok := model.AsValidation(err); ok {
		// A fault found further down a file part of which was written:
		// the page says what was, and where it stopped.
		d.Errors, d.Failure = ve, d.Report != nil && d.Report.Stopped && !d.DryRun
		if !d.Failure {
			d.Report = nil
		}
		h.importRender(w, r, http.StatusBadRequest, d)
		return
	}
	if err != nil {
		h.app.Log.Error("import", "file", hdr.Filename, "err", err)
		if d.Report == nil {
			h.fail(w, r, err)
			return
		}
		d.Failure = true
	}
	h.importRender(w, r, http.StatusOK, d)
}
