// The static atlas (geo/exports/site): every view of the coverage map as plain files.
//
// The map is the live app's own code (map.js, loaded before this file: CoverageMap,
// mapFileSource) fed with the same spec (geo.maps.live_map_spec) written at export
// time; the headline, side panel and tables print facts written at export time by
// the functions behind the app (geo.explore.panel.view_facts, geo.explore.tables,
// geo.explore.commune_facts). Nothing here computes a figure: it finds the documents
// of the view in the address, puts their words and numbers on the page (French
// formats) and follows clicks, Back and Forward, the search and the keys.
//
// Text from data is set with textContent (names come from files anyone may edit).
(function () {
  "use strict";

  const atlas = window.OPSN_ATLAS;
  const manifest = window.OPSN_MANIFEST;
  const page = document.body.dataset.page || "index"; // "index" or "embed"
  const NNBSP = "\u202f";
  const NBSP = "\u00a0";
  const SEARCH_LIMIT = 30; // as the app's search (ui/explore.py)
  const PANEL_ZONES = 5; // as the app's side panel (ui/panel.py)
  const KIND_ORDER = { region: 0, departement: 1, epci: 2, commune: 3, territoire: 4 };
  const TABLE_ROW_VIEWS = {
    regions: ["region", "Code"],
    departements: ["departement", "Code"],
    epci: ["epci", "SIREN"],
    communes: ["commune", "Code INSEE"],
    territoires: ["territoire", "Identifiant"],
  }; // geo.explore.views.TABLE_ROW_VIEWS
  const ROW_TARGETS = {
    region: "la région",
    departement: "le département",
    epci: "l'EPCI",
    commune: "la commune",
    territoire: "le territoire",
  };
  const STATUS_NAMES = { a: "adherente", p: "perimetre", s: "sans_opsn" };
  const STATUSES = ["adherente", "perimetre", "sans_opsn"];

  let site = null; // the site document (data.py: site_document)
  let map = null; // the CoverageMap
  let current = null; // {view, facts, spec, tables}
  let showing = null; // "level:code" asked for last
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ French formats
  // geo/core/fmt.py: thin no-break space between thousands, decimal comma, halves to even.

  const formats = new Map();
  function decimal(value, digits = 1) {
    if (!formats.has(digits)) {
      formats.set(
        digits,
        new Intl.NumberFormat("fr-FR", {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
          roundingMode: "halfEven",
          useGrouping: "always",
        }),
      );
    }
    return formats.get(digits).format(value).replace(/[\u00a0\u202f ]/g, NNBSP).replace("\u2212", "-");
  }
  const integer = (value) => decimal(value, 0);
  // One rounding rule for a share (geo.core.fmt.SHARE_DIGITS): the site says how many decimals.
  const percent = (share, digits = site.share_digits) => `${decimal(share * 100, digits)}${NBSP}%`;
  function count(value, singular, plural) {
    const word = Math.abs(Math.round(value)) < 2 ? singular : plural || `${singular}s`;
    return `${integer(value)} ${word}`;
  }
  const inhabitants = (value) => count(value, "habitant");
  const fmt = { decimal, integer, percent, count, inhabitants };

  // geo/core/text.py fold: lower case, no accents, no punctuation.
  function fold(text) {
    return String(text)
      .toLowerCase()
      .replace(/œ/g, "oe")
      .replace(/æ/g, "ae")
      .replace(/ß/g, "ss")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  // ------------------------------------------------------------------ DOM helpers

  function el(tag, options = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const bold = (text) => el("b", { text });
  // A class of geo.core.classes (the status read with the rule) and its map colour.
  const CLASS_CODES = { adherente: "a", perimetre: "p", perimetre_non_comptee: "n", sans_opsn: "s" };
  const swatch = (kind) => el("span", { class: "swatch", style: `background:${site.spec.colours[CLASS_CODES[kind]]}` });

  // ------------------------------------------------------------------ views and addresses

  const viewKey = (level, code) => `${level}:${level === "france" ? "" : code}`;

  function parseAddress() {
    const params = atlas.address();
    const level = params.get("vue") || "france";
    let code = (params.get("code") || "").trim();
    if (level !== "epci") code = code.toUpperCase();
    return {
      level: level === "france" ? "france" : level,
      code: level === "france" ? "" : code,
      presentation: params.get("presentation") === "1",
      slides: params.get("diapos") || "",
    };
  }

  function addressOf(level, code, extra = {}) {
    const params = new URLSearchParams();
    if (level !== "france") {
      params.set("vue", level);
      params.set("code", code);
    }
    for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
    const text = params.toString();
    return text ? `#${text}` : "#";
  }

  // Open a view: a new entry in the browser's history (Back returns here).
  function go(level, code) {
    const state = parseAddress();
    const extra = state.presentation ? { presentation: "1", diapos: state.slides } : {};
    const target = addressOf(level, code, extra);
    if (target === window.location.hash || (target === "#" && !window.location.hash)) {
      show();
      return;
    }
    window.location.hash = target;
  }

  const departmentOf = (insee) => insee.slice(0, insee.startsWith("97") ? 3 : 2);

  // The documents of a view: {view, facts, spec, tables, communes}.
  async function load(level, code) {
    if (level === "commune") return loadCommune(code);
    let doc;
    let shards = [];
    if (level === "epci") {
      const departments = site.epci[code];
      if (!departments) throw new Error(`EPCI « ${code} » introuvable`);
      const group = await atlas.doc(`epci-${departments[0]}`);
      doc = group[code];
      shards = departments;
    } else {
      doc = await atlas.doc(level === "france" ? "france" : `${level}-${code}`);
      if (level === "departement") shards = [code];
      else if (level === "territoire") shards = doc.facts.zone.departements.map((d) => d.code);
    }
    const facts = { ...sharedFacts(), ...doc.facts, figures: { ...site.facts.france, ...doc.facts.figures } };
    return { view: viewKey(level, code), facts, spec: fullSpec(doc.spec), tables: doc.tables, shards };
  }

  function sharedFacts() {
    return site.facts;
  }

  function fullSpec(own) {
    const spec = { ...own };
    for (const key of own.shared) spec[key] = site.spec[key];
    delete spec.shared;
    return spec;
  }

  async function loadCommune(insee) {
    const department = departmentOf(insee);
    const [doc, shard] = await Promise.all([atlas.doc(`departement-${department}`), atlas.doc(`communes-${department}`)]);
    const row = shard.columns.insee.indexOf(insee);
    if (row < 0) throw new Error(`commune « ${insee} » introuvable`);
    const facts = communeFacts(shard, row);
    const spec = communeSpec(fullSpec(doc.spec), shard, row);
    return { view: viewKey("commune", insee), facts, spec, tables: [], shards: [department], row };
  }

  // geo/exports/site/data.py commune_spec: the department's spec, zoomed on the commune.
  function communeSpec(departmentSpec, shard, row) {
    const columns = shard.columns;
    const mask = columns.around[row];
    const [s, w, n, e] = columns.bounds.slice(4 * row, 4 * row + 4);
    return {
      ...departmentSpec,
      view: `commune:${columns.insee[row]}`,
      level: "commune",
      highlight: columns.position[row],
      bounds: [
        [s, w],
        [n, e],
      ],
      detail: [shard.detail[0], ...shard.detail.slice(1).filter((_, i) => (mask >> i) & 1)],
    };
  }

  const entries = (text) =>
    text
      ? text.split(",").map((entry) => [Number.parseInt(entry, 10), entry.replace(/^\d+/, "")])
      : [];

  // geo.explore.commune_facts.facts_of, with the view's name and breadcrumb: the same
  // dict as view_facts for a commune, read from the shard's columns.
  function communeFacts(shard, row) {
    const c = shard.columns;
    const opsn = site.opsn;
    const insee = c.insee[row];
    const population = c.population[row];
    const covered = c.couverte[row] === "1";
    const status = STATUS_NAMES[c.statut[row]];
    const kind = status === "perimetre" && !covered ? "perimetre_non_comptee" : status;
    const zone = c.zone[row] >= 0 ? site.zones[c.zone[row]] : null;
    const multi = c.n_opsn[row] >= 2;
    const without = status === "sans_opsn" ? population : 0;
    const department = shard.departement;
    const region = site.names.departement_region[department];
    const epci = c.epci[row] ? { siren: c.epci[row], nom: shard.epci[c.epci[row]] } : null;
    const named = (text) => entries(text).map(([k]) => ({ id: opsn[k].id, nom: opsn[k].nom }));
    const status_counts = {};
    for (const s of STATUSES) {
      status_counts[s] = { communes: Number(status === s), population: status === s ? population : 0 };
    }
    const name = `${c.nom[row]} (${insee})`;
    const trail = [
      { niveau: "france", code: "", nom: "France" },
      { niveau: "region", code: region, nom: site.names.region[region] },
      { niveau: "departement", code: department, nom: `${site.names.departement[department]} (${department})` },
    ];
    if (epci) trail.push({ niveau: "epci", code: epci.siren, nom: epci.nom });
    trail.push({ niveau: "commune", code: insee, nom: name });
    return {
      ...sharedFacts(),
      view: { niveau: "commune", code: insee, nom: name, niveau_libelle: site.level_labels.commune, fil: trail },
      figures: {
        ...site.facts.france,
        total_communes: 1,
        total_population: population,
        covered_communes: Number(covered),
        covered_population: covered ? population : 0,
        covered_share: covered && population ? 1 : 0,
        status: status_counts,
        classes: Object.fromEntries(
          site.rule_classes.map((k) => [
            k.key,
            { label: k.label, covered: k.covered, communes: Number(kind === k.key), population: kind === k.key ? population : 0 },
          ]),
        ),
        multi_opsn_communes: Number(multi),
        multi_opsn_population: multi ? population : 0,
        white_zone_count: Number(zone !== null),
        white_zone_population: without,
      },
      outside_territory: c.dans_territoire[row] !== "1",
      opsn: entries(c.serving[row]).map(([k, flags]) => ({
        id: opsn[k].id,
        nom: opsn[k].nom,
        offre: opsn[k].offre,
        perimetre_communes: Number(flags.includes("p")),
        adhesion_communes: Number(flags.includes("a")),
        adhesion_via_epci_communes: Number(flags.includes("e")),
      })),
      partial_offers: entries(c.partial[row]).map(([k, flags]) => ({
        id: opsn[k].id,
        nom: opsn[k].nom,
        offre_partielle: opsn[k].offre_partielle,
        nature: opsn[k].nature,
        perimetre_communes: Number(flags.includes("p")),
        adhesion_communes: Number(flags.includes("a")),
        counted: opsn[k].counted,
      })),
      bordering_opsn: named(c.bordering[row]),
      white_zones: {
        count: Number(zone !== null),
        population: zone ? zone.population : 0,
        population_in_view: without,
        zones: zone ? [zone] : [],
      },
      commune: {
        insee,
        nom: c.nom[row],
        statut: status,
        statut_libelle: site.status_labels[status],
        classe: kind,
        classe_libelle: site.class_labels[kind],
        couverte: covered,
        population,
        departement: { code: department, nom: site.names.departement[department] },
        region: { code: region, nom: site.names.region[region] },
        epci,
        adhesion: entries(c.adhesion[row]).map(([k, flags]) => ({
          id: opsn[k].id,
          nom: opsn[k].nom,
          via: flags.includes("e") ? "epci" : "commune",
        })),
        perimetre: named(c.perimetre[row]),
        zone,
      },
      zone: null,
    };
  }

  // ------------------------------------------------------------------ the page

  async function show() {
    const popup = $("search-popup");
    if (popup) popup.hidden = true;
    const state = parseAddress();
    const key = viewKey(state.level, state.code);
    showing = key;
    document.body.dataset.mode = state.presentation && page === "index" ? "presentation" : "page";
    let loaded;
    try {
      loaded = await load(state.level, state.code);
    } catch (error) {
      if (showing !== key) return;
      if (key !== "france:") {
        notice(`Vue introuvable (${error.message}) : retour à la France entière.`);
        window.location.replace(addressOf("france", ""));
        return;
      }
      notice(`L'atlas n'a pas pu être lu : ${error.message}`);
      return;
    }
    if (showing !== key) return;
    current = loaded;
    render();
  }

  function notice(text) {
    const box = $("notice");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  // The headline and the map first; the side panel, the tables and the sources once
  // the map is on screen (they would take the main thread from its first paint).
  function render() {
    const { facts } = current;
    const presentation = document.body.dataset.mode === "presentation";
    document.title = `${facts.view.niveau === "france" ? "France" : facts.view.nom} — Couverture OPSN`;
    renderHeadline(facts);
    if (page === "index") {
      renderSlideNav();
      renderCrumbs(facts);
    } else {
      renderEmbedLink();
    }
    const spec = { ...current.spec, assets: { leaflet: manifest.leaflet }, layout: presentation ? "presentation" : "page" };
    if (presentation) spec.legend = { ...spec.legend, note: creditsLine(facts) };
    placeMap();
    map.update(spec);
    if (page === "index") {
      const shown = current;
      afterMap(() => {
        if (current !== shown) return;
        renderPanel(facts);
        renderTables();
        renderSources(facts);
      });
    }
  }

  // Runs `action` once the map has painted (or failed), at the latest after 2 s.
  function afterMap(action) {
    const box = document.querySelector(".opsn-map");
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      action();
    };
    const observer = new MutationObserver(() => {
      if (box.dataset.state !== "loading") run();
    });
    observer.observe(box, { attributes: true, attributeFilter: ["data-state"] });
    const timer = setTimeout(run, 2000);
    if (box.dataset.state !== "loading") run();
  }

  // The headline: the view's share, France's beside it, the rule and the data's date
  // (ui/panel.py headline; in presentation mode, slide_headline).
  function renderHeadline(facts) {
    const { figures, view } = facts;
    const france = facts.france;
    const box = $("headline");
    const share = el("div", { class: "big", text: percent(figures.covered_share) });
    const territory = france.territory === "france" ? "France entière" : "France métropolitaine";
    const beside =
      view.niveau === "france" || document.body.dataset.mode === "presentation"
        ? null
        : el("div", { class: "france" }, el("span", { text: percent(france.covered_share) }), territory);
    const place = view.niveau === "france" ? "France" : view.nom;
    const presentation = document.body.dataset.mode === "presentation";
    // A slide (ui/panel.py slide_headline): the view's name on a line of its own.
    const sentence = presentation
      ? el(
          "div",
          { class: "sentence" },
          el("div", {
            class: "place",
            text: view.niveau === "france" ? place : `${place} (${territory} : ${percent(france.covered_share)})`,
          }),
          bold(inhabitants(figures.covered_population)),
          ` sur ${integer(figures.total_population)} — ${figures.counting_rule}.`,
        )
      : el(
          "div",
          { class: "sentence" },
          el("span", { class: "place", text: place }),
          " : ",
          bold(inhabitants(figures.covered_population)),
          ` sur ${integer(figures.total_population)}`,
        );
    const rule = presentation ? null : el("div", { class: "rule", text: `${capitalise(figures.counting_rule)}.` });
    const data = el("div", {
      class: "data",
      text: `Données OPSN : ${site.data} — atlas publié le ${site.generated_text}.`,
    });
    box.replaceChildren(...[share, beside, el("div", { class: "words" }, sentence, rule, data)].filter(Boolean));
    box.dataset.view = current.view;
    box.dataset.share = String(figures.covered_share);
    box.dataset.covered = String(figures.covered_population);
    box.dataset.total = String(figures.total_population);
    if (facts.outside_territory) {
      box.append(
        el("div", {
          class: "outside",
          text: "Hors du territoire choisi (Métropole) : ses chiffres ne comptent pas dans le total.",
        }),
      );
    }
  }

  const capitalise = (text) => text.slice(0, 1).toUpperCase() + text.slice(1);

  function renderCrumbs(facts) {
    const box = $("crumbs");
    const items = facts.view.fil.map((step, i, all) => {
      const last = i === all.length - 1;
      const label = (i ? "› " : "") + step.nom;
      return last
        ? el("span", { class: "crumb current", "aria-current": "page", text: label })
        : el("a", { class: "crumb", href: addressOf(step.niveau, step.code), title: site.level_labels[step.niveau], text: label });
    });
    const drom = Object.entries(site.drom).map(([code, name]) =>
      el("a", { class: "drom", href: addressOf("departement", code), text: name }),
    );
    box.replaceChildren(...items, el("span", { class: "drom-label", text: "· Outre-mer :" }), ...drom);
  }

  // ui/panel.py metrics and side_panel.
  function renderPanel(facts) {
    const { figures, view } = facts;
    const france = facts.france;
    const without = site.without;
    const box = $("panel");
    const declic = facts.reference_declic_2020;
    const metric = (label, value, help) =>
      el("div", { class: "metric", title: help }, el("div", { class: "label", text: label }), el("div", { class: "value", text: value }));
    const metrics = el(
      "div",
      { class: "metrics" },
      ...(facts.tiles || communeTiles(figures, without, facts.definition)).map((t) => metric(t.label, t.value, t.help)),
    );
    const reference = el(
      "details",
      { class: "declic" },
      el("summary", {}, "Repère : ", declic.headline),
      el("p", { text: declic.why_different }),
    );
    const territory = france.territory === "france" ? "France entière" : "France métropolitaine";
    const lines = [
      el(
        "p",
        {},
        bold(percent(figures.covered_share)),
        ` de la population couverte (${integer(figures.covered_population)} sur ${inhabitants(figures.total_population)})`,
        view.niveau === "france" ? "" : `, contre ${percent(france.covered_share)} pour la ${territory}`,
        ".",
      ),
    ];
    if (facts.commune === null) {
      const list = el("ul", { class: "statuses" });
      for (const [kind, counts] of Object.entries(figures.classes)) {
        list.append(
          el("li", {}, swatch(kind), ` ${counts.label} : ${count(counts.communes, "commune")}, ${inhabitants(counts.population)}`),
        );
      }
      lines.push(list);
    } else {
      lines.push(communeLines(facts.commune));
    }
    if (facts.zone) lines.push(el("p", { text: facts.zone.description || facts.zone.nom }));
    box.replaceChildren(
      el("h2", { text: view.nom }),
      metrics,
      reference,
      ...lines,
      ...serving(facts),
      ...whiteZones(facts),
      el("p", { class: "caption", text: `Données : ${facts.sources.data}` }),
    );
  }

  // A commune's tiles, as geo.explore.panel.tiles writes a view's (the views' own come
  // with their facts): the covered classes together, then each other class.
  function communeTiles(figures, without, definition) {
    const classes = Object.entries(figures.classes);
    const covered = classes.filter(([, c]) => c.covered).reduce((n, [, c]) => n + c.communes, 0);
    return [
      { label: "Communes couvertes", value: integer(covered), help: "" },
      ...classes
        .filter(([, c]) => !c.covered)
        .map(([key, c]) => ({ label: site.rule_classes.find((k) => k.key === key).short, value: integer(c.communes), help: "" })),
      { label: `Territoires ${without}`, value: integer(figures.white_zone_count || 0), help: definition },
      { label: `Habitants ${without}`, value: integer(figures.white_zone_population || 0), help: "" },
    ];
  }

  function communeLines(commune) {
    const department = commune.departement;
    const members = [
      ...commune.adhesion.filter((o) => o.via === "commune").map((o) => o.nom),
      ...commune.adhesion.filter((o) => o.via === "epci").map((o) => `${o.nom} (par son EPCI)`),
    ];
    const perimeter = commune.perimetre.map((o) => o.nom);
    return el(
      "div",
      { class: "commune" },
      el("p", {}, swatch(commune.classe), " ", bold(commune.classe_libelle)),
      el("p", { text: `Population municipale : ${inhabitants(commune.population)}` }),
      el("p", {
        text: `Département : ${department.nom} (${department.code}) — EPCI : ${commune.epci ? commune.epci.nom : "aucun"}`,
      }),
      el("p", {}, bold("Adhérente à"), ` : ${members.length ? members.join(", ") : "aucun OPSN connu"}`),
      el("p", {}, bold("Dans le périmètre de"), ` : ${perimeter.length ? perimeter.join(", ") : "aucun OPSN"}`),
    );
  }

  function serving(facts) {
    if (facts.view.niveau === "france") return [];
    const out = [];
    const items = facts.opsn.map((opsn) => {
      const how = [];
      if (opsn.perimetre_communes) how.push(`périmètre (${count(opsn.perimetre_communes, "commune")})`);
      if (opsn.adhesion_communes) {
        const via = opsn.adhesion_via_epci_communes;
        how.push(
          count(opsn.adhesion_communes, "commune adhérente", "communes adhérentes") +
            (via ? ` (dont ${integer(via)} par leur EPCI)` : ""),
        );
      }
      const partial = opsn.offre === "partielle" ? " (offre partielle)" : "";
      return el("li", { text: `${opsn.nom}${partial} : ${how.join(", ")}` });
    });
    out.push(el("h3", { text: "OPSN présents" }));
    out.push(items.length ? el("ul", { class: "opsn" }, items) : el("p", { text: "Aucun OPSN compté ici." }));
    if (facts.partial_offers.length) {
      const counted = facts.partial_offers.every((o) => o.counted);
      const listed = facts.partial_offers.map((o) => `${o.nom} (${o.nature})`).join(", ");
      out.push(el("p", {}, bold(`Offres partielles`), ` (${counted ? "comptées" : "non comptées"}) : ${listed}`));
    }
    if (facts.bordering_opsn.length) {
      out.push(el("p", {}, bold("OPSN voisins"), ` : ${facts.bordering_opsn.map((o) => o.nom).join(", ")}`));
    }
    return out;
  }

  function whiteZones(facts) {
    const zones = facts.white_zones;
    if (!zones.count || facts.view.niveau === "territoire") return [];
    const without = site.without;
    const out = [
      el(
        "p",
        { title: facts.definition },
        bold(`Territoires ${without}`),
        ` touchant ce territoire : ${integer(zones.count)} (${inhabitants(zones.population_in_view)} ici, ${inhabitants(zones.population)} en tout)`,
      ),
    ];
    const list = el("ul", { class: "zones" });
    for (const zone of zones.zones.slice(0, PANEL_ZONES)) {
      list.append(el("li", {}, el("a", { href: addressOf("territoire", zone.id), text: `→ ${zone.nom} — ${inhabitants(zone.population)}` })));
    }
    out.push(list);
    if (zones.count > PANEL_ZONES) {
      out.push(el("p", { class: "caption", text: `… et ${integer(zones.count - PANEL_ZONES)} autres (tableau ci-dessous).` }));
    }
    return out;
  }

  function creditsLine(facts) {
    return (
      `${site.credits} Données OPSN : ${facts.sources.data} (sources et niveau de confiance par ligne ` +
      `dans data/opsn/). Calculé le ${site.generated_text}.`
    );
  }

  function renderSources(facts) {
    $("sources").replaceChildren(el("p", { text: creditsLine(facts) }), el("p", { class: "definition", text: facts.definition }));
  }

  function renderEmbedLink() {
    const link = $("open-atlas");
    if (link) link.href = `${manifest.index}${window.location.hash}`;
  }

  // ------------------------------------------------------------------ tables

  let tableChoice = null; // the tab chosen, kept from view to view when it exists

  async function renderTables() {
    const box = $("tables");
    const view = current.view;
    const list = [...current.tables];
    const level = current.facts.view.niveau;
    if (current.shards.length) {
      const shards = await Promise.all(current.shards.map((d) => atlas.doc(`communes-${d}`)));
      if (current.view !== view) return;
      list.push(communesTable(shards, level));
    }
    const title = el("h2", { text: "Tableaux" });
    if (!list.length) {
      box.replaceChildren();
      return;
    }
    if (!list.some((t) => t.key === tableChoice)) tableChoice = list[0].key;
    const tabs = el("div", { class: "tabs", role: "tablist" });
    const panel = el("div", { class: "tab-panel", role: "tabpanel" });
    for (const table of list) {
      const tab = el("button", {
        type: "button",
        role: "tab",
        "aria-selected": String(table.key === tableChoice),
        text: table.sheet || table.title.replace(/^Couverture par /, ""),
        dataset: { table: table.key },
        onclick: () => {
          tableChoice = table.key;
          for (const other of tabs.children) other.setAttribute("aria-selected", String(other === tab));
          panel.replaceChildren(tableView(table));
        },
      });
      tabs.append(tab);
    }
    panel.replaceChildren(tableView(list.find((t) => t.key === tableChoice)));
    box.replaceChildren(title, tabs, panel);
  }

  function decodeColumns(data) {
    return data.map((column) => (column.codes ? column.codes.map((c) => column.distinct[c]) : column.values));
  }

  function rowsOf(table) {
    if (!table.rows) {
      const columns = decodeColumns(table.data);
      const n = columns.length ? columns[0].length : 0;
      table.rows = Array.from({ length: n }, (_, i) => columns.map((values) => values[i]));
      table.floats = table.data.map((column) => Boolean(column.float));
    }
    return table.rows;
  }

  // The communes of the view: rows of the communes table, from the shards.
  function shardRows(shard) {
    if (!shard.tableRows) {
      const table = { data: shard.table };
      shard.tableRows = rowsOf(table);
      shard.tableFloats = table.floats;
    }
    return shard.tableRows;
  }

  function communesTable(shards, level) {
    const header = site.communes_table;
    const code = current.facts.view.code;
    let wanted = null; // INSEE codes of the view's communes (all of the shards' if null)
    if (level === "epci" || level === "territoire" || level === "commune") {
      wanted = new Set();
      const rank = level === "territoire" ? site.zones.findIndex((z) => z.id === code) : -1;
      for (const shard of shards) {
        const columns = shard.columns;
        columns.insee.forEach((insee, i) => {
          const member =
            level === "epci" ? columns.epci[i] === code : level === "territoire" ? columns.zone[i] === rank : insee === code;
          if (member) wanted.add(insee);
        });
      }
    }
    const rows = [];
    for (const shard of shards) {
      for (const row of shardRows(shard)) if (!wanted || wanted.has(row[0])) rows.push(row);
    }
    return {
      key: "communes",
      title: header.title,
      sheet: header.sheet,
      columns: header.columns,
      rows,
      floats: shards.length ? shards[0].tableFloats : [],
      notes: [`Vue : ${current.facts.view.nom}`, ...header.notes],
    };
  }

  function cellText(value, column) {
    if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) return "";
    if (column.kind === "integer") return integer(value);
    if (column.kind === "decimal") return decimal(value, column.digits);
    if (column.kind === "percent") return percent(value / 100, column.digits);
    return String(value);
  }

  function tableView(table) {
    const rows = rowsOf(table);
    const columns = table.columns;
    const opens = TABLE_ROW_VIEWS[table.key];
    const box = el("div", { class: "table", dataset: { table: table.key } });
    const filter = el("input", { type: "search", class: "filter", placeholder: "Filtrer les lignes…", "aria-label": "Filtrer les lignes" });
    const caption = el("p", { class: "caption" });
    const scroller = el("div", { class: "scroller" });
    let shown = rows;
    let order = null; // [column, direction]
    const draw = () => {
      const body = el("tbody");
      for (const row of shown) {
        const tr = el("tr", {}, row.map((value, i) => el("td", { class: columns[i].kind, text: cellText(value, columns[i]) })));
        if (opens) {
          const at = columns.findIndex((c) => c.name === opens[1]);
          tr.tabIndex = 0;
          tr.classList.add("opens");
          const open = () => go(opens[0], String(row[at]));
          tr.addEventListener("click", open);
          tr.addEventListener("keydown", (event) => {
            if (event.key === "Enter") open();
          });
        }
        body.append(tr);
      }
      const head = el(
        "tr",
        {},
        columns.map((column, i) =>
          el("th", {
            scope: "col",
            title: column.description,
            class: column.kind,
            "aria-sort": order && order[0] === i ? (order[1] > 0 ? "ascending" : "descending") : null,
            text: column.name,
            onclick: () => {
              order = order && order[0] === i ? [i, -order[1]] : [i, 1];
              const numeric = ["integer", "decimal", "percent"].includes(column.kind);
              shown = [...shown].sort((a, b) => {
                const x = a[i];
                const y = b[i];
                const result = numeric ? (x ?? -Infinity) - (y ?? -Infinity) : String(x).localeCompare(String(y), "fr");
                return result * order[1];
              });
              draw();
            },
          }),
        ),
      );
      scroller.replaceChildren(el("table", {}, el("thead", {}, head), body));
      caption.textContent =
        (opens ? `Cliquer sur une ligne ouvre ${ROW_TARGETS[opens[0]]} sur la carte. ` : "") +
        `${count(shown.length, "ligne")}${shown.length === rows.length ? "" : ` sur ${integer(rows.length)}`}.`;
    };
    filter.addEventListener("input", () => {
      const words = fold(filter.value);
      shown = words ? rows.filter((row) => fold(row.join(" ")).includes(words)) : rows;
      draw();
    });
    draw();
    const download = el("button", {
      type: "button",
      class: "download",
      text: "Télécharger en CSV",
      onclick: () => downloadCsv(table, shown),
    });
    box.append(el("h3", { text: table.title }), filter, caption, scroller, download, el("p", { class: "notes", text: table.notes.join(" · ") }));
    return box;
  }

  // geo/exports/csv.py csv_bytes: ";", UTF-8 with BOM, decimal comma, CRLF, notes and
  // credits below after an empty line, formula-like text neutralised (geo/exports/cells.py).
  const TRIGGER = /^[=+\-@\t\r]/;
  const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
  const neutralise = (text) => (TRIGGER.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text);
  function csvCell(value, float) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") {
      if (Number.isNaN(value)) return "";
      // As pandas writes them: a float always with its decimals (12,0), an integer bare.
      const text = float && Number.isInteger(value) ? value.toFixed(1) : String(value);
      return text.replace(".", ",");
    }
    const text = neutralise(String(value));
    return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function csvText(table, rows) {
    const lines = [table.columns.map((c) => csvCell(c.name)).join(";")];
    for (const row of rows) lines.push(row.map((value, i) => csvCell(value, table.floats[i])).join(";"));
    lines.push("");
    for (const note of [...table.notes, site.credits]) lines.push(`"${neutralise(note).replace(/"/g, '""')}"`);
    return `\ufeff${lines.join("\r\n")}\r\n`;
  }

  function downloadCsv(table, rows) {
    const blob = new Blob([csvText(table, rows)], { type: "text/csv;charset=utf-8" });
    const link = el("a", { href: URL.createObjectURL(blob), download: csvName(table) });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  function csvName(table) {
    const view = current.facts.view;
    const where = view.niveau === "france" ? "france" : `${view.niveau}_${view.code}`;
    return `opsn_${table.key}_${where}.csv`;
  }

  // ------------------------------------------------------------------ search

  let index = null; // the search index, read on first use
  let results = [];
  let active = -1;

  function loadIndex() {
    if (!index) {
      index = atlas.doc("recherche").then((doc) => {
        const kinds = [];
        for (const [kind, columns] of Object.entries(doc.kinds)) {
          const names = columns.name.split("|");
          const keys = names.map(fold);
          kinds.push({
            kind,
            code: columns.code.split("|"),
            name: names,
            key: keys,
            compact: keys.map((k) => k.replace(/ /g, "")),
            departement: columns.departement.split("|"),
            extra: columns.extra.split("|"),
            weight: columns.weight.split(",").map(Number),
          });
        }
        return { kinds, departements: doc.departements };
      });
    }
    return index;
  }

  const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  // geo.explore.search.SearchIndex.find: codes, exact names, prefixes, words, parts;
  // then regions, departments, EPCI, communes, territories; most populated first.
  function find(data, query) {
    const text = query.trim();
    if (!text) return { hits: [], total: 0 };
    const key = fold(text);
    const compact = key.replace(/ /g, "");
    const code = text.replace(/ /g, "").toUpperCase();
    const digits = /^\d+$/.test(code);
    const postcode = digits ? new RegExp(`\\b${escapeRegExp(code)}\\b`) : null;
    const words = key ? new RegExp(`\\b${escapeRegExp(key)}`) : null;
    const found = [];
    for (const k of data.kinds) {
      for (let i = 0; i < k.code.length; i++) {
        let rank = 9;
        const c = k.compact[i];
        if (compact && c.includes(compact)) rank = 4;
        if (words && words.test(k.key[i])) rank = 3;
        if (compact && c.startsWith(compact)) rank = 2;
        if ((compact && c === compact) || (postcode && postcode.test(k.extra[i]))) rank = 1;
        if (k.code[i].toUpperCase() === code || (digits && code.length === 4 && k.code[i] === `0${code}`)) rank = 0;
        if (rank < 9) found.push({ rank, order: KIND_ORDER[k.kind], k, i });
      }
    }
    found.sort(
      (a, b) =>
        a.rank - b.rank ||
        a.order - b.order ||
        b.k.weight[b.i] - a.k.weight[a.i] ||
        (a.k.name[a.i] < b.k.name[b.i] ? -1 : a.k.name[a.i] > b.k.name[b.i] ? 1 : 0),
    );
    return { hits: found.slice(0, SEARCH_LIMIT).map((f) => hit(data, f.k, f.i)), total: found.length };
  }

  function hit(data, k, i) {
    const name = k.name[i];
    const code = k.code[i];
    let label;
    if (k.kind === "commune") {
      const department = k.departement[i];
      const depName = data.departements[department];
      label = `${name} (${depName ? `${department}, ${depName}` : department}) — commune, code ${code}`;
    } else if (k.kind === "departement") label = `${name} (${code}) — département`;
    else if (k.kind === "region") label = `${name} — région`;
    else if (k.kind === "territoire") label = `${name} — territoire sans OPSN (${k.extra[i]}, ${inhabitants(k.weight[i])})`;
    else label = `${name} — EPCI (${code})`;
    return { kind: k.kind, code, label };
  }

  function caption(found) {
    if (!found.total) return "Aucun résultat";
    if (found.total > found.hits.length) return `${integer(found.hits.length)} premiers résultats sur ${integer(found.total)}`;
    return count(found.total, "résultat");
  }

  function setupSearch() {
    const input = $("search");
    if (!input) return;
    const list = $("search-results");
    const note = $("search-caption");
    const popup = $("search-popup");
    let timer = null;
    const close = () => {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      note.textContent = "";
      active = -1;
    };
    const choose = (i) => {
      const target = results[i];
      if (!target) return;
      close();
      input.value = "";
      input.blur();
      go(target.kind, target.code);
    };
    const highlight = (i) => {
      active = i;
      [...list.children].forEach((item, j) => item.setAttribute("aria-selected", String(j === i)));
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", `search-hit-${i}`);
        list.children[i].scrollIntoView({ block: "nearest" });
      }
    };
    const update = async () => {
      const query = input.value;
      if (!query.trim()) return close();
      const data = await loadIndex();
      if (input.value !== query) return;
      const found = find(data, query);
      results = found.hits;
      list.replaceChildren(
        ...results.map((h, i) =>
          el("li", {
            id: `search-hit-${i}`,
            role: "option",
            "aria-selected": "false",
            dataset: { kind: h.kind, code: h.code },
            text: h.label,
            onmousedown: (event) => {
              event.preventDefault();
              choose(i);
            },
          }),
        ),
      );
      note.textContent = found.total ? caption(found) : `Aucun territoire ne correspond à « ${query} ».`;
      popup.hidden = false;
      input.setAttribute("aria-expanded", String(results.length > 0));
      highlight(results.length ? 0 : -1);
    };
    input.addEventListener("focus", () => loadIndex());
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 60);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && results.length) {
        event.preventDefault();
        highlight(Math.min(results.length - 1, active + 1));
      } else if (event.key === "ArrowUp" && results.length) {
        event.preventDefault();
        highlight(Math.max(0, active - 1));
      } else if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        if (popup.hidden) update().then(() => choose(0));
        else choose(Math.max(0, active));
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  // ------------------------------------------------------------------ presentation
  // geo/explore/presentation.py: the slides, where the view shown sits, the steps.

  function slides() {
    const text = parseAddress().slides;
    if (!text) return site.slides;
    const views = [];
    for (const raw of text.split(",")) {
      const token = raw.trim().toUpperCase();
      let view = null;
      if (token === "FR" || token === "FRANCE") view = ["france", ""];
      else if (site.names.region[token]) view = ["region", token];
      else if (token.startsWith("D") && site.names.departement[token.slice(1)]) view = ["departement", token.slice(1)];
      if (view && !views.some((v) => v[0] === view[0] && v[1] === view[1])) views.push(view);
    }
    return views.slice(0, 40);
  }

  function position(list, trail) {
    const at = (step) => list.findIndex((v) => v[0] === step.niveau && v[1] === step.code);
    const last = trail[trail.length - 1];
    if (at(last) >= 0) return { index: at(last), exact: true, count: list.length };
    for (const step of trail.slice(0, -1).reverse()) {
      if (at(step) >= 0) return { index: at(step), exact: false, count: list.length };
    }
    return { index: null, exact: false, count: list.length };
  }

  function stepTarget(delta) {
    const list = slides();
    if (!list.length) return null;
    const where = position(list, current.facts.view.fil);
    if (where.index === null) return delta > 0 ? list[0] : null;
    if (delta < 0 && !where.exact) return list[where.index];
    const target = where.index + (delta > 0 ? 1 : -1);
    return target >= 0 && target < list.length ? list[target] : null;
  }

  function renderSlideNav() {
    const box = $("slide-nav");
    if (!box) return;
    const list = slides();
    const where = position(list, current.facts.view.fil);
    const label =
      where.index === null
        ? `Hors de la liste (${where.count} vues)`
        : `Vue ${where.index + 1} / ${where.count}${where.exact ? "" : " (détail)"}`;
    const previous = stepTarget(-1);
    const next = stepTarget(1);
    box.replaceChildren(
      el("button", { type: "button", id: "slide-previous", disabled: !previous, title: "Flèche gauche", text: "← Vue précédente", onclick: () => slideStep(-1) }),
      el("button", { type: "button", id: "slide-next", disabled: !next, title: "Flèche droite", text: "Vue suivante →", onclick: () => slideStep(1) }),
      el("button", { type: "button", id: "slide-exit", title: "Échap", text: "Quitter la présentation", onclick: leavePresentation }),
      el("span", { class: "slide-position", text: label }),
    );
  }

  function slideStep(delta) {
    const target = stepTarget(delta);
    if (target) go(target[0], target[1]);
  }

  function enterPresentation() {
    const state = parseAddress();
    window.location.hash = addressOf(state.level, state.code, { presentation: "1", diapos: state.slides });
  }

  function leavePresentation() {
    const state = parseAddress();
    window.location.hash = addressOf(state.level, state.code);
  }

  function setupKeys() {
    document.addEventListener(
      "keydown",
      (event) => {
        if (document.body.dataset.mode !== "presentation" || !current) return;
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        const target = event.target;
        if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
        const action = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1, Escape: 0 }[event.key];
        if (action === undefined) return;
        // Before the map (which would pan with the arrows) and the page (scrolling).
        event.preventDefault();
        event.stopPropagation();
        if (action === 0) leavePresentation();
        else slideStep(action);
      },
      true,
    );
  }

  // ------------------------------------------------------------------ sharing

  function embedAddress() {
    const state = parseAddress();
    const url = new URL(manifest.embed, window.location.href);
    url.hash = addressOf(state.level, state.code).slice(1);
    return url.href;
  }

  function iframeCode() {
    const name = current ? current.facts.view.nom : "France";
    const title = `Couverture OPSN — ${current && current.facts.view.niveau === "france" ? "France" : name}`;
    const safe = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    return `<iframe src="${safe(embedAddress())}" title="${safe(title)}" width="600" height="400" style="border:0;max-width:100%" loading="lazy"></iframe>`;
  }

  function setupShare() {
    const dialog = $("share-dialog");
    const button = $("share");
    if (!dialog || !button) return;
    const copy = async (text, done) => {
      try {
        await navigator.clipboard.writeText(text);
      } catch (error) {
        const area = el("textarea", {}, text);
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      done.textContent = "Copié";
    };
    button.addEventListener("click", () => {
      const link = window.location.href;
      const code = iframeCode();
      const linkDone = el("span", { class: "done" });
      const codeDone = el("span", { class: "done" });
      const local = window.location.protocol === "file:";
      $("share-body").replaceChildren(
        el("h2", { text: "Partager cette vue" }),
        el("label", { for: "share-link", text: "Lien de cette vue" }),
        el("input", { id: "share-link", readonly: true, value: link }),
        el("button", { type: "button", text: "Copier le lien", onclick: () => copy(link, linkDone) }),
        linkDone,
        el("label", { for: "share-iframe", text: "Intégrer la carte dans une page (iframe, 600 × 400 ou plus)" }),
        el("textarea", { id: "share-iframe", readonly: true, rows: "4" }, code),
        el("button", { type: "button", text: "Copier le code", onclick: () => copy(code, codeDone) }),
        codeDone,
        local
          ? el("p", { class: "caption", text: "Atlas ouvert depuis un disque : le lien et le code valent une fois l'atlas publié sur un site web." })
          : null,
      );
      dialog.showModal();
    });
    $("share-close").addEventListener("click", () => dialog.close());
  }

  // ------------------------------------------------------------------ the map

  // The map fills the rest of the first screen under the headline (phone and desktop).
  function placeMap() {
    const root = document.querySelector(".opsn-root");
    if (!root || page === "embed") return;
    const top = root.getBoundingClientRect().top + window.scrollY;
    root.style.setProperty("--opsn-map-offset", `${Math.round(top + 12)}px`);
  }

  // map.js reads geometry files as a stream of the stored (gzip) bytes: here from the
  // scripts that carry them in base64.
  function base64Bytes(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function start() {
    // eslint-disable-next-line no-undef -- map.js's globals (classic scripts)
    mapFileSource.read = (url) => atlas.geometry(url).then((text) => new Blob([base64Bytes(text)]).stream());
    // Every view draws over the national file: decoded while the view's data arrive.
    // eslint-disable-next-line no-undef
    loadFile(manifest.mapdata.national).catch(() => {});
    try {
      site = await atlas.load(manifest.site, "site");
    } catch (error) {
      notice(`L'atlas n'a pas pu être lu : ${error.message}`);
      return;
    }
    // eslint-disable-next-line no-undef
    map = new CoverageMap(document.getElementById("map-root"), (name, value) => {
      if (name === "click" && value) go(value.level, value.code);
    });
    window.addEventListener("hashchange", show);
    if (page === "index") {
      setupSearch();
      setupKeys();
      setupShare();
      const present = $("present");
      if (present) present.addEventListener("click", enterPresentation);
      const print = $("print");
      if (print) print.addEventListener("click", () => window.print());
      window.addEventListener("resize", placeMap);
    }
    show();
  }

  // For tests: the French formats and folding, what is shown, the search.
  window.OPSN_ATLAS.page = {
    fmt,
    fold,
    get current() {
      return current;
    },
    find: (query) => loadIndex().then((data) => find(data, query)),
  };

  start();
})();
