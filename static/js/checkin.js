// checkin.js: the check-in page keeps working when the hall's connection drops.
// Every tap becomes a mark with its own id, kept in localStorage until the server has it;
// the server stores a mark once however often it is resent, so retrying is always safe.
(function () {
  'use strict';
  var root = document.getElementById('checkin');
  if (!root || !window.fetch || !window.localStorage) return;

  var eventId = root.dataset.event;
  var url = root.dataset.marksUrl;
  var key = 'toguna.checkin.' + eventId;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  var msg = root.dataset;
  // Singular or plural by the page's language: the catalog's `.one` form rides on a `-one` data attribute.
  var plurals = new Intl.PluralRules(document.documentElement.lang || 'fr');
  function counted(base, n) {
    var one = msg[base + 'One'];
    return ((plurals.select(n) === 'one' && one) || msg[base]).replace('{n}', n);
  }
  var presentCount = document.getElementById('present-count');
  var presentLabel = document.getElementById('present-label');
  if (presentCount && presentLabel && window.MutationObserver) {
    new MutationObserver(function () {
      var n = parseInt(presentCount.textContent, 10) || 0;
      presentLabel.textContent = plurals.select(n) === 'one' ? presentLabel.dataset.one : presentLabel.dataset.other;
    }).observe(presentCount, { childList: true, characterData: true, subtree: true });
  }
  var sending = false;
  var delay = 1000;
  var timer = null;
  var blocked = false;

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

  function queue() {
    try { return JSON.parse(localStorage.getItem(key) || '[]'); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(key, JSON.stringify(q)); showSync(); }

  function showSync(note) {
    var n = queue().length;
    var box = document.getElementById('sync');
    var text = document.getElementById('sync-text');
    var parts = [];
    if (n > 0) parts.push(counted('msgPending', n));
    if (blocked) parts.push(msg.msgSignin);
    else if (!navigator.onLine && n > 0) parts.push(msg.msgOffline);
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
        if (res.data && typeof res.data.present === 'number') {
          document.getElementById('present-count').textContent = res.data.present;
        }
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
        showSync(msg.msgError + ' : ' + detail);
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

  function rowOf(inv) { return document.querySelector('#roster li[data-inv="' + inv + '"]'); }

  function paint(li, present) {
    li.classList.toggle('present', present);
    var button = li.querySelector('button.mark');
    button.textContent = present ? msg.msgUndo : msg.msgPresent;
    button.classList.toggle('secondary', present);
    var undo = li.querySelector('input[name="undo"]');
    if (present && !undo) {
      undo = document.createElement('input');
      undo.type = 'hidden'; undo.name = 'undo'; undo.value = '1';
      li.querySelector('form').appendChild(undo);
    } else if (!present && undo) {
      undo.remove();
    }
    var count = document.getElementById('present-guests');
    count.textContent = document.querySelectorAll('#roster li.present').length;
  }

  function revert(mark) {
    if (mark.invitation_id) {
      var li = rowOf(mark.invitation_id);
      if (li) paint(li, !!mark.undo);
    }
  }

  // One tap marks present, a second undoes; the form still works without this script.
  document.getElementById('roster').addEventListener('submit', function (e) {
    var li = e.target.closest('li[data-inv]');
    if (!li) return;
    e.preventDefault();
    var undo = li.classList.contains('present');
    paint(li, !undo);
    var mark = { invitation_id: parseInt(li.dataset.inv, 10) };
    if (undo) mark.undo = true;
    add(mark);
    var count = document.getElementById('present-count');
    count.textContent = Math.max(0, (parseInt(count.textContent, 10) || 0) + (undo ? -1 : 1));
  });

  var walkIn = document.getElementById('walk-in-form');
  walkIn.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = new FormData(walkIn);
    add({ walk_in: {
      full_name: f.get('full_name') || null,
      organization: f.get('organization') || '',
      gender: f.get('gender') || '',
      age_group: f.get('age_group') || '',
      category: f.get('category') || '',
      region: f.get('region') || ''
    } });
    var region = f.get('region');
    walkIn.reset();
    walkIn.querySelector('[name="region"]').value = region;
    var count = document.getElementById('present-count');
    count.textContent = (parseInt(count.textContent, 10) || 0) + 1;
    showSync(msg.msgWalkin);
  });

  // Instant, accent-insensitive search over the list already in the page (works offline too).
  var search = document.getElementById('q');
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[’‘ʼ]/g, "'").replace(/œ/g, 'o').replace(/æ/g, 'a').trim().split(/\s+/).join(' ');
  }
  function filter() {
    var words = fold(search.value).split(' ').filter(Boolean);
    var shown = 0;
    document.querySelectorAll('#roster li[data-inv]').forEach(function (li) {
      var ok = words.every(function (w) { return li.dataset.key.indexOf(w) >= 0; });
      li.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = words.length ? counted('msgShown', shown) : '';
  }
  search.addEventListener('input', filter);
  search.form.addEventListener('submit', function (e) { e.preventDefault(); filter(); });

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
  });
  document.getElementById('sync-retry').addEventListener('click', function () { delay = 1000; flush(); });
  window.addEventListener('online', function () { delay = 1000; flush(); });
  window.addEventListener('offline', function () { showSync(); });
  showSync();
  flush();
})();
