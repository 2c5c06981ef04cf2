/*
 * The plumbing every Leaflet map page shares (window.UpstreamMaps). Maps are progressive enhancement
 * only: each page has a table or list with the same facts, and its map section starts hidden, so if
 * Leaflet, fetch or the GeoJSON request fails the section stays (or is put back) hidden. There is no tile
 * server; maps have a plain background. Loaded (deferred) after leaflet.js and before the page's script.
 */
(function () {
  "use strict";

  // Runs fn(container) once the page is parsed, if the page has the map container.
  function start(containerId, fn) {
    function run() {
      var container = document.getElementById(containerId);
      if (container) {
        fn(container);
      }
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  }

  function available() {
    return typeof window.L !== "undefined" && typeof window.fetch !== "undefined";
  }

  // Hides the map's section and, if given, takes the container out of the page.
  function hide(sectionId, container) {
    var section = document.getElementById(sectionId);
    if (section) {
      section.hidden = true;
    }
    if (container && container.parentNode) {
      container.parentNode.removeChild(container);
    }
  }

  function fetchGeoJSON(url) {
    return window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("GeoJSON request failed: " + response.status);
        }
        return response.json();
      });
  }

  // Shows the section, then makes the map: Leaflet measures its container, so the order matters.
  function create(sectionId, container) {
    document.getElementById(sectionId).hidden = false;
    return window.L.map(container, { attributionControl: false, zoomSnap: 0.25 });
  }

  // Fits the map to the layer and marks the container ready (the browser tests wait for data-map-ready).
  function ready(map, layer, container, fitOptions) {
    map.fitBounds(layer.getBounds(), fitOptions || { padding: [10, 10] });
    container.setAttribute("data-map-ready", "true");
  }

  /*
   * The usual map: fetch the container's data-geojson-url and draw it. options:
   *   section: the id of the map's section;
   *   keepContainer: on failure hide only the section, leaving the container in place;
   *   features(collection): the features worth drawing (default: all of them); none hides the map;
   *   precondition(container): false hides the map before anything is fetched;
   *   draw(map, collection, container): adds the layers and returns the one to fit the map to;
   *   fit: fitBounds options (default: 10 px padding);
   *   after(map, layer, container): anything to do once the map is drawn and fitted, before it is marked
 *   ready (data-map-ready).
   */
  function fromUrl(container, options) {
    function fail() {
      hide(options.section, options.keepContainer ? null : container);
    }
    if (!available() || (options.precondition && !options.precondition(container))) {
      fail();
      return;
    }
    fetchGeoJSON(container.getAttribute("data-geojson-url"))
      .then(function (collection) {
        var features = options.features ? options.features(collection) : collection.features;
        if (!features || features.length === 0) {
          fail();
          return;
        }
        var map = create(options.section, container);
        var layer = options.draw(map, collection, container);
        map.fitBounds(layer.getBounds(), options.fit || { padding: [10, 10] });
        if (options.after) {
          options.after(map, layer, container);
        }
        container.setAttribute("data-map-ready", "true");
      })
      .catch(fail);
  }

  window.UpstreamMaps = {
    start: start,
    available: available,
    hide: hide,
    fetchGeoJSON: fetchGeoJSON,
    create: create,
    ready: ready,
    fromUrl: fromUrl
  };
})();
