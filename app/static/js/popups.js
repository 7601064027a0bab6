// User popups: hovering (or focusing) a link with class "user-popup" and a
// data-popup-url shows a Bootstrap popover with the HTML fragment at that URL,
// after a short delay. Fragments are fetched once per page and kept.
(function () {
  "use strict";

  var SHOW_DELAY_MS = 500;
  var HIDE_DELAY_MS = 300;
  var SELECTOR = ".user-popup[data-popup-url]";
  var fragments = new Map(); // url -> Promise of the fragment's HTML
  var current = null; // {link, popover}
  var showTimer = null;
  var hideTimer = null;

  function loadFragment(url) {
    if (!fragments.has(url)) {
      var request = fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok || response.redirected) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .catch(function (error) {
          fragments.delete(url); // try again on the next hover
          throw error;
        });
      fragments.set(url, request);
    }
    return fragments.get(url);
  }

  function toElement(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function errorElement() {
    var element = document.createElement("p");
    element.className = "small text-danger mb-0";
    element.textContent = document.body.dataset.popupError || "";
    return element;
  }

  function tipOf(link) {
    var id = link.getAttribute("aria-describedby");
    return id ? document.getElementById(id) : null;
  }

  function hideCurrent() {
    if (current) {
      current.popover.dispose();
      current = null;
    }
  }

  function show(link, content) {
    if (current && current.link === link) return;
    hideCurrent();
    var popover = new bootstrap.Popover(link, {
      content: content,
      html: true,
      trigger: "manual",
      placement: "bottom",
      container: "body",
      customClass: "user-popover",
    });
    current = { link: link, popover: popover };
    link.addEventListener("inserted.bs.popover", function () {
      var tip = tipOf(link);
      if (!tip) return;
      if (window.renderMoments) window.renderMoments(tip);
      tip.addEventListener("mouseenter", cancelHide);
      tip.addEventListener("mouseleave", scheduleHide);
      tip.addEventListener("focusin", cancelHide);
      tip.addEventListener("focusout", scheduleHide);
    }, { once: true });
    popover.show();
  }

  function scheduleShow(link) {
    cancelHide();
    if (current && current.link === link) return;
    window.clearTimeout(showTimer);
    var url = link.dataset.popupUrl;
    var fragment = loadFragment(url); // start fetching during the delay
    showTimer = window.setTimeout(function () {
      fragment
        .then(function (html) { return toElement(html); }, errorElement)
        .then(function (content) {
          if (link.matches(":hover") || link === document.activeElement) show(link, content);
        });
    }, SHOW_DELAY_MS);
  }

  function cancelHide() {
    window.clearTimeout(hideTimer);
  }

  function scheduleHide() {
    window.clearTimeout(showTimer);
    cancelHide();
    hideTimer = window.setTimeout(hideCurrent, HIDE_DELAY_MS);
  }

  function linkFrom(event) {
    return event.target instanceof Element ? event.target.closest(SELECTOR) : null;
  }

  function leaving(event, link) {
    // Moving between the link's own children is not leaving it.
    return !(event.relatedTarget instanceof Node && link.contains(event.relatedTarget));
  }

  document.addEventListener("mouseover", function (event) {
    var link = linkFrom(event);
    if (link && leaving(event, link)) scheduleShow(link);
  });
  document.addEventListener("mouseout", function (event) {
    var link = linkFrom(event);
    if (link && leaving(event, link)) scheduleHide();
  });
  document.addEventListener("focusin", function (event) {
    var link = linkFrom(event);
    if (link) scheduleShow(link);
  });
  document.addEventListener("focusout", function (event) {
    if (linkFrom(event)) scheduleHide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hideCurrent();
  });
})();
