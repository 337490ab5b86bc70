// The links instances attach to: NICs (afpacket), TAPs, in-memory switches; attach and detach.
import {get, post, del, enc} from './api.js';
import {h, fmtBytes, fmtNumber, emptyRow} from './dom.js';
import {apiForm, field, val, num, compact, confirmDialog, toast, toastError} from './ui.js';

const COLUMNS = ['Name', 'Type', 'Device', 'Mode', 'MTU', 'Instances', 'RX', 'TX', 'Dropped', ''];

export function render(main) {
  const tbody = h('tbody');
  main.replaceChildren(
    h('h1', {tabindex: -1}, 'Links'),
    h('div', {class: 'scroll'}, h('table', {id: 'links'},
      h('thead', {}, h('tr', {}, COLUMNS.map(c => h('th', {scope: 'col'}, c)))), tbody)),
    h('section', {class: 'card', 'aria-labelledby': 'attach-h'}, h('h2', {id: 'attach-h'}, 'Attach a link'),
      attachForm()));

  async function refresh() {
    try {
      const links = await get('/links');
      if (!links.length) {
        emptyRow(tbody, COLUMNS.length, 'No links: instances have only their loopback until one is attached.');
        return;
      }
      tbody.replaceChildren(...links.map(l => h('tr', {dataset: {link: l.name}},
        h('th', {scope: 'row'}, l.name),
        h('td', {}, l.type),
        h('td', {}, [l.device, l.netns ? 'netns ' + l.netns : null, l.hostAddress ? 'host ' + l.hostAddress : null]
          .filter(Boolean).join(', ') || '–'),
        h('td', {}, [l.mode, l.receive ? 'receives from ' + l.receive : null].filter(Boolean).join(', ') || '–'),
        h('td', {class: 'num'}, String(l.mtu)),
        h('td', {}, l.instances.length ? l.instances.map(i => h('a', {href: '#/instances/' + enc(i), class: 'tag'}, i)) : '–'),
        h('td', {class: 'num'}, `${fmtNumber(l.counters.rxFrames)} frames, ${fmtBytes(l.counters.rxBytes)}`),
        h('td', {class: 'num'}, `${fmtNumber(l.counters.txFrames)} frames, ${fmtBytes(l.counters.txBytes)}`),
        h('td', {class: 'num'}, fmtNumber(l.counters.dropped)),
        h('td', {}, h('button', {type: 'button', class: 'danger small', 'aria-label': 'Detach link ' + l.name,
          onclick: () => detach(l.name)}, 'Detach')))));
    } catch (e) {
      toastError('Cannot list links', e);
    }
  }

  async function detach(name) {
    if (!await confirmDialog(`Detach link ${name}? The server refuses while instances use it.`, 'Detach')) return;
    try {
      await del('/links/' + enc(name));
      toast(`Link ${name} detached`);
      refresh();
    } catch (e) {
      toastError('Cannot detach ' + name, e);
    }
  }

  function attachForm() {
    return apiForm({id: 'link-form', class: 'grid-form'}, [
      field('Name', 'name', {placeholder: 'lan0', autocomplete: 'off'}),
      field('Type', 'type', {options: [['memory', 'memory (in-process switch)'], ['afpacket', 'afpacket (host NIC)'], ['tap', 'tap (new TAP device)']], value: 'memory'}),
      field('Device', 'device', {placeholder: 'eth1', autocomplete: 'off'}, 'afpacket: the NIC; tap: its name'),
      field('Host address', 'hostAddress', {placeholder: '10.213.0.1/24', autocomplete: 'off'}, 'tap only'),
      field('Mode', 'mode', {options: [['', 'default'], 'mac', 'ip'], value: ''}),
      field('MTU', 'mtu', {inputmode: 'numeric', autocomplete: 'off'}),
      field('Receive', 'receive', {options: [['', 'default (socket)'], 'socket', 'ring']}, 'afpacket only: ring for bulk capture'),
    ], async f => {
      const l = await post('/links', compact({name: f.elements.name.value.trim(), type: val(f, 'type'),
        device: val(f, 'device'), hostAddress: val(f, 'hostAddress'), mode: val(f, 'mode'), mtu: num(f, 'mtu'),
        receive: val(f, 'receive')}));
      toast(`Link ${l.name} attached`);
      for (const n of ['name', 'device', 'hostAddress', 'mtu']) f.elements[n].value = '';
      refresh();
    }, 'Attach');
  }

  refresh();
  const poll = setInterval(() => document.visibilityState === 'visible' && refresh(), 3000);
  return () => clearInterval(poll);
}
