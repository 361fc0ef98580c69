// import.js: progress of a CSV import. The upload goes through XMLHttpRequest so the page can
// show how much of the file is sent, then that the server is checking it; the confirmation
// shows how many lines are being imported. Without the script the forms work as plain forms.
(function () {
  'use strict';
  var upload = document.querySelector('form[data-import-upload]');
  if (upload && window.XMLHttpRequest && window.FormData) {
    upload.addEventListener('submit', function (e) {
      var status = upload.querySelector('.import-progress');
      if (!status) return;
      e.preventDefault();
      var bar = status.querySelector('progress');
      var button = upload.querySelector('button[type="submit"]');
      status.hidden = false;
      if (button) button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', upload.action);
      xhr.upload.onprogress = function (p) {
        if (p.lengthComputable && bar) bar.value = Math.round(100 * p.loaded / p.total);
      };
      xhr.upload.onload = function () {
        if (bar) bar.removeAttribute('value');
        status.querySelector('[data-sending]').hidden = true;
        status.querySelector('[data-checking]').hidden = false;
      };
      xhr.onload = function () {
        // The request followed the redirect: the response is the preview (or the upload page
        // with its refusal), shown as it is rather than fetched and checked a second time.
        if (xhr.responseURL && window.history && history.replaceState) {
          history.replaceState(null, '', xhr.responseURL);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = function () {
        status.hidden = true;
        if (button) button.disabled = false;
        upload.submit();
      };
      xhr.send(new FormData(upload));
    });
  }
  var confirm = document.querySelector('form[data-import-progress]');
  if (confirm) {
    confirm.addEventListener('submit', function () {
      var status = confirm.querySelector('.import-progress');
      if (status) status.hidden = false;
    });
  }
})();
