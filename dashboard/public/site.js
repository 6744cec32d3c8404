/* global document, window */
/* citywifi dashboard, a site's page: draws its charts from the figures in the page. */
(function () {
  'use strict';
  function start() {
    var model = window.citywifiCharts.readJson('site-data');
    if (!model) return;
    var canvases = document.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) {
      var spec = model.charts[canvases[i].getAttribute('data-chart')];
      if (spec && spec.labels.length > 0) window.citywifiCharts.draw(canvases[i], spec);
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
