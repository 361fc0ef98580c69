// Live progress while messages wait: a small poll, nothing else on the page depends on script.
(function () {
  var el = document.getElementById('progress');
  if (!el || !window.fetch) return;
  function tick() {
    fetch(el.dataset.url, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (p) {
      ['sent', 'total', 'failed', 'waiting'].forEach(function (k) { document.getElementById('progress-' + k).textContent = p[k]; });
      ['accepted', 'tentative', 'declined', 'none'].forEach(function (k) { document.getElementById('answers-' + k).textContent = p.answers[k] || 0; });
      var box = document.getElementById('job-progress'), queueing = p.job && p.job.status === 'running';
      if (box && p.job) {
        if (queueing) { document.getElementById('job-done').textContent = p.job.done; } else { box.hidden = true; }
      }
      setTimeout(tick, p.waiting > 0 || queueing ? 2000 : 15000);
    }).catch(function () { setTimeout(tick, 5000); });
  }
  var busy = Number(document.getElementById('progress-waiting').textContent) > 0 || document.getElementById('job-progress');
  setTimeout(tick, busy ? 2000 : 15000);
})();
