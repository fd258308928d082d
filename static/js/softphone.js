// Softphone: the agent's phone on the desk, over the /ws/agent/ WebSocket (no inline scripts: CSP).
// Initial state from the server, then the runner's pushes; buttons send requests the runner decides on.
(function () {
  "use strict";
  var root = document.querySelector("[data-softphone]");
  if (!root) return;
  var label = function (state) { return root.getAttribute("data-label-" + state) || state; };
  var view = { state: "logged_out", reason: null, call: null };
  var socket = null, retry = 1000, audio = null, ringer = null;
  var q = function (sel) { return root.querySelector(sel); };
  function reasonLabel(reason) {
    if (reason === "login") return root.getAttribute("data-reason-login");
    if (reason === "missed call") return root.getAttribute("data-reason-missed");
    var option = q('[data-sp-reason] option[value="' + reason + '"]');
    return option ? option.textContent : reason;
  }

  function beep() {
    // An audible alert for an incoming call (T10); silent where audio is not allowed yet.
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.25);
    } catch (e) { /* no audio device */ }
  }
  function ring(on) {
    if (on && !ringer) { beep(); ringer = setInterval(beep, 1500); }
    if (!on && ringer) { clearInterval(ringer); ringer = null; }
  }

  function callMode(call) {
    // "consulted": a colleague briefs me (T7); "consulting": I brief one, the caller waits; "own": my caller.
    if (!call) return "";
    if (call.consult) return "consulted";
    return call.phase === "consulting" ? "consulting" : "own";
  }

  function render() {
    var state = view.state, mode = callMode(view.call);
    var badge = q("[data-sp-state]");
    badge.textContent = label(state) + (view.reason && state === "not_ready" ? " · " + reasonLabel(view.reason) : "");
    badge.className = "sp-state badge sp-" + state;
    root.querySelectorAll("[data-sp-when]").forEach(function (el) {
      var modes = el.getAttribute("data-sp-mode");
      el.hidden = el.getAttribute("data-sp-when").split(" ").indexOf(state) < 0 ||
        (modes !== null && modes.split(" ").indexOf(mode) < 0);
    });
    var join = q("[data-sp-needs-colleague]");
    join.disabled = !(view.call && view.call.colleague_state === "talking");
    if (!view.call || state !== "talking") {
      q("[data-sp-warned]").checked = false;
      q("[data-sp-needs-warning]").disabled = true;
    }
    var call = view.call, box = q("[data-sp-call]");
    box.hidden = !call;
    ring(!!call && state === "ringing");
    if (!call) return;
    box.classList.toggle("is-ringing", state === "ringing");
    var title = q("[data-sp-title]");
    title.textContent = title.getAttribute(state === "ringing" ? (call.consult ? "data-consult" : "data-incoming") :
      mode === "consulted" ? "data-briefing" : "data-connected");
    var consult = q("[data-sp-consult]");
    consult.hidden = !call.colleague;
    if (call.colleague) {
      consult.textContent = mode === "consulting"
        ? consult.getAttribute("data-consulting") + ": " + call.colleague + " — " +
          (root.getAttribute("data-colleague-" + call.colleague_state) || label(call.colleague_state))
        : consult.getAttribute("data-consulted-by") + ": " + call.colleague;
    }
    var number = q("[data-sp-number]");
    number.textContent = call.number || number.getAttribute("data-anonymous");
    q("[data-sp-line]").textContent = call.line_name || call.line || "";
    q("[data-sp-ivr]").textContent = call.ivr_choice || "";
    var link = q("[data-sp-contact]");
    link.hidden = !call.contact_url;
    if (call.contact_url) link.href = call.contact_url;
  }

  function apply(event) {
    // The same rules as infoline/realtime/state.py apply_agent_events.
    if (event.op === "initial" || event.op === "state") {
      view.state = event.state; view.reason = event.reason; view.call = event.call;
    } else if (event.op === "offer") {
      view.call = Object.assign({}, event);
    } else if (event.op === "answered" && view.call && view.call.call_id === event.call_id) {
      view.call.contact_id = event.contact_id; view.call.contact_url = event.contact_url;
      if (event.contact_url && root.hasAttribute("data-open-contact")) window.location.assign(event.contact_url);
    } else if (event.op === "ended" && view.call && view.call.call_id === event.call_id) {
      view.call = null;
    } else if (event.op === "colleagues") {
      showColleagues(event.results);
    } else if (event.op === "refused" || event.op === "error") {
      var error = q("[data-sp-error]");
      error.textContent = event.message; error.hidden = false;
      setTimeout(function () { error.hidden = true; }, 6000);
    }
    render();
  }

  function showColleagues(results) {
    var list = q("[data-sp-colleagues]"), template = q("[data-sp-colleague]");
    list.replaceChildren();
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = root.getAttribute("data-no-colleagues");
      list.append(none);
    }
    results.forEach(function (c) {
      var item = template.content.firstElementChild.cloneNode(true);
      var presence = item.querySelector(".sp-presence");
      presence.className = "sp-presence badge sp-presence-" + c.presence;
      presence.textContent = root.getAttribute("data-presence-" + c.presence);
      item.querySelector(".sp-name").textContent = c.name + " · " + c.department;
      item.querySelector(".sp-ext").textContent = c.extension ? root.getAttribute("data-ext-label") + " " + c.extension : "";
      var free = c.agent_id && c.presence === "free";
      var consult = item.querySelector('[data-sp-transfer-op="consult"]');
      var blind = item.querySelector('[data-sp-transfer-op="blind"]');
      consult.hidden = !free;
      blind.hidden = !free && !c.extension;
      // A free colleague on the phone gets the call here; anyone else on their extension.
      [consult, blind].forEach(function (b) {
        b.setAttribute("data-kind", free ? "agent" : "extension");
        b.setAttribute("data-target", free ? c.agent_id : c.extension);
        b.setAttribute("aria-label", b.textContent + ": " + c.name);
      });
      list.append(item);
    });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-sp-state-op")) {
      var op = button.getAttribute("data-sp-state-op");
      send({ op: "state", state: op, reason: op === "not_ready" ? q("[data-sp-reason]").value : "" });
    } else if (button.hasAttribute("data-sp-call-op")) {
      send({ op: "call", action: button.getAttribute("data-sp-call-op"), call_id: view.call ? view.call.call_id : "" });
    } else if (button.hasAttribute("data-sp-transfer-op")) {
      var how = button.getAttribute("data-sp-transfer-op");
      var message = { op: "transfer", call_id: view.call ? view.call.call_id : "", consult: how === "consult" };
      if (how === "queue") { message.kind = "queue"; message.target = q("[data-sp-queue]").value; }
      else { message.kind = button.getAttribute("data-kind"); message.target = button.getAttribute("data-target"); }
      send(message);
    }
  });
  // T14: an abusive call is ended only after the warning; the reason is recorded with the call.
  q("[data-sp-warned]").addEventListener("change", function (event) {
    q("[data-sp-needs-warning]").disabled = !event.target.checked;
  });
  q("[data-sp-find]").addEventListener("submit", function (event) {
    event.preventDefault();
    send({ op: "find", q: q("#sp-find").value });
  });

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.getAttribute("data-socket"));
    socket.onopen = function () { retry = 1000; };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "agent") apply(data);
    };
    socket.onclose = function (event) {
      ring(false);
      var badge = q("[data-sp-state]");
      badge.textContent = root.getAttribute("data-lost-text");
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }
  render();
  connect();
})();
