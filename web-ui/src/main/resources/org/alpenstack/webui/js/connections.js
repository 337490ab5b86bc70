// The live connections table of one instance, like `ss -tuanpi`: sortable, filterable,
// kept current by /events (opened, closed, state changed) without reloading, abort per row.
import {get, del, enc} from './api.js';
import {h, fmtBytes, fmtMicros, fmtNumber} from './dom.js';
import {on} from './events.js';
import {confirmDialog, toast, toastError} from './ui.js';

const COLUMNS = [
  ['protocol', 'Proto'], ['state', 'State'], ['local', 'Local'], ['remote', 'Peer'],
  ['receiveQueue', 'Recv-Q'], ['sendQueue', 'Send-Q'], ['rttMicros', 'RTT'], ['cwnd', 'cwnd'],
  ['retransmits', 'Retrans'], ['bytesSent', 'Sent'], ['bytesReceived', 'Received'], ['program', 'Process'],
];
const NUMERIC = new Set(['receiveQueue', 'sendQueue', 'rttMicros', 'cwnd', 'retransmits', 'bytesSent', 'bytesReceived']);
const STATES = ['ESTAB', 'LISTEN', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING',
  'LAST-ACK', 'TIME-WAIT', 'CLOSED', 'UNCONN'];

/** Sorts endpoints by address then port, numerically ("10.0.0.9:80" before "10.0.0.10:22"). */
function endpointKey(e) {
  if (!e) return '';
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+|\*)$/.exec(e);
  if (!m) return e;
  return m.slice(1, 5).map(x => x.padStart(3, '0')).join('.') + ':' + (m[5] === '*' ? '' : m[5].padStart(5, '0'));
}

