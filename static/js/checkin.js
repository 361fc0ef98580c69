// checkin.js: the offline-capable check-in page.
