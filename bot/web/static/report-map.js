// The map of reports on the staff pages: one marker per report with a position, a popup
// with reference, category, status and a link. Popups are built from text nodes, so a
// citizen's text never becomes markup. Tiles only come from the town's own tile server.
(function () {
  "use strict";

  function line(text) {
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    return paragraph;
  }

  function popup(point, openLabel) {
    var box = document.createElement("div");
    box.className = "report-map-popup";
    var heading = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = point.ref;
    heading.appendChild(strong);
    box.appendChild(heading);
    box.appendChild(line(point.category));
    box.appendChild(line(point.status));
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = openLabel + " " + point.ref;
    var linkLine = document.createElement("p");
    linkLine.appendChild(link);
    box.appendChild(linkLine);
    return box;
  }

  // Leaflet shows the attribution as markup; the setting is plain text
  function escaped(text) {
    var holder = document.createElement("span");
    holder.textContent = text;
    return holder.innerHTML;
  }

  // six decimals are about 10 cm; rounding outwards keeps a marker on the edge inside
  function edge(value, limit, outwards) {
    var rounded = outwards(value * 1e6) / 1e6;
    return Math.max(-limit, Math.min(limit, rounded)).toFixed(6);
  }

  // reloads the list with the map's current view as its area filter
  function areaButton(element, map) {
    var label = element.getAttribute("data-area-button");
    if (!label) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "report-map-area";
    button.textContent = label;
    button.addEventListener("click", function () {
      var bounds = map.getBounds();
      var query = new URLSearchParams(window.location.search);
      query.set("south", edge(bounds.getSouth(), 90, Math.floor));
      query.set("west", edge(bounds.getWest(), 180, Math.floor));
      query.set("north", edge(bounds.getNorth(), 90, Math.ceil));
      query.set("east", edge(bounds.getEast(), 180, Math.ceil));
      query.delete("page");
      window.location.search = query.toString();
    });
    element.parentNode.insertBefore(button, element.nextSibling);
  }

  function show(element) {
    var points = JSON.parse(element.getAttribute("data-points") || "[]");
    if (!points.length || typeof L === "undefined") {
      return;
    }
    var map = L.map(element, { scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: escaped(element.getAttribute("data-attribution") || ""),
      }).addTo(map);
    }
    var openLabel = element.getAttribute("data-open-label") || "";
    var corners = [];
    points.forEach(function (point) {
      var where = [point.lat, point.lon];
      corners.push(where);
      L.marker(where, { title: point.ref, alt: point.ref, keyboard: true })
        .bindPopup(popup(point, openLabel))
        .addTo(map);
    });
    var area = JSON.parse(element.getAttribute("data-area") || "[]");
    if (area.length === 4) {
      map.fitBounds([[area[0], area[1]], [area[2], area[3]]]);
    } else if (corners.length === 1) {
      map.setView(corners[0], 17);
    } else {
      map.fitBounds(L.latLngBounds(corners), { padding: [24, 24], maxZoom: 17 });
    }
    areaButton(element, map);
  }

  document.querySelectorAll("[data-report-map]").forEach(show);
})();
