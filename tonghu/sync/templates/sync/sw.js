/* tonghu offline app: service worker (generated per release; docs/offline.md).
   Keeps the app shell for use with no connection. The queue of work lives in IndexedDB, never here, so replacing
   this worker (a new release) cannot drop it: the new cache is filled completely before the old one is removed. */
const VERSION = "{{ version }}";
const CACHE = "tonghu-shell-" + VERSION;
const ASSETS = {{ assets|safe }};
const SHELL = ASSETS[0];
const NETWORK_ONLY = [SHELL + "key/", SHELL + "bundle/", SHELL + "push/"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("tonghu-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skipWaiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((p) => url.pathname.startsWith(p))) return;
  if (url.pathname === SHELL) {
    // the page itself: fresh when online (a new release, the reader's language), the kept copy when not
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
          }
          return response;
        })
        .catch(() => caches.match(SHELL, { ignoreSearch: true }))
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});
