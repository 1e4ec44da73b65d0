// Touchbase UI behaviour on top of htmx: dialogs, toasts, copy buttons,
// client-side sorting of small tables, the bulk contact wizard, and the
// live streams (Server-Sent Events) of the notification bell and of a bulk
// send's progress. No inline scripts (the pages run under a strict
// Content-Security-Policy).
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

  // Toasts: HX-Trigger: {"toast": {"message": "...", "kind": "error"}}; a
  // toast with a link (a notification) opens it when clicked.
  function showToast(d) {
    var box = document.getElementById("toasts");
    if (!box || !d || !d.message) return;
    var t = document.createElement(d.link ? "a" : "div");
    t.className = "toast" + (d.kind === "error" ? " toast-error" : "") + (d.link ? " toast-link" : "");
    t.setAttribute("role", "status");
    if (d.link) t.href = d.link;
    var title = document.createElement("div");
    title.textContent = d.message;
    t.appendChild(title);
    if (d.body) {
      var body = document.createElement("div");
      body.className = "toast-body";
      body.textContent = d.body;
      t.appendChild(body);
    }
    box.appendChild(t);
    setTimeout(function () { t.remove(); }, d.link ? 8000 : 4000);
  }
  document.addEventListener("toast", function (e) { showToast(e.detail); });

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

  // ---- Live streams (Server-Sent Events) ----------------------------------

  // The bell shows the unread count, kept current by /notifications/stream:
  // "unread" carries the count, "notification" a new one, shown as a toast.
  // The unread count lives in the bell and wherever a page shows it
  // ([data-unread], the home page's figure); a change announces itself as
  // "unreadChanged", so lists of unread notifications refresh too.
  function setUnread(n) {
    if (typeof n !== "number" || n < 0) return;
    var bell = document.getElementById("bell");
    var count = document.getElementById("bell-count");
    if (!bell || !count) return;
    var shown = n > 99 ? "99+" : String(n);
    var changed = (count.hidden ? "0" : count.textContent) !== shown;
    count.textContent = shown;
    count.hidden = n === 0;
    bell.classList.toggle("has-unread", n > 0);
    document.querySelectorAll("[data-unread]").forEach(function (el) { el.textContent = String(n); });
    if (changed) document.body.dispatchEvent(new CustomEvent("unreadChanged"));
  }
  document.addEventListener("unreadCount", function (e) { if (e.detail) setUnread(e.detail.unread); });

  function listen(url, handlers) {
    if (!window.EventSource) return null;
    var es = new EventSource(url);
    Object.keys(handlers).forEach(function (name) {
      es.addEventListener(name, function (e) {
        var data = null;
        try { data = JSON.parse(e.data); } catch (err) { return; }
        handlers[name](data, es);
      });
    });
    window.addEventListener("pagehide", function () { es.close(); });
    return es;
  }

  function startBell() {
    var bell = document.getElementById("bell");
    if (!bell || bell.dataset.live) return;
    bell.dataset.live = "1";
    listen(bell.getAttribute("data-stream"), {
      unread: function (d) { setUnread(d.unread); },
      notification: function (d) {
        setUnread(d.unread);
        bell.classList.remove("ring");
        void bell.offsetWidth; // restart the animation
        bell.classList.add("ring");
        showToast({ message: d.title, body: d.body, link: d.link });
        document.body.dispatchEvent(new CustomEvent("notificationsChanged"));
      }
    });
  }

  // A running or scheduled bulk send's page follows /bulk/{id}/events:
  // "progress" updates the counts and the bar; a change of status, or of
  // whether recipients are held for quiet hours, reloads the main part of
  // the page (buttons, progress text, drill-down); "end" closes.
  function startProgress(root) {
    var section = root.querySelector ? root.querySelector("#bulk-progress[data-events]") : null;
    if (!section || section.dataset.live) return;
    section.dataset.live = "1";
    var status = section.getAttribute("data-status");
    var held = section.getAttribute("data-held") !== "0";
    var awaiting = Number(section.getAttribute("data-awaiting") || "0");
    var es = listen(section.getAttribute("data-events"), {
      progress: function (d) {
        ["total", "pending", "sent", "failed", "skipped", "awaiting", "percent"].forEach(function (k) {
          document.querySelectorAll('[data-count="' + k + '"]').forEach(function (el) {
            el.textContent = k === "percent" ? String(d[k]) : Number(d[k]).toLocaleString("en-US");
          });
        });
        var bar = document.getElementById("bulk-bar");
        if (bar) {
          bar.max = Math.max(d.total, 1);
          bar.value = d.sent + d.failed + d.skipped;
        }
        if (d.status !== status || (d.held > 0) !== held || d.awaiting !== awaiting) {
          status = d.status;
          held = d.held > 0;
          awaiting = d.awaiting;
          refreshBulk();
        }
      },
      end: function (d, source) { source.close(); }
    });
    function refreshBulk() {
      var main = document.getElementById("bulk-main");
      if (!main || !window.htmx) return;
      if (es) es.close();
      // The flash said what happened on arrival ("accepted, sending"); the
      // send has moved on since, and the page now says where it is.
      var flash = document.getElementById("flash");
      if (flash) flash.remove();
      htmx.ajax("GET", location.pathname + location.search, { target: "#bulk-main", swap: "outerHTML" });
    }
  }

  // ---- Bulk contact wizard --------------------------------------------------

  // The wizard is one form whose steps are sections; the server renders it
  // at the step asked for (data-step). Each step gets a history entry
  // (#content, #recipients, #review), so the browser's back and forward
  // move between steps: the form is posted again with everything typed.
  var wizardFromHistory = false, wizardSeen = false;
  function syncWizard(form) {
    var hash = "#" + form.getAttribute("data-step");
    var replace = wizardFromHistory || !wizardSeen;
    var seen = wizardSeen;
    wizardFromHistory = false;
    wizardSeen = true;
    // A refusal brings its first error into view.
    var err = form.querySelector(".wizard-step:not([hidden]) .wizard-alert, .wizard-step:not([hidden]) .field.has-error");
    if (err && seen) err.scrollIntoView({ block: "center" });
    if (location.hash === hash) return;
    if (replace) {
      history.replaceState(history.state, "", hash);
    } else {
      history.pushState(null, "", hash);
    }
    if (!err) window.scrollTo(0, 0);
  }
  window.addEventListener("popstate", function () {
    var form = document.getElementById("bulk-wizard");
    if (!form || !window.htmx) return;
    var step = location.hash.slice(1);
    if (["content", "recipients", "review"].indexOf(step) < 0 || step === form.getAttribute("data-step")) return;
    wizardFromHistory = true;
    htmx.ajax("POST", form.getAttribute("action"), { source: form, target: form, swap: "outerHTML", values: { "goto": step } });
  });

  // Ticked contacts live in #f-ticked ("1,2,3") across pages and filters.
  function tickedSet() {
    var input = document.getElementById("f-ticked");
    var ids = input && input.value ? input.value.split(",") : [];
    return { input: input, ids: ids };
  }
  function setTicked(id, on) {
    var t = tickedSet();
    if (!t.input) return;
    var i = t.ids.indexOf(id);
    if (on && i < 0) t.ids.push(id);
    if (!on && i >= 0) t.ids.splice(i, 1);
    t.input.value = t.ids.join(",");
    var count = document.getElementById("ticked-count");
    if (count) count.textContent = t.ids.length.toLocaleString("en-US");
    var clear = document.getElementById("clear-ticked");
    if (clear) clear.hidden = t.ids.length === 0;
  }
  // A results swap answers the ticks as they were when its request left;
  // ticks made while it was on its way are applied again on top of the
  // server's answer (which may itself have changed them: "select all",
  // "clear").
  var ticksInFlight = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    ticksInFlight = null;
    var cfg = e.detail.requestConfig, t = tickedSet();
    if (!t.input || !e.detail.target || e.detail.target.id !== "recipient-results" || !cfg || !cfg.formData) return;
    var sent = cfg.formData.get("ticked") || "";
    if (sent !== t.input.value) ticksInFlight = { sent: sent ? sent.split(",") : [], now: t.ids };
  });
  document.addEventListener("htmx:afterSwap", function () {
    var late = ticksInFlight;
    ticksInFlight = null;
    if (!late) return;
    late.now.forEach(function (id) { if (late.sent.indexOf(id) < 0) reTick(id, true); });
    late.sent.forEach(function (id) { if (late.now.indexOf(id) < 0) reTick(id, false); });
    syncPageBox();
  });
  function reTick(id, on) {
    setTicked(id, on);
    var box = document.querySelector('#recipient-table .pick-row[value="' + id + '"]');
    if (box && !box.disabled) {
      box.checked = on;
      box.closest("tr").classList.toggle("is-picked", on);
    }
  }
  function syncPageBox() {
    var all = document.getElementById("pick-page");
    if (!all || all.disabled) return;
    var rows = document.querySelectorAll("#recipient-table .pick-row");
    var on = Array.prototype.filter.call(rows, function (r) { return r.checked; }).length;
    all.checked = rows.length > 0 && on === rows.length;
    all.indeterminate = on > 0 && on < rows.length;
  }
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("#recipient-table .pick-row")) {
      setTicked(el.value, el.checked);
      el.closest("tr").classList.toggle("is-picked", el.checked);
      syncPageBox();
    } else if (el.id === "pick-page") {
      document.querySelectorAll("#recipient-table .pick-row").forEach(function (r) {
        if (r.disabled || r.checked === el.checked) return;
        r.checked = el.checked;
        setTicked(r.value, r.checked);
        r.closest("tr").classList.toggle("is-picked", r.checked);
      });
    }
  });
  // Enter in the picker's search filters; it does not submit the wizard.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches("#recipient-filter input")) {
      e.preventDefault();
      e.target.dispatchEvent(new Event("search", { bubbles: true }));
    }
  });

  // ---- Refused forms --------------------------------------------------------
  // A form that comes back with errors, whether htmx swapped it in place or
  // the whole page was sent again, puts the focus on its first invalid
  // field, so the user sees and hears what to fix.
  var invalidField = ".field.has-error input:not([type=hidden]), .field.has-error select, .field.has-error textarea, [aria-invalid=true]";
  function focusFirstInvalid(root) {
    var bad = root.querySelector(invalidField);
    if (!bad) return;
    bad.focus();
    bad.scrollIntoView({ block: "center" });
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    var cfg = e.detail.requestConfig;
    if (!cfg || cfg.verb !== "post" || !cfg.elt || cfg.elt.tagName !== "FORM") return;
    focusFirstInvalid(e.detail.target && e.detail.target.isConnected ? e.detail.target : document);
  });

  // ---- The customer list's selection bar -----------------------------------
  // Ticking customers shows how many are picked; the bar's actions (bulk
  // contact, plan contact) need at least one.
  function syncPicked() {
    var bar = document.getElementById("plan-many");
    if (!bar) return;
    var n = document.querySelectorAll("input.pick-customer:checked").length;
    document.getElementById("picked-count").textContent = String(n);
    document.getElementById("picked-some").hidden = n === 0;
    document.getElementById("picked-none").hidden = n > 0;
    document.getElementById("picked-clear").hidden = n === 0;
    bar.classList.toggle("is-all", n > 0);
    bar.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = n === 0; });
    // Export is a download of the ticked customers (the page stays).
    var exp = document.getElementById("export-many");
    if (exp) {
      exp.hidden = n === 0;
      exp.href = "/customers/export.csv?" + Array.prototype.map.call(document.querySelectorAll("input.pick-customer:checked"),
        function (c) { return "customer_ids=" + encodeURIComponent(c.value); }).join("&");
    }
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input.pick-customer")) syncPicked();
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest("#picked-clear")) return;
    document.querySelectorAll("input.pick-customer:checked").forEach(function (c) { c.checked = false; });
    syncPicked();
  });

  // ---- The phone's navigation drawer ----------------------------------------
  // The menu button opens the sidebar as a drawer; the backdrop, Escape or
  // a link in it closes it, and the focus goes back to the button.
  function setNav(open) {
    var btn = document.getElementById("nav-toggle");
    if (!btn) return;
    document.body.classList.toggle("nav-open", open);
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var link = document.querySelector("#sidebar .nav a[aria-current=page]") || document.querySelector("#sidebar .nav a");
      if (link) link.focus();
    } else if (document.activeElement && document.getElementById("sidebar").contains(document.activeElement)) {
      btn.focus();
    }
  }
  document.addEventListener("click", function (e) {
    if (!e.target.closest) return;
    if (e.target.closest("#nav-toggle")) setNav(!document.body.classList.contains("nav-open"));
    else if (e.target.closest("#nav-backdrop")) setNav(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.body.classList.contains("nav-open")) setNav(false);
  });

  // ---- Start-up, and after every htmx swap ----------------------------------

  function init(root) {
    startBell();
    startProgress(root);
    var form = document.getElementById("bulk-wizard");
    if (form && (root === document || root === form || root.contains(form))) syncWizard(form);
    if (root === document || root.querySelector && root.querySelector("#recipient-table")) syncPageBox();
    if (root === document) focusFirstInvalid(document);
    syncPicked();
  }
  document.addEventListener("htmx:load", function (e) { init(e.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
