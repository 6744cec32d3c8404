/* global document, window */
/* citywifi dashboard: Chart.js set-up shared by the pages (Chart.js itself is served from its package,
   /static/vendor/chart.js/). A chart is described by the server as { type, unit, labels, datasets }
   and drawn or redrawn into a canvas; nothing here fetches anything. */
(function () {
  'use strict';
  var drawn = new WeakMap();

  /** How many date or hour labels fit under a chart this wide: about one per 80 px, 3 to 8. */
  function ticksFor(width) {
    return Math.max(3, Math.min(8, Math.floor(width / 80)));
  }

  function config(spec, width) {
    var percent = spec.unit === 'percent';
    return {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return {
            label: d.label,
            data: d.data,
            borderColor: d.color,
            backgroundColor: spec.type === 'bar' ? d.color : d.color + '33',
            fill: spec.type === 'line' && spec.datasets.length === 1,
            pointRadius: spec.labels.length > 60 ? 0 : 2,
            borderWidth: 2,
            spanGaps: false,
            tension: 0.2,
            yAxisID: d.axis || 'y'
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: axes(spec, percent, width),
        // a phone turned, a window resized: fewer or more labels for the new width
        onResize: function (chart, size) {
          chart.options.scales.x.ticks.maxTicksLimit = ticksFor(size.width);
        }
      }
    };
  }

  // Labels are never rotated and never touch: Chart.js skips labels (autoSkip) until the widest,
  // plus autoSkipPadding, fits between two shown ones, and never shows more than maxTicksLimit.
  // It measures only a sample of the labels, so the padding is generous.
  function axes(spec, percent, width) {
    var scales = {
      x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 16, maxTicksLimit: ticksFor(width) } },
      y: { beginAtZero: !percent, suggestedMin: percent ? 90 : 0, max: percent ? 100 : undefined, ticks: { precision: 0 } }
    };
    if (spec.datasets.some(function (d) { return d.axis === 'y2'; })) {
      scales.y2 = { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } };
    }
    return scales;
  }

  /** Draws spec into canvas, or updates the chart already there. */
  function draw(canvas, spec) {
    if (typeof window.Chart !== 'function') return null;
    var chart = drawn.get(canvas);
    var width = (canvas.parentNode && canvas.parentNode.clientWidth) || 320;
    if (!chart) {
      chart = new window.Chart(canvas, config(spec, width));
      drawn.set(canvas, chart);
      return chart;
    }
    var next = config(spec, chart.width || width);
    chart.data.labels = next.data.labels;
    chart.data.datasets = next.data.datasets;
    chart.update('none');
    return chart;
  }

  /** Reads the JSON a page put in <script type="application/json" id="...">. */
  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) return null;
    try {
      return JSON.parse(element.textContent || 'null');
    } catch {
      return null;
    }
  }

  window.citywifiCharts = { draw: draw, readJson: readJson };
})();
