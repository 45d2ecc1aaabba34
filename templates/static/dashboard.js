// The organisers' dashboard, kept live: guichet re-renders the figures whenever they change and
// sends them as server-sent events from the address in #stats's data-live. A file of its own, not
// an inline script: the Content-Security-Policy runs only scripts served by guichet.
"use strict";
(function () {
  const stats = document.getElementById("stats");
  const live = new EventSource(stats.dataset.live);
  live.addEventListener("stats", function (event) {
    stats.innerHTML = event.data;
  });
})();
