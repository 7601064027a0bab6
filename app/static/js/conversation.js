// The conversation page: opens at the newest message and stays there while the page
// settles (times rendered, fonts and avatars loaded), puts a heading before each day's
// first message in the reader's time zone, loads older history on demand (?before=<id>),
// and appends new messages (?after=<id>, which also marks them read) when the unread
// count changes or when composer.js has sent one.
(function () {
  "use strict";

  var thread = document.getElementById("message-thread");
  var list = document.getElementById("message-list");
  if (!thread || !list) return;
  var loadingNewer = false;
  var loadAgain = false;
  var pinned = true; // follow the newest message until the reader scrolls up

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

  function nearBottom() {
    return thread.scrollHeight - thread.scrollTop - thread.clientHeight < 48;
  }

  function scrollToNewest() {
    thread.scrollTop = thread.scrollHeight;
  }

  function dayLabel(day) {
    var today = moment().startOf("day");
    var days = today.diff(moment(day).startOf("day"), "days");
    if (days === 0) return thread.dataset.today;
    if (days === 1) return thread.dataset.yesterday;
    if (days > 1 && days < 7) return day.format("dddd");
    return day.format("LL");
  }

  // A heading before the first message of each day (before the "new messages" line, if there is one).
  function markDays() {
    list.querySelectorAll(".day-divider").forEach(function (divider) { divider.remove(); });
    var previous = null;
    messages().forEach(function (message) {
      var day = moment(message.dataset.timestamp);
      var key = day.format("YYYY-MM-DD");
      if (key === previous) return;
      previous = key;
      var divider = document.createElement("div");
      divider.className = "day-divider";
      divider.setAttribute("role", "separator");
      var label = document.createElement("span");
      label.textContent = dayLabel(day);
      divider.appendChild(label);
      var before = message.previousElementSibling;
      list.insertBefore(divider, before && before.matches(".unread-divider") ? before : message);
    });
  }

  function settle() {
    if (window.renderMoments) window.renderMoments(list);
    markDays();
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
        settle();
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
    if (loadingNewer) {
      loadAgain = true; // one more round once this one is done
      return;
    }
    var all = messages();
    var last = all[all.length - 1];
    if (!last) return;
    loadingNewer = true;
    loadAgain = false;
    fetchPage(fragmentUrl("after", last.dataset.id))
      .then(function (page) {
        var nodes = Array.prototype.slice.call(page.children);
        var wasAtBottom = nearBottom();
        list.append.apply(list, nodes);
        settle();
        if (wasAtBottom || nodes.some(function (node) { return node.matches(".message-mine"); })) {
          pinned = true;
          scrollToNewest();
        }
        loadingNewer = false;
        if (page.dataset.hasNewer === "true" || loadAgain) {
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
  thread.addEventListener("scroll", function () { pinned = nearBottom(); }, { passive: true });

  // Whatever changes the thread's height (rendered times, images, fonts, a growing reply box)
  // keeps the newest message in view while the reader has not scrolled away from it.
  if (window.ResizeObserver) {
    new ResizeObserver(function () { if (pinned) scrollToNewest(); }).observe(list);
    new ResizeObserver(function () { if (pinned) scrollToNewest(); }).observe(thread);
  }
  window.addEventListener("load", function () { if (pinned) scrollToNewest(); });
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(function () { if (pinned) scrollToNewest(); });
  }

  document.addEventListener("composer:sent", loadNewer);
  if (window.microblogNotifications) {
    window.microblogNotifications.on("unread_message_count", function (count) {
      if (count > 0) loadNewer();
    });
  }

  settle();
  // conversation-live.js loads what the socket announces through the same path.
  window.microblogConversation = { loadNewer: loadNewer };

  scrollToNewest();
})();
