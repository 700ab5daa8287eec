// Köpkraft's own script: the idle-session warning, announced htmx failures and focus after errors.
// Everything here enhances pages that already work without JavaScript.
(function () {
  "use strict";

  var body = document.body;

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  // --- Session timeout warning -------------------------------------------------------------------
  var timeout = Number(body.dataset.sessionTimeout || 0);
  var warning = Number(body.dataset.sessionWarning || 300);
  var statusUrl = body.dataset.sessionStatusUrl;
  var dialog = document.getElementById("session-warning");
  var timer = null;
  var countdown = null;

  function goToLogin() {
    var next = window.location.pathname + window.location.search;
    window.location.assign(body.dataset.loginUrl + "?next=" + encodeURIComponent(next));
  }

  function schedule(seconds) {
    window.clearTimeout(timer);
    timer = window.setTimeout(checkSession, Math.max(seconds, 1) * 1000);
  }

  function showWarning(remaining) {
    var minutes = dialog.querySelector("[data-session-countdown]");
    var endsAt = Date.now() + remaining * 1000;
    function tick() {
      var left = Math.round((endsAt - Date.now()) / 1000);
      if (left <= 0) { goToLogin(); return; }
      minutes.textContent = String(Math.max(1, Math.ceil(left / 60)));
    }
    tick();
    window.clearInterval(countdown);
    countdown = window.setInterval(tick, 15000);
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("button").focus();
  }

  function checkSession() {
    fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { goToLogin(); return null; }
        return response.json();
      })
      .then(function (data) {
        if (!data) return;
        if (data.remaining_seconds <= 0) goToLogin();
        else if (data.remaining_seconds > warning + 5) schedule(data.remaining_seconds - warning);
        else showWarning(data.remaining_seconds);
      })
      .catch(function () { schedule(60); });
  }

  if (timeout && dialog && statusUrl) {
    schedule(timeout - warning);
    var extendForm = dialog.querySelector("[data-session-extend]");
    extendForm.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(extendForm.action, {
        method: "POST",
        body: new FormData(extendForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        if (!response.ok) { goToLogin(); return; }
        window.clearInterval(countdown);
        dialog.close();
        schedule(timeout - warning);
      }).catch(function () { extendForm.submit(); });
    });
    // Any htmx request counts as activity on the server, so restart the clock here too.
    document.addEventListener("htmx:after:request", function () { schedule(timeout - warning); });
  }

  // --- htmx failures are announced in place, never silent -----------------------------------------
  document.addEventListener("htmx:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (ctx && ctx.response) return; // the server answered; its error fragment is swapped in place
    var alert = document.getElementById("global-alert");
    alert.textContent = "";
    alert.classList.remove("visually-hidden");
    alert.className = "message message--error";
    window.setTimeout(function () { alert.textContent = body.dataset.networkError; }, 50);
  });

  // After a swap that took away the focused control (the week's "Nästa vecka", a checklist button), focus
  // goes to the new content's heading marked data-focus-after-swap, never to <body>.
  document.addEventListener("htmx:after:swap", function (event) {
    focusErrorSummary(event.target);
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var heading = document.querySelector("[data-focus-after-swap]");
    if (heading) heading.focus();
  });

  // Typing a date on the dashboard means "my own dates": choose that period before the form is sent
  // (capture phase, so htmx reads the form after this). Without JavaScript people pick it themselves.
  document.addEventListener("change", function (event) {
    var select = event.target.dataset && event.target.dataset.customPeriod &&
      document.getElementById(event.target.dataset.customPeriod);
    if (select) select.value = "egen";
  }, true);

  // The printable report's print button (the report prints without it too: Ctrl+P).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  focusErrorSummary(document);
})();
