/*
 * Draws a plan's areas shaded by how many of its events happened in each, from
 * /problems/<id>/concentration.geojson. Progressive enhancement: the page's "Events by area" table has the
 * same figures, so if Leaflet or the request fails the map stays hidden. Shared plumbing:
 * window.UpstreamMaps (core/static/js/maps.js).
 */
(function () {
  "use strict";

  if (!window.UpstreamMaps) {
    return;
  }
  window.UpstreamMaps.start("events-map", function (container) {
    window.UpstreamMaps.fromUrl(container, {
      section: "events-map-section",
      draw: function (map, collection) {
        var most = Math.max.apply(null, collection.features.map(function (f) { return f.properties.events; }));
        return window.L.geoJSON(collection, {
          style: function (feature) {
            return {
              color: "#0b0c0c",
              weight: 1,
              fillColor: "#1d70b8",
              fillOpacity: 0.1 + 0.7 * (feature.properties.events / most)
            };
          },
          onEachFeature: function (feature, shape) {
            var p = feature.properties;
            shape.bindTooltip(p.name + " (" + p.code + "): " + p.events, { sticky: true });
          }
        }).addTo(map);
      }
    });
  });
})();
