// Touchbase UI behaviour on top of htmx: dialogs, toasts, copy buttons and
// client-side sorting of small tables. No inline scripts (the pages run
// under a strict Content-Security-Policy).
(function () {
  "use strict";

  // A fragment swapped into #dialog-host is a <dialog>: open it as a modal
  // and focus its first field. Swaps inside an open dialog (a live preview)
  // leave the focus where the user is typing.
  document.addEventListener("htmx:afterSwap", function (e) {
    var host = document.getElementById("dialog-host");
    if (e.detail.target !== host && !host.contains(e.detail.target)) return;
    var dlg = host.querySelector("dialog");
    if (dlg && !dlg.open) dlg.showModal();
    if (e.detail.target !== host) return;
    var first = dlg && dlg.querySelector(".field.has-error input, .field.has-error select, input:not([type=hidden]):not([disabled]), select, textarea");
    if (first) first.focus();
  });

  // A form answered in an open dialog brings its outcome or first error
  // into view, even when the dialog was scrolled down to its buttons.
  document.addEventListener("htmx:load", function (e) {
    var el = e.detail.elt;
    if (!el.closest || !el.closest("#dialog-host dialog[open]")) return;
    var news = el.querySelector("#send-results, .alert-error, .field.has-error");
    if (news) news.scrollIntoView({ block: "nearest" });
  });

  // Merge-field chips insert {{field}} at the cursor of the text field last
  // used in the same form (else its first one) and fire "input", so the
  // live preview follows.
  var lastMergeTarget = null;
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches(".merge-target")) lastMergeTarget = e.target;
  });
  function insertMergeField(chip) {
    var form = chip.closest("form");
    var field = lastMergeTarget && form && form.contains(lastMergeTarget) && lastMergeTarget.offsetParent !== null ? lastMergeTarget : null;
    if (!field && form) {
      field = Array.prototype.find.call(form.querySelectorAll(".merge-target"), function (f) { return f.offsetParent !== null; });
    }
    if (!field) return;
    var text = chip.getAttribute("data-insert");
    var start = field.selectionStart != null ? field.selectionStart : field.value.length;
    var end = field.selectionEnd != null ? field.selectionEnd : start;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function closeDialogs() {
    document.querySelectorAll("#dialog-host dialog[open]").forEach(function (d) { d.close(); });
  }

  // The server sends HX-Trigger: closeDialog after a successful save.
  document.addEventListener("closeDialog", closeDialogs);
  document.addEventListener("close", function (e) {
    if (e.target.matches && e.target.matches("#dialog-host dialog")) e.target.remove();
  }, true);

  document.addEventListener("click", function (e) {
    var closer = e.target.closest("[data-close]");
    var d = closer && closer.closest("dialog");
    if (d) { // outside a dialog (a form shown as a page) the link just navigates
      e.preventDefault();
      d.close();
      return;
    }
    var chip = e.target.closest("[data-insert]");
    if (chip) {
      insertMergeField(chip);
      return;
    }
    var copy = e.target.closest("[data-copy]");
    if (copy) {
      var src = document.querySelector(copy.getAttribute("data-copy"));
      if (src && navigator.clipboard) {
        navigator.clipboard.writeText(src.textContent.trim());
        copy.textContent = copy.getAttribute("data-copied") || copy.textContent;
      }
      return;
    }
    var th = e.target.closest("table[data-client-sort] th[data-sort]");
    if (th) sortTable(th);
    // Close the user menu when clicking elsewhere.
    document.querySelectorAll("details.menu[open]").forEach(function (m) {
      if (!m.contains(e.target)) m.removeAttribute("open");
    });
  });

  // Toasts: HX-Trigger: {"toast": {"message": "...", "kind": "error"}}.
  document.addEventListener("toast", function (e) {
    var d = e.detail || {};
    var box = document.getElementById("toasts");
    if (!box || !d.message) return;
    var t = document.createElement("div");
    t.className = "toast" + (d.kind === "error" ? " toast-error" : "");
    t.setAttribute("role", "status");
    t.textContent = d.message;
    box.appendChild(t);
    setTimeout(function () { t.remove(); }, 4000);
  });

  function cellValue(row, i) {
    var c = row.children[i];
    if (!c) return "";
    return c.getAttribute("data-value") || c.textContent.trim();
  }

  function sortTable(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator(document.documentElement.lang, { numeric: true, sensitivity: "base" });
    rows.sort(function (a, b) {
      var r = collator.compare(cellValue(a, i), cellValue(b, i));
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
})();
