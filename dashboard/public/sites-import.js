/* global document, FileReader */
// The import form works without this file (paste the CSV). With it, a chosen file is read into the
// text box in the browser, so the form still posts plain text with its CSRF token.
(function () {
  'use strict';
  var input = document.getElementById('csv-file');
  var box = document.getElementById('csv');
  if (!input || !box || typeof FileReader === 'undefined') return;
  var hidden = document.querySelectorAll('.js-only');
  for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      box.value = String(reader.result);
    };
    reader.readAsText(file);
  });
})();
