/*
 * mitreden web chat: the pin map. A phone's GPS is often 20–50 m off, so after the browser
 * told its position the visitor sees a small map with a pin there, may drag it (or tap the
 * map, or move it with the arrow keys) and sends the pin's position the way the widget
 * sends any position.
 *
 * widget.js loads this file only when a position is to be sent; this file then loads
 * Leaflet and its styles from the chat server (nothing before, so pages that embed the chat
 * pay nothing for it). Where the server has no map to offer (Leaflet not installed, no tile
 * server set) or anything fails to load, `fallback` sends the browser's position unchanged.
 * Leaflet is handed back to the page's own `L` at once, so a site with its own Leaflet keeps
 * it.
 */
(function () {
  "use strict";

  var TEXTS = {
    de: {
      label: "Karte: Wo genau ist es?",
      hint:
        "Stimmt die Stelle nicht ganz? Ziehen Sie die Nadel oder tippen Sie auf die Karte. " +
        "Mit der Tastatur: Nadel auswählen und mit den Pfeiltasten verschieben.",
      pin: "Nadel an der gemeldeten Stelle, mit den Pfeiltasten verschieben",
      moved: "Die Nadel steht jetzt {m} m von Ihrem Standort entfernt.",
      send: "Diese Stelle senden",
      cancel: "Abbrechen",
      cancelLabel: "Abbrechen: Karte schließen",
    },
    en: {
      label: "Map: where exactly is it?",
      hint:
        "Not quite the right spot? Drag the pin or tap the map. With the keyboard: select " +
        "the pin and move it with the arrow keys.",
      pin: "Pin at the reported spot, move it with the arrow keys",
      moved: "The pin is now {m} m from your location.",
      send: "Send this spot",
      cancel: "Cancel",
      cancelLabel: "Cancel: close the map",
    },
  };
  var STEP_PX = 10; // one arrow key press: a few metres at street level
  var ZOOM = 18;

  var settingsLoading = null;
  var leafletLoading = null;
  var stylesLoading = null; // one widget, one shadow root
  var shown = 0; // maps drawn so far, for unique ids

  /*
   * options: api (the chat server), lang, root (the widget's shadow root), latitude,
   * longitude, show(element), send(latitude, longitude), cancel(), fallback()
   */
  function offer(options) {
    loadSettings(options.api)
      .then(function (settings) {
        return loadLeaflet(options.api + settings.leaflet, options.root).then(function (L) {
          draw(L, settings, options);
        });
      })
      .catch(function () {
        options.fallback();
      });
  }

  function loadSettings(api) {
    if (!settingsLoading) {
      settingsLoading = fetch(api + "/webhooks/rest/map", { mode: "cors", credentials: "omit" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("no map here");
          }
          return response.json();
        })
        .then(function (body) {
          if (typeof body.tiles !== "string" || typeof body.leaflet !== "string") {
            throw new Error("unexpected answer");
          }
          return body;
        });
      settingsLoading.catch(function () {
        settingsLoading = null; // a network hiccup: ask again next time
      });
    }
    return settingsLoading;
  }

  // Leaflet's styles go into the widget's shadow root (page styles do not reach in there);
  // its script into the page, taken back from window.L straight away.
  function loadLeaflet(base, root) {
    if (!stylesLoading) {
      var styles = document.createElement("link");
      styles.rel = "stylesheet";
      styles.href = base + "leaflet.css";
      stylesLoading = new Promise(function (resolve, reject) {
        styles.onload = resolve;
        styles.onerror = reject;
      });
      root.appendChild(styles);
      root.appendChild(mapStyles());
    }
    if (!leafletLoading) {
      leafletLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + "leaflet.js";
        script.onload = function () {
          var ours = window.L;
          if (!ours || typeof ours.noConflict !== "function") {
            reject(new Error("Leaflet did not load"));
            return;
          }
          ours.noConflict();
          ours.Icon.Default.imagePath = base + "images/";
          resolve(ours);
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
      leafletLoading.catch(function () {
        leafletLoading = null;
      });
    }
    return Promise.all([leafletLoading, stylesLoading]).then(function (loaded) {
      return loaded[0];
    });
  }

  function draw(L, settings, options) {
    var t = TEXTS[options.lang] || TEXTS.de;
    var start = L.latLng(options.latitude, options.longitude);
    var bubble = el("div", "bubble bot pin-map");
    var box = el("div", "pin-map-box");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", t.label);
    bubble.appendChild(box);
    var hint = el("p", "pin-map-hint", t.hint);
    shown += 1;
    hint.id = "mitreden-pin-hint-" + shown;
    bubble.appendChild(hint);
    var moved = el("p", "visually-hidden");
    moved.setAttribute("aria-live", "polite");
    bubble.appendChild(moved);
    var buttons = el("div", "options");
    var sendButton = el("button", "option pin-send", t.send);
    sendButton.type = "button";
    sendButton.setAttribute("aria-describedby", hint.id);
    var cancelButton = el("button", "option", t.cancel);
    cancelButton.type = "button";
    // the place question has an "Abbrechen" of its own, which ends the whole report
    cancelButton.setAttribute("aria-label", t.cancelLabel);
    buttons.appendChild(sendButton);
    buttons.appendChild(cancelButton);
    bubble.appendChild(buttons);
    options.show(bubble);

    // keyboard panning stays off: the arrow keys move the pin, not the map under it
    var map = L.map(box, { keyboard: false, scrollWheelZoom: false }).setView(start, ZOOM);
    L.tileLayer(settings.tiles, { maxZoom: 19, attribution: escaped(settings.attribution || "") })
      .addTo(map);
    var pin = L.marker(start, { draggable: true, keyboard: true, title: t.pin, alt: t.pin })
      .addTo(map);
    var pinElement = pin.getElement();
    pinElement.setAttribute("aria-describedby", hint.id);

    function place(where) {
      pin.setLatLng(where);
      map.panInside(where, { padding: [24, 24] });
      moved.textContent = t.moved.replace("{m}", String(Math.round(map.distance(start, where))));
    }
    pin.on("dragend", function () {
      place(pin.getLatLng());
    });
    map.on("click", function (event) {
      place(event.latlng);
    });
    var arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    pinElement.addEventListener("keydown", function (event) {
      var step = arrows[event.key];
      if (!step) {
        return;
      }
      event.preventDefault();
      var point = map.latLngToContainerPoint(pin.getLatLng());
      place(map.containerPointToLatLng(point.add([step[0] * STEP_PX, step[1] * STEP_PX])));
    });

    function close() {
      map.remove();
      bubble.parentNode && bubble.parentNode.removeChild(bubble);
    }
    sendButton.addEventListener("click", function () {
      var where = pin.getLatLng();
      close();
      options.send(round(where.lat), round(where.lng));
    });
    cancelButton.addEventListener("click", function () {
      close();
      options.cancel();
    });
    sendButton.focus();
  }

  // about 1 cm: enough for any street, and the message stays short
  function round(degrees) {
    return Math.round(degrees * 1e7) / 1e7;
  }

  // Leaflet shows the attribution as markup; the setting is plain text
  function escaped(text) {
    var entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
    return text.replace(/[&<>"']/g, function (character) {
      return entities[character];
    });
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

  function mapStyles() {
    var style = document.createElement("style");
    style.textContent = [
      ".pin-map { max-width: 100%; width: 100%; box-sizing: border-box; }",
      ".pin-map-box { height: 220px; border-radius: 8px; }",
      ".pin-send { background: var(--accent); color: var(--on-accent); }",
      ".pin-map-hint { margin: 6px 0 0; font-size: 14px; color: #4a4f57; }",
      ".leaflet-marker-icon:focus-visible { outline: 3px solid #ffbf47; }",
    ].join("\n");
    return style;
  }

  window.mitredenPinMap = { offer: offer };
})();
