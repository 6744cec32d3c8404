/* global document, window, fetch */
/* citywifi dashboard, overview: draws the charts from the figures in the page, then fetches
   /api/overview every few seconds (data-refresh-seconds) and updates the figures, the charts and the
   list of sites that are down, without reloading. The page is complete without this script. */
(function () {
  'use strict';

  function drawCharts(model) {
    var canvases = document.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) {
      var spec = model.charts[canvases[i].getAttribute('data-chart')];
      if (spec) window.citywifiCharts.draw(canvases[i], spec);
    }
  }

  function updateFigures(model) {
    var nodes = document.querySelectorAll('[data-figure]');
    for (var i = 0; i < nodes.length; i++) {
      var text = model.figures[nodes[i].getAttribute('data-figure')];
      if (typeof text === 'string' && nodes[i].textContent !== text) nodes[i].textContent = text;
    }
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text || '';
    row.appendChild(td);
    return td;
  }

  function updateDown(model) {
    var rows = document.querySelector('[data-down-rows]');
    var table = document.querySelector('[data-down-table]');
    var none = document.querySelector('[data-down-none]');
    if (!rows || !table || !none) return;
    while (rows.firstChild) rows.removeChild(rows.firstChild);
    model.down.forEach(function (site) {
      var tr = document.createElement('tr');
      var first = cell(tr, '');
      var link = document.createElement('a');
      link.href = site.href;
      link.textContent = site.name;
      var code = document.createElement('span');
      code.className = 'muted';
      code.textContent = ' (' + site.code + ')';
      first.appendChild(link);
      first.appendChild(code);
      cell(tr, site.area);
      cell(tr, site.sinceText);
      cell(tr, site.lastError);
      rows.appendChild(tr);
    });
    table.hidden = model.down.length === 0;
    none.hidden = model.down.length > 0;
  }

  function refresh() {
    fetch('/api/overview', { credentials: 'same-origin', headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) throw new Error('overview ' + response.status);
        return response.json();
      })
      .then(function (model) {
        updateFigures(model);
        drawCharts(model);
        updateDown(model);
        document.documentElement.setAttribute('data-refreshed', model.at);
      })
      .catch(function () {
        /* a lost connection or an ended session: keep what is shown, try again at the next tick */
      });
  }

  function start() {
    var data = document.getElementById('overview-data');
    var model = window.citywifiCharts.readJson('overview-data');
    if (!data || !model) return;
    drawCharts(model);
    var seconds = Number(data.getAttribute('data-refresh-seconds')) || 30;
    window.setInterval(refresh, seconds * 1000);
    // at once on request (another script, or a test that cannot wait 30 seconds)
    window.addEventListener('citywifi:refresh', refresh);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
