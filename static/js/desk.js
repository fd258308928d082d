// Infoline agent desk: keyboard shortcuts, choosing a topic or a colleague, the call timer.
// No inline scripts (the CSP forbids them): everything hangs on data attributes.
(function () {
  "use strict";

  function openAndFocus(detailsId, selector) {
    var box = document.getElementById(detailsId);
    if (!box) return false;
    box.open = true;
    var field = box.querySelector(selector || "input:not([type=hidden]), select, textarea");
    if (field) field.focus();
    box.scrollIntoView({ block: "nearest" });
    return true;
  }

  function focusField(id) {
    var el = document.getElementById(id);
    if (!el || el.disabled) return false;
    el.focus();
    if (el.select) el.select();
    return true;
  }

  // Alt+letter: the frequent acts of a call. Plain letters stay for typing.
  var SHORTCUTS = {
    n: function () { return focusField("id_phone"); },
    t: function () { return focusField("topic-q"); },
    s: function () {
      var form = document.getElementById("journal-form");
      if (!form) return false;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
      return true;
    },
    b: function () { return openAndFocus("callback-box"); },
    m: function () { return openAndFocus("message-box", "#colleague-q"); },
    e: function () { return openAndFocus("escalate-box") || openAndFocus("redirect-box"); },
    k: function () { return focusField("close-result"); },
    d: function () {
      var link = document.querySelector(".desk-back");
      if (!link) return false;
      window.location.href = link.href;
      return true;
    }
  };

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var key = (event.key || "").toLowerCase();
    var action = SHORTCUTS[key];
    if (action && action()) event.preventDefault();
  });

  // Choosing a topic: fill the hidden field, show it, load the recommended script.
  document.addEventListener("click", function (event) {
    var topic = event.target.closest && event.target.closest("[data-topic-id]");
    if (topic) {
      var form = document.getElementById("journal-form");
      var hidden = document.getElementById("id_topic");
      if (!form || !hidden) return;
      hidden.value = topic.dataset.topicId;
      var type = document.getElementById("id_type");
      if (type && topic.dataset.topicType) type.value = topic.dataset.topicType;
      var chosen = document.getElementById("chosen-topic");
      if (chosen) {
        chosen.textContent = "";
        var badge = document.createElement("span");
        badge.className = "badge badge-info";
        badge.textContent = topic.dataset.topicName;
        chosen.appendChild(badge);
      }
      var results = document.getElementById("topic-results");
      if (results) results.textContent = "";
      loadScript(form, topic.dataset.topicId);
      var summary = document.getElementById("id_summary");
      if (summary) summary.focus();
      return;
    }
    var colleague = event.target.closest && event.target.closest("[data-employee-id]");
    if (colleague) {
      var field = document.getElementById("message-colleague");
      var label = document.getElementById("message-for");
      if (field) field.value = colleague.dataset.employeeId;
      if (label) {
        label.classList.remove("muted");
        label.textContent = colleague.dataset.employeeName;
      }
      var reason = document.getElementById("msg-reason");
      if (reason) reason.focus();
    }
  });

  function loadScript(form, topicId) {
    var template = form.dataset.scriptUrl;
    if (!template || !window.htmx || !topicId) return;
    window.htmx.ajax("GET", template.replace("/0/", "/" + topicId + "/"), {
      target: "#script-panel",
      swap: "innerHTML"
    });
  }

  // The script of the topic already chosen when the page opens.
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("journal-form");
    var hidden = document.getElementById("id_topic");
    if (form && hidden && hidden.value) loadScript(form, hidden.value);
    var announcements = document.getElementById("announcements-panel");
    if (announcements && announcements.dataset.url && window.htmx) {
      window.htmx.ajax("GET", announcements.dataset.url, { target: "#announcements-panel", swap: "innerHTML" });
    }
  });

  // How long the contact has been going (mm:ss), next to its start time.
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-elapsed-since]").forEach(function (el) {
      var since = Date.parse(el.dataset.elapsedSince);
      if (isNaN(since)) return;
      var seconds = Math.max(0, Math.floor((now - since) / 1000));
      if (seconds > 4 * 3600) { el.textContent = ""; return; }
      var m = Math.floor(seconds / 60), s = seconds % 60;
      el.textContent = "(" + m + ":" + (s < 10 ? "0" : "") + s + ")";
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();
