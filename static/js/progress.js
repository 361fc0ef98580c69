// Live progress while messages wait: a small poll, nothing else on the page depends on script.
(function () {
  var el = document.getElementById('progress');
  if (!el || !window.fetch) return;
  function tick() {
    fetch(el.dataset.url, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (p) {
      ['sent', 'total', 'failed', 'waiting'].forEach(function (k) { document.getElementById('progress-' + k).textContent = p[k]; });
      ['accepted', 'tentative', 'declined', 'none'].forEach(function (k) { document.getElementById('answers-' + k).textContent = p.answers[k] || 0; });
      setTimeout(tick, p.waiting > 0 ? 2000 : 15000);
    }).catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, Number(document.getElementById('progress-waiting').textContent) > 0 ? 2000 : 15000);
})();
