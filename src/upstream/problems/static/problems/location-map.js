/*
 * Places a plan's problem on a map: selecting a spot (a click, or Enter on the focused map for its centre)
 * fills in the scanning form's latitude and longitude, and typing in those boxes moves the marker.
 * Progressive enhancement: without JavaScript, or if Leaflet or the area's GeoJSON fails to load, the map
 * stays hidden and the two boxes are the way in. No tile server: the outlines are the plan's area and the
 * areas inside it. Shared plumbing: window.UpstreamMaps (core/static/js/maps.js).
 */
(function () {
  "use strict";

  function read(input) {
    var value = parseFloat(input.value);
    return isNaN(value) ? null : value;
  }

  function shapedFeatures(collection) {
    return (collection.features || []).filter(function (f) { return f.geometry; });
  }

  if (!window.UpstreamMaps) {
    return;
  }
  window.UpstreamMaps.start("location-map", function (container) {
    var latitude = document.getElementById(container.getAttribute("data-latitude-input"));
    var longitude = document.getElementById(container.getAttribute("data-longitude-input"));
    window.UpstreamMaps.fromUrl(container, {
      section: "location-map-section",
      precondition: function () { return Boolean(latitude && longitude); },
      features: shapedFeatures,
      draw: function (map, collection) {
        return window.L.geoJSON({ type: "FeatureCollection", features: shapedFeatures(collection) }, {
          interactive: false,
          style: { color: "#0b0c0c", weight: 1, fillColor: "#1d70b8", fillOpacity: 0.05 }
        }).addTo(map);
      },
      after: function (map) {
        var marker = null;

        function show(lat, lng) {
          if (marker === null) {
            marker = window.L.circleMarker([lat, lng], {
              radius: 9, color: "#0b0c0c", weight: 2, fillColor: "#d4351c", fillOpacity: 0.9
            }).addTo(map);
          } else {
            marker.setLatLng([lat, lng]);
          }
        }

        function place(point) {
          latitude.value = point.lat.toFixed(6);
          longitude.value = point.lng.toFixed(6);
          show(point.lat, point.lng);
        }

        function follow() {
          var lat = read(latitude);
          var lng = read(longitude);
          if (lat !== null && lng !== null) {
            show(lat, lng);
          }
        }

        follow();
        map.on("click", function (event) { place(event.latlng); });
        container.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            place(map.getCenter());
          }
        });
        latitude.addEventListener("change", follow);
        longitude.addEventListener("change", follow);
      }
    });
  });
})();
