// Progressive enhancement for survey pages: autosave, save on leaving, and no double submits.
(function () {
  "use strict";
  var form = document.querySelector("form.survey-form");
  var status = document.querySelector(".autosave-status");
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  document.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (f.dataset.sent === "1") { event.preventDefault(); return; }
      f.dataset.sent = "1";
      window.setTimeout(function () { f.dataset.sent = ""; }, 8000);
    });
  });
  if (!form || !window.fetch || !window.FormData) { return; }
  // Buttons are named "action", which shadows form.action: read the attribute instead.
  var target = form.getAttribute("action");
  var timer = null, dirty = false;
  function payload() {
    var data = new FormData(form);
    data.set("action", "autosave");
    return data;
  }
  function save() {
    if (!dirty) { return; }
    dirty = false;
    fetch(target, { method: "POST", body: payload(), credentials: "same-origin" })
      .then(function (r) {
        if (!status) { return; }
        // The page's own language: the words come from data attributes the server translated.
        var words = status.dataset;
        if (r.ok || r.status === 422) { status.textContent = words.saved; return; }
        // The survey closed or was submitted elsewhere: say so rather than pretend to save.
        status.textContent = r.status === 409 ? words.submitted
          : r.status === 404 ? words.closed : "";
      })
      .catch(function () { dirty = true; });
  }
  form.addEventListener("change", function () {
    dirty = true;
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 800);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    dirty = true;
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 2000);
  });
  form.addEventListener("submit", function () { dirty = false; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && navigator.sendBeacon) {
      dirty = false;
      navigator.sendBeacon(target, payload());
    }
  });
})();
