/* global document */
// The map works without this file. It only writes what is under a finger into the caption, because
// touch screens show no SVG titles: a tap on a kelurahan says its figure; a tap on a dot opens the site.
(function () {
  'use strict';
  var map = document.querySelector('svg.city-map');
  var info = document.getElementById('map-info');
  if (!map || !info) return;
  map.addEventListener('click', function (event) {
    var target = event.target;
    if (!target || target.tagName !== 'path' || !target.closest('.kelurahan')) return;
    var title = target.querySelector('title');
    if (title) info.textContent = title.textContent;
  });
})();
