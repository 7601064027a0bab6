// A live character counter for text boxes with data-max-length: it counts down as you
// type, turns red past the limit, and the form refuses to send an over-long text rather
// than cutting it (the server refuses it too). The counter is the element whose id is the
// box's data-counter attribute.
(function () {
  "use strict";

  function length(text) {
    return Array.from(text.trim()).length; // characters, not UTF-16 units, as the server counts
  }

  function update(box) {
    var counter = document.getElementById(box.dataset.counter);
    var left = Number(box.dataset.maxLength) - length(box.value);
    var form = box.form;
    var over = left < 0;
    if (counter) {
      (counter.querySelector("[data-count]") || counter).textContent = String(left);
      counter.classList.toggle("is-over", over);
      counter.classList.toggle("is-near", !over && left <= 20);
    }
    box.classList.toggle("is-invalid", over);
    box.setAttribute("aria-invalid", String(over));
    if (form) {
      form.querySelectorAll("[type=submit]").forEach(function (button) {
        button.disabled = over || length(box.value) === 0;
      });
    }
  }

  function boxes() {
    return document.querySelectorAll("textarea[data-max-length], input[data-max-length]");
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-max-length]")) update(event.target);
  });
  document.addEventListener("submit", function (event) {
    var box = event.target.querySelector("[data-max-length]");
    if (box && length(box.value) > Number(box.dataset.maxLength)) {
      event.preventDefault(); // refuse, never cut
      update(box);
      box.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    boxes().forEach(function (box) {
      update(box);
      if (box.id && window.location.hash === "#" + box.id) box.focus(); // "New post" links to #post
    });
  });
})();
