// A two-line SVG sparkline (in and out on one scale), drawn without a library.
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

export function sparkline(rx, tx, slots, width = 120, height = 28) {
  const svg = el('svg', {width, height, viewBox: `0 0 ${width} ${height}`, class: 'spark', role: 'img'});
  const max = Math.max(1, ...rx, ...tx);
  const step = width / Math.max(1, slots - 1);
  const line = (values, cls) => {
    if (values.length === 0) return;
    const x0 = width - (values.length - 1) * step;
    const pts = values.map((v, i) => `${(x0 + i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
    svg.append(el('polyline', {points: pts.join(' '), class: cls, fill: 'none'}));
  };
  svg.append(el('line', {x1: 0, x2: width, y1: height - 1, y2: height - 1, class: 'base'}));
  line(rx, 'rx');
  line(tx, 'tx');
  const title = el('title', {});
  title.textContent = 'throughput in (blue) and out (orange), last ' + slots + ' samples';
  svg.prepend(title);
  return svg;
}
