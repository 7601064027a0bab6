// Renders the timestamps marked up as <time class="flask-moment" data-...> (or Flask-Moment's
// spans) in the page's language, without inline scripts. Relative times ("3 minutes ago",
// data-refresh) are rendered again every minute, by one timer for the whole page.
(function () {
  "use strict";

  var REFRESH_MS = 60000;

  function render(element) {
    var timestamp = moment(element.dataset.timestamp);
    var args = [];
    if (element.dataset.format) args.push(element.dataset.format);
    if (element.dataset.timestamp2) args.push(moment(element.dataset.timestamp2));
    if (element.dataset.nosuffix) args.push(element.dataset.nosuffix);
    if (element.dataset.units) args.push(element.dataset.units);
    element.textContent = timestamp[element.dataset.function].apply(timestamp, args);
    element.title = timestamp.format("LLLL");
    element.classList.remove("flask-moment");
    if (Number(element.dataset.refresh) > 0) element.classList.add("moment-live");
    element.style.display = "";
  }

  function renderAll(root) {
    (root || document).querySelectorAll(".flask-moment").forEach(render);
  }

  moment.locale(document.documentElement.lang || "en");
  window.renderMoments = renderAll;
  document.addEventListener("DOMContentLoaded", function () {
    renderAll(document);
    window.setInterval(function () {
      document.querySelectorAll(".moment-live").forEach(render);
    }, REFRESH_MS);
  });
})();
