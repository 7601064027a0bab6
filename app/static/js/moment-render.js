// Renders the timestamps that Flask-Moment marks up (<span class="flask-moment" data-...>)
// in the page's language, without inline scripts.
(function () {
  "use strict";

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
    element.style.display = "";
  }

  function renderAll(root) {
    (root || document).querySelectorAll(".flask-moment").forEach(function (element) {
      render(element);
      var refresh = Number(element.dataset.refresh);
      if (refresh > 0) {
        setInterval(function () { render(element); }, refresh);
      }
    });
  }

  moment.locale(document.documentElement.lang || "en");
  window.renderMoments = renderAll;
  document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
})();
