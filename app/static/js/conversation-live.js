// The conversation page, live: a message either person sends (from any tab, the form or the
// API) arrives over the socket and is loaded at once; the reply box sends over the socket with
// an acknowledgement, and falls back to the form's own way of posting when the socket is down.
// Newer messages are loaded by conversation.js: through window.microblogConversation, or by
// the "composer:sent" event a composer fires after sending.
(function () {
  "use strict";

  var live = window.microblogRealtime;
  var thread = document.getElementById("message-thread");
  var form = document.querySelector("form.reply-form, form[data-composer]");
  if (!live || !thread || !form) return;

  // The other person's username is the last part of the conversation's URL.
  var path = new URL(thread.dataset.url, window.location.href).pathname;
  var other = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  var textarea = form.querySelector("textarea[name=message]");
  var button = form.querySelector("[type=submit]");

  function isOurs(message) {
    var names = [message.sender.toLowerCase(), message.recipient.toLowerCase()];
    return names.indexOf(other.toLowerCase()) !== -1;
  }

  function loadNewer() {
    if (window.microblogConversation) window.microblogConversation.loadNewer();
    else form.dispatchEvent(new CustomEvent("composer:sent", { bubbles: true }));
  }

  function showError(text) {
    var box = form.querySelector(".chat-composer-error, .live-error");
    if (!box) {
      box = document.createElement("div");
      box.className = "live-error invalid-feedback d-block";
      form.append(box);
    }
    box.textContent = text;
  }

  live.on("message", function (message) {
    if (isOurs(message) && !document.getElementById("message" + message.id)) loadNewer();
  });

  // On the form itself, so it runs before any document-level handler, which then sees defaultPrevented.
  form.addEventListener("submit", function (event) {
    var body = textarea.value.trim();
    if (event.defaultPrevented || !body || !live.isConnected()) return; // the form posts its own way
    event.preventDefault();
    button.disabled = true;
    live.request("send_message", { recipient: other, body: body, key: live.messageKey(form) }).then(function (answer) {
      button.disabled = false;
      if (answer && answer.ok) {
        textarea.value = "";
        textarea.dispatchEvent(new Event("input", { bubbles: true })); // counters and sizes follow
        showError("");
        loadNewer();
      } else {
        showError((answer && answer.error) || "");
      }
    }, function () {
      button.disabled = false;
      form.submit(); // no acknowledgement: send it the old way
    });
  });
})();
