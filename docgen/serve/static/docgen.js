/* docgen serve: the edit page's few behaviours, on top of htmx (no build step).
   - a part that depends on another field (the legal basis brings its subsection) shows and
     hides as that field changes;
   - the RACI grid says, per activity, whether it has exactly one A;
   - leaving the page (Back, refresh, closing the tab) sends what was typed since the last
     save, so nothing is lost;
   - after a save from a plain form, focus goes to the error summary (GOV.UK pattern), and to
     the conflict message when a save was refused. */
(function () {
  "use strict";
  var form = document.getElementById("edit-form");
  if (!form) { return; }

  function valueOf(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    if (el.type === "radio") {
      var checked = form.querySelector('input[name="' + el.name + '"]:checked');
      return checked ? checked.value : "";
    }
    return el.value;
  }

  function applyConditions() {
    var parts = form.querySelectorAll("[data-when]");
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      var value = valueOf(part.getAttribute("data-when"));
      if (value === null) { continue; }
      var wanted = part.getAttribute("data-when-values").split("|");
      var filled = part.querySelector("input[name^='p.'], input[name^='n.']") !== null;
      part.hidden = wanted.indexOf(value) < 0 && !filled;
    }
  }

  function countA() {
    var rows = form.querySelectorAll("[data-raci-row]");
    for (var i = 0; i < rows.length; i++) {
      var n = 0, r = 0;
      var cells = rows[i].querySelectorAll("select[data-letter]");
      for (var j = 0; j < cells.length; j++) {
        var v = cells[j].value;
        if (v === "A" || v === "A/R") { n++; }
        if (v === "R" || v === "A/R") { r++; }
      }
      var out = rows[i].querySelector("[data-a-count]");
      if (!out) { continue; }
      var words = n === 1 ? "one A" : (n === 0 ? "no A yet: choose one" : n + " A's: keep one");
      if (n === 1 && r === 0) { words = "one A; no R yet"; }
      out.textContent = words;
      out.className = "a-count " + (n === 1 && r > 0 ? "count-ok" : "count-bad");
    }
  }

  // an item added and not touched yet is not shown in red: once a field of it is typed in
  // (before htmx reads the form: capture), its path leaves the list and its problems show
  document.addEventListener("input", untouch, true);
  document.addEventListener("change", untouch, true);
  function untouch(e) {
    var fresh = document.getElementById("fresh");
    var name = e.target && e.target.name;
    if (!fresh || !fresh.value || !name || !form.contains(e.target)) { return; }
    var path = name.slice(2);
    fresh.value = fresh.value.split(" ").filter(function (p) {
      return p && path !== p && path.indexOf(p + "/") !== 0;
    }).join(" ");
  }

  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; applyConditions(); countA(); });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt === form && e.detail.successful) { dirty = false; }
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    applyConditions(); countA();
    var box = document.getElementById("conflict-box");
    if (box && !box.dataset.shown) { box.dataset.shown = "1"; box.focus(); }
  });
  document.body.addEventListener("htmx:responseError", function (e) {
    // a save the server refused (the spec was removed, the key is stale): say so where
    // "Saved at" stands, in the server's words, and keep what is in the form
    var status = document.getElementById("save-status");
    if (status && e.detail.elt === form) {
      status.textContent = "Not saved: " + (e.detail.xhr.responseText || "the server refused the save") +
        " What you typed is still in the form.";
      status.className = "status-bar not-saved";
    }
  });
  document.body.addEventListener("htmx:sendError", function (e) {
    var status = document.getElementById("save-status");
    if (status && e.detail.elt === form) {
      status.textContent = "Not saved: docgen serve does not answer (was it stopped?). What you typed is still in the form; start docgen serve again and change any field to save.";
      status.className = "status-bar not-saved";
    }
  });
  // What was typed is also kept in this tab's sessionStorage when the page is left, until a
  // save succeeds: if the page comes back (refresh, Back, Forward) before the last save has
  // arrived, it is put back in the form and saved from the revision it was typed on, so a
  // file changed meanwhile is a conflict shown, never an overwrite.
  var draftKey = "docgen-draft:" + location.pathname;
  function pairs() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "revision" && name !== "_token") {
        out.push([name, value]);
      }
    });
    return out;
  }
  function keepDraft() {
    try {
      sessionStorage.setItem(draftKey, JSON.stringify({
        revision: document.getElementById("revision").value, fields: pairs()}));
    } catch (err) { /* storage full or off: the beacon still carries the save */ }
  }
  function dropDraft() { try { sessionStorage.removeItem(draftKey); } catch (err) { } }
  document.body.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt === form && e.detail.successful && !document.getElementById("conflict-box")) {
      dropDraft();
    }
  });
  window.addEventListener("pagehide", function () {
    if (dirty) {
      keepDraft();
      if (navigator.sendBeacon) {
        navigator.sendBeacon(form.getAttribute("data-save-url"), new FormData(form));
      }
      dirty = false;
    }
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { location.reload(); }  // a page from the back-forward cache is stale
  });
  function restoreDraft() {
    var raw;
    try { raw = sessionStorage.getItem(draftKey); } catch (err) { return; }
    if (!raw) { return; }
    var draft = JSON.parse(raw);
    var now = pairs();
    if (JSON.stringify(now) === JSON.stringify(draft.fields)) { dropDraft(); return; }
    var names = function (list) { return list.map(function (p) { return p[0]; }).join("\n"); };
    if (names(now) !== names(draft.fields)) { dropDraft(); return; }  // another shape: History has it
    draft.fields.forEach(function (p) {
      var fields = form.querySelectorAll('[name="' + CSS.escape(p[0]) + '"]');
      for (var i = 0; i < fields.length; i++) {
        var el = fields[i];
        if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === p[1]; }
        else { el.value = p[1]; }
      }
    });
    document.getElementById("revision").value = draft.revision;
    dirty = true;
    htmx.trigger(form, "change");
  }
  // after htmx has set the form up (its own DOMContentLoaded handler comes first)
  document.addEventListener("DOMContentLoaded", restoreDraft);
  applyConditions(); countA();
  var conflict = document.getElementById("conflict-box");
  var summary = document.getElementById("error-summary-box");
  var anchored = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (conflict) { conflict.dataset.shown = "1"; conflict.focus(); }
  else if (anchored) { anchored.focus(); }  // after add, duplicate, move: the item itself
  else if (summary && /[?&]checked=1/.test(location.search)) { summary.focus(); }
})();
