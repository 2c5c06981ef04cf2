/*
 * Draws an area and its children on a Leaflet map, from the area's GeoJSON (/places/<code>.geojson).
 * Progressive enhancement: the page's table lists the same areas, so if Leaflet or the request fails the
 * map stays hidden. There is no tile server; the map has a plain background.
 */
(function () {
  "use strict";

  function removeMap(container) {
    var section = document.getElementById("area-map-section");
    if (section) {
      section.hidden = true;
    }
    if (container && container.parentNode) {
      container.parentNode.removeChild(container);
    }
  }

  function style(feature) {
    if (feature.properties.role === "area") {
      return { color: "#0b0c0c", weight: 3, fill: false };
    }
    return { color: "#1d70b8", weight: 1, fillColor: "#1d70b8", fillOpacity: 0.12 };
  }

  function onEachFeature(feature, layer) {
    var name = feature.properties.name + " (" + feature.properties.code + ")";
    layer.bindTooltip(name, { sticky: true });
    if (feature.properties.role === "child" && feature.properties.url) {
      layer.on("click", function () {
        window.location.assign(feature.properties.url);
      });
      layer.on("mouseover", function () { layer.setStyle({ fillOpacity: 0.35 }); });
      layer.on("mouseout", function () { layer.setStyle({ fillOpacity: 0.12 }); });
    }
  }

  function draw(container) {
    if (typeof window.L === "undefined" || typeof window.fetch === "undefined") {
      removeMap(container);
      return;
    }
    var url = container.getAttribute("data-geojson-url");
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("GeoJSON request failed: " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        if (!collection.features || collection.features.length === 0) {
          removeMap(container);
          return;
        }
        // Leaflet measures its container, so the section is shown before the map is made.
        document.getElementById("area-map-section").hidden = false;
        var map = window.L.map(container, { attributionControl: false, zoomSnap: 0.25 });
        // Children first, so the area's own outline is drawn on top of them.
        var ordered = collection.features.slice().sort(function (a, b) {
          return (a.properties.role === "area") - (b.properties.role === "area");
        });
        var layer = window.L.geoJSON({ type: "FeatureCollection", features: ordered }, {
          style: style,
          onEachFeature: onEachFeature
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [10, 10] });
        container.setAttribute("data-map-ready", "true");
      })
      .catch(function () {
        removeMap(container);
      });
  }

  function start() {
    var container = document.getElementById("area-map");
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
