// Like and repost buttons under posts (templates/main/_post_social.html): each is a POST form
// that works without this script; with it, the form is sent in the background with the CSRF
// header and the button and its count change in place. The URLs and labels come from the
// form's data- attributes: data-other-url is where the form posts once the state has changed.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function show(form, active, count) {
    var reaction = form.closest(".reaction");
    var button = form.querySelector("button");
    var label = active ? form.dataset.offLabel : form.dataset.onLabel;
    if (reaction.classList.contains("is-active") !== active) {
      var other = form.dataset.otherUrl;
      form.dataset.otherUrl = form.getAttribute("action");
      form.setAttribute("action", other);
    }
    reaction.classList.toggle("is-active", active);
    button.setAttribute("aria-pressed", active ? "true" : "false");
    button.title = label;
    form.querySelector(".reaction-label").textContent = label;
    var counter = reaction.querySelector(".reaction-count");
    if (counter && typeof count === "number") counter.textContent = String(count);
  }

  function send(form) {
    var reaction = form.closest(".reaction");
    if (reaction.classList.contains("is-busy")) return;
    reaction.classList.add("is-busy");
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: new FormData(form)
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        var kind = form.dataset.kind;
        show(form, kind === "like" ? state.liked : state.reposted,
             kind === "like" ? state.like_count : state.repost_count);
      })
      .catch(function () {
        form.submit();  // let the server answer the ordinary way (a login page, an error page)
      })
      .finally(function () {
        reaction.classList.remove("is-busy");
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form.reaction-form");
    if (!form) return;
    event.preventDefault();
    send(form);
  });
})();
