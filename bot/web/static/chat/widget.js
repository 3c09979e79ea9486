/*
 * mitreden web chat. One script tag puts a chat button on any page:
 *
 *   <script src="https://chat.example.org/widget.js" data-title="Fragen Sie uns"
 *           data-lang="de" data-color="#005ca9" defer></script>
 *
 * Plain JavaScript without a build step. It talks only to the server it was loaded from,
 * sets no cookies and keeps the session in local storage only after the visitor agreed.
 * Every text from the bot or the visitor is inserted as text, never as markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    return;
  }
  var data = script.dataset;
  var api = (data.api || new URL(script.src, document.baseURI).origin).replace(/\/+$/, "");
  var pageMode = data.mode === "page";
  var lang = data.lang === "en" ? "en" : data.lang === "de" ? "de" : browserLanguage();
  var STORAGE_KEY = "mitreden-chat:" + api;

  var TEXTS = {
    de: {
      title: "Chat mit der Stadt",
      open: "Chat öffnen",
      close: "Chat schließen",
      log: "Gesprächsverlauf",
      input: "Ihre Nachricht",
      placeholder: "Nachricht schreiben …",
      send: "Senden",
      you: "Sie:",
      bot: "Antwort:",
      options: "Antwortmöglichkeiten",
      remember: "Gespräch auf diesem Gerät merken",
      rememberHint:
        "Dann speichert Ihr Browser eine Sitzungskennung (kein Cookie), damit Sie " +
        "Antworten auch später noch hier sehen. Ohne Häkchen endet das Gespräch mit " +
        "dem Schließen der Seite.",
      intro:
        "Willkommen! Stellen Sie eine Frage, schlagen Sie eine Idee vor oder machen Sie " +
        "bei einer Umfrage mit. Schreiben Sie einfach los oder tippen Sie auf „Los geht's“.",
      start: "Los geht's",
      startMessage: "Hallo",
      offline:
        "Die Verbindung ist gerade unterbrochen. Ihre Nachricht steht noch im " +
        "Eingabefeld; bitte senden Sie sie gleich noch einmal.",
      download: "Herunterladen: ",
      unread: "neue Nachricht",
      location: "📍 Standort senden",
      locationShown: "📍 Mein Standort",
      locationFailed:
        "Ihr Standort ließ sich nicht bestimmen. Schreiben Sie bitte eine Adresse oder " +
        "einen bekannten Ort.",
      photo: "📷 Foto senden",
      photoShown: "📷 Foto: ",
    },
    en: {
      title: "Chat with the town",
      open: "Open chat",
      close: "Close chat",
      log: "Conversation",
      input: "Your message",
      placeholder: "Write a message …",
      send: "Send",
      you: "You:",
      bot: "Reply:",
      options: "Choices",
      remember: "Remember this conversation on this device",
      rememberHint:
        "Your browser then keeps a session id (no cookie), so you can see answers here " +
        "later. Without the tick the conversation ends when you close the page.",
      intro:
        "Welcome! Ask a question, suggest an idea or take part in a survey. Just start " +
        "writing or press “Let's go”.",
      start: "Let's go",
      startMessage: "Hi",
      offline:
        "The connection is interrupted. Your message is still in the input field; " +
        "please send it again in a moment.",
      download: "Download: ",
      unread: "new message",
      location: "📍 Send my location",
      locationShown: "📍 My location",
      locationFailed:
        "Your location could not be found. Please write an address or a landmark instead.",
      photo: "📷 Send a photo",
      photoShown: "📷 Photo: ",
    },
  };
  var t = TEXTS[lang];
  var title = data.title || t.title;

  var session = loadSession(); // {sender, token, last} or null
  var remember = session !== null;
  var events = null;
  var listening = false; // a ticket is being fetched
  var RETRY_MS = 3000;
  var retryMs = RETRY_MS;
  var busy = false;
  var panelOpen = pageMode;
  var started = false;
  var pinMapLoading = null; // widget-map.js, fetched the first time a position is sent

  var host = document.createElement("div");
  host.setAttribute("data-mitreden-chat", "");
  var root = host.attachShadow({ mode: "open" });
  applyColours(host);
  root.appendChild(styles());

  var launcher = null;
  var badge = null;
  var panel = el("section", "panel");
  panel.id = "mitreden-chat-panel";
  panel.setAttribute("aria-label", title);
  panel.setAttribute("lang", lang);

  var header = el("div", "header");
  var heading = el("h2", "title", title);
  heading.id = "mitreden-chat-title";
  header.appendChild(heading);
  panel.appendChild(header);

  var log = el("div", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", t.log);
  log.tabIndex = 0; // scrollable with the keyboard
  panel.appendChild(log);

  var consent = el("div", "consent");
  var consentBox = document.createElement("input");
  consentBox.type = "checkbox";
  consentBox.id = "mitreden-chat-remember";
  consentBox.checked = remember;
  var consentLabel = el("label", "", t.remember);
  consentLabel.htmlFor = consentBox.id;
  var consentHint = el("p", "hint", t.rememberHint);
  consentHint.id = "mitreden-chat-remember-hint";
  consentBox.setAttribute("aria-describedby", consentHint.id);
  consentBox.addEventListener("change", function () {
    remember = consentBox.checked;
    if (remember) {
      saveSession();
    } else {
      forgetStoredSession();
    }
  });
  consent.appendChild(consentBox);
  consent.appendChild(consentLabel);
  consent.appendChild(consentHint);
  panel.appendChild(consent);

  var form = el("form", "form");
  form.setAttribute("novalidate", "");
  var inputLabel = el("label", "visually-hidden", t.input);
  inputLabel.htmlFor = "mitreden-chat-input";
  var input = document.createElement("input");
  input.type = "text";
  input.id = "mitreden-chat-input";
  input.autocomplete = "off";
  input.placeholder = t.placeholder;
  input.maxLength = 2000;
  var sendButton = el("button", "send", t.send);
  sendButton.type = "submit";
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text && !busy) {
      input.value = "";
      send(text, text);
    }
  });
  panel.appendChild(form);

  if (pageMode) {
    panel.classList.add("page");
    root.appendChild(panel);
    var target = (data.target && document.getElementById(data.target)) || document.body;
    target.appendChild(host);
    start();
  } else {
    host.classList.add("floating");
    launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", panel.id);
    launcher.appendChild(el("span", "", title));
    badge = el("span", "badge");
    badge.hidden = true;
    launcher.appendChild(badge);
    launcher.addEventListener("click", function () {
      setOpen(!panelOpen);
    });
    var closeButton = el("button", "close", "×");
    closeButton.type = "button";
    closeButton.setAttribute("aria-label", t.close);
    closeButton.addEventListener("click", function () {
      setOpen(false);
    });
    header.appendChild(closeButton);
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", heading.id);
    panel.removeAttribute("aria-label");
    panel.hidden = true;
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        setOpen(false);
      }
    });
    root.appendChild(panel);
    root.appendChild(launcher);
    var attach = function () {
      document.body.appendChild(host);
    };
    if (document.body) {
      attach();
    } else {
      document.addEventListener("DOMContentLoaded", attach);
    }
  }

  function setOpen(open) {
    panelOpen = open;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      badge.hidden = true;
      badge.textContent = "";
      start();
      input.focus();
    } else {
      launcher.focus();
    }
  }

  function start() {
    if (started) {
      return;
    }
    started = true;
    var intro = botBubble({ text: t.intro });
    var startButton = el("button", "option", t.start);
    startButton.type = "button";
    startButton.addEventListener("click", function () {
      if (!busy) {
        send(t.startMessage, t.start);
      }
    });
    var group = el("div", "options");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t.options);
    group.appendChild(startButton);
    intro.appendChild(group);
    log.appendChild(intro);
    if (session) {
      listen();
    }
  }

  function send(message, shown, location) {
    busy = true;
    sendButton.disabled = true;
    log.appendChild(userBubble(shown));
    scrollDown();
    ensureSession()
      .then(function () {
        return fetch(api + "/webhooks/rest/webhook", {
          method: "POST",
          mode: "cors",
          credentials: "omit",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            sender: session.sender,
            message: message,
            metadata: { token: session.token, language: lang },
            location: location,
          }),
        });
      })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!Array.isArray(body)) {
            throw new Error("unexpected answer");
          }
          if (!response.ok && message === shown) {
            input.value = message; // refused (too fast, too long): nothing is lost
          }
          body.forEach(showBotMessage);
        });
      })
      .catch(function () {
        if (message === shown) {
          input.value = message;
        }
        log.appendChild(botBubble({ text: t.offline }, "notice"));
        scrollDown();
      })
      .then(function () {
        busy = false;
        sendButton.disabled = false;
      });
  }

  function ensureSession() {
    if (session) {
      return Promise.resolve();
    }
    return fetch(api + "/webhooks/rest/session", {
      method: "POST",
      mode: "cors",
      credentials: "omit",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("no session");
        }
        return response.json();
      })
      .then(function (body) {
        session = { sender: String(body.sender), token: String(body.token), last: 0 };
        saveSession();
        listen();
      });
  }

  // The event stream opens with a ticket valid for a minute, fetched with the token in the
  // body: EventSource cannot send headers, and a token in a URL would end up in proxy logs.
  function listen() {
    if (events || listening || typeof EventSource === "undefined") {
      return;
    }
    listening = true;
    fetch(api + "/webhooks/rest/events/ticket", {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: session.sender, token: session.token }),
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("no ticket");
        }
        return response.json();
      })
      .then(function (body) {
        openStream(String(body.ticket));
      })
      .catch(listenLater)
      .then(function () {
        listening = false;
      });
  }

  function openStream(ticket) {
    var url =
      api +
      "/webhooks/rest/events?sender=" +
      encodeURIComponent(session.sender) +
      "&ticket=" +
      encodeURIComponent(ticket) +
      (session.last ? "&after=" + encodeURIComponent(String(session.last)) : "");
    var source = new EventSource(url);
    events = source;
    source.onopen = function () {
      retryMs = RETRY_MS;
    };
    source.onerror = function () {
      // the browser reconnects by itself with the same ticket; once that is refused (the
      // ticket expired, the server restarted) it gives up, and a new ticket is fetched
      if (source.readyState === EventSource.CLOSED && events === source) {
        events = null;
        listenLater();
      }
    };
    source.onmessage = function (event) {
      var id = parseInt(event.lastEventId, 10);
      if (!isNaN(id)) {
        if (id <= session.last) {
          return; // seen before the connection broke
        }
        session.last = id;
        saveSession();
      }
      showBotMessage(JSON.parse(event.data));
      if (!panelOpen && badge) {
        badge.hidden = false;
        badge.textContent = t.unread;
      }
    };
  }

  function listenLater() {
    setTimeout(listen, retryMs);
    retryMs = Math.min(retryMs * 2, 60000);
  }

  function showBotMessage(message) {
    log.appendChild(botBubble(message));
    scrollDown();
  }

  function botBubble(message, kind) {
    var bubble = el("div", "bubble bot" + (kind ? " " + kind : ""));
    bubble.appendChild(el("span", "visually-hidden", t.bot + " "));
    var text = el("p", "text");
    appendLinkified(text, String(message.text || ""));
    bubble.appendChild(text);
    var attachment = message.custom && message.custom.attachment;
    if (attachment && typeof attachment.content === "string") {
      bubble.appendChild(downloadButton(attachment));
    }
    var accepts = message.custom && message.custom.accepts;
    if (Array.isArray(accepts) && accepts.indexOf("location") >= 0 && navigator.geolocation) {
      bubble.appendChild(locationButton());
    }
    if (Array.isArray(accepts) && accepts.indexOf("photo") >= 0 && window.FormData) {
      bubble.appendChild(photoButton());
    }
    if (Array.isArray(message.buttons) && message.buttons.length) {
      var group = el("div", "options");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t.options);
      message.buttons.forEach(function (choice) {
        var label = String(choice.title);
        var payload = String(choice.payload);
        var button = el("button", "option", label);
        button.type = "button";
        button.addEventListener("click", function () {
          if (!busy) {
            send(payload, label);
            input.focus();
          }
        });
        group.appendChild(button);
      });
      bubble.appendChild(group);
    }
    return bubble;
  }

  // The browser asks the visitor before it tells the position; only then is it sent.
  function locationButton() {
    var button = el("button", "option", t.location);
    button.type = "button";
    button.addEventListener("click", function () {
      if (busy) {
        return;
      }
      navigator.geolocation.getCurrentPosition(
        function (position) {
          offerPin(position.coords.latitude, position.coords.longitude);
        },
        function () {
          log.appendChild(botBubble({ text: t.locationFailed }, "notice"));
          scrollDown();
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
    return button;
  }

  // Where the server offers a map, the visitor may move a pin to the exact spot first
  // (widget-map.js, loaded only now); otherwise, or if it fails, the position goes as told.
  function offerPin(latitude, longitude) {
    var sendPosition = function (lat, lon) {
      send("", t.locationShown, { latitude: lat, longitude: lon });
    };
    pinMap()
      .then(function (map) {
        map.offer({
          api: api,
          lang: lang,
          root: root,
          latitude: latitude,
          longitude: longitude,
          show: function (element) {
            log.appendChild(element);
            scrollDown();
          },
          send: sendPosition,
          cancel: function () {
            input.focus();
          },
          fallback: function () {
            sendPosition(latitude, longitude);
          },
        });
      })
      .catch(function () {
        sendPosition(latitude, longitude);
      });
  }

  function pinMap() {
    if (!pinMapLoading) {
      pinMapLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = api + "/static/chat/widget-map.js";
        script.onload = function () {
          return window.mitredenPinMap ? resolve(window.mitredenPinMap) : reject();
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return pinMapLoading;
  }

  // A picture from the device (or its camera): sent as a form to the upload route, which
  // answers like the webhook. The bot removes its metadata before anything is kept.
  function photoButton() {
    var wrapper = el("span", "photo-pick");
    var picker = document.createElement("input");
    picker.type = "file";
    picker.accept = "image/jpeg,image/png,image/webp";
    picker.hidden = true;
    var button = el("button", "option", t.photo);
    button.type = "button";
    button.addEventListener("click", function () {
      if (!busy) {
        picker.click();
      }
    });
    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      if (file && !busy) {
        sendPhoto(file);
      }
      picker.value = "";
    });
    wrapper.appendChild(button);
    wrapper.appendChild(picker);
    return wrapper;
  }

  function sendPhoto(file) {
    busy = true;
    sendButton.disabled = true;
    log.appendChild(userBubble(t.photoShown + file.name));
    scrollDown();
    ensureSession()
      .then(function () {
        var form = new FormData();
        form.append("sender", session.sender);
        form.append("token", session.token);
        form.append("language", lang);
        form.append("photo", file, file.name);
        return fetch(api + "/webhooks/rest/upload", {
          method: "POST",
          mode: "cors",
          credentials: "omit",
          body: form,
        });
      })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!Array.isArray(body)) {
            throw new Error("unexpected answer");
          }
          body.forEach(showBotMessage);
        });
      })
      .catch(function () {
        log.appendChild(botBubble({ text: t.offline }, "notice"));
        scrollDown();
      })
      .then(function () {
        busy = false;
        sendButton.disabled = false;
      });
  }

  function userBubble(text) {
    var bubble = el("div", "bubble user");
    bubble.appendChild(el("span", "visually-hidden", t.you + " "));
    bubble.appendChild(el("p", "text", text));
    return bubble;
  }

  function downloadButton(attachment) {
    var button = el("button", "option", t.download + String(attachment.filename || "data"));
    button.type = "button";
    button.addEventListener("click", function () {
      var blob = new Blob([attachment.content], {
        type: String(attachment.media_type || "application/octet-stream"),
      });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = String(attachment.filename || "data");
      link.click();
      setTimeout(function () {
        URL.revokeObjectURL(link.href);
      }, 1000);
    });
    return button;
  }

  // Links become <a> only for http and https; everything else stays plain text.
  function appendLinkified(parent, text) {
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var position = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)\]»“"]+$/, "");
      parent.appendChild(document.createTextNode(text.slice(position, match.index)));
      parent.appendChild(safeLink(url));
      position = match.index + url.length;
      pattern.lastIndex = position;
    }
    parent.appendChild(document.createTextNode(text.slice(position)));
  }

  function safeLink(url) {
    var parsed;
    try {
      parsed = new URL(url);
    } catch (error) {
      return document.createTextNode(url);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      return document.createTextNode(url);
    }
    var link = el("a", "", url);
    link.href = parsed.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    return link;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function loadSession() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
      if (stored && typeof stored.sender === "string" && typeof stored.token === "string") {
        return { sender: stored.sender, token: stored.token, last: Number(stored.last) || 0 };
      }
    } catch (error) {
      // storage blocked or damaged: start a conversation held in memory only
    }
    return null;
  }

  function saveSession() {
    if (!remember || !session) {
      return;
    }
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch (error) {
      // storage blocked: the conversation simply stays in memory
    }
  }

  function forgetStoredSession() {
    try {
      window.localStorage.removeItem(STORAGE_KEY);
    } catch (error) {
      // nothing stored, nothing to forget
    }
  }

  function browserLanguage() {
    var preferred = (navigator.language || "de").toLowerCase();
    return preferred.indexOf("de") === 0 ? "de" : preferred.indexOf("en") === 0 ? "en" : "de";
  }

  function applyColours(node) {
    var colour = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/;
    if (data.color && colour.test(data.color)) {
      node.style.setProperty("--mitreden-accent", data.color);
    }
    if (data.textColor && colour.test(data.textColor)) {
      node.style.setProperty("--mitreden-on-accent", data.textColor);
    }
    if (data.position === "left") {
      node.classList.add("left");
    }
  }

  function styles() {
    var style = document.createElement("style");
    style.textContent = [
      ":host { --accent: var(--mitreden-accent, #005ca9); --on-accent: var(--mitreden-on-accent, #fff);",
      "  font: 16px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1b1b; }",
      ":host(.floating) { position: fixed; bottom: 16px; right: 16px; z-index: 2147483000; }",
      ":host(.floating.left) { right: auto; left: 16px; }",
      ":host(:not(.floating)) { display: block; height: 100%; }",
      ".launcher { display: flex; gap: 8px; align-items: center; border: 0; border-radius: 24px;",
      "  padding: 12px 20px; background: var(--accent); color: var(--on-accent); font: inherit;",
      "  font-weight: 600; cursor: pointer; box-shadow: 0 2px 8px rgba(0,0,0,.3); margin-left: auto; }",
      ".badge { background: #fff; color: #1b1b1b; border-radius: 12px; padding: 0 8px; font-size: 13px; }",
      ".panel { display: flex; flex-direction: column; background: #fff; border-radius: 12px;",
      "  box-shadow: 0 4px 24px rgba(0,0,0,.25); width: min(380px, calc(100vw - 32px));",
      "  height: min(600px, calc(100vh - 100px)); margin-bottom: 12px; overflow: hidden; }",
      ".panel[hidden] { display: none; }",
      ".panel.page { width: 100%; max-width: 760px; height: 100%; margin: 0 auto; border-radius: 0; }",
      ".header { display: flex; align-items: center; justify-content: space-between;",
      "  background: var(--accent); color: var(--on-accent); padding: 10px 16px; }",
      ".title { margin: 0; font-size: 18px; }",
      ".close { border: 0; background: transparent; color: inherit; font-size: 28px; line-height: 1;",
      "  cursor: pointer; padding: 4px 8px; }",
      ".log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px;",
      "  background: #f4f5f7; }",
      ".bubble { max-width: 85%; padding: 8px 12px; border-radius: 12px; }",
      ".bubble .text { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }",
      ".bot { background: #fff; border: 1px solid #d0d4da; align-self: flex-start; }",
      ".bot.notice { border-color: #b00020; }",
      ".user { background: var(--accent); color: var(--on-accent); align-self: flex-end; }",
      ".options { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }",
      ".option { border: 2px solid var(--accent); background: #fff; color: var(--accent); font: inherit;",
      "  border-radius: 16px; padding: 4px 12px; cursor: pointer; }",
      ".option:hover { background: var(--accent); color: var(--on-accent); }",
      "a { color: #0b4f8a; }",
      ".user a { color: inherit; }",
      ".consent { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; padding: 8px 12px;",
      "  font-size: 14px; border-top: 1px solid #d0d4da; }",
      ".consent .hint { grid-column: 2; margin: 0; color: #4a4f57; font-size: 13px; }",
      ".form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #d0d4da; }",
      ".form input { flex: 1; font: inherit; padding: 8px 10px; border: 1px solid #6b7280; border-radius: 8px; }",
      ".send { border: 0; border-radius: 8px; padding: 8px 16px; background: var(--accent);",
      "  color: var(--on-accent); font: inherit; font-weight: 600; cursor: pointer; }",
      ".send:disabled { opacity: .6; cursor: progress; }",
      "button:focus-visible, input:focus-visible, .log:focus-visible, a:focus-visible {",
      "  outline: 3px solid #ffbf47; outline-offset: 2px; }",
      ".visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;",
      "  clip: rect(0 0 0 0); white-space: nowrap; }",
      ":host([hidden]) { display: none; }",
    ].join("\n");
    return style;
  }
})();