export function connectionsView(instance) {
  const conns = new Map();
  let sortKey = 'state';
  let ascending = true;
  const filter = h('input', {type: 'search', id: 'conn-filter', placeholder: 'address, port, program…',
    'aria-label': 'Filter connections', autocomplete: 'off'});
  const stateSel = h('select', {id: 'conn-state', 'aria-label': 'Only this state'},
    h('option', {value: ''}, 'all states'), STATES.map(s => h('option', {value: s}, s)));
  const protoSel = h('select', {id: 'conn-proto', 'aria-label': 'Only this protocol'},
    h('option', {value: ''}, 'all protocols'), ['tcp', 'udp', 'icmp'].map(p => h('option', {value: p}, p)));
  const summary = h('span', {class: 'muted', id: 'conn-summary', 'aria-live': 'polite'});
  const headRow = h('tr');
  const tbody = h('tbody');
  const tableEl = h('table', {id: 'connections', class: 'connections'}, h('thead', {}, headRow), tbody);

  for (const [key, label] of COLUMNS) {
    const b = h('button', {type: 'button', class: 'sort', onclick: () => {
      ascending = sortKey === key ? !ascending : true;
      sortKey = key;
      draw();
    }}, label);
    headRow.append(h('th', {scope: 'col', dataset: {key}, class: NUMERIC.has(key) ? 'num' : null}, b));
  }
  headRow.append(h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')));

  function matches(c) {
    const q = filter.value.trim().toLowerCase();
    if (stateSel.value && c.state !== stateSel.value) return false;
    if (protoSel.value && c.protocol !== protoSel.value) return false;
    if (!q) return true;
    return [c.protocol, c.state, c.local, c.remote, c.program, c.pid, c.id]
      .some(v => v !== null && v !== undefined && String(v).toLowerCase().includes(q));
  }

  function compare(a, b) {
    let x = a[sortKey];
    let y = b[sortKey];
    if (sortKey === 'local' || sortKey === 'remote') {
      x = endpointKey(x);
      y = endpointKey(y);
    } else if (sortKey === 'state') {
      x = STATES.indexOf(x);
      y = STATES.indexOf(y);
    }
    const nx = x === null || x === undefined;
    const ny = y === null || y === undefined;
    if (nx || ny) return nx === ny ? 0 : (nx ? 1 : -1);
    const r = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? r : -r;
  }

  function rowOf(c) {
    const abort = c.protocol === 'tcp' && c.state !== 'LISTEN'
      ? h('button', {type: 'button', class: 'danger small', 'aria-label': 'Abort ' + c.id,
        onclick: () => abortConnection(c)}, 'Abort')
      : null;
    return h('tr', {dataset: {id: c.id, state: c.state}},
      h('td', {}, c.protocol),
      h('td', {}, h('span', {class: 'state', dataset: {state: c.state}}, c.state)),
      h('td', {}, h('code', {}, c.local)),
      h('td', {}, c.remote ? h('code', {}, c.remote) : '*'),
      h('td', {class: 'num'}, fmtNumber(c.receiveQueue)),
      h('td', {class: 'num'}, fmtNumber(c.sendQueue)),
      h('td', {class: 'num'}, fmtMicros(c.rttMicros)),
      h('td', {class: 'num'}, fmtNumber(c.cwnd)),
      h('td', {class: 'num'}, fmtNumber(c.retransmits)),
      h('td', {class: 'num'}, c.bytesSent === null || c.bytesSent === undefined ? '–' : fmtBytes(c.bytesSent)),
      h('td', {class: 'num'}, c.bytesReceived === null || c.bytesReceived === undefined ? '–' : fmtBytes(c.bytesReceived)),
      h('td', {}, c.pid ? `${c.program || '?'} (${c.pid})` : '–'),
      h('td', {}, abort));
  }

  function draw() {
    for (const th of headRow.querySelectorAll('th[data-key]')) {
      th.setAttribute('aria-sort', th.dataset.key === sortKey ? (ascending ? 'ascending' : 'descending') : 'none');
    }
    const shown = [...conns.values()].filter(matches).sort(compare);
    const focusedId = document.activeElement?.closest('tr')?.dataset.id;
    tbody.replaceChildren(...shown.map(rowOf));
    if (!shown.length) {
      tbody.append(h('tr', {class: 'empty'}, h('td', {colspan: COLUMNS.length + 1},
        conns.size ? 'No connection matches the filter.' : 'No sockets.')));
    }
    if (focusedId) tbody.querySelector(`tr[data-id="${CSS.escape(focusedId)}"] button`)?.focus();
    summary.textContent = `${shown.length} shown of ${conns.size}`;
  }

  async function reload() {
    try {
      const list = await get('/instances/' + enc(instance) + '/connections');
      conns.clear();
      for (const c of list) conns.set(c.id, c);
      draw();
    } catch (e) {
      if (e.status !== 404) toastError('Cannot list connections', e);
    }
  }

  async function abortConnection(c) {
    if (!await confirmDialog(`Abort ${c.id}? The peer gets a reset (like ss -K).`, 'Abort')) return;
    try {
      await del('/instances/' + enc(instance) + '/connections/' + enc(c.id));
      conns.delete(c.id);
      draw();
      toast('Connection aborted');
    } catch (e) {
      toastError('Cannot abort ' + c.id, e);
    }
  }

  for (const control of [filter, stateSel, protoSel]) control.addEventListener('input', draw);

  const mine = fn => e => e.instance === instance && fn(e.data);
  const offs = [
    on('open', reload),
    on('connectionOpened', mine(c => {
      conns.set(c.id, c);
      draw();
    })),
    on('connectionClosed', mine(c => {
      conns.delete(c.id);
      draw();
    })),
    on('connectionStateChanged', mine(d => {
      const c = d.connection || d;
      conns.set(c.id, c);
      draw();
    })),
  ];
  // queues, RTT and byte counts have no events: refreshed now and then
  const poll = setInterval(() => document.visibilityState === 'visible' && reload(), 10000);
  reload();

  const element = h('div', {},
    h('div', {class: 'toolbar'}, filter, stateSel, protoSel, summary,
      h('button', {type: 'button', class: 'quiet', onclick: reload}, 'Refresh')),
    h('div', {class: 'scroll'}, tableEl));
  return {element, dispose: () => {
    offs.forEach(off => off());
    clearInterval(poll);
  }};
}
