// The conversation page: starts scrolled to the newest message, loads older
// history on demand (?before=<id>), and appends new messages when the unread
// count changes (?after=<id>), which also marks them read.
(function () {
  "use strict";

  var thread = document.getElementById("message-thread");
  var list = document.getElementById("message-list");
  if (!thread || !list) return;
  var loadingNewer = false;

  function messages() {
    return list.querySelectorAll(".message[data-id]");
  }

  function fragmentUrl(key, id) {
    var url = new URL(thread.dataset.url, window.location.href);
    url.searchParams.set(key, id);
    return url;
  }

  function fetchPage(url) {
    return fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        return template.content.firstElementChild;
      });
  }

  function showError() {
    var row = thread.querySelector(".load-error");
    if (row) return;
    row = document.createElement("p");
    row.className = "load-error small text-danger text-center";
    row.textContent = thread.dataset.error || "";
    thread.prepend(row);
  }

  function scrollToNewest() {
    thread.scrollTop = thread.scrollHeight;
  }

  function loadOlder(button) {
    var first = messages()[0];
    if (!first) return;
    button.disabled = true;
    fetchPage(fragmentUrl("before", first.dataset.id))
      .then(function (page) {
        var heightBefore = thread.scrollHeight;
        var nodes = Array.prototype.slice.call(page.children);
        list.prepend.apply(list, nodes);
        if (window.renderMoments) window.renderMoments(list);
        thread.scrollTop += thread.scrollHeight - heightBefore; // keep what was on screen in place
        if (page.dataset.hasOlder === "true") {
          button.disabled = false;
        } else {
          button.closest(".load-older-row").remove();
        }
      })
      .catch(function () {
        button.disabled = false;
        showError();
      });
  }

  function loadNewer() {
    var all = messages();
    var last = all[all.length - 1];
    if (!last || loadingNewer) return;
    loadingNewer = true;
    fetchPage(fragmentUrl("after", last.dataset.id))
      .then(function (page) {
        var nodes = Array.prototype.slice.call(page.children);
        var atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
        list.append.apply(list, nodes);
        if (window.renderMoments) window.renderMoments(list);
        if (atBottom || nodes.length) scrollToNewest();
        loadingNewer = false;
        if (page.dataset.hasNewer === "true") {
          loadNewer();
        } else if (nodes.length && window.microblogNotifications) {
          window.microblogNotifications.pollNow(); // the badge drops the messages just read
        }
      })
      .catch(function () {
        loadingNewer = false;
      });
  }

  thread.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(".load-older") : null;
    if (button) loadOlder(button);
  });

  if (window.microblogNotifications) {
    window.microblogNotifications.on("unread_message_count", function (count) {
      if (count > 0) loadNewer();
    });
  }

  scrollToNewest();
})();
