// Notifications: polls the URL in the Messages link's data-notifications-url every
// data-poll-interval seconds while the tab is visible, asking for what changed after the
// highest notification id seen, and hands each batch to `handleNotifications(list)`. A push
// channel can feed the same function, so handlers registered with
// `onNotification(name, handler)` work for both, and an item seen twice is handled once.
// realtime.js feeds pushed items in and calls `setSlow(true)` while its socket is up.
(function () {
  "use strict";

  var handlers = {};
  var lastId = 0;

  function onNotification(name, handler) {
    (handlers[name] = handlers[name] || []).push(handler);
  }

  // list: [{id, name, data, timestamp}] in the order they changed, as /notifications answers.
  function handleNotifications(list) {
    list.forEach(function (notification) {
      if (notification.id <= lastId) return; // already handled (pushed and polled)
      lastId = notification.id;
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

  // The navbar's notifications badge: follows, mentions, replies, likes and reposts not yet seen.
  // (the side navigation's and, on a phone, the top bar's bell).
  function setActivityCount(count) {
    document.querySelectorAll(".activity-count").forEach(function (badge) {
      badge.textContent = String(count);
      badge.classList.toggle("d-none", !count);
    });
  }

  onNotification("unread_message_count", setMessageCount);
  onNotification("unread_activity_count", setActivityCount);

  var source = document.querySelector("[data-notifications-url]");
  var intervalMs = source ? Math.max(Number(source.dataset.pollInterval) || 10, 0.2) * 1000 : 0;
  // While a live socket pushes notifications, polling only backs it up, so it slows down.
  var slow = false;
  var timer = null;
  var inFlight = false;
  var stopped = false;

  function poll() {
    if (!source || inFlight || stopped) return;
    inFlight = true;
    var url = new URL(source.dataset.notificationsUrl, window.location.href);
    url.searchParams.set("after", String(lastId));
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
    if (source && !stopped) timer = window.setInterval(poll, slow ? Math.max(intervalMs * 6, 60000) : intervalMs);
  }

  function setSlow(value) {
    if (slow === Boolean(value)) return;
    slow = Boolean(value);
    if (!document.hidden) startPolling();
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
    setSlow: setSlow,
  };

  if (!document.hidden) startPolling();
})();
