// Notifications: polls the URL in the Messages link's data-notifications-url every
// data-poll-interval seconds while the tab is visible, and hands each batch to
// `handleNotifications(list)`. A push channel can feed the same function, so handlers
// registered with `onNotification(name, handler)` work for both.
(function () {
  "use strict";

  var handlers = {};
  var since = 0;

  function onNotification(name, handler) {
    (handlers[name] = handlers[name] || []).push(handler);
  }

  // list: [{name, data, timestamp}], oldest first, as /notifications answers.
  function handleNotifications(list) {
    list.forEach(function (notification) {
      if (notification.timestamp > since) since = notification.timestamp;
      (handlers[notification.name] || []).forEach(function (handler) {
        handler(notification.data, notification);
      });
    });
  }

  function setMessageCount(count) {
    var badge = document.getElementById("message_count");
    if (!badge) return;
    badge.textContent = String(count);
    badge.classList.toggle("d-none", !count);
  }

  onNotification("unread_message_count", setMessageCount);

  var source = document.querySelector("[data-notifications-url]");
  var intervalMs = source ? Math.max(Number(source.dataset.pollInterval) || 10, 0.2) * 1000 : 0;
  var timer = null;
  var inFlight = false;
  var stopped = false;

  function poll() {
    if (!source || inFlight || stopped) return;
    inFlight = true;
    var url = new URL(source.dataset.notificationsUrl, window.location.href);
    url.searchParams.set("since", String(since));
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected || response.status === 401) {
          stopped = true; // signed out meanwhile: nothing more to poll for
          stopPolling();
          return [];
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(handleNotifications)
      .catch(function () { /* a network blip: the next poll tries again */ })
      .finally(function () { inFlight = false; });
  }

  function startPolling() {
    stopPolling();
    if (source && !stopped) timer = window.setInterval(poll, intervalMs);
  }

  function stopPolling() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stopPolling();
    } else {
      poll(); // catch up at once, then keep the rhythm
      startPolling();
    }
  });

  window.microblogNotifications = {
    handle: handleNotifications,
    on: onNotification,
    pollNow: poll,
  };

  if (!document.hidden) startPolling();
})();
