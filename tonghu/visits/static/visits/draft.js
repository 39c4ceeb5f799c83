/* Visit form: show the fields for the chosen type, keep a draft in localStorage until the server confirms the save,
   and resend it when the connection comes back. No external resources.
   The draft keeps the form's hidden client_token (tonghu.core.idempotency) and a restored draft puts it back, so
   every resend of one visit carries the same token: if the first save reached the server and only its answer was
   lost, the server answers with that visit instead of recording a second one. */
(function () {
  "use strict";
  var pendingResend = false;

  function form() { return document.getElementById("visit-form"); }
  function key() { var f = form(); return f && f.getAttribute("data-draft-key"); }
  function banner(text, kind) {
    var b = document.getElementById("draft-banner");
    if (!b) return;
    b.textContent = text;
    b.className = "alert py-2 my-2 alert-" + (kind || "warning");
  }
  function fields(f) {
    return Array.prototype.filter.call(f.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit";
    });
  }
  function save() {
    var f = form(); if (!f) return;
    var data = {};
    fields(f).forEach(function (el) {
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else if (el.type === "checkbox") { data[el.name] = el.checked; }
      else { data[el.name] = el.value; }
    });
    try { localStorage.setItem(key(), JSON.stringify({saved: Date.now(), data: data})); } catch (e) { /* storage full or disabled */ }
  }
  function restore() {
    var f = form(); if (!f) return false;
    var raw = null;
    try { raw = localStorage.getItem(key()); } catch (e) { return false; }
    if (!raw) return false;
    var draft;
    try { draft = JSON.parse(raw).data; } catch (e) { return false; }
    fields(f).forEach(function (el) {
      if (!(el.name in draft)) return;
      var v = draft[el.name];
      if (el.type === "radio") el.checked = (el.value === v);
      else if (el.type === "checkbox") el.checked = !!v;
      else el.value = v;
    });
    return true;
  }
  function toggle() {
    var f = form(); if (!f) return;
    var kind = (f.querySelector("input[name=kind]:checked") || {}).value;
    var harm = (f.querySelector("input[name=harm_found]") || {}).checked;
    f.querySelectorAll(".contact-only").forEach(function (el) { el.classList.toggle("d-none", kind === "home_visit"); });
    f.querySelectorAll(".visit-only").forEach(function (el) { el.classList.toggle("d-none", kind !== "home_visit"); });
    f.querySelectorAll(".harm-only").forEach(function (el) { el.classList.toggle("d-none", !harm); });
  }
  function init(fromServer) {
    var f = form(); if (!f) return;
    if (!f.dataset.ready) {
      f.dataset.ready = "1";
      if (fromServer === true) banner("", "d-none");
      else if (restore()) banner(f.getAttribute("data-msg-restored"));
      f.addEventListener("input", function () { save(); toggle(); });
      f.addEventListener("change", function () { save(); toggle(); });
      f.addEventListener("submit", function () { save(); });
    }
    toggle();
  }
  document.addEventListener("DOMContentLoaded", function () { init(false); });
  document.addEventListener("htmx:afterSwap", function () { init(true); });
  document.addEventListener("htmx:beforeRequest", function () { var f = form(); if (f) { save(); banner(f.getAttribute("data-msg-sending"), "info"); } });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr && xhr.status >= 200 && xhr.status < 300 && xhr.getResponseHeader("HX-Redirect")) {
      try { localStorage.removeItem(key()); } catch (e) { /* ignore */ }
    }
  });
  function failed() {
    var f = form(); if (!f) return;
    save();
    pendingResend = true;
    banner(f.getAttribute("data-msg-failed"), "danger");
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);
  window.addEventListener("online", function () {
    var f = form();
    if (pendingResend && f) { pendingResend = false; if (f.requestSubmit) f.requestSubmit(); else f.submit(); }
  });
})();
