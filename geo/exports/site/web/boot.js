// The atlas's loader, inlined in its pages (geo/exports/site). Every data and geometry
// file is a script that hands its content to OPSN_ATLAS.put(name, value): scripts load
// from a laptop's disk (file://, where fetch() is refused) as from any web host. The
// files the address's view needs start loading here, before the page's own code.
(function () {
  "use strict";
  const store = new Map();
  const loading = new Map();
  const atlas = (window.OPSN_ATLAS = window.OPSN_ATLAS || {});
  const manifest = window.OPSN_MANIFEST;

  atlas.put = function (name, value) {
    store.set(name, value);
  };

  // The value the script at `url` puts under `name` (a Promise; each script once).
  atlas.load = function (url, name) {
    if (store.has(name)) return Promise.resolve(store.get(name));
    if (!loading.has(url)) {
      const promise = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = url;
        script.async = true;
        script.onload = function () {
          if (store.has(name)) resolve(store.get(name));
          else reject(new Error(url + " : contenu inattendu"));
        };
        script.onerror = function () {
          loading.delete(url);
          reject(new Error(url + " introuvable"));
        };
        document.head.appendChild(script);
      });
      loading.set(url, promise);
    }
    return loading.get(url);
  };

  // A document of the atlas by name ("france", "departement-29", "communes-29"…).
  atlas.doc = function (name) {
    const url = manifest.docs[name];
    if (!url) return Promise.reject(new Error("vue introuvable dans l'atlas : " + name));
    return atlas.load(url, name);
  };

  // A geometry file by the URL the map spec names (its script is that URL + ".js").
  atlas.geometry = function (url) {
    return atlas.load(url + ".js", url);
  };

  // The view in the address: #vue=departement&code=29 (or ?vue=…, as the app's links).
  atlas.address = function () {
    const params = new URLSearchParams(window.location.search);
    new URLSearchParams(window.location.hash.replace(/^#/, "")).forEach(function (value, key) {
      params.set(key, value);
    });
    return params;
  };

  function departmentOf(insee) {
    return insee.slice(0, insee.startsWith("97") ? 3 : 2);
  }

  // What the view in the address needs, asked for now (errors are met again later).
  const params = atlas.address();
  const level = params.get("vue") || "france";
  const code = (params.get("code") || "").trim();
  const map = manifest.mapdata;
  const wanted = [];
  const files = [map.national];
  if (level === "france") wanted.push("france");
  else if (level === "region" || level === "territoire") wanted.push(level + "-" + code.toUpperCase());
  else if (level === "departement") {
    const department = code.toUpperCase();
    wanted.push("departement-" + department);
    files.push(map.departements[department]);
    (map.neighbours[department] || []).forEach(function (d) {
      files.push(map.departements[d]);
    });
  } else if (level === "commune") {
    const department = departmentOf(code.toUpperCase());
    wanted.push("departement-" + department, "communes-" + department);
    files.push(map.departements[department]);
  }
  atlas.load(manifest.site, "site").catch(function () {});
  wanted.forEach(function (name) {
    if (manifest.docs[name]) atlas.doc(name).catch(function () {});
  });
  files.forEach(function (url) {
    if (url) atlas.geometry(url).catch(function () {});
  });
})();
