// kbtui room: search as you type, and follow the trainer. Reading needs none of
// this: every page is complete HTML without it. KB text arrives already escaped
// in server-rendered fragments; this script never builds markup from data.
(function () {
  "use strict";

  function searchAsYouType() {
    var box = document.querySelector("input[data-live]");
    var live = document.getElementById("live");
    var main = document.getElementById("main");
    if (!box || !live || !main || !window.fetch) return;
    var timer = null;
    var controller = null;
    var asked = box.value.trim();

    function show(html) {
      live.innerHTML = html;
      live.hidden = false;
      main.hidden = true;
    }
    function hide() {
      live.hidden = true;
      live.innerHTML = "";
      main.hidden = false;
    }
    function run() {
      var query = box.value.trim();
      if (query === asked) return;
      asked = query;
      if (controller) controller.abort();
      if (!query) {
        hide();
        return;
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(box.getAttribute("data-live") + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.text();
      }).then(function (html) {
        if (query === asked) show(html);
      }).catch(function (error) {
        if (error && error.name === "AbortError") return;
        show('<p class="notice">Search could not reach the room\u2019s server. Press Search to try again.</p>');
      });
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
  }

  function deviceId() {
    var id = null;
    try {
      id = window.localStorage.getItem("kbtui-device");
      if (!id) {
        id = Math.random().toString(36).slice(2) + Date.now().toString(36);
        window.localStorage.setItem("kbtui-device", id);
      }
    } catch (error) {
      id = null;
    }
    return id;
  }

  function followTheTrainer() {
    var status = document.getElementById("follow-status");
    var now = document.getElementById("now");
    if (!status || !now || !window.EventSource) return;
    var device = deviceId();
    var last = now.getAttribute("data-seq") || "";
    var source = null;
    var watchdog = null;
    var retry = null;
    // The server pings every 10 s; silence this long means a dead line.
    var STALE = 25000;

    function say(state, text) {
      status.setAttribute("data-state", state);
      status.textContent = text;
    }
    function watch() {
      clearTimeout(watchdog);
      watchdog = setTimeout(connect, STALE);
    }
    function connect() {
      clearTimeout(retry);
      if (source) source.close();
      var url = status.getAttribute("data-events") + "?last=" + encodeURIComponent(last);
      if (device) url += "&device=" + encodeURIComponent(device);
      source = new EventSource(url);
      source.addEventListener("open", function () {
        say("live", "Following the trainer: live");
        watch();
      });
      source.addEventListener("step", function (event) {
        var data = JSON.parse(event.data);
        last = event.lastEventId || last;
        now.innerHTML = data.html;
        now.setAttribute("data-seq", last);
        if (data.title) document.title = data.title;
        watch();
      });
      source.addEventListener("ping", watch);
      source.addEventListener("error", function () {
        if (source.readyState === EventSource.CLOSED) {
          say("lost", "Lost the room\u2019s server; trying again\u2026");
          retry = setTimeout(connect, 3000);
        } else {
          say("waiting", "Reconnecting\u2026");
        }
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && (!source || source.readyState !== 1)) connect();
    });
    window.addEventListener("online", connect);
    connect();
  }

  function start() {
    searchAsYouType();
    followTheTrainer();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
