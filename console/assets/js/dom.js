// Building DOM nodes without HTML strings: every piece of data becomes a text
// node, so a product title or comment holding markup renders as text. Nothing
// in the console assigns innerHTML.

// h creates an element. attrs: on* keys are listeners, "class", "for" and
// "dataset" are special, everything else is set as an attribute. Children may
// be nodes, strings, numbers, arrays or null.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// replace swaps el's children for the given ones.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// img is an image that hides itself when it cannot load (catalog CDNs may be
// out of reach), keeping its alt text for screen readers.
export function img(src, alt, cls) {
  const safe = /^https?:\/\//i.test(src || '') ? src : placeholder;
  const el = h('img', { src: safe, alt: alt || '', class: cls, loading: 'lazy', referrerpolicy: 'no-referrer' });
  el.addEventListener('error', () => { if (el.src !== placeholder) el.src = placeholder; }, { once: true });
  return el;
}

// placeholder stands in for images that cannot load.
const placeholder = 'data:image/svg+xml,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" fill="#e9ecf2"/>' +
  '<path d="M8 30l9-11 7 8 4-5 5 8z" fill="#c3cad8"/><circle cx="28" cy="13" r="4" fill="#c3cad8"/></svg>');

// highlighted renders an OpenSearch highlight fragment ("a <em>b</em> c",
// HTML-encoded): only the <em> markers become <mark> elements, all else is
// decoded and stays text.
export function highlighted(fragment) {
  const out = [];
  const parts = String(fragment).split(/(<em>|<\/em>)/);
  let on = false;
  for (const p of parts) {
    if (p === '<em>') { on = true; continue; }
    if (p === '</em>') { on = false; continue; }
    if (p) out.push(on ? h('mark', null, unescape(p)) : document.createTextNode(unescape(p)));
  }
  return out;
}

// unescape decodes the entities OpenSearch's HTML encoder writes, so the
// text shows as the catalog has it (and is then set as text, never parsed).
const entities = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&#x2F;': '/', '&#47;': '/' };
function unescape(s) {
  return s.replace(/&(?:lt|gt|amp|quot|#x27|#39|#x2F|#47);/g, m => entities[m]);
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, err && err.message ? err.message : String(err));
}

export function fmt(n, digits = 2) {
  if (n == null || Number.isNaN(n)) return '–';
  if (typeof n !== 'number') return String(n);
  return Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: digits });
}

export function money(p) {
  if (p == null || p.price == null) return '';
  return `${fmt(p.price)} ${p.currency || ''}`.trim();
}

// table draws rows (objects) under columns [{key, label, num, render}].
export function table(columns, rows) {
  return h('table', null,
    h('thead', null, h('tr', null, columns.map(c => h('th', null, c.label || c.key)))),
    h('tbody', null, rows.map(r => h('tr', null, columns.map(c =>
      h('td', { class: c.num ? 'num' : null }, c.render ? c.render(r) : (c.num ? fmt(r[c.key], 3) : r[c.key])))))));
}

export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}
