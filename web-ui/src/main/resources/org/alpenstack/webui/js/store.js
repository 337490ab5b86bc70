// Throughput history per instance, fed by /events "throughput" samples from page load on, so
// a sparkline keeps its past when the user moves between pages.
import {on} from './events.js';

export const HISTORY = 60;
const series = new Map();

export function history(name) {
  if (!series.has(name)) series.set(name, {rx: [], tx: []});
  return series.get(name);
}

export function track() {
  on('throughput', e => {
    const s = history(e.instance);
    s.rx.push(e.data.rxBytes);
    s.tx.push(e.data.txBytes);
    if (s.rx.length > HISTORY) {
      s.rx.shift();
      s.tx.shift();
    }
  });
  on('instanceDeleted', e => series.delete(e.instance));
}
