// Planner charts: draw every Plotly figure embedded as JSON on the page.
// An element with data-chart="ID" gets the figure in <script type="application/json" id="ID">
// (no inline scripts: the CSP forbids them). Redrawn after htmx swaps new figures in.
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false };

  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.react(el, figure.data, figure.layout || {}, config);
      el.setAttribute("data-drawn", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
