/*
 * Draws a plan's areas shaded by how many of its events happened in each, from
 * /problems/<id>/concentration.geojson. Progressive enhancement: the page's "Events by area" table has the
 * same figures, so if Leaflet or the request fails the map stays hidden. No tile server.
 */
(function () {
  "use strict";

  function hide(container) {
    var section = document.getElementById("events-map-section");
    if (section) {
      section.hidden = true;
    }
    if (container && container.parentNode) {
      container.parentNode.removeChild(container);
    }
  }

  function draw(container) {
    if (typeof window.L === "undefined" || typeof window.fetch === "undefined") {
      hide(container);
      return;
    }
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
          hide(container);
          return;
        }
        var most = Math.max.apply(null, collection.features.map(function (f) { return f.properties.events; }));
        document.getElementById("events-map-section").hidden = false;
        var map = window.L.map(container, { attributionControl: false, zoomSnap: 0.25 });
        var layer = window.L.geoJSON(collection, {
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
        map.fitBounds(layer.getBounds(), { padding: [10, 10] });
        container.setAttribute("data-map-ready", "true");
      })
      .catch(function () {
        hide(container);
      });
  }

  function start() {
    var container = document.getElementById("events-map");
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
