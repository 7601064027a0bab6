// The picture upload on the edit profile page: a file over the size the server takes
// (the input's data-max-bytes) is refused here, before it is sent, with the server's own
// words; the server checks the size and the content again.
(function () {
  "use strict";

  document.querySelectorAll("form.avatar-upload").forEach(function (form) {
    var input = form.querySelector("input[type=file][data-max-bytes]");
    var error = form.querySelector(".avatar-size-error");
    if (!input || !error) {
      return;
    }
    var maximum = Number(input.dataset.maxBytes);

    function check() {
      var file = input.files && input.files[0];
      var tooBig = Boolean(file) && file.size > maximum;
      error.textContent = tooBig ? error.dataset.message : "";
      error.hidden = !tooBig;
      input.classList.toggle("is-invalid", tooBig);
      input.setAttribute("aria-invalid", String(tooBig));
      form.querySelectorAll("[type=submit]").forEach(function (button) {
        button.disabled = tooBig;
      });
      return !tooBig;
    }

    input.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
      }
    });
  });
})();
