// One instance: interfaces, routes, neighbours, live connections, counters, tunables,
// impairment, capture and attached clients.
import {get, post, put, patch, del, blob, enc} from './api.js';
import {h, section, table, emptyRow, fmtTime, fmtNumber, words} from './dom.js';
import {on} from './events.js';
import {connectionsView} from './connections.js';
import {apiForm, field, val, num, compact, confirmDialog, toast, toastError, showProblem, clearErrors} from './ui.js';

const SECTIONS = [['summary', 'Summary'], ['interfaces', 'Interfaces'], ['routes', 'Routes'],
  ['neighbors', 'Neighbours'], ['connections', 'Connections'], ['counters', 'Counters'],
  ['tunables', 'Tunables'], ['impairment', 'Impairment'], ['capture', 'Capture'], ['clients', 'Clients']];

export function render(main, name) {
  const base = '/instances/' + enc(name);
  const disposers = [];
  // sections register their loaders here while they are built
  const reloaders = [];
  let loadRoutes = null;
  const banner = h('p', {class: 'banner', hidden: true, role: 'alert'});
  const nav = h('nav', {class: 'sections', 'aria-label': 'Sections'},
    SECTIONS.map(([id, label]) => h('button', {type: 'button', class: 'quiet', onclick: () => {
      const s = document.getElementById(id);
      s.scrollIntoView({block: 'start'});
      s.querySelector('h2').setAttribute('tabindex', '-1');
      s.querySelector('h2').focus({preventScroll: true});
    }}, label)));

  const summary = h('dl', {class: 'kv', id: 'summary-list'});
  const conns = connectionsView(name);
  disposers.push(conns.dispose);

  main.replaceChildren(
    h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'Instances'), ' / '),
    h('h1', {tabindex: -1}, name),
    banner, nav,
    section('summary', 'Summary', summary),
    section('interfaces', 'Interfaces and addresses', ...interfaces()),
    section('routes', 'Routes', ...routes()),
    section('neighbors', 'Neighbours', ...neighbors()),
    section('connections', 'Connections', conns.element),
    section('counters', 'Counters', ...counters()),
    section('tunables', 'Tunables', ...tunables()),
    section('impairment', 'Impairment', ...impairment()),
    section('capture', 'Capture', ...capture()),
    section('clients', 'Attached clients', ...clients()));

  async function loadSummary() {
    try {
      const i = await get(base);
      summary.replaceChildren(...[
        ['State', h('span', {class: 'badge ' + i.state}, i.state)],
        ['Link', i.link ? h('a', {href: '#/links'}, i.link) : '– (loopback only)'],
        ['Mode', i.mode], ['MAC', i.mac ? h('code', {}, i.mac) : '–'],
        ['Addresses', i.addresses.length ? i.addresses.map(a => h('code', {class: 'addr'}, a)) : '–'],
        ['Gateway', i.gateway ? h('code', {}, i.gateway) : '–'], ['MTU', String(i.mtu ?? '–')],
        ['Created', fmtTime(i.createdAt)], ['Clients', i.clients === undefined ? '–' : String(i.clients)],
      ].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    } catch (e) {
      if (e.status === 404) gone();
      else toastError('Cannot read ' + name, e);
    }
  }

  function gone() {
    banner.textContent = `Instance ${name} does not exist (any more).`;
    banner.hidden = false;
  }

  // ---------------------------------------------------------------- interfaces

  function interfaces() {
    const {table: t, tbody} = table(['#', 'Name', 'MAC', 'MTU', 'State', 'Addresses']);
    t.id = 'interfaces-table';
    const ifSelect = h('select', {name: 'interface', id: 'addr-if'});
    const reload = async () => {
      try {
        const list = await get(base + '/interfaces');
        tbody.replaceChildren(...list.map(i => h('tr', {},
          h('td', {class: 'num'}, String(i.index)), h('th', {scope: 'row'}, i.name),
          h('td', {}, i.mac ? h('code', {}, i.mac) : '–'), h('td', {class: 'num'}, String(i.mtu)),
          h('td', {}, (i.up ? 'UP' : 'DOWN') + (i.loopback ? ' LOOPBACK' : '')),
          h('td', {}, i.addresses.map(a => h('span', {class: 'addr-item'}, h('code', {}, a),
            h('button', {type: 'button', class: 'link-button', 'aria-label': `Remove ${a} from ${i.name}`,
              onclick: () => removeAddress(i.name, a)}, '×')))))));
        const cur = ifSelect.value;
        ifSelect.replaceChildren(...list.map(i => h('option', {value: i.name}, i.name)));
        ifSelect.value = list.some(i => i.name === cur) ? cur : (list.find(i => !i.loopback) || list[0])?.name;
      } catch (e) {
        if (e.status !== 404) toastError('Cannot list interfaces', e);
      }
    };
    async function removeAddress(iface, cidr) {
      if (!await confirmDialog(`Remove ${cidr} from ${iface}? Its connected route goes with it.`, 'Remove')) return;
      try {
        await del(`${base}/interfaces/${enc(iface)}/addresses/${enc(cidr.split('/')[0])}`);
        reload();
        loadRoutes?.();
      } catch (e) {
        toastError('Cannot remove ' + cidr, e);
      }
    }
    const form = apiForm({id: 'address-form', class: 'inline-form'}, [
      h('div', {class: 'field', dataset: {field: 'interface'}}, h('label', {for: 'addr-if'}, 'Interface'), ifSelect,
        h('span', {class: 'field-error'})),
      field('Address', 'address', {placeholder: '10.20.0.3/24', autocomplete: 'off'}),
    ], async f => {
      await post(`${base}/interfaces/${enc(f.elements.interface.value)}/addresses`, {address: f.elements.address.value.trim()});
      f.elements.address.value = '';
      toast('Address added');
      reload();
      loadRoutes?.();
    }, 'Add address');
    reloaders.push(reload);
    return [h('div', {class: 'scroll'}, t), form];
  }

  // ---------------------------------------------------------------- routes

  function routes() {
    const {table: t, tbody} = table(['Destination', 'Gateway', 'Interface', 'Source', 'Metric', 'Kind', '']);
    t.id = 'routes-table';
    loadRoutes = async () => {
      try {
        const list = await get(base + '/routes');
        if (!list.length) emptyRow(tbody, 7, 'No routes.');
        else tbody.replaceChildren(...list.map(r => h('tr', {dataset: {route: r.destination}},
          h('th', {scope: 'row'}, h('code', {}, r.destination === '0.0.0.0/0' ? 'default' : r.destination)),
          h('td', {}, r.gateway ? h('code', {}, r.gateway) : '–'), h('td', {}, r.interface || '–'),
          h('td', {}, r.source ? h('code', {}, r.source) : '–'), h('td', {class: 'num'}, String(r.metric)),
          h('td', {}, r.connected ? 'connected' : 'static'),
          h('td', {}, h('button', {type: 'button', class: 'danger small', 'aria-label': 'Delete route ' + r.destination,
            onclick: () => deleteRoute(r)}, 'Delete')))));
      } catch (e) {
        if (e.status !== 404) toastError('Cannot list routes', e);
      }
    };
    async function deleteRoute(r) {
      if (!await confirmDialog(`Delete the route to ${r.destination}?`)) return;
      try {
        await del(`${base}/routes/${enc(r.id)}?metric=${r.metric}`);
        toast('Route deleted');
        loadRoutes();
      } catch (e) {
        toastError('Cannot delete the route', e);
      }
    }
    const includeConnected = h('input', {type: 'checkbox', id: 'flush-connected'});
    async function flush() {
      const all = includeConnected.checked;
      if (!await confirmDialog(all ? 'Flush every route, connected ones included?' : 'Flush every static route?', 'Flush')) return;
      try {
        const r = await del(`${base}/routes?includeConnected=${all}`);
        toast(`${r.removed} route(s) flushed`);
        loadRoutes();
      } catch (e) {
        toastError('Cannot flush routes', e);
      }
    }
    const form = apiForm({id: 'route-form', class: 'inline-form'}, [
      field('Destination', 'destination', {placeholder: '10.30.0.0/24', autocomplete: 'off'}, 'a.b.c.d/len or default'),
      field('Gateway', 'gateway', {placeholder: '10.20.0.1', autocomplete: 'off'}),
      field('Interface', 'interface', {placeholder: 'eth0', autocomplete: 'off'}),
      field('Metric', 'metric', {inputmode: 'numeric', placeholder: '0', autocomplete: 'off'}),
    ], async f => {
      await post(base + '/routes', compact({destination: val(f, 'destination') ?? '', gateway: val(f, 'gateway'),
        interface: val(f, 'interface'), metric: num(f, 'metric')}));
      for (const n of ['destination', 'gateway', 'interface', 'metric']) f.elements[n].value = '';
      toast('Route added');
      loadRoutes();
    }, 'Add route');
    reloaders.push(loadRoutes);
    return [h('div', {class: 'scroll'}, t), form,
      h('div', {class: 'toolbar'}, h('label', {}, includeConnected, ' include connected routes'),
        h('button', {type: 'button', class: 'danger', id: 'flush-routes', onclick: flush}, 'Flush routes'))];
  }

  // ---------------------------------------------------------------- neighbours

  function neighbors() {
    const {table: t, tbody} = table(['Address', 'MAC', 'State', 'Interface', '']);
    t.id = 'neighbors-table';
    const reload = async () => {
      try {
        const list = await get(base + '/neighbors');
        if (!list.length) emptyRow(tbody, 5, 'The neighbour cache is empty.');
        else tbody.replaceChildren(...list.map(n => h('tr', {},
          h('th', {scope: 'row'}, h('code', {}, n.address)), h('td', {}, n.mac ? h('code', {}, n.mac) : '–'),
          h('td', {}, n.state), h('td', {}, n.interface),
          h('td', {}, h('button', {type: 'button', class: 'danger small', 'aria-label': 'Delete neighbour ' + n.address,
            onclick: async () => {
              try {
                await del(`${base}/neighbors/${enc(n.address)}`);
                reload();
              } catch (e) {
                toastError('Cannot delete ' + n.address, e);
              }
            }}, 'Delete')))));
      } catch (e) {
        if (e.status !== 404) toastError('Cannot list neighbours', e);
      }
    };
    const form = apiForm({id: 'neighbor-form', class: 'inline-form'}, [
      field('Address', 'address', {placeholder: '10.20.0.9', autocomplete: 'off'}),
      field('MAC', 'mac', {placeholder: '02:00:00:00:00:09', autocomplete: 'off'}),
      field('Interface', 'interface', {placeholder: 'by subnet', autocomplete: 'off'}),
    ], async f => {
      await post(base + '/neighbors', compact({address: val(f, 'address') ?? '', mac: val(f, 'mac') ?? '',
        interface: val(f, 'interface')}));
      f.elements.address.value = '';
      f.elements.mac.value = '';
      toast('Static neighbour added');
      reload();
    }, 'Add static entry');
    async function flush() {
      if (!await confirmDialog('Flush the neighbour cache, static entries included?', 'Flush')) return;
      try {
        const r = await del(base + '/neighbors');
        toast(`${r.removed} entr${r.removed === 1 ? 'y' : 'ies'} flushed`);
        reload();
      } catch (e) {
        toastError('Cannot flush', e);
      }
    }
    reloaders.push(reload);
    return [h('div', {class: 'scroll'}, t), form,
      h('div', {class: 'toolbar'}, h('button', {type: 'button', class: 'quiet', onclick: reload}, 'Refresh'),
        h('button', {type: 'button', class: 'danger', onclick: flush}, 'Flush neighbours'))];
  }

  // ---------------------------------------------------------------- counters

  function counters() {
    const box = h('div', {class: 'counters', id: 'counters-box'});
    const zeros = h('input', {type: 'checkbox', id: 'show-zeros'});
    let last = null;
    const group = (title, map) => {
      const entries = Object.entries(map || {}).filter(([, v]) => zeros.checked || v !== 0);
      return h('div', {}, h('h3', {}, title), entries.length
        ? h('dl', {class: 'kv small'}, entries.flatMap(([k, v]) => [h('dt', {title: k}, words(k)), h('dd', {}, fmtNumber(v))]))
        : h('p', {class: 'muted'}, zeros.checked ? 'none' : 'none above zero'));
    };
    const reload = async () => {
      try {
        last = await get(base + '/stats');
        draw();
      } catch (e) {
        if (e.status !== 404) toastError('Cannot read counters', e);
      }
    };
    function draw() {
      const s = last;
      if (s) {
        box.replaceChildren(group('IP, ICMP, UDP, ARP', s.counters), group('TCP', s.tcp),
          group(`Drops (${fmtNumber(s.totalDrops)})`, s.drops));
      }
    }
    zeros.addEventListener('change', draw);
    const poll = setInterval(() => document.visibilityState === 'visible' && reload(), 3000);
    disposers.push(() => clearInterval(poll));
    reloaders.push(reload);
    return [h('div', {class: 'toolbar'}, h('label', {}, zeros, ' show counters that are zero'),
      h('span', {class: 'muted'}, 'refreshed every 3 s')), box];
  }

  // ---------------------------------------------------------------- tunables

  function tunables() {
    const {table: t, tbody} = table(['Name', 'Value', 'Default', 'Description']);
    t.id = 'tunables-table';
    let current = [];
    const reload = async () => {
      try {
        current = await get(base + '/tunables');
        tbody.replaceChildren(...current.map(tn => {
          const id = 'tun-' + tn.name;
          const input = tn.type === 'boolean'
            ? h('input', {type: 'checkbox', id, name: tn.name, checked: tn.value})
            : h('input', {id, name: tn.name, value: String(tn.value), size: 14, autocomplete: 'off',
              inputmode: tn.type === 'integer' ? 'numeric' : null,
              title: tn.min !== undefined ? `${tn.min} … ${tn.max}` : null});
          return h('tr', {},
            h('th', {scope: 'row'}, h('label', {for: id}, tn.name)),
            h('td', {}, h('div', {class: 'field', dataset: {field: tn.name}}, input, h('span', {class: 'field-error'}))),
            h('td', {}, h('code', {}, String(tn.defaultValue))), h('td', {class: 'desc'}, tn.description));
        }));
      } catch (e) {
        if (e.status !== 404) toastError('Cannot read tunables', e);
      }
    };
    const form = apiForm({id: 'tunables-form'}, [h('div', {class: 'scroll'}, t)], async f => {
      const changes = {};
      for (const tn of current) {
        const input = f.elements[tn.name];
        let v;
        if (tn.type === 'boolean') v = input.checked;
        else if (tn.type === 'integer') v = /^-?\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : input.value;
        else v = input.value;
        if (v !== tn.value) changes[tn.name] = v;
      }
      if (!Object.keys(changes).length) {
        toast('Nothing changed');
        return;
      }
      await patch(base + '/tunables', changes);
      toast(Object.keys(changes).length + ' tunable(s) set');
      reload();
    }, 'Apply changes');
    reloaders.push(reload);
    return [form];
  }

  // ---------------------------------------------------------------- impairment

  function impairment() {
    const KNOBS = [['lossRate', 'Loss rate', '0–1'], ['duplicateRate', 'Duplicate rate', '0–1'],
      ['reorderRate', 'Reorder rate', '0–1'], ['corruptRate', 'Corrupt rate', '0–1'],
      ['delayMillis', 'Delay', 'ms'], ['jitterMillis', 'Jitter', 'ms']];
    const countersLine = {transmit: h('p', {class: 'muted'}), receive: h('p', {class: 'muted'})};
    const fieldset = dir => h('fieldset', {}, h('legend', {}, dir === 'transmit' ? 'Transmit (out)' : 'Receive (in)'),
      KNOBS.map(([k, label, unit]) => field(label, dir + '.' + k, {inputmode: 'decimal', autocomplete: 'off', value: '0'}, unit)),
      countersLine[dir]);
    const form = apiForm({id: 'impairment-form', class: 'impairment'}, [fieldset('transmit'), fieldset('receive')], async f => {
      const spec = {};
      for (const dir of ['transmit', 'receive']) {
        const d = {};
        for (const [k] of KNOBS) {
          const v = num(f, dir + '.' + k);
          if (v !== undefined && v !== 0) d[k] = v;
        }
        if (Object.keys(d).length) spec[dir] = d;
      }
      show(await put(base + '/impairment', spec));
      toast('Impairment applied');
    }, 'Apply');
    function show(imp) {
      for (const dir of ['transmit', 'receive']) {
        const s = imp[dir];
        for (const [k] of KNOBS) form.elements[dir + '.' + k].value = String(s[k]);
        const c = s.counters;
        countersLine[dir].textContent = `${fmtNumber(c.frames)} frame${c.frames === 1 ? '' : 's'}: ${fmtNumber(c.lost)} lost, ${fmtNumber(c.duplicated)} duplicated, `
          + `${fmtNumber(c.reordered)} reordered, ${fmtNumber(c.corrupted)} corrupted, ${fmtNumber(c.delayed)} delayed`;
      }
    }
    const reload = async () => {
      try {
        show(await get(base + '/impairment'));
      } catch (e) {
        if (e.status === 409) form.querySelector('.form-error').textContent = e.message;
        else if (e.status !== 404) toastError('Cannot read impairment', e);
      }
    };
    const clear = h('button', {type: 'button', class: 'quiet', onclick: async () => {
      try {
        clearErrors(form);
        show(await put(base + '/impairment', {}));
        toast('Impairment cleared');
      } catch (e) {
        showProblem(form, e);
      }
    }}, 'Clear all');
    form.querySelector('.form-actions').prepend(clear);
    reloaders.push(reload);
    return [form];
  }

  // ---------------------------------------------------------------- capture

  function capture() {
    const status = h('span', {class: 'muted', id: 'capture-status', 'aria-live': 'polite'});
    let controller = null;
    const form = apiForm({id: 'capture-form', class: 'inline-form'}, [
      field('Packets', 'count', {value: '100', inputmode: 'numeric', autocomplete: 'off'}),
      field('At most (s)', 'seconds', {value: '10', inputmode: 'numeric', autocomplete: 'off'}),
      field('Protocol', 'protocol', {options: [['', 'any'], 'arp', 'ip', 'icmp', 'tcp', 'udp'], value: ''}),
      field('Port', 'port', {inputmode: 'numeric', autocomplete: 'off'}),
      field('Host', 'host', {placeholder: '10.20.0.7', autocomplete: 'off'}),
    ], async f => {
      const q = new URLSearchParams();
      for (const n of ['count', 'seconds', 'protocol', 'port', 'host']) {
        const v = val(f, n);
        if (v !== undefined) q.set(n, v);
      }
      controller = new AbortController();
      status.textContent = `capturing up to ${val(f, 'count') ?? 100} packets for at most ${val(f, 'seconds') ?? 10} s…`;
      try {
        const data = await blob(`${base}/capture?${q}`, controller.signal);
        const file = `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.pcap`;
        const url = URL.createObjectURL(data);
        const a = h('a', {href: url, download: file, hidden: true});
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        status.textContent = `saved ${file} (${fmtNumber(data.size)} bytes)`;
      } catch (e) {
        status.textContent = '';
        if (e.name === 'AbortError') status.textContent = 'stopped';
        else throw e;
      } finally {
        controller = null;
      }
    }, 'Capture and download');
    form.querySelector('.form-actions').append(status);
    disposers.push(() => controller?.abort());
    return [h('p', {class: 'muted'}, 'Saves a pcap of the frames crossing the instance\'s link (tcpdump and Wireshark read it).'), form];
  }

  // ---------------------------------------------------------------- clients

  function clients() {
    const {table: t, tbody} = table(['PID', 'Program', 'UID', 'Attached', 'Sockets']);
    t.id = 'clients-table';
    const reload = async () => {
      try {
        const list = await get(base + '/clients');
        if (!list.length) emptyRow(tbody, 5, 'No process is attached.');
        else tbody.replaceChildren(...list.map(c => h('tr', {},
          h('td', {class: 'num'}, String(c.pid)), h('th', {scope: 'row'}, c.program),
          h('td', {class: 'num'}, c.uid ?? '–'), h('td', {}, fmtTime(c.attachedAt)),
          h('td', {class: 'num'}, String(c.sockets)))));
      } catch (e) {
        if (e.status === 501) emptyRow(tbody, 5, 'This server cannot list attached processes.');
        else if (e.status !== 404) toastError('Cannot list clients', e);
      }
    };
    reloaders.push(reload);
    return [h('div', {class: 'scroll'}, t),
      h('div', {class: 'toolbar'}, h('button', {type: 'button', class: 'quiet', onclick: reload}, 'Refresh'))];
  }

  function reloadAll() {
    loadSummary();
    for (const r of reloaders) r();
  }

  disposers.push(on('instanceDeleted', e => e.instance === name && gone()));
  disposers.push(on('open', reloadAll));
  disposers.push(on('connectionOpened', e => e.instance === name && loadSummary()));
  reloadAll();
  return () => disposers.forEach(d => d());
}
