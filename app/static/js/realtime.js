// The live connection: one Socket.IO socket per tab, opened with the session cookie over the
// websocket transport (so any web process can serve it without sticky sessions). Pushed
// notifications go to the same callback as polling (notifications.js), which slows down while
// the socket is up. Other modules use window.microblogRealtime:
//   on(event, handler)            "connect", "disconnect", "message", "room_message", "presence"
//   request(event, data) -> Promise of the server's acknowledgement ({ok, ...}); rejected when
//                                 the socket is down or no answer comes in time
//   isConnected()
//   messageKey(form) -> the form's message key (see below)
(function () {
  "use strict";

  if (typeof window.io !== "function") return;

  var ACK_TIMEOUT_MS = 10000;
  var handlers = {};
  var notifications = window.microblogNotifications;
  var socket = window.io({ transports: ["websocket"], reconnectionDelayMax: 10000 });

  function on(name, handler) {
    (handlers[name] = handlers[name] || []).push(handler);
  }

  function fire(name, data) {
    (handlers[name] || []).forEach(function (handler) { handler(data); });
  }

  function request(event, data) {
    return new Promise(function (resolve, reject) {
      if (!socket.connected) {
        reject(new Error("not connected"));
        return;
      }
      socket.timeout(ACK_TIMEOUT_MS).emit(event, data, function (error, answer) {
        if (error) reject(error);
        else resolve(answer);
      });
    });
  }

  socket.on("connect", function () {
    if (notifications) {
      notifications.setSlow(true);
      notifications.pollNow(); // whatever changed while the socket was down
    }
    fire("connect");
  });

  function lost() {
    if (notifications) notifications.setSlow(false);
    fire("disconnect");
  }

  socket.on("disconnect", lost);
  socket.on("connect_error", lost);

  socket.on("notification", function (item) {
    if (notifications) notifications.handle([item]);
  });

  ["message", "room_message", "presence"].forEach(function (name) {
    socket.on(name, function (data) { fire(name, data); });
  });

  // A message form's hidden `key`: made up when the message is first sent and kept while its
  // text stays the same, so a retry (over the socket, or posting the form after an
  // acknowledgement that never came) is stored once; typing a new text drops it.
  function messageKey(form) {
    var field = form.elements.namedItem("key");
    if (!field) return null;
    if (!field.value) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      field.value = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    }
    return field.value;
  }

  document.addEventListener("submit", function (event) { messageKey(event.target); }, true);
  document.addEventListener("input", function (event) {
    var field = event.target.form && event.target.form.elements.namedItem("key");
    if (field && event.target.name === "message") field.value = "";
  });

  window.microblogRealtime = {
    on: on,
    request: request,
    isConnected: function () { return socket.connected; },
    messageKey: messageKey,
  };
})();
