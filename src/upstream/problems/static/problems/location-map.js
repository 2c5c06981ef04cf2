/*
 * Places a plan's problem on a map: selecting a spot (a click, or Enter on the focused map for its centre)
 * fills in the scanning form's latitude and longitude, and typing in those boxes moves the marker.
 * Progressive enhancement: without JavaScript, or if Leaflet or the area's GeoJSON fails to load, the map
 * stays hidden and the two boxes are the way in. No tile server: the outlines are the plan's area and the
 * areas inside it.
 */
(function () {
  "use strict";

  function hide(container) {
    var section = document.getElementById("location-map-section");
    if (section) {
      section.hidden = true;
    }
    if (container && container.parentNode) {
      container.parentNode.removeChild(container);
    }
  }

  function read(input) {
    var value = parseFloat(input.value);
    return isNaN(value) ? null : value;
  }

  function draw(container) {
    var latitude = document.getElementById(container.getAttribute("data-latitude-input"));
    var longitude = document.getElementById(container.getAttribute("data-longitude-input"));
    if (typeof window.L === "undefined" || typeof window.fetch === "undefined" || !latitude || !longitude) {
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
        var shaped = (collection.features || []).filter(function (f) { return f.geometry; });
        if (shaped.length === 0) {
          hide(container);
          return;
        }
        document.getElementById("location-map-section").hidden = false;
        var map = window.L.map(container, { attributionControl: false, zoomSnap: 0.25 });
        var layer = window.L.geoJSON({ type: "FeatureCollection", features: shaped }, {
          interactive: false,
          style: { color: "#0b0c0c", weight: 1, fillColor: "#1d70b8", fillOpacity: 0.05 }
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [10, 10] });
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
        container.setAttribute("data-map-ready", "true");
      })
      .catch(function () {
        hide(container);
      });
  }

  function start() {
    var container = document.getElementById("location-map");
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
