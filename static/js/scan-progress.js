/* Live progress of one audit: poll its status.json every 1.5 s and update the page in place.
   When the audit is no longer running, reload to show its results (or why it failed).
   Without JavaScript a <noscript> meta refresh does the same, more crudely. */
(function () {
  "use strict";
  var card = document.querySelector("[data-scan-progress]");
  if (!card || !window.fetch) return;
  var url = card.getAttribute("data-status-url");
  var bar = card.querySelector("[data-progress-bar]");
  var fill = bar && bar.querySelector("span");
  var percent = card.querySelector("[data-progress-percent]");
  var step = card.querySelector("[data-progress-step]");
  var pages = card.querySelector("[data-progress-pages]");
  var badges = document.querySelectorAll("[data-status-badge]");
  var INTERVAL = 1500;
  var failures = 0;
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function render(data) {
    var value = Math.max(0, Math.min(100, data.progress | 0));
    if (fill) fill.style.width = value + "%";
    if (bar) bar.setAttribute("aria-valuenow", String(value));
    if (percent) percent.textContent = String(value);
    if (step && data.step) step.textContent = data.step;
    if (pages) pages.textContent = numberFormat.format(data.pages_crawled || 0);
    badges.forEach(function (badge) {
      badge.className = "badge badge-status badge-" + data.status;
      badge.textContent = data.status_label;
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        render(data);
        if (!data.active) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () {
        // A restarting server or a flaky network: back off, keep trying.
        failures += 1;
        window.setTimeout(poll, Math.min(INTERVAL * (failures + 1), 15000));
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
