// The overview: every instance with its live throughput and connections, create and delete.
import {get, post, del, enc} from './api.js';
import {h, fmtRate, emptyRow} from './dom.js';
import {on} from './events.js';
import {history, HISTORY} from './store.js';
import {sparkline} from './sparkline.js';
import {apiForm, field, val, num, compact, confirmDialog, toast, toastError} from './ui.js';

const COLUMNS = ['Name', 'Link', 'Mode', 'MAC', 'Addresses', 'State', 'Clients', 'Throughput', 'Connections', ''];

export function render(main) {
  const rows = new Map();
  const tbody = h('tbody');
  const linkSelect = h('select', {name: 'link', id: 'create-link'});
  const count = h('p', {class: 'muted', id: 'instance-count'});

  main.replaceChildren(
    h('h1', {tabindex: -1}, 'Instances'),
    count,
    h('div', {class: 'scroll'}, h('table', {class: 'instances', id: 'instances'},
      h('thead', {}, h('tr', {}, COLUMNS.map(c => h('th', {scope: 'col'}, c)))), tbody)),
    h('section', {class: 'card', 'aria-labelledby': 'create-h'},
      h('h2', {id: 'create-h'}, 'Create an instance'),
      createForm(linkSelect)));

  function cells(tr, i) {
    const c = tr.cells;
    c[1].textContent = i.link || '–';
    c[2].textContent = i.mode;
    c[3].replaceChildren(i.mac ? h('code', {}, i.mac) : '–');
    c[4].replaceChildren(...(i.addresses.length ? i.addresses.map(a => h('code', {class: 'addr'}, a)) : ['–']));
    c[5].replaceChildren(h('span', {class: 'badge ' + i.state}, i.state));
    c[6].textContent = i.clients === undefined || i.clients === null ? '–' : String(i.clients);
    c[8].replaceChildren(connectionChips(i.connections));
  }

  function drawThroughput(name) {
    const tr = rows.get(name);
    if (!tr) return;
    const s = history(name);
    const last = s.rx.length ? s.rx.length - 1 : -1;
    tr.cells[7].replaceChildren(
      sparkline(s.rx, s.tx, HISTORY),
      h('span', {class: 'rates'},
        h('span', {class: 'rx', title: 'in'}, '↓ ' + (last < 0 ? '–' : fmtRate(s.rx[last]))),
        h('span', {class: 'tx', title: 'out'}, '↑ ' + (last < 0 ? '–' : fmtRate(s.tx[last])))));
  }

  function row(i) {
    const del = h('button', {type: 'button', class: 'danger small', 'aria-label': 'Delete instance ' + i.name,
      onclick: () => remove(i.name)}, 'Delete');
    const tr = h('tr', {dataset: {instance: i.name}},
      h('th', {scope: 'row'}, h('a', {href: '#/instances/' + enc(i.name)}, i.name)),
      h('td'), h('td'), h('td'), h('td', {class: 'addrs'}), h('td'), h('td', {class: 'num'}),
      h('td', {class: 'throughput'}), h('td'), h('td', {}, del));
    rows.set(i.name, tr);
    return tr;
  }

  async function refresh() {
    let list;
    try {
      list = await get('/instances');
    } catch (e) {
      toastError('Cannot list instances', e);
      return;
    }
    const names = new Set(list.map(i => i.name));
    for (const [name, tr] of rows) {
      if (!names.has(name)) {
        tr.remove();
        rows.delete(name);
      }
    }
    if (list.length === 0) {
      emptyRow(tbody, COLUMNS.length, 'No instances yet: create one below.');
    } else {
      tbody.querySelector('tr.empty')?.remove();
    }
    for (const i of list) {
      const tr = rows.get(i.name) || row(i);
      cells(tr, i);
      drawThroughput(i.name);
      tbody.append(tr);
    }
    count.textContent = list.length === 1 ? '1 instance' : list.length + ' instances';
  }

  async function loadLinks() {
    try {
      const links = await get('/links');
      const current = linkSelect.value;
      linkSelect.replaceChildren(h('option', {value: ''}, '(none: loopback only)'),
        ...links.map(l => h('option', {value: l.name}, l.name + ' (' + l.type + ')')));
      linkSelect.value = links.some(l => l.name === current) ? current : (links[0]?.name || '');
    } catch (e) {
      toastError('Cannot list links', e);
    }
  }

  async function remove(name) {
    if (!await confirmDialog(`Delete instance ${name}? Its sockets are closed, its clients disconnected and its addresses freed.`)) return;
    try {
      await del('/instances/' + enc(name));
      toast(`Instance ${name} deleted`);
      await refresh();
    } catch (e) {
      toastError('Cannot delete ' + name, e);
    }
  }

  function createForm(select) {
    return apiForm({id: 'create-form', class: 'grid-form'}, [
      field('Name', 'name', {autocomplete: 'off', placeholder: 'blue', required: true}, 'a-z, 0-9 and -, up to 32'),
      h('div', {class: 'field', dataset: {field: 'link'}}, h('label', {for: 'create-link'}, 'Link'), select,
        h('span', {class: 'field-error', id: 'create-link-err'})),
      field('Addresses', 'addresses', {placeholder: '10.20.0.2/24', autocomplete: 'off'}, 'CIDRs, comma separated'),
      field('Gateway', 'gateway', {placeholder: '10.20.0.1', autocomplete: 'off'}),
      field('Mode', 'mode', {options: [['mac', 'mac: own MAC'], ['ip', 'ip: share the NIC MAC']], value: 'mac'}),
      field('MAC', 'mac', {placeholder: 'generated', autocomplete: 'off'}),
      field('MTU', 'mtu', {inputmode: 'numeric', placeholder: 'the link\'s', autocomplete: 'off'}),
    ], async form => {
      const addresses = val(form, 'addresses');
      const spec = compact({
        name: form.elements.name.value.trim(),
        link: val(form, 'link'),
        addresses: addresses === undefined ? undefined : addresses.split(/[\s,]+/).filter(Boolean),
        gateway: val(form, 'gateway'),
        mode: val(form, 'mode'),
        mac: val(form, 'mac'),
        mtu: num(form, 'mtu'),
      });
      const created = await post('/instances', spec);
      toast(`Instance ${created.name} created`);
      for (const n of ['name', 'addresses', 'gateway', 'mac', 'mtu']) form.elements[n].value = '';
      await refresh();
      rows.get(created.name)?.querySelector('a')?.focus();
    }, 'Create');
  }

  let pending = null;
  const refreshSoon = () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      refresh();
    }, 250);
  };
  const offs = [
    on('open', () => {
      refresh();
      loadLinks();
    }),
    on('instanceCreated', refreshSoon),
    on('instanceDeleted', refreshSoon),
    on('connectionOpened', refreshSoon),
    on('connectionClosed', refreshSoon),
    on('connectionStateChanged', refreshSoon),
    on('throughput', e => drawThroughput(e.instance)),
  ];
  // clients and state have no events: a slow poll keeps them honest
  const poll = setInterval(() => document.visibilityState === 'visible' && refresh(), 5000);
  refresh();
  loadLinks();
  return () => {
    offs.forEach(off => off());
    clearInterval(poll);
    clearTimeout(pending);
  };
}

const STATE_ORDER = ['ESTAB', 'LISTEN', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT',
  'CLOSING', 'LAST-ACK', 'TIME-WAIT', 'UNCONN', 'CLOSED'];

function connectionChips(byState) {
  const entries = Object.entries(byState || {}).filter(([, n]) => n > 0)
    .sort((a, b) => STATE_ORDER.indexOf(a[0]) - STATE_ORDER.indexOf(b[0]));
  if (!entries.length) return h('span', {class: 'muted'}, 'none');
  return h('span', {class: 'chips'}, entries.map(([s, n]) => h('span', {class: 'chip', dataset: {state: s}}, s + ' ' + n)));
}
