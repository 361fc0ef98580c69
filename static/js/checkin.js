// checkin.js: the check-in page keeps working when the hall's connection drops.
// Every tap becomes a mark with its own id, kept in localStorage until the server has it;
// the server stores a mark once however often it is resent, so retrying is always safe.
// The server renders one page of the list; this script loads the whole list once as compact
// JSON (guests), searches it as the organizer types, and registers a service worker that keeps
// the page, this data and the static files for a reload without network.
(function () {
  'use strict';
  var root = document.getElementById('checkin');
  if (!root || !window.fetch || !window.localStorage) return;

  var d = root.dataset;
  var eventId = d.event;
  var url = d.marksUrl;
  var key = 'toguna.checkin.' + eventId;
  var doneKey = key + '.sent';
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  var pageSize = parseInt(d.pageSize, 10) || 50;
  var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || 'fr') : null;
  var sending = false;
  var delay = 1000;
  var timer = null;
  var blocked = false;
  var rosterEl = document.getElementById('roster');
  var search = document.getElementById('q');
  // The whole list once loaded: {id, name, hon, org, cat, present, key, html}; null until then.
  var guests = null;
  var byId = {};
  var cats = [];

  function plural(n, one, other) {
    var form = rules ? rules.select(n) : (n === 1 ? 'one' : 'other');
    return (form === 'one' ? one : other).replace('{n}', n);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // crypto.randomUUID needs HTTPS; a hall's LAN address may be plain HTTP.
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function load(k) {
    try { return JSON.parse(localStorage.getItem(k) || '[]'); } catch (e) { return []; }
  }
  function queue() { return load(key); }
  function save(q) { localStorage.setItem(key, JSON.stringify(q)); showSync(); }

  function showSync(note) {
    var n = queue().length;
    var box = document.getElementById('sync');
    var text = document.getElementById('sync-text');
    var parts = [];
    if (n > 0) parts.push(plural(n, d.msgPendingOne, d.msgPendingOther));
    if (blocked) parts.push(d.msgSignin);
    else if (!navigator.onLine && n > 0) parts.push(d.msgOffline);
    if (note) parts.push(note);
    text.textContent = parts.join(' — ');
    box.hidden = parts.length === 0;
    box.className = 'sync' + (n > 0 ? ' waiting' : '');
    document.getElementById('sync-retry').hidden = n === 0;
  }

  function add(body) {
    body.client_id = uuid();
    var q = queue();
    q.push(body);
    save(q);
    flush();
    return body.client_id;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 30000);
  }

  function flush() {
    if (sending) return;
    var q = queue();
    if (q.length === 0) return;
    sending = true;
    var mark = q[0];
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(mark)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
    }).then(function (res) {
      sending = false;
      if (res.status === 200 || res.status === 201) {
        blocked = false;
        delay = 1000;
        drop(mark.client_id);
        sent(mark, res.data || {});
        if (res.data && typeof res.data.present === 'number') setPeople(res.data.present);
        flush();
      } else if (res.status === 401 || res.status === 403) {
        // Signed out (or the CSRF token went with the session): keep every mark for later.
        blocked = true;
        showSync();
        schedule();
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        // The server refused this mark for good (closed event, not on the list): show it, undo it here.
        drop(mark.client_id);
        revert(mark);
        var detail = res.data && res.data.error ? (res.data.error.message + ' ' + Object.values(res.data.error.fields || {}).join(' ')) : '';
        showSync(d.msgError + ' : ' + detail);
        flush();
      } else {
        schedule();
      }
    }).catch(function () {
      sending = false;
      showSync();
      schedule();
    });
  }

  function drop(clientId) {
    save(queue().filter(function (m) { return m.client_id !== clientId; }));
  }

  // Marks the server has: kept a while so a reload from the offline copy (older than them) still shows them.
  function sent(mark, data) {
    if (mark.invitation_id) {
      var done = load(doneKey);
      done.push({ inv: mark.invitation_id, undo: !!mark.undo, t: Date.now() });
      localStorage.setItem(doneKey, JSON.stringify(done.slice(-5000)));
    }
    if (mark.walk_in) {
      localStorage.removeItem(key + '.walkin.' + mark.client_id);
      var li = document.querySelector('#walk-ins li[data-client="' + mark.client_id + '"]');
      if (li && data.attendance_id) walkInSent(li, data.attendance_id);
    }
  }

  function setPeople(n) {
    document.getElementById('present-count').textContent = n;
    document.getElementById('present-people').textContent = plural(n, d.msgPeopleOne, d.msgPeopleOther);
  }
  function bumpPeople(by) {
    setPeople(Math.max(0, (parseInt(document.getElementById('present-count').textContent, 10) || 0) + by));
  }
  function bumpGuests(by) {
    var el = document.getElementById('present-guests');
    el.textContent = Math.max(0, (parseInt(el.textContent, 10) || 0) + by);
  }

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function rowHtml(g) {
    return '<li data-inv="' + g.id + '"' + (g.present ? ' class="present"' : '') + '><div class="who"><strong>' + g.nameHtml + '</strong>' +
      g.rest + '</div><form method="post" action="' + url.replace(/marks$/, 'guests/') + g.id + '">' +
      '<button type="submit" class="mark' + (g.present ? ' secondary' : '') + '"><span class="label">' +
      esc(g.present ? d.msgUndo : d.msgPresent) + '</span><span class="sr-only"> ' + g.nameHtml + '</span></button></form></li>';
  }

  function rowOf(inv) { return rosterEl.querySelector('li[data-inv="' + inv + '"]'); }

  function paint(li, present) {
    li.classList.toggle('present', present);
    var button = li.querySelector('button.mark');
    button.querySelector('.label').textContent = present ? d.msgUndo : d.msgPresent;
    button.classList.toggle('secondary', present);
    var undo = li.querySelector('input[name="undo"]');
    if (present && !undo) {
      undo = document.createElement('input');
      undo.type = 'hidden'; undo.name = 'undo'; undo.value = '1';
      li.querySelector('form').appendChild(undo);
    } else if (!present && undo) {
      undo.remove();
    }
  }

  // A guest's state, in the loaded list and on screen.
  function setPresent(inv, present) {
    var g = byId[inv];
    if (g) g.present = present;
    var li = rowOf(inv);
    if (li) paint(li, present);
  }

  function revert(mark) {
    if (mark.invitation_id) {
      setPresent(mark.invitation_id, !!mark.undo);
      bumpGuests(mark.undo ? 1 : -1);
      bumpPeople(mark.undo ? 1 : -1);
    }
  }

  // One tap marks present, a second undoes; the form still works without this script.
  rosterEl.addEventListener('submit', function (e) {
    var li = e.target.closest('li[data-inv]');
    if (!li) return;
    e.preventDefault();
    var inv = parseInt(li.dataset.inv, 10);
    var undo = li.classList.contains('present');
    setPresent(inv, !undo);
    var mark = { invitation_id: inv };
    if (undo) mark.undo = true;
    add(mark);
    bumpGuests(undo ? -1 : 1);
    bumpPeople(undo ? -1 : 1);
  });

  // Walk-ins: listed at once (waiting to be sent), with the confirmation kept in view.
  var walkIn = document.getElementById('walk-in-form');
  var walkList = document.getElementById('walk-ins');
  function chosenLabel(name) {
    var input = walkIn.querySelector('input[name="' + name + '"]:checked');
    return input ? input.parentNode.textContent.trim() : '';
  }
  function describeWalkIn(w, labels) {
    return (w.full_name ? w.full_name + ' · ' : '') + labels.filter(Boolean).join(', ');
  }
  function listWalkIn(text, clientId) {
    var li = document.createElement('li');
    li.dataset.client = clientId;
    li.className = 'pending';
    var span = document.createElement('span');
    span.textContent = text;
    var state = document.createElement('small');
    state.className = 'meta';
    state.textContent = ' (' + d.msgWalkinPending + ')';
    li.appendChild(span);
    li.appendChild(state);
    walkList.insertBefore(li, walkList.firstChild);
    document.getElementById('walk-ins-title').hidden = false;
    return li;
  }
  function walkInSent(li, attendanceId) {
    li.classList.remove('pending');
    var state = li.querySelector('small.meta');
    if (state) state.remove();
    var form = document.createElement('form');
    form.method = 'post';
    form.className = 'inline';
    form.action = url.replace(/marks$/, 'walk-ins/') + attendanceId + '/undo';
    form.innerHTML = '<input type="hidden" name="csrf_token" value="' + esc(csrf) + '"> <button type="submit" class="link">' + esc(d.msgUndo) + '</button>';
    li.appendChild(form);
  }
  walkIn.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = new FormData(walkIn);
    var w = {
      full_name: f.get('full_name') || null,
      organization: f.get('organization') || '',
      gender: f.get('gender') || '',
      age_group: f.get('age_group') || '',
      category: f.get('category') || '',
      region: f.get('region') || ''
    };
    var select = walkIn.querySelector('select[name="category"]');
    var labels = [chosenLabel('gender'), chosenLabel('age_group'), select.value ? select.options[select.selectedIndex].text : ''];
    var text = describeWalkIn(w, labels);
    var clientId = uuid();
    listWalkIn(text, clientId);
    localStorage.setItem(key + '.walkin.' + clientId, text);
    var q = queue();
    q.push({ walk_in: w, client_id: clientId });
    save(q);
    flush();
    var region = f.get('region');
    walkIn.reset();
    walkIn.querySelector('[name="region"]').value = region;
    bumpPeople(1);
    var done = document.getElementById('walk-in-done');
    done.textContent = d.msgWalkin + ' ' + text;
    done.hidden = false;
  });

  // Instant, accent-insensitive search over the whole list (works offline too).
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[’‘ʼ]/g, "'").replace(/œ/g, 'o').replace(/æ/g, 'a').trim().split(/\s+/).join(' ');
  }
  var lastWords = null;
  var lastMatches = null;
  function filter() {
    if (!guests) return;
    var text = fold(search.value);
    var words = text.split(' ').filter(Boolean);
    // Typing one more letter only narrows the last result: search those rows, not the whole list.
    var pool = guests;
    if (lastWords && lastMatches && text.indexOf(lastWords) === 0 && lastWords.length > 0) pool = lastMatches;
    var matches = [];
    for (var i = 0; i < pool.length; i++) {
      var g = pool[i];
      var ok = true;
      for (var j = 0; j < words.length; j++) {
        if (g.key.indexOf(words[j]) < 0) { ok = false; break; }
      }
      if (ok) matches.push(g);
    }
    lastWords = text;
    lastMatches = matches;
    shownUpTo = 0;
    rosterEl.innerHTML = '';
    more(BATCH);
    watchEnd();
    document.getElementById('no-guest').hidden = matches.length > 0;
    document.getElementById('shown').textContent = words.length ? plural(matches.length, d.msgShownOne, d.msgShownOther) : '';
  }

  // A keystroke lays out only the rows a phone shows; the next ones are added as the list is scrolled.
  var BATCH = 12;
  var shownUpTo = 0;
  var sentinel = document.createElement('div');
  sentinel.setAttribute('aria-hidden', 'true');
  rosterEl.parentNode.insertBefore(sentinel, rosterEl.nextSibling);
  function more(n) {
    if (!lastMatches) return;
    var end = Math.min(lastMatches.length, shownUpTo + n);
    if (end <= shownUpTo) return;
    var html = '';
    for (var k = shownUpTo; k < end; k++) html += rowHtml(lastMatches[k]);
    rosterEl.insertAdjacentHTML('beforeend', html);
    shownUpTo = end;
  }
  var observer = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) {
      more(pageSize);
      watchEnd();
    }
  }, { rootMargin: '600px 0px' }) : null;
  // Observing anew reports the current state, on a later frame: the end of a short list is seen too.
  function watchEnd() {
    if (!observer) return more(lastMatches ? lastMatches.length : 0);
    observer.unobserve(sentinel);
    if (lastMatches && shownUpTo < lastMatches.length) observer.observe(sentinel);
  }
  search.addEventListener('input', filter);
  search.form.addEventListener('submit', function (e) {
    if (!guests) return; // before the list has loaded, the server searches
    e.preventDefault();
    filter();
  });

  function useGuests(data) {
    cats = data.cats || [];
    var since = data.at || 0;
    guests = data.guests.map(function (r) {
      var g = { id: r[0], name: r[1], hon: r[2], org: r[3], cat: cats[r[4]] || '', present: r[5] === 1 };
      g.key = fold(g.name + ' ' + g.org + ' ' + g.hon);
      g.nameHtml = esc(g.name);
      g.rest = (g.hon ? ' <span class="meta">' + esc(g.hon) + '</span>' : '') +
        '<small>' + (g.org ? esc(g.org) + ' · ' : '') + esc(g.cat) + '</small>';
      return g;
    });
    byId = {};
    guests.forEach(function (g) { byId[g.id] = g; });
    // Marks the server took after this copy was made, then those still waiting, are laid over it.
    var done = load(doneKey).filter(function (m) { return m.t >= since - 60000; });
    localStorage.setItem(doneKey, JSON.stringify(done));
    done.concat(queue()).forEach(function (m) {
      var inv = m.inv || m.invitation_id;
      if (inv && byId[inv]) byId[inv].present = !m.undo;
    });
    var pager = document.getElementById('pager');
    if (pager) pager.hidden = true;
    var inModel = guests.filter(function (g) { return g.present; }).length;
    var onPage = parseInt(d.serverGuestsPresent, 10) || 0;
    document.getElementById('present-guests').textContent = inModel;
    bumpPeople(inModel - onPage);
    d.serverGuestsPresent = inModel;
    lastWords = null;
    filter();
    root.dataset.loaded = String(guests.length);
  }

  function loadGuests() {
    fetch(d.guestsUrl, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('guest list ' + r.status);
        if (window.caches && !navigator.serviceWorker.controller) {
          // First visit: no worker saw this answer yet, so keep it for the offline reload here.
          var copy = r.clone();
          caches.open('toguna-checkin-v1').then(function (c) { return c.put(new URL(d.guestsUrl, location.href).href, copy); }).catch(function () {});
        }
        return r.json();
      })
      .then(useGuests)
      .catch(function () { /* the server's page of rows stays usable */ });
  }

  // The worker keeps later visits; this visit's page and files are stored now so the first reload offline works.
  function keepForOffline() {
    if (!('serviceWorker' in navigator) || !window.caches) return;
    navigator.serviceWorker.register(d.sw, { scope: d.scope }).catch(function () {});
    if (navigator.serviceWorker.controller) return;
    var files = [location.origin + d.scope];
    document.querySelectorAll('script[src], link[rel="stylesheet"]').forEach(function (el) {
      files.push(el.src || el.href);
    });
    caches.open('toguna-checkin-v1').then(function (c) { return c.addAll(files); }).catch(function () {});
  }

  // A scanned code is checked in on this page, with the same queue as a tap.
  var codeForm = document.getElementById('code-form');
  codeForm.addEventListener('submit', function (e) {
    var code = codeForm.code.value.trim().split('/').pop();
    if (!code) return;
    e.preventDefault();
    add({ checkin_code: code });
    codeForm.code.value = '';
  });
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    var scan = document.getElementById('scan');
    var video = document.getElementById('scan-video');
    scan.hidden = false;
    scan.addEventListener('click', function () {
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        function look() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              video.hidden = true;
              codeForm.code.value = codes[0].rawValue;
              codeForm.requestSubmit();
            } else {
              requestAnimationFrame(look);
            }
          }).catch(function () { requestAnimationFrame(look); });
        }
        look();
      });
    });
  }

  // Marks kept from before a reload are shown as made, then sent.
  queue().forEach(function (m) {
    if (m.invitation_id) {
      var li = rowOf(m.invitation_id);
      if (li) paint(li, !m.undo);
    }
    if (m.walk_in) {
      var text = localStorage.getItem(key + '.walkin.' + m.client_id) || (m.walk_in.full_name || '');
      listWalkIn(text, m.client_id);
      bumpPeople(1);
    }
  });
  document.getElementById('sync-retry').addEventListener('click', function () { delay = 1000; flush(); });
  window.addEventListener('online', function () { delay = 1000; flush(); });
  window.addEventListener('offline', function () { showSync(); });
  showSync();
  loadGuests();
  keepForOffline();
  flush();
})();
