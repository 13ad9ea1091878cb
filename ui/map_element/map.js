// The coverage map's drawing core, shared by the live app and the static atlas.
//
// Two thin adapters drive it: ui/map_element/streamlit.js (a Streamlit custom
// component v2, drawn in the page itself; the element's JavaScript is this file
// followed by that one) and the atlas page (geo/exports/site, classic scripts
// that work from file://). Both hand CoverageMap the same spec
// (geo.maps.live_map_spec) and a `trigger` for clicks.
//
// Shapes come from files prepared once by the server (geo/mapdata) and fetched by
// URL, so that the browser keeps them; what the server sends for a view is small:
// the status of every commune, which communes are the view's own, words and
// figures (geo/maps/live.py). Communes are filled on one canvas, grouped by
// colour, so that drawing 35,000 of them costs a few fills and no DOM node each;
// hovering and clicking are tested against the same shapes. A click calls the
// adapter's trigger("click", {level, code}). Leaflet (loaded from the app's own
// static files, never from a CDN) gives panning, zooming and the basemap.
//
// Every text shown comes from the server or from the strings below, and is set
// with textContent: names from imported files never become HTML.

const EARTH = 6378137;
const WORLD = 2 * Math.PI * EARTH;
const PAD = 0.15; // share of the map's size drawn beyond each edge, for smooth drags
const FOCUS_ALPHA = 0.85;
const CONTEXT_ALPHA = 0.4;
const CHUNK = 64; // features per path
const MIN_STEP = 0.7; // pixels between two vertices drawn
const TEXT = {
  departement: "Département",
  region: "Région",
  commune: "Commune",
  share: "Population couverte",
  population: "Population",
  status: "Statut",
  members: "Adhérente à",
  viaEpci: " (par l'EPCI)",
  perimeter: "Dans le périmètre de",
  none: "—",
  open: "Cliquer pour ouvrir",
  openLabel: "Ouvrir :",
  departements: "Départements",
  regions: "Régions",
  communes: "Communes",
  communesTitle: "Afficher les limites des communes (les charge au besoin)",
  loading: "Chargement de la carte…",
  reset: "Vue entière",
  byShare: "Part par département",
  byShareTitle: "Part de la population couverte, par département (mêmes chiffres que le tableau)",
  resetTitle: "Revenir à toute la vue après un zoom ou un déplacement",
  failed: "La carte n'a pas pu être chargée : ",
};
const NUMBER = new Intl.NumberFormat("fr-FR");

// Performance marks (opsn-map:update, :files, :drawn), read by bench/bench_map.py.
function mark(name) {
  performance.mark(`opsn-map:${name}`);
}

// ------------------------------------------------------------------ files

const files = new Map(); // URL -> Promise of a decoded file, shared by every map of the page

