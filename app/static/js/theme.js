// Colour mode: "light", "dark" or "auto" (follow the device), remembered in localStorage.
// Loaded in <head> without defer, so data-bs-theme is set before the page is painted;
// the switch's buttons ([data-theme-value]) are wired up once the page has loaded.
(function () {
  "use strict";

  var KEY = "microblog-theme";
  var darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : "auto";
    } catch (error) {
      return "auto"; // storage blocked: follow the device
    }
  }

  function apply(choice) {
    var theme = choice === "auto" ? (darkQuery.matches ? "dark" : "light") : choice;
    document.documentElement.setAttribute("data-bs-theme", theme);
    document.querySelectorAll("[data-theme-value]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.themeValue === choice));
    });
  }

  function choose(choice) {
    try {
      if (choice === "auto") window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, choice);
    } catch (error) { /* not remembered, still applied */ }
    apply(choice);
  }

  apply(stored());
  darkQuery.addEventListener("change", function () { apply(stored()); });
  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    document.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-theme-value]") : null;
      if (button) choose(button.dataset.themeValue);
    });
  });
})();
