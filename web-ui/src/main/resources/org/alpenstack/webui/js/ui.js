// Shared pieces: toasts, the confirmation dialog, form fields that show the API's errors.
import {h} from './dom.js';

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const t = h('div', {class: 'toast ' + kind, role: kind === 'error' ? 'alert' : null}, message);
  box.append(t);
  // a burst of actions keeps only the latest few on screen
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 3500);
}

/** Shows an error that belongs to no form field. */
export function toastError(what, err) {
  toast(what + ': ' + (err.message || err), 'error');
}

/** Asks with the modal dialog; resolves true when confirmed. Escape or Cancel resolve false. */
export function confirmDialog(text, okLabel = 'Delete') {
  const d = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  d.returnValue = 'cancel';
  return new Promise(resolve => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), {once: true});
    d.showModal();
  });
}

let fieldSeq = 0;

/**
 * A labelled input with a slot for its error. {@code name} is the API's field name (what
 * problem+json's invalidParams calls body.<name>), so errors land next to the right field.
 */
export function field(label, name, attrs = {}, hint = null) {
  const id = 'f' + (++fieldSeq);
  const input = attrs.options
    ? h('select', {id, name}, attrs.options.map(o => Array.isArray(o)
      ? h('option', {value: o[0], selected: o[0] === attrs.value}, o[1])
      : h('option', {value: o, selected: o === attrs.value}, o)))
    : h('input', {id, name, ...attrs, 'aria-describedby': id + '-err' + (hint ? ' ' + id + '-hint' : '')});
  if (attrs.options) input.setAttribute('aria-describedby', id + '-err');
  return h('div', {class: 'field', dataset: {field: name}},
    h('label', {for: id}, label),
    input,
    hint ? h('small', {id: id + '-hint', class: 'hint'}, hint) : null,
    h('span', {id: id + '-err', class: 'field-error', 'aria-live': 'polite'}));
}

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error, .form-error')) e.textContent = '';
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}

/**
 * Puts each of the problem's invalidParams next to its field: "body.addresses[1]" goes to the
 * field named "addresses" (as "item 2: ..."), "body.transmit.lossRate" to "transmit.lossRate",
 * "query.count" to "count". Whatever matches no field goes to the form's own error line.
 */
export function showProblem(form, err) {
  clearErrors(form);
  const p = err.problem || {detail: String(err.message || err)};
  const leftover = [];
  let first = null;
  for (const ip of p.invalidParams || []) {
    const target = fieldFor(form, ip.name);
    if (!target) {
      leftover.push(ip.name + ': ' + ip.reason);
      continue;
    }
    const item = /\[(\d+)\]/.exec(ip.name);
    const msg = (item && target.list ? 'item ' + (Number(item[1]) + 1) + ': ' : '') + ip.reason;
    const slot = target.box.querySelector('.field-error');
    slot.textContent = slot.textContent ? slot.textContent + '; ' + msg : msg;
    const input = target.box.querySelector('input, select');
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  const formError = form.querySelector('.form-error');
  if (leftover.length || !(p.invalidParams || []).length) {
    const text = leftover.length ? leftover.join('; ') : (p.detail || p.title);
    if (formError) formError.textContent = text;
    else toast(text, 'error');
  }
  if (first) first.focus();
}

function fieldFor(form, apiName) {
  let name = apiName.replace(/^(body|query|path)\./, '');
  const list = /\[\d+\]/.test(name);
  name = name.replace(/\[\d+\]/g, '');
  // the longest dotted prefix that names a field: transmit.lossRate, then transmit
  const parts = name.split('.');
  for (let n = parts.length; n > 0; n--) {
    const box = form.querySelector(`.field[data-field="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    if (box) return {box, list};
  }
  return null;
}

/** A form that calls submit(form) and shows its ApiError next to the fields. */
export function apiForm(attrs, children, submit, buttonLabel) {
  const button = h('button', {type: 'submit', class: 'primary'}, buttonLabel);
  const form = h('form', {novalidate: true, ...attrs}, children,
    h('div', {class: 'form-actions'}, button, h('span', {class: 'form-error', role: 'alert'})));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearErrors(form);
    button.disabled = true;
    try {
      await submit(form);
    } catch (err) {
      showProblem(form, err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Trimmed value of a named control, or undefined when empty (the API then uses its default). */
export function val(form, name) {
  const v = form.elements[name].value.trim();
  return v === '' ? undefined : v;
}

/** A number when the text is one, else the text itself so that the API names the error. */
export function num(form, name) {
  const v = val(form, name);
  if (v === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

/** Drops undefined members (fields the user left empty). */
export function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
