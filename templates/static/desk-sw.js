// guichet's desk service worker, served at /desk/sw.js so that its scope is /desk/: it lets a desk
// page that was opened once load again when the network is gone, reload included.
//
// Network first, always: a desk online sees the newest page and scripts (and guichet's own answer
// to a signed-out session, a redirect to the sign-in page, which is never cached); only when the
// network does not answer is the last good copy served from the cache. The API (/api/…) is never
// intercepted nor cached: the page decides offline from its own list (IndexedDB) and sends its
// scans later; a cached API answer would be stale in ways the page could not tell.
//
// The desk page deletes this cache when someone signs out (it holds the page, with the staff
// member's email and the session's CSRF token): `caches` is the same from the page.
"use strict";

const CACHE = "guichet-desk-v1";
// How long a navigation waits for the network before the cached page is served instead: a venue's
// Wi-Fi that is "connected" but routes nothing would otherwise hang the reload.
const NAVIGATION_TIMEOUT_MS = 6000;

self.addEventListener("install", function (event) {
  // No precaching here: the worker does not know which event's desk opened it. The page puts
  // itself and its files in the cache once the worker is active (see desk.js, `keepForOffline`).
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) { return name.startsWith("guichet-desk-") && name !== CACHE; })
            .map(function (name) { return caches.delete(name); })
        );
      })
      .then(function () { return self.clients.claim(); })
  );
});

function cacheable(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  return url.origin === self.location.origin && !url.pathname.startsWith("/api/");
}

// The network's answer, or a rejection after `ms` (navigations only).
function network(request, ms) {
  if (!ms) return fetch(request);
  return new Promise(function (resolve, reject) {
    const timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    fetch(request).then(
      function (response) { clearTimeout(timer); resolve(response); },
      function (error) { clearTimeout(timer); reject(error); }
    );
  });
}

async function networkFirst(event) {
  const request = event.request;
  const navigation = request.mode === "navigate";
  try {
    const response = await network(request, navigation ? NAVIGATION_TIMEOUT_MS : 0);
    // Only complete, same-origin answers: not a redirect to the sign-in page, not an error page.
    if (response.ok && response.type === "basic" && !response.redirected) {
      const copy = response.clone();
      event.waitUntil(
        caches.open(CACHE).then(function (cache) { return cache.put(stripQuery(request), copy); })
      );
    }
    return response;
  } catch (error) {
    const cached = await caches.match(stripQuery(request), { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

// The desk page is one address per event; a query string (none today) would not make it another.
function stripQuery(request) {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("/desk/") || url.pathname === "/desk/manifest.webmanifest") {
    return request;
  }
  url.search = "";
  return url.href;
}

self.addEventListener("fetch", function (event) {
  if (!cacheable(event.request)) return; // the browser's own handling, untouched
  event.respondWith(networkFirst(event));
});

