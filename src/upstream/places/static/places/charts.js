/*
 * Draws the Vega-Lite charts of the places pages in the browser (vega-embed), with Vega's CSP-safe
 * expression interpreter (`ast: true`), since the strict Content-Security-Policy forbids the default parser's
 * `new Function`. Progressive enhancement: the server's SVG of the same chart shows until the Vega chart is
 * drawn, and stays if anything fails; the table beside each chart always holds the same numbers.
 */
(function () {
  "use strict";

  function draw(container) {
    var spec;
    try {
      spec = JSON.parse(container.getAttribute("data-vega-spec"));
    } catch (error) {
      return;
    }
    var fallback = document.getElementById(container.getAttribute("data-fallback"));
    container.hidden = false;
    window.vegaEmbed(container, spec, {
      renderer: "svg",
      actions: false,
      defaultStyle: false, // vega-embed would otherwise add a <style> element, which the CSP refuses
      tooltip: false,
      ast: true,
      expr: window.vegaExpressionInterpreter
    })
      .then(function () {
        if (fallback) {
          fallback.hidden = true;
        }
        container.setAttribute("data-chart-ready", "true");
      })
      .catch(function () {
        container.hidden = true;
      });
  }

  function start() {
    if (typeof window.vegaEmbed === "undefined" || typeof window.vegaExpressionInterpreter === "undefined") {
      return;
    }
    var charts = document.querySelectorAll("[data-vega-spec]");
    for (var i = 0; i < charts.length; i += 1) {
      draw(charts[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
