/*
 * Draws an area and its children on a Leaflet map, from the area's GeoJSON (/places/<code>.geojson).
 * Progressive enhancement: the page's table lists the same areas, so if Leaflet or the request fails the
 * map stays hidden. The shared plumbing is window.UpstreamMaps (core/static/js/maps.js).
 */
(function () {
  "use strict";

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

  if (!window.UpstreamMaps) {
    return;
  }
  window.UpstreamMaps.start("area-map", function (container) {
    window.UpstreamMaps.fromUrl(container, {
      section: "area-map-section",
      draw: function (map, collection) {
        // Children first, so the area's own outline is drawn on top of them.
        var ordered = collection.features.slice().sort(function (a, b) {
          return (a.properties.role === "area") - (b.properties.role === "area");
        });
        return window.L.geoJSON({ type: "FeatureCollection", features: ordered }, {
          style: style,
          onEachFeature: onEachFeature
        }).addTo(map);
      }
    });
  });
})();
