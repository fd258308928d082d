// Wall-board: load the initial board, then apply the runner's pushes (no inline scripts: CSP).
(function () {
  "use strict";
  var root = document.querySelector("[data-wallboard]");
  if (!root) return;
  var labels = JSON.parse(document.getElementById("wallboard-labels").textContent);
  var status = root.querySelector("[data-wb-status]");
  var retry = 1000;

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds || 0));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function percent(value) {
    return value === null || value === undefined ? "—" : value + " %";
  }
  function cell(text, numeric) {
    var td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = text;
    return td;
  }

  function render(board) {
    if (!board || !board.queues) return;
    var total = board.total || {};
    root.querySelectorAll("[data-total]").forEach(function (el) {
      var key = el.getAttribute("data-total"), value = total[key];
      var format = el.getAttribute("data-format");
      el.textContent = format === "duration" ? duration(value) : format === "percent" ? percent(value) : (value || 0);
    });
    var queues = root.querySelector("[data-wb-queues]");
    queues.replaceChildren();
    board.queues.forEach(function (q) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-queue", q.id);
      tr.append(cell(labels.queues[q.id] || q.id), cell(q.waiting, true), cell(duration(q.longest_wait_s), true),
        cell(q.answered, true), cell(q.abandoned, true), cell(q.callbacks, true), cell(percent(q.service_level), true));
      queues.append(tr);
    });
    root.querySelectorAll("[data-state-count]").forEach(function (el) {
      el.textContent = (board.agents || {})[el.getAttribute("data-state-count")] || 0;
    });
    root.querySelectorAll("[data-wb-emergency]").forEach(function (el) {
      var mode = (board.emergency || {})[el.getAttribute("data-wb-emergency")];
      el.textContent = el.getAttribute("data-" + (mode ? mode.mode : "off") + "-text");
      el.classList.toggle("wb-alarm", !!mode);
    });
    var people = root.querySelector("[data-wb-people]");
    people.replaceChildren();
    (board.people || []).forEach(function (p) {
      var tr = document.createElement("tr");
      var state = cell("");
      var dot = document.createElement("span");
      dot.className = "wb-dot wb-state-" + p.state;
      state.append(dot, document.createTextNode((labels.states[p.state] || p.state) +
        (p.reason ? " · " + (labels.reasons[p.reason] || p.reason) : "")));
      var name = p.robot ? labels.robot.replace("%s", p.name.split("-").pop()) : p.name;
      tr.append(cell(name), state, cell(duration(p.for_s), true));
      people.append(tr);
    });
  }

  // Server-rendered durations are seconds: show them as m:ss too.
  root.querySelectorAll("[data-format=duration]").forEach(function (el) {
    el.textContent = duration(parseFloat(el.textContent));
  });

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.getAttribute("data-socket"));
    socket.onopen = function () {
      retry = 1000;
      status.textContent = status.getAttribute("data-live-text");
      status.className = "wb-status is-live";
    };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "board") render(data.board);
    };
    socket.onclose = function (event) {
      status.textContent = status.getAttribute("data-lost-text");
      status.className = "wb-status is-lost";
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }
  connect();
})();
