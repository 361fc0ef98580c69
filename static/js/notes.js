// notes.js: autosave of debate notes (server and local drafts).
// Every keystroke is copied to localStorage at once; every few seconds, and when the field or
// the page loses focus, the draft goes to the server over the version it started from. When
// the session or the connection is gone the local copy stays, and the page offers it back.
(function () {
  'use strict';
  var form = document.getElementById('note-form');
  if (!form || !window.fetch || !window.JSON || !window.localStorage) return;

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  var msg = form.dataset;
  var eventId = msg.event;
  var noteId = msg.note || '';
  var version = Number(form.elements.version.value || 0);
  var status = document.getElementById('autosave-status');
  var conflictBox = document.getElementById('note-conflict-live');
  var restoreBox = document.getElementById('note-restore');
  var FIELDS = ['topic', 'body', 'speaker_category', 'speaker_name'];
  var dirty = false;
  var saving = false;
  var conflict = null;
  var submitting = false;
  var submitWhenSaved = false;

  function keyFor(id) { return 'toguna.note.' + eventId + '.' + (id || 'new'); }
  function values() {
    var v = {};
    FIELDS.forEach(function (f) { v[f] = form.elements[f].value; });
    v.speaker_agreed = form.elements.speaker_agreed.checked;
    return v;
  }
  function fill(v) {
    FIELDS.forEach(function (f) { form.elements[f].value = v[f] || ''; });
    form.elements.speaker_agreed.checked = !!v.speaker_agreed;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function readLocal() {
    try { return JSON.parse(localStorage.getItem(keyFor(noteId)) || 'null'); } catch (e) { return null; }
  }
  function keepLocal() {
    try {
      localStorage.setItem(keyFor(noteId), JSON.stringify({ values: values(), version: version, at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }
  function dropLocal(id) { try { localStorage.removeItem(keyFor(id)); } catch (e) { /* nothing kept */ } }
  function hhmm(date) { return ('0' + date.getHours()).slice(-2) + ':' + ('0' + date.getMinutes()).slice(-2); }
  function show(text, kind) { status.textContent = text; status.className = 'autosave ' + kind; }

  function setVersion(v) { version = v; form.elements.version.value = String(v); }
  function becomeNote(note) {
    // The first server copy of a new note: from now on this form edits that note.
    dropLocal('');
    noteId = String(note.id);
    form.dataset.note = noteId;
    form.action = '/events/' + eventId + '/notes/' + noteId;
  }

  function save(leaving) {
    if (!dirty || saving || conflict || submitting) return;
    var v = values();
    if (!v.body.trim()) return;
    var body = v;
    var url = '/events/' + eventId + '/notes.json';
    var method = 'POST';
    if (noteId) {
      body = Object.assign({ version: version }, v);
      url = '/events/' + eventId + '/notes/' + noteId;
      method = 'PUT';
    }
    saving = true;
    dirty = false;
    fetch(url, {
      method: method,
      credentials: 'same-origin',
      redirect: 'manual',
      keepalive: !!leaving,
      headers: { 'content-type': 'application/json', 'accept': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.ok) return r.json().then(saved);
      dirty = true;
      if (r.status === 401 || r.type === 'opaqueredirect') return show(msg.msgExpired, 'error');
      if (r.status === 409) return r.json().then(stale);
      if (r.status === 422) {
        return r.json().then(function (e) {
          var fields = (e.error && e.error.fields) || {};
          show(msg.msgInvalid + ' ' + Object.keys(fields).map(function (k) { return fields[k]; }).join(' '), 'error');
        });
      }
      show(r.status === 403 ? msg.msgRefused : msg.msgLocal, 'error');
    }).catch(function () {
      dirty = true;
      show(msg.msgLocal, 'local');
    }).then(function () {
      saving = false;
      // The form waited for this save, so it posts the version the server has just returned.
      if (submitWhenSaved) HTMLFormElement.prototype.submit.call(form);
    });
  }

  function saved(note) {
    if (!noteId) becomeNote(note);
    setVersion(note.version);
    // Typed while the request was out: the local copy is still ahead of the server.
    if (dirty) keepLocal(); else dropLocal(noteId);
    show(msg.msgSaved.replace('{time}', hhmm(new Date())), 'saved');
  }

  function stale(c) {
    conflict = c.current;
    conflictBox.querySelector('.stored-text').textContent = c.current.body;
    conflictBox.hidden = false;
    show(msg.msgConflict, 'error');
  }

  conflictBox.addEventListener('click', function (e) {
    var action = e.target.getAttribute('data-action');
    if (!action || !conflict) return;
    setVersion(conflict.version);
    if (action === 'take-theirs') {
      fill({
        topic: conflict.topic, body: conflict.body, speaker_category: conflict.speaker_category || '',
        speaker_name: conflict.speaker_name, speaker_agreed: !!conflict.speaker_name
      });
      dropLocal(noteId);
      dirty = false;
      show('', '');
    } else {
      // Keeping mine is a deliberate overwrite of the version the writer has now seen.
      dirty = true;
      keepLocal();
    }
    conflict = null;
    conflictBox.hidden = true;
    save();
  });

  function offerRestore() {
    var local = readLocal();
    if (!local) return;
    var serverTime = Number(msg.updated || 0);
    var submitted = msg.justSaved === '1' && !noteId;
    if (submitted || local.at <= serverTime || same(local.values, values())) {
      dropLocal(noteId);
      return;
    }
    restoreBox.querySelector('.restore-time').textContent = hhmm(new Date(local.at));
    restoreBox.hidden = false;
    restoreBox.addEventListener('click', function (e) {
      var action = e.target.getAttribute('data-action');
      if (!action) return;
      restoreBox.hidden = true;
      if (action === 'restore') {
        fill(local.values);
        // Saving over the version the draft started from: if the note moved on, that is a conflict.
        if (noteId && local.version) setVersion(local.version);
        dirty = true;
        show(msg.msgLocal, 'local');
        save();
      } else {
        dropLocal(noteId);
      }
    });
  }

  form.addEventListener('input', function () {
    dirty = true;
    keepLocal();
    if (!saving && !conflict) show(msg.msgLocal, 'local');
  });
  form.addEventListener('change', function () { dirty = true; keepLocal(); });
  form.addEventListener('focusout', function () { save(); });
  form.addEventListener('submit', function (e) {
    submitting = true;
    if (saving) {
      e.preventDefault();
      submitWhenSaved = true;
    }
  });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') save(true);
  });
  window.addEventListener('pagehide', function () { save(true); });
  window.addEventListener('online', function () { save(); });
  setInterval(save, 5000);
  offerRestore();
})();
