// Small DOM helpers: elements are built with h(), never from HTML strings, so nothing from
// the server (names, program names, problem details) can inject markup.

/** h('tr', {class: 'x', onclick: f}, child, 'text', [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 1536 -> "1.5 kB" (decimal units, like ip -h). */
export function fmtBytes(n) {
  if (n === null || n === undefined) return '–';
  let v = Number(n);
  let u = 0;
  while (Math.abs(v) >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return (u === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + UNITS[u];
}

export function fmtRate(bytesPerSecond) {
  return fmtBytes(bytesPerSecond) + '/s';
}

export function fmtNumber(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en');
}

export function fmtMicros(us) {
  if (us === null || us === undefined) return '–';
  return us >= 1000 ? (us / 1000).toFixed(us >= 10000 ? 0 : 1) + ' ms' : us + ' µs';
}

export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

/** Turns ipInReceives into "ip in receives" for a counter label. */
export function words(camel) {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

export function section(id, title, ...content) {
  return h('section', {id, class: 'card', 'aria-labelledby': id + '-h'},
    h('h2', {id: id + '-h'}, title), ...content);
}

/** A table whose tbody the caller fills; headers are plain strings. */
export function table(headers, cls = '') {
  const tbody = h('tbody');
  const t = h('table', {class: cls},
    h('thead', {}, h('tr', {}, headers.map(x => h('th', {scope: 'col'}, x)))), tbody);
  return {table: t, tbody};
}

export function emptyRow(tbody, columns, text) {
  tbody.replaceChildren(h('tr', {class: 'empty'}, h('td', {colspan: columns}, text)));
}
