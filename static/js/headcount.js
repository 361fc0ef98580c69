// Running totals, and a client id so a double tap or a resent form counts once.
(function () {
  var form = document.getElementById('headcount-form');
  var id = document.getElementById('client_id');
  if (!id.value) id.value = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  function sum() {
    var total = 0;
    form.querySelectorAll('tbody tr').forEach(function (tr) {
      var row = 0;
      tr.querySelectorAll('input.count').forEach(function (i) { row += parseInt(i.value, 10) || 0; });
      tr.querySelector('.row-total').textContent = row;
      total += row;
    });
    document.getElementById('grid-total').textContent = total;
  }
  form.addEventListener('input', sum);
  sum();
})();
