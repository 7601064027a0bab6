// The chat reply box (form[data-composer]), shared by conversations and chat rooms:
// Enter sends, Shift+Enter starts a new line, the box grows with its text, and sending
// posts the form with fetch (Accept: application/json), so the page and your place in it
// stay. On success the box empties and the form fires "composer:sent" with the server's
// JSON answer in event.detail; the page listens to show the message. A refused message
// stays in the box with the reason under it. post-counter.js refuses over-long texts first.
(function () {
  "use strict";

  var MAX_HEIGHT_PX = 160;

  function autosize(box) {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight + 2, MAX_HEIGHT_PX) + "px";
  }

  function showError(form, text) {
    var slot = form.querySelector(".chat-composer-error");
    if (slot) slot.textContent = text || "";
  }

  function firstError(answer) {
    var errors = (answer && answer.errors) || {};
    var messages = errors.message || errors.csrf_token || Object.values(errors)[0];
    return Array.isArray(messages) ? messages.join(" ") : messages;
  }

  function send(form) {
    var box = form.querySelector("textarea");
    if (!box || !box.value.trim() || form.dataset.sending === "true") return;
    form.dataset.sending = "true";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) throw new Error(firstError(answer) || form.dataset.sendError);
          return answer;
        });
      })
      .then(function (answer) {
        box.value = "";
        autosize(box);
        box.dispatchEvent(new Event("input", { bubbles: true })); // the counter and the button follow
        showError(form, "");
        form.dispatchEvent(new CustomEvent("composer:sent", { detail: answer, bubbles: true }));
      })
      .catch(function (error) {
        showError(form, error && error.message ? error.message : form.dataset.sendError);
      })
      .finally(function () {
        form.dataset.sending = "false";
        box.focus();
      });
  }

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.form || !box.form.matches("[data-composer]")) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      box.form.requestSubmit();
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target instanceof HTMLTextAreaElement && event.target.closest("[data-composer]")) autosize(event.target);
  });

  // Registered after post-counter.js's listener, so an over-long text is already refused here.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-composer]") || event.defaultPrevented) return;
    event.preventDefault();
    send(form);
  });
})();
