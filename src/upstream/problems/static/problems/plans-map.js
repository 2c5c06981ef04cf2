/*
 * Draws the open problem-solving plans on a Leaflet map, from the dashboard's GeoJSON
 * (/problems/dashboard/plans.geojson, with the same filters as the page).
 * Progressive enhancement: the table beside the map lists the same plans, so if Leaflet or the request
 * fails the map stays hidden. Shared plumbing: window.UpstreamMaps (core/static/js/maps.js).
 */
(function () {
  "use strict";

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.className = "govuk-link";
    link.href = properties.url;
    link.textContent = properties.reference + ": " + properties.title;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(text(properties.stage + ", " + properties.area + ", " + properties.team));
    return box;
  }

  if (!window.UpstreamMaps) {
    return;
  }
  window.UpstreamMaps.start("plans-map", function (container) {
    window.UpstreamMaps.fromUrl(container, {
      section: "plans-map-section",
      fit: { padding: [20, 20], maxZoom: 15 },
      draw: function (map, collection) {
        return window.L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            return window.L.circleMarker(latlng, {
              radius: 8,
              color: "#0b0c0c",
              weight: 2,
              fillColor: feature.properties.placed_by === "plan" ? "#1d70b8" : "#f47738",
              fillOpacity: 0.8
            });
          },
          onEachFeature: function (feature, marker) {
            marker.bindTooltip(feature.properties.reference + ": " + feature.properties.title);
            marker.bindPopup(popup(feature.properties));
          }
        }).addTo(map);
      }
    });
  });
})();
