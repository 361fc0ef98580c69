// Print buttons: a handler attached here, because the pages' policy forbids inline onclick.
document.querySelectorAll('[data-print]').forEach(function (button) {
  button.addEventListener('click', function () { window.print(); });
});
