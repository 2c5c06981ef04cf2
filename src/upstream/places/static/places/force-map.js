/*
 * The force map: the run's areas from /places/analysis/<id>/areas.geojson, filled with the chosen layer's
 * colour (worked out on the server, the same as the key and the table beside the map). The layer is chosen
 * with the form above the map, which reloads the page, so map, key and table always agree, with or without
 * JavaScript (choosing a radio button never submits by itself: WCAG 3.2.2). Progressive enhancement: if
 * Leaflet or the request fails, the map stays hidden. Shared plumbing: window.UpstreamMaps (core maps.js).
 */
(function () {
  "use strict";

  if (!window.UpstreamMaps) {
    return;
  }
  window.UpstreamMaps.start("force-map", function (container) {
    var layerKey = container.getAttribute("data-layer");
    window.UpstreamMaps.fromUrl(container, {
      section: "force-map-section",
      keepContainer: true,
      draw: function (map, collection) {
        return window.L.geoJSON(collection, {
          style: function (feature) {
            return {
              color: "#505a5f",
              weight: 0.6,
              fillColor: feature.properties[layerKey + "_colour"] || "#ffffff",
              fillOpacity: 0.85
            };
          },
          onEachFeature: function (feature, shape) {
            var p = feature.properties;
            shape.bindTooltip(p.name + " (" + p.code + "): " + p[layerKey + "_label"], { sticky: true });
            shape.on("click", function () {
              window.location.assign(p.url);
            });
            shape.on("mouseover", function () { shape.setStyle({ weight: 3, color: "#0b0c0c" }); });
            shape.on("mouseout", function () { shape.setStyle({ weight: 0.6, color: "#505a5f" }); });
          }
        }).addTo(map);
      }
    });
  });
})();
