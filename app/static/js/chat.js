// A chat room page: joins the room over the socket (again after every reconnect, asking only
// for the messages after the last one shown, so each appears once), shows live messages,
// who is present and join/leave lines, sends with Enter (Shift+Enter: new line) and loads
// older history on demand. Without a socket the form posts as a normal page would.
(function () {
  "use strict";

  var root = document.getElementById("chat-room");
  if (!root) return;
  var live = window.microblogRealtime;
  var thread = document.getElementById("room-thread");
  var list = document.getElementById("room-message-list");
  var form = root.querySelector("form.room-form");
  var textarea = form.querySelector("textarea[name=message]");
  var button = form.querySelector("[type=submit]");
  var status = document.getElementById("room-status");
  var formError = document.getElementById("room-form-error");
  var presentList = document.getElementById("present-list");
  var roomName = root.dataset.room;
  var me = root.dataset.username;
  var joined = false;

  function sameRoom(name) {
    return typeof name === "string" && name.toLowerCase() === roomName.toLowerCase();
  }

  function messageNodes() {
    return list.querySelectorAll(".room-message[data-id]");
  }

  function lastId() {
    var nodes = messageNodes();
    return nodes.length ? Number(nodes[nodes.length - 1].dataset.id) : null;
  }

  function isAtBottom() {
    return thread.scrollHeight - thread.scrollTop - thread.clientHeight < 60;
  }

  function scrollToNewest() {
    thread.scrollTop = thread.scrollHeight;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text; // text, never HTML
    return node;
  }

  function render(message) {
    var node = element("div", "room-message" + (message.sender === me ? " room-message-mine" : ""));
    node.id = "room-message" + message.id;
    node.dataset.id = String(message.id);
    var meta = element("div", "room-message-meta");
    var when = window.moment ? window.moment(message.timestamp).format("LT") : "";
    meta.append(element("span", "room-message-sender", message.sender), " ",
                element("span", "room-message-time", when));
    node.append(meta, element("div", "room-message-body", message.body));
    return node;
  }

  function append(messages) {
    var atBottom = isAtBottom();
    messages.forEach(function (message) {
      if (!document.getElementById("room-message" + message.id)) list.append(render(message));
    });
    if (atBottom) scrollToNewest();
  }

  function appendLine(text) {
    var atBottom = isAtBottom();
    list.append(element("div", "room-event", text));
    if (atBottom) scrollToNewest();
  }

  function showPresent(names) {
    presentList.replaceChildren.apply(presentList, names.map(function (name) {
      return element("li", "list-group-item", name);
    }));
  }

  function join() {
    var request = { room: roomName };
    var after = lastId();
    if (after !== null) request.after = after;
    live.request("join", request).then(function (answer) {
      if (!answer || !answer.ok) {
        status.textContent = (answer && answer.error) || "";
        return;
      }
      joined = true;
      status.textContent = "";
      append(answer.history);
      showPresent(answer.present);
    }, function () { /* the next connect joins again */ });
  }

  function send() {
    var body = textarea.value.trim();
    if (!body) return;
    button.disabled = true;
    live.request("room_message", { room: roomName, body: body, key: live.messageKey(form) }).then(function (answer) {
      button.disabled = false;
      if (answer && answer.ok) {
        textarea.value = "";
        formError.textContent = "";
        append([answer.message]);
        scrollToNewest();
      } else {
        formError.textContent = root.dataset.failed + " " + ((answer && answer.error) || "");
      }
    }, function () {
      button.disabled = false;
      form.submit(); // no acknowledgement: post it with the form
    });
  }

  function loadOlder(olderButton) {
    var first = messageNodes()[0];
    if (!first) return;
    olderButton.disabled = true;
    var url = new URL(root.dataset.url, window.location.href);
    url.searchParams.set("before", first.dataset.id);
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var page = template.content.firstElementChild;
        var heightBefore = thread.scrollHeight;
        var nodes = Array.prototype.filter.call(page.children, function (node) {
          return !document.getElementById(node.id);
        });
        list.prepend.apply(list, nodes);
        if (window.renderMoments) window.renderMoments(list);
        thread.scrollTop += thread.scrollHeight - heightBefore;
        if (page.dataset.hasOlder === "true") olderButton.disabled = false;
        else olderButton.closest(".load-older-row").remove();
      })
      .catch(function () {
        olderButton.disabled = false;
        status.textContent = root.dataset.error;
      });
  }

  thread.addEventListener("click", function (event) {
    var olderButton = event.target instanceof Element ? event.target.closest(".load-older") : null;
    if (olderButton) loadOlder(olderButton);
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", function (event) {
    if (!live || !joined || !live.isConnected()) return; // the normal POST
    event.preventDefault();
    send();
  });

  if (live) {
    live.on("connect", join);
    live.on("disconnect", function () {
      joined = false;
      status.textContent = root.dataset.offline;
    });
    live.on("room_message", function (message) {
      if (sameRoom(message.room)) append([message]);
    });
    live.on("presence", function (change) {
      if (!sameRoom(change.room)) return;
      showPresent(change.present);
      var words = change.event === "join" ? root.dataset.joined : root.dataset.left;
      appendLine(words.replace("{username}", change.username));
    });
    if (live.isConnected()) join();
  }

  scrollToNewest();
})();
