// The search box: suggestions while typing, chosen with the mouse or the keyboard.
//
// A Streamlit custom component (v2). Each pause in typing sends the text as the state
// value "query"; the page answers with the suggestions of geo.explore.search.suggestions
// for it (data.query, data.items, data.caption). A choice is sent as the trigger value
// "choose" ({level, code}) and the box empties. An answer to an older text is ignored;
// a new view (data.view) empties the box. Every text is set with textContent.

const PAUSE_MS = 120;

class SearchBox {
  constructor(root) {
    this.root = root;
    this.input = root.querySelector(".opsn-search-input");
    this.list = root.querySelector(".opsn-search-list");
    this.status = root.querySelector(".opsn-search-status");
    this.items = [];
    this.active = -1;
    this.view = undefined;
    this.input.addEventListener("input", () => this.typed());
    this.input.addEventListener("keydown", (event) => this.key(event));
    this.input.addEventListener("focus", () => this.open(this.items.length > 0));
    // A click in the list blurs the input first: close after the click is taken.
    this.input.addEventListener("blur", () => setTimeout(() => this.open(false), 150));
  }

  text() {
    return this.input.value;
  }

  typed() {
    clearTimeout(this.timer);
    const text = this.text();
    if (!text.trim()) {
      this.render([], "");
      this.send("");
      return;
    }
    this.timer = setTimeout(() => this.send(text), PAUSE_MS);
  }

  send(text) {
    if (text === this.sent) return;
    this.sent = text;
    this.setStateValue("query", text);
  }

  update(data) {
    this.input.placeholder = data.placeholder || "";
    this.input.setAttribute("aria-label", data.label || "");
    if (this.view !== undefined && data.view !== this.view) this.clear();
    this.view = data.view;
    // Only the answer to what the box holds now: a late one is for an older text.
    if (this.text().trim() && data.query === this.text()) this.render(data.items || [], data.caption || "");
  }

  render(items, caption) {
    this.items = items;
    this.active = items.length ? 0 : -1;
    this.list.replaceChildren();
    items.forEach((item, i) => {
      const option = document.createElement("li");
      option.id = `opsn-search-option-${i}`;
      option.setAttribute("role", "option");
      option.className = "opsn-search-option";
      option.textContent = item.label;
      option.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
      option.addEventListener("click", () => this.choose(i));
      option.addEventListener("mousemove", () => this.highlight(i));
      this.list.appendChild(option);
    });
    this.status.textContent = caption;
    this.highlight(this.active);
    this.open(document.activeElement === this.input || this.root.activeElement === this.input);
  }

  highlight(index) {
    this.active = index;
    this.list.querySelectorAll(".opsn-search-option").forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === index));
    });
    if (index >= 0) {
      this.input.setAttribute("aria-activedescendant", `opsn-search-option-${index}`);
      const option = this.list.children[index];
      if (option && option.scrollIntoView) option.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  open(shown) {
    const any = shown && (this.items.length > 0 || Boolean(this.status.textContent));
    this.root.querySelector(".opsn-search-popup").hidden = !any;
    this.input.setAttribute("aria-expanded", String(any && this.items.length > 0));
  }

  key(event) {
    const count = this.items.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      this.open(true);
      this.highlight((this.active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      this.highlight((this.active - 1 + count) % count);
    } else if (event.key === "Enter") {
      event.preventDefault();
      // Enter before the answer came: the first suggestion for this text, once it comes.
      if (count && this.sent === this.text()) this.choose(Math.max(0, this.active));
    } else if (event.key === "Escape") {
      if (!this.root.querySelector(".opsn-search-popup").hidden) this.open(false);
      else this.clear();
    }
  }

  choose(index) {
    const item = this.items[index];
    if (!item) return;
    this.clear();
    this.input.blur();
    this.setTriggerValue("choose", { level: item.level, code: item.code });
  }

  clear() {
    clearTimeout(this.timer);
    this.input.value = "";
    this.sent = "";
    this.render([], "");
    this.open(false);
  }
}

export default function (component) {
  const { parentElement, data, setStateValue, setTriggerValue } = component;
  let box = parentElement.opsnSearch;
  if (!box) {
    box = new SearchBox(parentElement);
    parentElement.opsnSearch = box;
  }
  box.setStateValue = setStateValue;
  box.setTriggerValue = setTriggerValue;
  if (data) box.update(data);
}
