// Background tasks: shows each running task's progress in #task-alerts from the
// `task_progress` notifications ({task_id, description, progress, failed?, error?}), removes
// the alert when the task completes and turns it into a failure with its reason when it fails.
// The words come from the container's data-running / data-failed templates.
(function () {
  "use strict";

  var container = document.getElementById("task-alerts");
  if (!container || !window.microblogNotifications) return;
  var DISMISSED = "microblog-dismissed-tasks";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return values[name] === undefined || values[name] === null ? "" : String(values[name]);
    });
  }

  function dismissed() {
    try { return JSON.parse(window.localStorage.getItem(DISMISSED) || "[]"); } catch (e) { return []; }
  }

  function dismiss(taskId) {
    var ids = dismissed().concat([taskId]).slice(-20);
    try { window.localStorage.setItem(DISMISSED, JSON.stringify(ids)); } catch (e) { /* private mode */ }
  }

  function alertFor(taskId) {
    var alert = container.querySelector('[data-task-id="' + CSS.escape(taskId) + '"]');
    if (alert) return alert;
    alert = document.createElement("div");
    alert.className = "alert alert-info d-flex align-items-center gap-2";
    alert.setAttribute("role", "status");
    alert.dataset.taskId = taskId;
    var text = document.createElement("span");
    text.className = "task-text flex-grow-1";
    alert.appendChild(text);
    container.appendChild(alert);
    return alert;
  }

  function showFailure(alert, task) {
    alert.className = "alert alert-danger alert-dismissible d-flex align-items-center gap-2";
    alert.setAttribute("role", "alert");
    alert.querySelector(".task-text").textContent = fill(container.dataset.failed, task);
    if (!alert.querySelector(".btn-close")) {
      var close = document.createElement("button");
      close.type = "button";
      close.className = "btn-close";
      close.setAttribute("aria-label", container.dataset.close);
      close.addEventListener("click", function () {
        dismiss(task.task_id);
        alert.remove();
      });
      alert.appendChild(close);
    }
  }

  window.microblogNotifications.on("task_progress", function (task) {
    var existing = container.querySelector('[data-task-id="' + CSS.escape(task.task_id) + '"]');
    if (task.failed) {
      if (dismissed().indexOf(task.task_id) === -1) showFailure(alertFor(task.task_id), task);
      return;
    }
    if (task.progress >= 100) {
      if (existing) existing.remove();
      return;
    }
    alertFor(task.task_id).querySelector(".task-text").textContent = fill(container.dataset.running, task);
  });

  // Show a task that is already running at once, rather than at the next poll.
  window.microblogNotifications.pollNow();
})();
