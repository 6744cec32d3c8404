/* global document */
// Submits the handoff form to the router as soon as the page is ready; without JavaScript the citizen
// presses its button. No router value ever appears in a script (CSP: scripts from this host only).
(function () {
  var form = document.getElementById('handoff');
  if (form) form.submit();
})();
