// The Translate link under a post: asks the server for a translation and shows it in
// place of the link. The URL and every word shown come from the link's data- attributes,
// which the page renders in the reader's language.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function show(slot, text, className, language) {
    var span = document.createElement("span");
    span.className = className;
    if (language) span.lang = language;
    span.textContent = text;
    slot.replaceChildren(span);
  }

  function translate(link) {
    var slot = link.parentElement;
    var source = document.getElementById("post" + link.dataset.postId);
    var failed = link.dataset.failed;
    show(slot, link.dataset.working, "translation-working text-muted");
    fetch(link.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken()
      },
      body: JSON.stringify({
        text: source ? source.textContent : "",
        source_language: link.dataset.sourceLanguage,
        dest_language: link.dataset.destLanguage,
        post_id: Number(link.dataset.postId)
      })
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (answer) {
        if (typeof answer.text !== "string") throw new Error("no text in the answer");
        show(slot, answer.text, "translated", link.dataset.destLanguage);
      })
      .catch(function () {
        show(slot, failed, "translation-failed text-danger");
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.translate-link");
    if (!link) return;
    event.preventDefault();
    translate(link);
  });
})();
