/* tonghu offline app: service worker (generated per release; docs/offline.md).
   Keeps the app shell for use with no connection. The queue of work lives in IndexedDB, never here, so replacing
   this worker (a new release) cannot drop it: the new cache is filled completely before the old one is removed. */
const VERSION = "{{ version }}";
const CACHE = "tonghu-shell-" + VERSION;
const ASSETS = {{ assets|safe }};
const SHELL = ASSETS[0];
const NETWORK_ONLY = [SHELL + "key/", SHELL + "bundle/", SHELL + "push/"];

async function precache() {
  const cache = await caches.open(CACHE);
  for (const url of ASSETS) {
    // one file at a time, each tried three times: a weak connection (or a busy server) must not leave the app
    // without its shell; a file that still fails makes the install fail, and the old worker stays in charge
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (!response.ok || response.redirected) throw new Error(url + " " + response.status);
        await cache.put(url, response);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
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
