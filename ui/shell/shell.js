// Streamlit's own words, in French: the app's element that rewrites, where a person
// looks, the English strings that no widget parameter or setting reaches (a skip link,
// a picker's "No results", the table toolbar's tooltips, the connection dialog…).
//
// It changes text nodes and the aria-label / title / placeholder attributes whose
// whole value is one of TEXTS' English strings (or matches one of its patterns),
// never a node it does not recognise, so that the app's own text and its data stay
// as they are. React keeps the changed nodes: it only rewrites them when their
// English changes, and the observer below translates them again. The dictionary
// (ui/shell/texts.json) is checked against Streamlit's build by a test.

const TEXTS = __TEXTS__;
const ATTRIBUTES = ["aria-label", "title", "placeholder", "aria-placeholder", "aria-valuetext", "alt"];
const SKIPPED = new Set(["SCRIPT", "STYLE", "TEXTAREA", "CODE", "PRE"]);
const UNITS = { B: "o", KB: "Ko", MB: "Mo", GB: "Go" };
const MONTHS = {
  January: "janvier", February: "février", March: "mars", April: "avril", May: "mai",
  June: "juin", July: "juillet", August: "août", September: "septembre",
  October: "octobre", November: "novembre", December: "décembre",
};
const text = new Map(Object.entries(TEXTS.text));
const attributes = new Map(Object.entries(TEXTS.attributes));
const patterns = TEXTS.patterns.map((p) => ({ ...p, regex: new RegExp(p.english) }));

const filters = {
  // "50.0MB" → "50 Mo", "1.5KB" → "1,5 Ko"
  sizes: (s) => s.replace(/(\d+(?:\.\d+)?)\s?(KB|MB|GB|B)\b/g, (_, n, unit) =>
    `${String(Number(n)).replace(".", ",")} ${UNITS[unit]}`),
  // "December 06, 2026" → "06 décembre 2026" (the pattern has put the day first)
  // react-aria names the parts of a date field in English: "day, Avant"
  fields: (s) => s.replace(/^(day|month|year)\b/, (m) => ({ day: "jour", month: "mois", year: "année" })[m]),
  months: (s) => s.replace(/\b(January|February|March|April|May|June|July|August|September|October|November|December)\b/g, (m) => MONTHS[m]),
};

function french(english, isAttribute) {
  const key = english.trim();
  if (!key) return null;
  const found = text.get(key) ?? (isAttribute ? attributes.get(key) : undefined);
  if (found !== undefined) return english.replace(key, found);
  for (const pattern of patterns) {
    if (!pattern.regex.test(key)) continue;
    let result = key.replace(pattern.regex, pattern.french);
    for (const name of pattern.then || []) result = filters[name](result);
    return english.replace(key, result);
  }
  return null;
}

function fixText(node) {
  const parent = node.parentElement;
  if (!parent || SKIPPED.has(parent.tagName)) return;
  const value = node.nodeValue;
  if (!value || value.length > 200) return;
  const changed = french(value, false);
  if (changed !== null && changed !== value) node.nodeValue = changed;
}

function fixElement(element) {
  for (const name of ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (!value) continue;
    const changed = french(value, true);
    if (changed !== null && changed !== value) element.setAttribute(name, changed);
  }
}

function fixTree(root) {
  if (root.nodeType === Node.TEXT_NODE) return fixText(root);
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  fixElement(root);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) fixText(node);
    else fixElement(node);
  }
}

function install() {
  document.documentElement.lang = "fr";
  fixTree(document.body);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "childList") record.addedNodes.forEach(fixTree);
      else if (record.type === "characterData") fixText(record.target);
      else fixElement(record.target);
    }
  });
  observer.observe(document.documentElement, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ATTRIBUTES,
  });
  return observer;
}

async function exchange(session) {
  // A sign-in or sign-out just happened in this tab: the server sets or clears the
  // HttpOnly cookie (ui/sessions.py). The ticket is good once, for a minute.
  const url = new URL("_opsn/session", document.baseURI);
  const options = { method: session.ticket ? "POST" : "DELETE", credentials: "same-origin" };
  if (session.ticket) {
    options.headers = { "Content-Type": "application/json" };
    options.body = JSON.stringify({ ticket: session.ticket });
  }
  try { await fetch(url, options); } catch (error) { /* the tab keeps its own sign-in */ }
}

export default function (component) {
  window.__opsnFrench = window.__opsnFrench || install();
  const session = component.data && component.data.session;
  const done = (window.__opsnSessionsDone = window.__opsnSessionsDone || new Set());
  if (session && !done.has(session.id)) {
    done.add(session.id);
    exchange(session);
  }
}
