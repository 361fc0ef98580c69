// checkin-sw.js: lets the check-in page open again when the hall's network is gone.
// Registered by checkin.js with the scope /events/{id}/checkin. The page, its guest data and the
// headcount page go to the network first and fall back to the last copy; the fingerprinted
// /static/ files never change under one URL, so the cached copy is served at once. The guest data
// is revalidated with the kept copy's ETag: while nothing changed the server answers 304 (no body)
// and the kept copy is used, so a view after the first costs a few bytes whatever the list's size.
'use strict';
const CACHE = 'toguna-checkin-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function fromCache(url) {
  // A search (?q=) seen offline falls back to the page without it; the script filters the list.
  return caches
    .match(url.href)
    .then((hit) => hit || caches.match(url.origin + url.pathname))
    .then((hit) => {
      if (!hit) return hit;
      // Said in a header so a test (or a curious organizer in devtools) can tell the copy from the network.
      const headers = new Headers(hit.headers);
      headers.set('x-toguna-offline-copy', '1');
      return hit.blob().then((body) => new Response(body, { status: hit.status, statusText: hit.statusText, headers }));
    });
}

function keep(url, response) {
  // A sign-in redirect or an error page is not the page: keep the last good copy instead.
  if (!response.ok || response.type !== 'basic' || response.redirected) return;
  const copy = response.clone();
  caches.open(CACHE).then((cache) => cache.put(url.href, copy));
}

function revalidated(request, url) {
  return caches.open(CACHE).then((cache) => cache.match(url.href)).then((kept) => {
    const tag = kept && kept.headers.get('etag');
    if (!tag) return fetch(request).then((response) => { keep(url, response); return response; });
    const headers = new Headers(request.headers);
    headers.set('If-None-Match', tag);
    // no-store: the 304 must reach this worker, not be answered from the browser's own cache.
    return fetch(url.href, { headers, credentials: 'same-origin', cache: 'no-store' }).then((response) => {
      if (response.status === 304) return kept;
      keep(url, response);
      return response;
    });
  });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/static/')) {
    event.respondWith(
      caches.match(url.href).then((hit) => hit || fetch(request).then((response) => {
        keep(url, response);
        return response;
      }))
    );
    return;
  }
  if (!/^\/events\/\d+\/checkin(\/guests|\/headcount)?$/.test(url.pathname)) return;
  const network = url.pathname.endsWith('/guests') ? revalidated(request, url) : fetch(request).then((response) => {
    keep(url, response);
    return response;
  });
  event.respondWith(network.catch(() => fromCache(url).then((hit) => hit || Response.error())));
});
