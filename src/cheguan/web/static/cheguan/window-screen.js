// The window's screen (ADR 0017): ask the server every few seconds whether what the screen
// should show has changed (paired, a case to rate, a consent to give), and reload if so.
// No inline script: the CSP forbids it.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-screen-state");
  var shown = body.getAttribute("data-screen-version");
  if (!url || !shown || shown === "thanks" || shown === "answered") {
    if (shown === "thanks" || shown === "answered") {
      // After a tap, show the thanks a moment, then go back to the screen's page.
      window.setTimeout(function () { window.location.assign(window.location.pathname.replace(/(rate|consent)\/$/, "")); }, 8000);
    }
    return;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.version && data.version !== shown) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 3000);
})();
