// One EventSource on /api/v1/events for the whole page; views subscribe by event type.
// The browser reconnects by itself (the server sends "retry: 2000"); on every (re)open the
// views reload their snapshot, so nothing missed while disconnected stays missing.

const TYPES = ['instanceCreated', 'instanceDeleted', 'connectionOpened', 'connectionClosed',
  'connectionStateChanged', 'throughput'];
const listeners = new Map();
let source = null;

/** Calls fn(event) for each event of this type ('open' when the stream (re)connects); answers an unsubscribe function. */
export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}

function dispatch(type, payload) {
  for (const fn of listeners.get(type) || []) {
    try {
      fn(payload);
    } catch (e) {
      console.error('event listener failed', type, e);
    }
  }
}

export function start(status) {
  if (source) return;
  source = new EventSource('/api/v1/events');
  source.addEventListener('open', () => {
    status.textContent = 'live';
    status.className = 'live on';
    dispatch('open', null);
  });
  source.addEventListener('error', () => {
    status.textContent = source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting…';
    status.className = 'live off';
  });
  for (const t of TYPES) {
    source.addEventListener(t, e => dispatch(t, JSON.parse(e.data)));
  }
  window.addEventListener('pagehide', () => source.close());
}

export function connected() {
  return source !== null && source.readyState === EventSource.OPEN;
}
