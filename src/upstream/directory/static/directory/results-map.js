/*
 * Shows the listed services on a Leaflet map, from the GeoJSON the page carries in data-geojson.
 * Progressive enhancement: the numbered list beside the map is the page, so if Leaflet is missing or there
 * is nothing to show, the map stays hidden. Each point carries its number from the list; choosing it opens
 * the service's page. Shared plumbing: window.UpstreamMaps (core/static/js/maps.js).
 */
(function () {
  "use strict";

  function marker(feature, latlng) {
    if (feature.properties.role === "searched") {
      return window.L.circleMarker(latlng, { radius: 7, color: "#0b0c0c", weight: 3, fillColor: "#ffdd00", fillOpacity: 1 });
    }
    var icon = window.L.divIcon({
      className: "directory-results-map__pin",
      html: "<span>" + String(feature.properties.number) + "</span>",
      iconSize: [28, 28],
      iconAnchor: [14, 14]
    });
    return window.L.marker(latlng, {
      icon: icon,
      keyboard: true,
      title: feature.properties.number + ". " + feature.properties.name,
      alt: feature.properties.number + ". " + feature.properties.name
    });
  }

  function onEachFeature(feature, layer) {
    var label = feature.properties.role === "searched"
      ? feature.properties.name
      : feature.properties.number + ". " + feature.properties.name + (feature.properties.place ? " – " + feature.properties.place : "");
    layer.bindTooltip(label);
    if (feature.properties.url) {
      layer.on("click", function () { window.location.assign(feature.properties.url); });
      layer.on("keypress", function (event) {
        if (event.originalEvent && event.originalEvent.key === "Enter") {
          window.location.assign(feature.properties.url);
        }
      });
    }
  }

  if (!window.UpstreamMaps) {
    return;
  }
  window.UpstreamMaps.start("results-map", function (container) {
    // The GeoJSON is in the page, so there is nothing to fetch: only Leaflet is needed.
    if (!document.getElementById("results-map-section") || typeof window.L === "undefined") {
      return;
    }
    var collection;
    try {
      collection = JSON.parse(container.getAttribute("data-geojson") || "{}");
    } catch (error) {
      return;
    }
    if (!collection.features || collection.features.length === 0) {
      return;
    }
    var map = window.UpstreamMaps.create("results-map-section", container);
    var layer = window.L.geoJSON(collection, { pointToLayer: marker, onEachFeature: onEachFeature }).addTo(map);
    window.UpstreamMaps.ready(map, layer, container, { padding: [24, 24], maxZoom: 15 });
  });
})();