// Where a file's bytes come from: fetched by default. A page may read them
// otherwise (the atlas, opened from file:// where fetch() is refused, loads them
// as scripts) by replacing `read` with a function of the URL returning a
// Promise of a ReadableStream of the stored bytes.
const mapFileSource = {
  read(url) {
    return fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url} : HTTP ${response.status}`);
      return response.body;
    });
  },
};

function loadFile(url) {
  if (!files.has(url)) {
    const promise = mapFileSource
      .read(url)
      .then((stored) => {
        // Stored gzip-compressed, served as they are (geo/mapdata/store.py).
        const body = url.endsWith(".gz") ? stored.pipeThrough(new DecompressionStream("gzip")) : stored;
        return new Response(body).arrayBuffer();
      })
      .then(decodeFile);
    promise.catch(() => files.delete(url));
    files.set(url, promise);
  }
  return files.get(url);
}

function decodeFile(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== "OPSNMAP1") throw new Error("fichier de géométrie inconnu");
  const length = new DataView(buffer).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const body = 12 + length;
  const layers = {};
  for (const [name, info] of Object.entries(header.layers)) {
    layers[name] = decodeLayer(bytes, body + info.offset, info.length, info.count, header.step);
    Object.assign(layers[name], info, { step: header.step });
  }
  return { header, layers };
}

// A layer: vertices (grid units, x then y), ring starts, each feature's first ring and
// its bounding box; see geo/mapdata/encoding.py for the byte stream.
function decodeLayer(bytes, start, length, count, step) {
  const end = start + length;
  const xy = new Int32Array(length + 2);
  const ringStart = new Uint32Array(Math.ceil(length / 2) + 2);
  const featureRing = new Uint32Array(count + 1);
  const box = new Int32Array(count * 4);
  let p = start;
  let nv = 0;
  let nr = 0;
  let x = 0;
  let y = 0;
  const next = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[p++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const signed = (z) => (z % 2 ? -(z + 1) / 2 : z / 2);
  for (let f = 0; f < count; f++) {
    featureRing[f] = nr;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const rings = next();
    for (let r = 0; r < rings; r++) {
      ringStart[nr++] = nv;
      const n = next();
      for (let v = 0; v < n; v++) {
        x += signed(next());
        y += signed(next());
        xy[2 * nv] = x;
        xy[2 * nv + 1] = y;
        nv++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    box[4 * f] = minX;
    box[4 * f + 1] = minY;
    box[4 * f + 2] = maxX;
    box[4 * f + 3] = maxY;
  }
  featureRing[count] = nr;
  ringStart[nr] = nv;
  if (p !== end) throw new Error("couche de géométrie mal formée");
  return { xy, ringStart, featureRing, box, count, step };
}

// ------------------------------------------------------------------ Leaflet

let leafletLoading = null;

function loadLeaflet(url) {
  if (window.L && window.L.version) return Promise.resolve(window.L);
  if (!leafletLoading) {
    leafletLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(window.L);
      script.onerror = () => {
        leafletLoading = null;
        reject(new Error(`Leaflet introuvable (${url})`));
      };
      document.head.appendChild(script);
    });
  }
  return leafletLoading;
}

// ------------------------------------------------------------------ geometry helpers

function statusArray(runs, count) {
  const out = new Uint8Array(count).fill(255);
  const pattern = /([a-z-])(\d+)/g;
  let at = 0;
  let match;
  while ((match = pattern.exec(runs)) !== null) {
    const code = match[1].charCodeAt(0);
    const n = Number(match[2]);
    out.fill(code, at, Math.min(count, at + n));
    at += n;
  }
  return out;
}

// `colour` over `background` at `alpha`, as an opaque colour (#rrggbb in, rgb() out).
function mix(colour, background, alpha) {
  const channel = (hex, at) => Number.parseInt(hex.slice(at, at + 2), 16);
  const parts = [1, 3, 5].map((at) =>
    Math.round(channel(colour, at) * alpha + channel(background, at) * (1 - alpha)),
  );
  return `rgb(${parts.join(",")})`;
}

function maskArray(ranges, count) {
  const out = new Uint8Array(count);
  for (const [a, b] of ranges) out.fill(1, a, Math.min(count, b));
  return out;
}

function inRing(layer, ring, gx, gy) {
  const { xy, ringStart } = layer;
  const a = ringStart[ring];
  const b = ringStart[ring + 1];
  let inside = false;
  for (let i = a, j = b - 1; i < b; j = i++) {
    const xi = xy[2 * i];
    const yi = xy[2 * i + 1];
    const xj = xy[2 * j];
    const yj = xy[2 * j + 1];
    if (yi > gy !== yj > gy && gx < ((xj - xi) * (gy - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inFeature(layer, f, gx, gy) {
  const b = layer.box;
  if (gx < b[4 * f] || gx > b[4 * f + 2] || gy < b[4 * f + 1] || gy > b[4 * f + 3]) return false;
  let inside = false;
  for (let r = layer.featureRing[f]; r < layer.featureRing[f + 1]; r++) {
    if (inRing(layer, r, gx, gy)) inside = !inside;
  }
  return inside;
}

// ------------------------------------------------------------------ the controller

class CoverageMap {
  constructor(root, trigger) {
    this.root = root;
    this.trigger = trigger;
    this.box = root.querySelector(".opsn-map");
    this.legendBox = root.querySelector(".opsn-legend");
    this.message = root.querySelector(".opsn-map-message");
    this.spec = null;
    this.token = 0;
    this.fitted = null;
    this.openLevel = "departement"; // national view: what a click opens
    this.showCommunes = false; // region view: commune limits on demand
    this.colourMode = "communes"; // or "share": the « Part couverte par département » view
    this.hovered = null;
    this.drawnView = null;
    this.box.opsnMap = this.testHook();
  }

  update(spec) {
    const token = ++this.token;
    const previous = this.spec;
    this.spec = spec;
    if (!spec.provisional) {
      this.confirmed = spec;
      clearTimeout(this.revertTimer);
    }
    if (!previous || previous.view !== spec.view) this.showCommunes = false;
    this.setLayout(spec.layout || "page");
    if (!spec.provisional) this.renderLegend();
    this.box.dataset.view = spec.view;
    this.box.dataset.provisional = spec.provisional ? "true" : "false";
    this.box.dataset.state = "loading";
    const urls = [spec.national, ...spec.detail];
    if (this.showCommunes) urls.push(...spec.region_detail);
    mark("update");
    Promise.all([loadLeaflet(spec.assets.leaflet), ...urls.map(loadFile)])
      .then(([L, ...loaded]) => {
        if (token !== this.token) return;
        mark("files");
        if (!this.map) this.createMap(L);
        this.loaded = new Map(urls.map((url, i) => [url, loaded[i]]));
        this.prepare();
        this.updateControls();
        this.updateBasemap();
        if (this.fitted !== spec.view) {
          this.fitted = spec.view;
          this.fit();
        }
        this.redraw();
        mark("drawn");
        this.message.textContent = "";
        this.message.classList.remove("opsn-pending");
        this.markPainted(spec.view);
      })
      .catch((error) => {
        if (token !== this.token) return;
        this.box.dataset.state = "error";
        this.message.textContent = TEXT.failed + error.message;
      });
  }

  createMap(L) {
    this.L = L;
    const map = L.map(this.box.querySelector(".opsn-leaflet"), {
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
      attributionControl: false,
      zoomControl: false,
      minZoom: 3,
      maxZoom: 14,
    });
    this.map = map;
    L.control.zoom({ position: "bottomright", zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    const pane = map.createPane("opsn");
    pane.style.zIndex = 410;
    // Fills are drawn opaque off screen, then copied at the layer's opacity onto the
    // one visible canvas, under the outlines; hovering draws on a canvas of its own.
    this.offscreen = document.createElement("canvas");
    this.canvas = L.DomUtil.create("canvas", "opsn-canvas", pane);
    this.hover = L.DomUtil.create("canvas", "opsn-hover", pane);
    this.tooltip = L.DomUtil.create("div", "opsn-tooltip", map.getContainer());
    this.tooltip.hidden = true;
    // Leaflet's keyboard handler focuses the map on mouse-down and then restores the
    // window's scroll, not that of the page's scrolling box (Streamlit's): a map partly
    // above the fold jumped into view under the pointer, and the click landed on another
    // department. The map is focused here first, without scrolling (Leaflet then sees
    // it focused and does nothing).
    const container = map.getContainer();
    this.box.addEventListener("pointerdown", () => container.focus({ preventScroll: true }), true);
    map.on("moveend zoomend resize viewreset", () => this.scheduleRedraw());
    map.on("moveend", () => this.showReset());
    this.resetButton = document.createElement("button");
    this.resetButton.type = "button";
    this.resetButton.className = "opsn-reset";
    this.resetButton.textContent = `⤢ ${TEXT.reset}`;
    this.resetButton.title = TEXT.resetTitle;
    this.resetButton.hidden = true;
    this.resetButton.addEventListener("click", () => this.fit());
    this.box.appendChild(this.resetButton);
    map.on("mousemove", (e) => this.onMove(e.containerPoint));
    map.on("mouseout", () => this.setHovered(null));
    map.on("click", (e) => this.onClick(e.containerPoint));
    new ResizeObserver(() => {
      map.invalidateSize();
      // A slide shows the whole view whatever the window's size.
      if (this.layout === "presentation" && this.national) this.fit();
    }).observe(this.box);
    // Printing: the page's print sheet gives the map a fixed size; draw it at that
    // size before the page is laid out for paper, and back on screen after.
    const printing = window.matchMedia("print");
    const reprint = () => {
      if (!this.map || !this.national) return;
      map.invalidateSize();
      this.fit();
      this.redraw();
    };
    printing.addEventListener("change", reprint);
    window.addEventListener("beforeprint", reprint);
    window.addEventListener("afterprint", reprint);
  }

  // "page" (below the headline, legend under the map) or "presentation" (the map
  // fills the window, legend beside it, no controls): ui/map_element/map.css.
  setLayout(layout) {
    if (this.layout === layout) return;
    this.layout = layout;
    this.root.querySelector(".opsn-root").dataset.layout = layout;
    if (this.map) {
      this.map.invalidateSize();
      if (this.national) this.fit();
    }
  }

  // Which features are drawn from which file, what is hovered, what a click opens.
  prepare() {
    const spec = this.spec;
    this.national = this.loaded.get(spec.national);
    const communes = this.national.layers.communes;
    this.status = statusArray(spec.statuses, communes.count);
    this.focus = maskArray(spec.focus, communes.count);
    this.covered = new Uint8Array(communes.count);
    this.detailDepartments = new Set();
    const urls = [...spec.detail, ...(this.showCommunes ? spec.region_detail : [])];
    this.detailFiles = urls.map((url) => this.loaded.get(url)).filter(Boolean);
    for (const file of this.detailFiles) {
      for (const i of file.layers.communes.index) this.covered[i] = 1;
      this.detailDepartments.add(file.header.code);
    }
    // Territories without OPSN (national view): which one each commune is in.
    this.zoneOf = new Int16Array(communes.count).fill(-1);
    this.zoneMembers = new Map();
    for (const [start, end, zone] of (spec.zones && spec.zones.runs) || []) {
      this.zoneOf.fill(zone, start, end);
      if (!this.zoneMembers.has(zone)) this.zoneMembers.set(zone, []);
      for (let i = start; i < end; i++) this.zoneMembers.get(zone).push(i);
    }
    if (!this.zoneMembers.size && this.openLevel === "territoire") this.openLevel = "departement";
    this.details = new Map();
    if (spec.details) {
      spec.details.index.forEach((g, row) => this.details.set(g, row));
    }
  }

  fit() {
    let bounds;
    if (this.spec.bounds) {
      const [[s, w], [n, e]] = this.spec.bounds;
      bounds = this.L.latLngBounds([s, w], [n, e]);
    } else {
      // A view drawn before the server's answer: the clicked department's own outline.
      const outline = this.detailFiles[0].layers.departement;
      bounds = this.gridBounds(outline.box, outline.step);
    }
    const single = this.spec.highlight !== null;
    // A single commune is shown with its neighbours around it.
    if (single) bounds = bounds.pad(1.2); // geo/maps/live.py: COMMUNE_VIEW_PAD
    // Clear of the controls: « Ouvrir » at the top, the zoom buttons at the bottom right.
    this.map.fitBounds(bounds, {
      paddingTopLeft: [8, 48],
      paddingBottomRight: [52, 8],
      maxZoom: single ? 12 : 11,
      animate: false,
    });
    this.fittedAt = { center: this.map.getCenter(), zoom: this.map.getZoom() };
    this.resetButton.hidden = true;
  }

  // « Vue entière » appears once the map has been zoomed or moved away from the view's
  // extent (mouse wheel, drag, keyboard), on the page as on a slide, and brings it back.
  showReset() {
    const at = this.fittedAt;
    if (!at || !this.map) return;
    const center = this.map.latLngToContainerPoint(at.center);
    const size = this.map.getSize();
    const moved =
      Math.abs(this.map.getZoom() - at.zoom) > 0.01 ||
      Math.hypot(center.x - size.x / 2, center.y - size.y / 2) > 2;
    this.resetButton.hidden = !moved;
  }

  // WGS84 bounds of a grid box [minX, minY, maxX, maxY] of a layer of step `step`.
  gridBounds(box, step) {
    const toLatLng = (gx, gy) =>
      this.L.latLng(
        (Math.atan(Math.sinh((gy * step) / EARTH)) * 180) / Math.PI,
        ((gx * step) / EARTH) * (180 / Math.PI),
      );
    return this.L.latLngBounds(toLatLng(box[0], box[1]), toLatLng(box[2], box[3]));
  }

  // URL of a department's detailed file, next to the national file.
  departmentUrl(index) {
    const name = this.national.layers.departements.files[index];
    return name ? this.spec.national.replace(/[^/]*$/, name) : null;
  }

  departmentFiles(index) {
    const departments = this.national.layers.departements;
    const around = departments.neighbours[index].map((code) => departments.codes.indexOf(code));
    return [index, ...around].map((j) => this.departmentUrl(j)).filter(Boolean);
  }

  // Draws the view a click opens at once, from what the browser already has (the
  // statuses of every commune, the files), without waiting for the server; the
  // server's answer then adds what only it knows (legend counts, OPSN by commune).
  // Back to the last view the server sent if it never answers.
  preview(target) {
    const spec = this.confirmed || this.spec;
    const departments = this.national.layers.departements;
    let provisional = null;
    if (target.level === "departement") {
      const i = departments.codes.indexOf(target.code);
      if (i < 0 || !departments.files[i]) return;
      provisional = {
        view: `departement:${target.code}`,
        level: "departement",
        detail_level: true,
        detail: this.departmentFiles(i),
        region_detail: [],
        focus: departments.communes[i],
        bounds: null,
      };
    } else if (target.level === "region") {
      const members = [];
      departments.regions.forEach((region, j) => {
        if (region === target.code) members.push(j);
      });
      if (!members.length || members.some((j) => !departments.neighbours[j].length)) return;
      let box = null;
      for (const j of members) {
        const b = departments.box.subarray(4 * j, 4 * j + 4);
        box = box
          ? [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])]
          : [...b];
      }
      const near = new Set(members.flatMap((j) => this.departmentFiles(j)));
      const bounds = this.gridBounds(box, departments.step);
      provisional = {
        view: `region:${target.code}`,
        level: "region",
        detail_level: false,
        detail: [],
        region_detail: [...near],
        focus: members.flatMap((j) => departments.communes[j]),
        bounds: [
          [bounds.getSouth(), bounds.getWest()],
          [bounds.getNorth(), bounds.getEast()],
        ],
      };
    }
    if (!provisional) return;
    // Names come with the server's answer: those of the view left would be wrong here.
    this.update({ ...spec, ...provisional, highlight: null, details: null, places: null, provisional: true });
    clearTimeout(this.revertTimer);
    this.revertTimer = setTimeout(() => {
      if (this.spec.provisional && this.confirmed) this.update(this.confirmed);
    }, 10000);
  }

  // Fetches a department's files once the pointer rests on it: a click then finds them.
  prefetch(target) {
    clearTimeout(this.prefetchTimer);
    if (!target || target.level !== "departement") return;
    this.prefetchTimer = setTimeout(() => {
      const i = this.national.layers.departements.codes.indexOf(target.code);
      if (i >= 0) for (const url of this.departmentFiles(i)) loadFile(url);
    }, 150);
  }

  // ---------------------------------------------------------------- drawing

  frame() {
    const map = this.map;
    const size = map.getSize();
    const padX = Math.round(size.x * PAD);
    const padY = Math.round(size.y * PAD);
    const topLeft = map.containerPointToLayerPoint([-padX, -padY]);
    const scale = map.options.crs.scale(map.getZoom());
    const origin = map.getPixelOrigin();
    return {
      width: size.x + 2 * padX,
      height: size.y + 2 * padY,
      topLeft,
      k: scale / WORLD,
      // canvas pixel = metres * k + off (x), off - metres * k (y)
      offX: scale / 2 - origin.x - topLeft.x,
      offY: scale / 2 - origin.y - topLeft.y,
    };
  }

  placeCanvas(canvas, f) {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(f.width * ratio);
    canvas.height = Math.round(f.height * ratio);
    canvas.style.width = `${f.width}px`;
    canvas.style.height = `${f.height}px`;
    this.L.DomUtil.setPosition(canvas, f.topLeft);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }

  // Starts a path holding the rings of `features`, skipping those off the canvas;
  // false if none is on it.
  trace(ctx, layer, features, f) {
    const { xy, ringStart, featureRing, box, step } = layer;
    const k = f.k * step;
    const x0 = f.offX;
    const y0 = f.offY;
    const minX = -x0 / k;
    const maxX = (f.width - x0) / k;
    const maxY = y0 / k;
    const minY = (y0 - f.height) / k;
    let any = false;
    ctx.beginPath();
    for (const i of features) {
      if (box[4 * i + 2] < minX || box[4 * i] > maxX || box[4 * i + 3] < minY || box[4 * i + 1] > maxY)
        continue;
      for (let r = featureRing[i]; r < featureRing[i + 1]; r++) {
        const a = ringStart[r];
        const b = ringStart[r + 1];
        if (b - a < 2) continue;
        any = true;
        let px = xy[2 * a] * k + x0;
        let py = y0 - xy[2 * a + 1] * k;
        ctx.moveTo(px, py);
        for (let v = a + 1; v < b; v++) {
          const x = xy[2 * v] * k + x0;
          const y = y0 - xy[2 * v + 1] * k;
          // Vertices closer than a pixel to the last one drawn change nothing visible.
          if (x - px < MIN_STEP && px - x < MIN_STEP && y - py < MIN_STEP && py - y < MIN_STEP) continue;
          ctx.lineTo(x, y);
          px = x;
          py = y;
        }
        ctx.closePath();
      }
    }
    return any;
  }

  // Strokes (or fills) features in paths of a few dozen each (see fillGroups).
  paint(ctx, layer, features, f, how) {
    for (let at = 0; at < features.length; at += CHUNK) {
      if (!this.trace(ctx, layer, features.slice(at, at + CHUNK), f)) continue;
      if (how === "fill") ctx.fill("evenodd");
      else ctx.stroke();
    }
  }

  // Redraws once per animation frame, however many events asked for it.
  scheduleRedraw() {
    if (this.redrawPending) return;
    this.redrawPending = true;
    requestAnimationFrame(() => {
      if (this.redrawPending) this.redraw(); // unless drawn meanwhile
    });
  }

  redraw() {
    this.redrawPending = false;
    if (!this.map || !this.national) return;
    this.redraws = (this.redraws || 0) + 1;
    const spec = this.spec;
    const f = this.frame();
    this.frameNow = f;
    const fill = this.placeCanvas(this.offscreen, f);
    const lines = this.placeCanvas(this.canvas, f);
    this.hover.width = 0; // placed again on the next hover
    this.hoverPlaced = false;
    this.hovered = null;
    const national = this.national.layers;
    const detailView = spec.detail_level || this.showCommunes;
    const insets = this.insetsVisible();
    const step = this.national.header.step;
    const frameRect = (frame) => {
      const [x1, y1, x2, y2] = frame.box;
      const k = step * f.k;
      return [x1 * k + f.offX, f.offY - y2 * k, (x2 - x1) * k, (y2 - y1) * k];
    };

    // Inset frames first: the DROM are drawn inside.
    if (insets) {
      fill.fillStyle = "#f4f6f8";
      for (const frame of this.national.header.frames) fill.fillRect(...frameRect(frame));
    }

    // Communes of the national file, by colour; those drawn in detail are skipped.
    // « Part par département »: the departments by class of their share instead.
    if (this.shareMode()) {
      this.fillShares(fill, f);
    } else {
      const groups = new Map();
      const communes = national.communes;
      for (let i = 0; i < communes.count; i++) {
        if (this.covered[i]) continue;
        const key = this.status[i] * 2 + this.focus[i];
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(i);
      }
      this.fillGroups(fill, communes, groups, f);
    }

    // Communes of the detailed files, their limits in white where they are the view's.
    const limits = [];
    for (const file of this.detailFiles) {
      const layer = file.layers.communes;
      const byColour = new Map();
      const own = [];
      for (let j = 0; j < layer.count; j++) {
        const g = layer.index[j];
        const key = this.status[g] * 2 + this.focus[g];
        if (!byColour.has(key)) byColour.set(key, []);
        byColour.get(key).push(j);
        if (this.focus[g]) own.push(j);
      }
      this.fillGroups(fill, layer, byColour, f);
      if (detailView && own.length) limits.push([layer, own]);
    }

    lines.globalAlpha = FOCUS_ALPHA * (spec.basemap ? spec.basemap.fill : 1);
    lines.setTransform(1, 0, 0, 1, 0, 0);
    lines.drawImage(this.offscreen, 0, 0);
    const ratio = window.devicePixelRatio || 1;
    lines.setTransform(ratio, 0, 0, ratio, 0, 0);
    lines.globalAlpha = 1;
    lines.lineWidth = 0.6;
    lines.strokeStyle = "rgba(255,255,255,0.8)";
    for (const [layer, own] of limits) this.paint(lines, layer, own, f, "stroke");

    if (insets) {
      lines.lineWidth = 1;
      lines.strokeStyle = "#8a8a8a";
      for (const frame of this.national.header.frames) lines.strokeRect(...frameRect(frame));
    }

    // Department outlines: detailed where the detail is drawn, generalised elsewhere.
    const departments = national.departements;
    const coarse = [];
    for (let i = 0; i < departments.count; i++) {
      if (!this.detailDepartments.has(departments.codes[i])) coarse.push(i);
    }
    lines.lineWidth = detailView ? 1.3 : 0.7;
    lines.strokeStyle = "#333333";
    this.paint(lines, departments, coarse, f, "stroke");
    for (const file of this.detailFiles) this.paint(lines, file.layers.departement, [0], f, "stroke");

    if (!detailView) {
      const regions = national.regions;
      lines.lineWidth = 1.6;
      lines.strokeStyle = "#111111";
      this.paint(lines, regions, [...Array(regions.count).keys()], f, "stroke");
    }

    if (spec.highlight !== null) {
      lines.lineWidth = 3;
      lines.strokeStyle = "#000000";
      for (const file of this.detailFiles) {
        const j = file.layers.communes.index.indexOf(spec.highlight);
        if (j >= 0) this.paint(lines, file.layers.communes, [j], f, "stroke");
      }
    }

    const taken = []; // boxes written on: names never overlap
    if (insets) {
      lines.fillStyle = "#333333";
      lines.textBaseline = "top";
      for (const frame of this.national.header.frames) {
        const [x, y, width, height] = frameRect(frame);
        const size = Math.min(
          12,
          Math.floor(height * 0.14),
          Math.floor((width - 6) / (0.56 * frame.name.length)),
        );
        if (size < 9) continue;
        lines.font = `600 ${size}px system-ui, sans-serif`;
        lines.fillText(frame.name, x + 3, y + 2);
        taken.push([x, y, x + lines.measureText(frame.name).width + 6, y + size + 4]);
      }
    }
    this.drawLabels(lines, f, taken);
  }

  shareMode() {
    return this.colourMode === "share" && Boolean(this.spec.choropleth) && !this.spec.detail_level;
  }

  // « Part par département »: each department filled with the colour of its share's class
  // (geo/maps/places.py); in a region view the others are drawn paler.
  fillShares(ctx, f) {
    const choropleth = this.spec.choropleth;
    const departments = this.national.layers.departements;
    const classOf = new Map(choropleth.codes.map((code, i) => [code, choropleth.classes[i]]));
    const groups = new Map();
    for (let i = 0; i < departments.count; i++) {
      const k = classOf.get(departments.codes[i]);
      if (k === undefined) continue;
      const own = this.spec.level !== "region" || departments.regions[i] === this.spec.view.split(":")[1];
      const key = `${k}:${own ? 1 : 0}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(i);
    }
    ctx.lineWidth = 0.8;
    ctx.lineJoin = "round";
    for (const [key, features] of groups) {
      const [k, own] = key.split(":");
      const colour = choropleth.colours[Number(k)];
      const shade = own === "1" ? colour : mix(colour, this.spec.sea, CONTEXT_ALPHA / FOCUS_ALPHA);
      ctx.fillStyle = shade;
      ctx.strokeStyle = shade;
      this.paint(ctx, departments, features, f, "fill");
      this.paint(ctx, departments, features, f, "stroke"); // no seam between neighbours
    }
  }

  // The names the view's spec lists (geo/maps/places.py), best first, each written only
  // where it overlaps no name already written and stays inside the map; in « Part par
  // département », each department's share at its label point instead.
  drawLabels(ctx, f, taken) {
    const size = this.map.getSize();
    const padX = (f.width - size.x) / 2;
    const padY = (f.height - size.y) / 2;
    const scale = this.layout === "presentation" ? 1.3 : 1;
    const items = [];
    if (this.shareMode()) {
      const departments = this.national.layers.departements;
      const choropleth = this.spec.choropleth;
      const shareOf = new Map(choropleth.codes.map((code, i) => [code, choropleth.shares[i]]));
      const step = departments.step;
      for (let i = 0; i < departments.count; i++) {
        const text = shareOf.get(departments.codes[i]);
        if (!text) continue;
        const [gx, gy] = departments.labels[i];
        items.push({ text, mx: gx * step, my: gy * step, rank: 1, dot: false });
      }
    } else if (this.spec.places) {
      const places = this.spec.places;
      for (let i = 0; i < places.names.length; i++) {
        items.push({ text: places.names[i], mx: places.x[i], my: places.y[i], rank: places.rank[i], dot: true });
      }
    }
    // Nothing under the map's own buttons (« Ouvrir », zoom, « Part par département »).
    const origin = this.map.getContainer().getBoundingClientRect();
    for (const control of this.box.querySelectorAll(".leaflet-control, .opsn-reset")) {
      const r = control.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      taken.push([r.left - origin.left + padX, r.top - origin.top + padY, r.right - origin.left + padX,
                  r.bottom - origin.top + padY]);
    }
    const drawn = [];
    // A few names, well apart: one per ~14,000 px² of map (a 530 × 375 map gets 14).
    const most = Math.max(8, Math.min(32, Math.round((size.x * size.y) / 14000)));
    const gap = 4 * scale;
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    for (const item of items) {
      if (drawn.length >= most) break;
      const px = item.mx * f.k + f.offX;
      const py = f.offY - item.my * f.k;
      const fontSize = (item.rank === 0 ? 13.5 : item.rank === 1 ? 12.5 : 12) * scale;
      ctx.font = `${item.rank < 2 ? 700 : 600} ${fontSize}px system-ui, sans-serif`;
      const width = ctx.measureText(item.text).width;
      // Right of the dot; a chef-lieu also left of it, above or below it (a name without
      // a dot: centred on its point). A town's name elsewhere would seem another's.
      const above = py - fontSize * 0.85;
      const below = py + fontSize * 0.85;
      const right = [[px + 4 * scale, py]];
      const around = [[px - 4 * scale - width, py], [px - width / 2, above], [px - width / 2, below]];
      const places = !item.dot ? [[px - width / 2, py]] : item.rank < 2 ? [...right, ...around] : right;
      let box = null;
      let x = 0;
      let y = py;
      for (const [left, middle] of places) {
        const candidate = [left - 2, middle - fontSize / 2 - 1, left + width + 2, middle + fontSize / 2 + 1];
        const inside =
          candidate[0] >= padX + 2 &&
          candidate[2] <= padX + size.x - 2 &&
          candidate[1] >= padY + 2 &&
          candidate[3] <= padY + size.y - 2;
        const free = !taken.some(
          (b) => candidate[0] < b[2] + gap && candidate[2] + gap > b[0] && candidate[1] < b[3] + gap && candidate[3] + gap > b[1],
        );
        if (inside && free) {
          box = candidate;
          x = left;
          y = middle;
          break;
        }
      }
      if (!box) continue;
      taken.push(box);
      if (item.dot) {
        ctx.beginPath();
        ctx.arc(px, py, (item.rank < 2 ? 2.8 : 2.2) * scale, 0, 2 * Math.PI);
        ctx.fillStyle = "#111111";
        ctx.strokeStyle = "#ffffff";
        ctx.lineWidth = 1.2;
        ctx.fill();
        ctx.stroke();
      }
      // A white halo under dark text: legible on every fill, also projected.
      ctx.lineWidth = 3.2 * scale;
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.strokeText(item.text, x, y);
      ctx.fillStyle = "#111111";
      ctx.fillText(item.text, x, y);
      drawn.push({ text: item.text, box: [box[0] - padX, box[1] - padY, box[2] - padX, box[3] - padY] });
    }
    this.labelsDrawn = drawn;
  }

  insetsVisible() {
    return this.spec.level === "france" || (this.spec.level === "region" && !this.spec.detail_level);
  }

  // Fills features by colour, opaque, in paths of a few dozen features each, each path
  // also stroked in its own colour: no hairline seam between neighbours (the layer's
  // transparency is the canvas's), and a software canvas fills many small paths far
  // faster than one huge one (100 ms instead of 4 s for the 35,000 communes).
  fillGroups(ctx, layer, groups, f) {
    ctx.lineWidth = 0.8;
    ctx.lineJoin = "round";
    for (const [key, features] of groups) {
      const colour = this.spec.colours[String.fromCharCode(key >> 1)];
      if (!colour) continue;
      const shade = key & 1 ? colour : mix(colour, this.spec.sea, CONTEXT_ALPHA / FOCUS_ALPHA);
      ctx.fillStyle = shade;
      ctx.strokeStyle = shade;
      for (let at = 0; at < features.length; at += CHUNK) {
        if (!this.trace(ctx, layer, features.slice(at, at + CHUNK), f)) continue;
        ctx.fill("evenodd");
        ctx.stroke();
      }
    }
  }

  // Once the frame showing the drawing is on screen: the view drawn, when (epoch ms),
  // and a revision that grows with every update painted (tests and benchmarks wait
  // for these).
  markPainted(view) {
    const token = this.token;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (this.spec.view !== view || token !== this.token) return;
        this.drawnView = view;
        this.box.dataset.state = "drawn";
        this.box.dataset.paintedAt = String(performance.timeOrigin + performance.now());
        this.box.dataset.revision = String(Number(this.box.dataset.revision || 0) + 1);
      }),
    );
  }

  // ---------------------------------------------------------------- hovering and clicking

  // The feature under a container point: {level, code, name, layer, index, kind}.
  hit(point) {
    if (!this.map || !this.national) return null;
    const map = this.map;
    const projected = map.containerPointToLayerPoint(point).add(map.getPixelOrigin());
    const scale = map.options.crs.scale(map.getZoom());
    const mx = (projected.x / scale - 0.5) * WORLD;
    const my = (0.5 - projected.y / scale) * WORLD;
    const spec = this.spec;
    if (spec.detail_level || this.showCommunes) {
      for (const file of this.detailFiles) {
        const layer = file.layers.communes;
        const gx = mx / layer.step;
        const gy = my / layer.step;
        for (let j = 0; j < layer.count; j++) {
          if (!this.focus[layer.index[j]] || !inFeature(layer, j, gx, gy)) continue;
          return { level: "commune", code: layer.codes[j], layer, index: j, global: layer.index[j], file };
        }
      }
    }
    const level = spec.level === "france" ? this.openLevel : "departement";
    if (level === "territoire") {
      const communes = this.national.layers.communes;
      const gx = mx / communes.step;
      const gy = my / communes.step;
      for (const [zone, members] of this.zoneMembers) {
        for (const i of members) {
          if (!inFeature(communes, i, gx, gy)) continue;
          return {
            level,
            code: spec.zones.ids[zone],
            name: spec.zones.names[zone],
            population: spec.zones.population[zone],
            layer: communes,
            members,
          };
        }
      }
      return null;
    }
    const layer = level === "region" ? this.national.layers.regions : this.national.layers.departements;
    // Departments drawn in detail are tested on their detailed outline.
    for (const file of this.detailFiles) {
      const outline = file.layers.departement;
      if (inFeature(outline, 0, mx / outline.step, my / outline.step)) {
        return { level: "departement", code: outline.codes[0], layer: outline, index: 0, name: outline.names[0] };
      }
    }
    const gx = mx / layer.step;
    const gy = my / layer.step;
    for (let i = 0; i < layer.count; i++) {
      if (level === "departement" && this.detailDepartments.has(layer.codes[i])) continue;
      if (inFeature(layer, i, gx, gy)) {
        return { level, code: layer.codes[i], layer, index: i, name: layer.names[i] };
      }
    }
    return null;
  }

  isCurrent(target) {
    const [level, code] = this.spec.view.split(":");
    return target.level === level && target.code === code;
  }

  onMove(point) {
    const target = this.hit(point);
    this.setHovered(target, point);
  }

  setHovered(target, point) {
    const same =
      target && this.hovered && target.level === this.hovered.level && target.code === this.hovered.code;
    if (!same) {
      this.hovered = target;
      const f = this.frameNow;
      if (f && !this.hoverPlaced && target) {
        this.placeCanvas(this.hover, f);
        this.hoverPlaced = true;
      }
      if (f && this.hoverPlaced) {
        const ctx = this.hover.getContext("2d");
        const ratio = window.devicePixelRatio || 1;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, this.hover.width, this.hover.height);
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        if (target && target.members) {
          // A territory: its communes darkened.
          ctx.fillStyle = "rgba(20, 20, 20, 0.35)";
          this.paint(ctx, target.layer, target.members, f, "fill");
        } else if (target) {
          ctx.lineWidth = 2.5;
          ctx.strokeStyle = "#000000";
          this.paint(ctx, target.layer, [target.index], f, "stroke");
        }
      }
      this.box.style.cursor = target && !this.isCurrent(target) ? "pointer" : "";
    }
    if (!target) {
      this.tooltip.hidden = true;
      return;
    }
    if (!same) {
      this.fillTooltip(target);
      this.prefetch(target);
    }
    this.tooltip.hidden = false;
    const size = this.map.getSize();
    const width = this.tooltip.offsetWidth;
    const height = this.tooltip.offsetHeight;
    let x = point.x + 14;
    let y = point.y + 14;
    if (x + width > size.x - 4) x = Math.max(4, point.x - width - 14);
    if (y + height > size.y - 4) y = Math.max(4, point.y - height - 14);
    this.tooltip.style.transform = `translate(${x}px, ${y}px)`;
  }

  fillTooltip(target) {
    const spec = this.spec;
    const lines = [];
    const line = (label, value) => lines.push([label, value]);
    let title;
    if (target.level === "commune") {
      const layer = target.layer;
      title = `${layer.names[target.index]} (${layer.codes[target.index]})`;
      line(TEXT.population, NUMBER.format(layer.population[target.index]));
      line(TEXT.status, spec.labels[String.fromCharCode(this.status[target.global])] || TEXT.none);
      const row = this.details.get(target.global);
      if (row !== undefined) {
        const d = spec.details;
        const names = (text) => (text ? text.split(",").map((k) => d.opsn[Number(k)]).join(", ") : "");
        const members = names(d.adhesion[row]);
        line(TEXT.members, members ? members + (d.via_epci[row] ? TEXT.viaEpci : "") : TEXT.none);
        line(TEXT.perimeter, names(d.perimetre[row]) || TEXT.none);
      }
    } else if (target.level === "territoire") {
      title = target.name;
      lines.push([spec.zones.kind, ""]);
      line(TEXT.population, target.population);
    } else {
      const label = target.level === "region" ? TEXT.region : TEXT.departement;
      title = target.level === "region" ? target.name : `${target.name} (${target.code})`;
      const share = (spec.shares[target.level] || {})[target.code];
      lines.push([label, ""]);
      if (share) line(TEXT.share, share);
    }
    const box = this.tooltip;
    box.replaceChildren();
    const head = document.createElement("div");
    head.className = "opsn-tooltip-title";
    head.textContent = title;
    box.appendChild(head);
    for (const [label, value] of lines) {
      const row = document.createElement("div");
      if (value === "") {
        row.className = "opsn-tooltip-kind";
        row.textContent = label;
      } else {
        const name = document.createElement("span");
        name.className = "opsn-tooltip-label";
        name.textContent = `${label} : `;
        row.appendChild(name);
        row.appendChild(document.createTextNode(value));
      }
      box.appendChild(row);
    }
    if (!this.isCurrent(target)) {
      const hint = document.createElement("div");
      hint.className = "opsn-tooltip-hint";
      hint.textContent = (spec.clicks && spec.clicks.hint) || TEXT.open;
      box.appendChild(hint);
    }
  }

  onClick(point) {
    const target = this.hit(point);
    if (!target || this.isCurrent(target)) return;
    this.setHovered(null);
    this.trigger("click", { level: target.level, code: target.code });
    // A page may give clicks another meaning (the what-if adds or removes what is
    // clicked): the view stays, and says it is waiting for the server.
    const clicks = this.spec.clicks;
    if (clicks && clicks.preview === false) {
      if (clicks.pending) {
        this.message.textContent = clicks.pending;
        this.message.classList.add("opsn-pending");
      }
      return;
    }
    this.preview(target);
  }

  // ---------------------------------------------------------------- controls, legend, basemap

  // « Part par département » (pressed: the departments coloured by their share), in the
  // France and region views; one button, so that it fits beside « Ouvrir ».
  updateModeControl() {
    if (!this.modeControl) this.modeControl = this.addControl("topleft");
    const box = this.modeControl.getContainer();
    box.replaceChildren();
    box.hidden = !this.spec.choropleth || this.spec.detail_level;
    if (box.hidden) return;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = TEXT.byShare;
    button.title = TEXT.byShareTitle;
    button.dataset.colours = "share";
    button.setAttribute("aria-pressed", String(this.colourMode === "share"));
    // The button stays in place: a control rebuilt during its own click left the click
    // without its parent, and Leaflet took it for a click on the map under it.
    button.addEventListener("click", () => {
      this.colourMode = this.colourMode === "share" ? "communes" : "share";
      button.setAttribute("aria-pressed", String(this.colourMode === "share"));
      this.renderLegend();
      this.redraw();
    });
    box.appendChild(button);
  }

  // An empty box of buttons on the map at `position`, whose clicks stay its own.
  addControl(position) {
    const L = this.L;
    const Control = L.Control.extend({
      onAdd: () => {
        const box = L.DomUtil.create("div", "opsn-control leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    const control = new Control({ position });
    control.addTo(this.map);
    return control;
  }

  updateControls() {
    this.updateModeControl();
    const level = this.spec.level;
    if (!this.switcher) {
      this.switcher = this.addControl("topright");
      this.switcherBox = this.switcher.getContainer();
    }
    const box = this.switcherBox;
    box.replaceChildren();
    if (level === "france") {
      const label = document.createElement("span");
      label.className = "opsn-control-label";
      label.textContent = (this.spec.clicks && this.spec.clicks.label) || TEXT.openLabel;
      box.appendChild(label);
      const choices = [
        ["departement", TEXT.departements],
        ["region", TEXT.regions],
      ];
      if (this.zoneMembers.size) choices.push(["territoire", this.spec.zones.button, this.spec.zones.title]);
      for (const [value, text, title] of choices) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = text;
        if (title) button.title = title;
        button.dataset.open = value;
        button.setAttribute("aria-pressed", String(this.openLevel === value));
        button.addEventListener("click", () => {
          this.openLevel = value;
          this.setHovered(null);
          for (const other of box.querySelectorAll("button")) {
            other.setAttribute("aria-pressed", String(other.dataset.open === value));
          }
        });
        box.appendChild(button);
      }
      box.hidden = false;
    } else if (level === "region" && !this.spec.detail_level) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = this.showCommunes;
      input.addEventListener("change", () => this.toggleCommunes(input.checked));
      label.title = TEXT.communesTitle;
      label.appendChild(input);
      label.appendChild(document.createTextNode(` ${TEXT.communes}`));
      box.appendChild(label);
      box.hidden = false;
    } else {
      box.hidden = true;
    }
  }

  toggleCommunes(on) {
    const spec = this.spec;
    this.showCommunes = on;
    const view = spec.view;
    if (!on) {
      this.prepare();
      this.redraw();
      return;
    }
    this.box.dataset.state = "loading";
    Promise.all(spec.region_detail.map((url) => loadFile(url).then((file) => [url, file]))).then(
      (pairs) => {
        if (this.spec.view !== view || !this.showCommunes) return;
        for (const [url, file] of pairs) this.loaded.set(url, file);
        this.prepare();
        this.redraw();
        this.markPainted(view);
      },
    );
  }

  updateBasemap() {
    const basemap = this.spec.basemap;
    const L = this.L;
    if (basemap && !this.tiles) {
      this.tiles = L.tileLayer(basemap.url, { maxZoom: 19, attribution: basemap.attribution });
      this.tiles.addTo(this.map);
      this.attribution = L.control.attribution({ prefix: false }).addTo(this.map);
      this.attribution.addAttribution(basemap.attribution);
    } else if (!basemap && this.tiles) {
      this.tiles.remove();
      this.attribution.remove();
      this.tiles = null;
    }
    this.box.querySelector(".opsn-leaflet").style.background = basemap ? "" : this.spec.sea;
  }

  renderLegend() {
    const legend = this.shareMode() ? this.spec.choropleth.legend : this.spec.legend;
    const box = this.legendBox;
    box.replaceChildren();
    const title = document.createElement("div");
    title.className = "opsn-legend-title";
    title.textContent = legend.title;
    box.appendChild(title);
    const list = document.createElement("ul");
    for (const entry of legend.entries) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "opsn-swatch";
      swatch.style.background = entry.colour;
      const text = document.createElement("span");
      const label = document.createElement("span");
      label.className = "opsn-legend-label";
      label.textContent = entry.label;
      const count = document.createElement("span");
      count.className = "opsn-legend-count";
      count.textContent = entry.count;
      text.append(label, count);
      item.append(swatch, text);
      list.appendChild(item);
    }
    box.appendChild(list);
    if (legend.note) {
      const note = document.createElement("div");
      note.className = "opsn-legend-note";
      note.textContent = legend.note;
      box.appendChild(note);
    }
  }

  destroy() {
    if (this.map) this.map.remove();
    this.map = null;
  }

  // ---------------------------------------------------------------- for tests and benchmarks

  testHook() {
    const self = this;
    return {
      get view() {
        return self.spec && self.spec.view;
      },
      get drawnView() {
        return self.drawnView;
      },
      get redraws() {
        return self.redraws || 0;
      },
      get provisional() {
        return Boolean(self.spec && self.spec.provisional);
      },
      // "level:code" of every feature a click can open in the current view.
      features() {
        if (!self.national || self.drawnView !== self.spec.view || self.spec.provisional) return [];
        const keys = [];
        const spec = self.spec;
        if (spec.detail_level || self.showCommunes) {
          for (const file of self.detailFiles) {
            const layer = file.layers.communes;
            for (let j = 0; j < layer.count; j++) {
              if (self.focus[layer.index[j]]) keys.push(`commune:${layer.codes[j]}`);
            }
          }
        }
        const level = spec.level === "france" ? self.openLevel : "departement";
        if (level === "territoire") {
          for (const zone of self.zoneMembers.keys()) keys.push(`territoire:${spec.zones.ids[zone]}`);
          return keys;
        }
        const layer = level === "region" ? self.national.layers.regions : self.national.layers.departements;
        for (const code of layer.codes) keys.push(`${level}:${code}`);
        return keys;
      },
      // Client coordinates of a point where a click opens a feature of `level`:
      // features listed in `codes` first, then those nearest `target` (fractions of
      // the map's width and height).
      pointOn(level, codes = [], target = [0.5, 0.5]) {
        const map = self.map;
        if (!map) return null;
        const size = map.getSize();
        const rect = map.getContainer().getBoundingClientRect();
        const candidates = [];
        const add = (layer, i, step) => {
          const [gx, gy] = layer.labels[i];
          const latlng = self.L.latLng(
            (Math.atan(Math.sinh((gy * step) / EARTH)) * 180) / Math.PI,
            ((gx * step) / EARTH) * (180 / Math.PI),
          );
          const p = map.latLngToContainerPoint(latlng);
          const at = codes.indexOf(layer.codes[i]);
          const far = Math.hypot(p.x - target[0] * size.x, p.y - target[1] * size.y);
          candidates.push({ p, code: layer.codes[i], rank: (at < 0 ? codes.length : at) * 1e6 + far });
        };
        if (level === "territoire") {
          // No label point: found on the grid below.
        } else if (level === "commune") {
          for (const file of self.detailFiles) {
            const layer = file.layers.communes;
            for (let j = 0; j < layer.count; j++) if (self.focus[layer.index[j]]) add(layer, j, layer.step);
          }
        } else {
          const layer = level === "region" ? self.national.layers.regions : self.national.layers.departements;
          for (let i = 0; i < layer.count; i++) add(layer, i, layer.step);
        }
        const usable = (c) => {
          if (c.p.x < 12 || c.p.y < 12 || c.p.x > size.x - 12 || c.p.y > size.y - 12) return null;
          const hit = self.hit(c.p);
          if (!hit || hit.level !== level || hit.code !== c.code) return null;
          const x = rect.left + c.p.x;
          const y = rect.top + c.p.y;
          if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) return null;
          const under = self.root.elementFromPoint ? self.root.elementFromPoint(x, y) : null;
          if (under && !self.box.contains(under)) return null;
          if (under && under.closest && under.closest(".leaflet-control")) return null;
          return { x, y, code: c.code };
        };
        candidates.sort((a, b) => a.rank - b.rank);
        const found = [];
        for (const c of candidates) {
          const point = usable(c);
          if (point) found.push({ ...point, rank: c.rank });
          if (found.length) break;
        }
        // Labels off the map (a neighbour mostly out of view): look for the feature
        // on a grid over the map.
        const wanted = codes.length ? codes : null;
        if (!found.length || (wanted && !wanted.includes(found[0].code))) {
          const byCode = new Map();
          for (let y = 20; y < size.y - 12; y += 12) {
            for (let x = 20; x < size.x - 12; x += 12) {
              const hit = self.hit(self.L.point(x, y));
              if (!hit || hit.level !== level) continue;
              if (!byCode.has(hit.code)) byCode.set(hit.code, []);
              byCode.get(hit.code).push(self.L.point(x, y));
            }
          }
          // For each feature, the grid point nearest the middle of its visible part.
          for (const [code, points] of byCode) {
            const mx = points.reduce((sum, p) => sum + p.x, 0) / points.length;
            const my = points.reduce((sum, p) => sum + p.y, 0) / points.length;
            points.sort((a, b) => Math.hypot(a.x - mx, a.y - my) - Math.hypot(b.x - mx, b.y - my));
            const point = points.map((p) => usable({ p, code })).find(Boolean);
            if (!point) continue;
            const at = codes.indexOf(code);
            const far = Math.hypot(point.x - rect.left - target[0] * size.x, point.y - rect.top - target[1] * size.y);
            found.push({ ...point, rank: (at < 0 ? codes.length : at) * 1e6 + far });
          }
        }
        found.sort((a, b) => a.rank - b.rank);
        return found.length ? { x: found[0].x, y: found[0].y, code: found[0].code } : null;
      },
      // Client rectangle of metropolitan France as drawn (for the legend test).
      mainlandBox() {
        const map = self.map;
        if (!map || !self.national) return null;
        const [x1, y1, x2, y2] = self.national.header.mainland;
        const step = self.national.header.step;
        const toLatLng = (gx, gy) =>
          self.L.latLng(
            (Math.atan(Math.sinh((gy * step) / EARTH)) * 180) / Math.PI,
            ((gx * step) / EARTH) * (180 / Math.PI),
          );
        const a = map.latLngToContainerPoint(toLatLng(x1, y2));
        const b = map.latLngToContainerPoint(toLatLng(x2, y1));
        const rect = map.getContainer().getBoundingClientRect();
        return { x: rect.left + a.x, y: rect.top + a.y, width: b.x - a.x, height: b.y - a.y };
      },
      // Client rectangles of the DROM inset frames as drawn (empty when not shown).
      insetBoxes() {
        const map = self.map;
        if (!map || !self.national || !self.insetsVisible()) return [];
        const step = self.national.header.step;
        const rect = map.getContainer().getBoundingClientRect();
        return self.national.header.frames.map((frame) => {
          const [x1, y1, x2, y2] = frame.box;
          const a = map.latLngToContainerPoint(self.gridBounds([x1, y1, x2, y2], step).getNorthWest());
          const b = map.latLngToContainerPoint(self.gridBounds([x1, y1, x2, y2], step).getSouthEast());
          return { name: frame.name, x: rect.left + a.x, y: rect.top + a.y, width: b.x - a.x, height: b.y - a.y };
        });
      },
      // Milliseconds per redraw of the current view (median of `runs`), for benchmarks.
      timeRedraw(runs = 5) {
        const times = [];
        for (let i = 0; i < runs; i++) {
          const start = performance.now();
          self.redraw();
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        return times[Math.floor(runs / 2)];
      },
      // The names (or shares) written on the map: [{text, box: [x1, y1, x2, y2]}] in
      // pixels of the map's box.
      labels() {
        return (self.labelsDrawn || []).map((label) => ({ text: label.text, box: [...label.box] }));
      },
      // « communes » or « share » (« Part par département »); sets it when given.
      colourMode(value) {
        if (value) {
          self.colourMode = value;
          self.updateModeControl();
          self.renderLegend();
          self.redraw();
        }
        return self.colourMode;
      },
      // How many of the view's communes the map draws in each class: {label: count},
      // read from the data it draws from (the run-length classes and the focus).
      classCounts() {
        if (!self.status || !self.focus) return {};
        const counts = {};
        for (let i = 0; i < self.status.length; i++) {
          if (!self.focus[i]) continue;
          const label = self.spec.labels[String.fromCharCode(self.status[i])] || "?";
          counts[label] = (counts[label] || 0) + 1;
        }
        return counts;
      },
      // The words of the status the map shows for commune `insee` of the view, or null.
      statusOf(insee) {
        for (const file of self.detailFiles || []) {
          const j = file.layers.communes.codes.indexOf(insee);
          if (j >= 0) {
            const code = String.fromCharCode(self.status[file.layers.communes.index[j]]);
            return self.spec.labels[code] || null;
          }
        }
        return null;
      },
      openLevel(value) {
        self.openLevel = value;
        self.updateControls();
      },
    };
  }
}
