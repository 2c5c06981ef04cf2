/*
 * Draws the open problem-solving plans on a Leaflet map, from the dashboard's GeoJSON
 * (/problems/dashboard/plans.geojson, with the same filters as the page).
 * Progressive enhancement: the table beside the map lists the same plans, so if Leaflet or the request
 * fails the map stays hidden. There is no tile server; the map has a plain background.
 */
(function () {
  "use strict";

  function hide(container) {
    var section = document.getElementById("plans-map-section");
    if (section) {
      section.hidden = true;
    }
    if (container && container.parentNode) {
      container.parentNode.removeChild(container);
    }
  }

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
        document.getElementById("plans-map-section").hidden = false;
        var map = window.L.map(container, { attributionControl: false, zoomSnap: 0.25 });
        var layer = window.L.geoJSON(collection, {
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
        map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 15 });
        container.setAttribute("data-map-ready", "true");
      })
      .catch(function () {
        hide(container);
      });
  }

  function start() {
    var container = document.getElementById("plans-map");
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
