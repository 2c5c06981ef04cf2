/*
 * The force map: the run's areas from /places/analysis/<id>/areas.geojson, filled with the chosen layer's
 * colour (worked out on the server, the same as the key and the table beside the map). The layer is chosen
 * with the form above the map, which reloads the page, so map, key and table always agree, with or without
 * JavaScript (choosing a radio button never submits by itself: WCAG 3.2.2). Progressive enhancement: if Leaflet or the request fails, the map stays hidden.
 */
(function () {
  "use strict";

  function hide() {
    var section = document.getElementById("force-map-section");
    if (section) {
      section.hidden = true;
    }
  }

  function draw(container) {
    if (typeof window.L === "undefined" || typeof window.fetch === "undefined") {
      hide();
      return;
    }
    var layerKey = container.getAttribute("data-layer");
    window.fetch(container.getAttribute("data-geojson-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("GeoJSON request failed: " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        if (!collection.features || collection.features.length === 0) {
          hide();
          return;
        }
        document.getElementById("force-map-section").hidden = false;
        var map = window.L.map(container, { attributionControl: false, zoomSnap: 0.25 });
        var layer = window.L.geoJSON(collection, {
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
        map.fitBounds(layer.getBounds(), { padding: [10, 10] });
        container.setAttribute("data-map-ready", "true");
      })
      .catch(hide);
  }

  function start() {
    var container = document.getElementById("force-map");
    if (container) {
      draw(container);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
