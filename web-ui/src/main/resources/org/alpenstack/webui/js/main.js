// The dashboard's entry: a hash router (#/, #/links, #/instances/<name>), the /events stream
// and the bearer token dialog.
import * as events from './events.js';
import {track} from './store.js';
import {setToken, token} from './api.js';
import {toast} from './ui.js';
import * as overview from './overview.js';
import * as instance from './instance.js';
import * as links from './links.js';

const main = document.getElementById('main');
let dispose = null;

function route() {
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return; // the skip link and other in-page anchors
  if (dispose) dispose();
  dispose = null;
  const path = hash.slice(2).split('/').map(decodeURIComponent);
  let view = 'overview';
  if (path[0] === 'links') {
    view = 'links';
    dispose = links.render(main);
    document.title = 'Links · Alpenstack';
  } else if (path[0] === 'instances' && path[1]) {
    dispose = instance.render(main, path[1]);
    document.title = path[1] + ' · Alpenstack';
  } else {
    dispose = overview.render(main);
    document.title = 'Instances · Alpenstack';
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  window.scrollTo(0, 0);
  main.querySelector('h1')?.focus({preventScroll: true});
}

function tokenDialog() {
  const d = document.getElementById('token');
  const form = document.getElementById('token-form');
  form.elements.token.value = token() || '';
  d.returnValue = 'cancel';
  d.addEventListener('close', () => {
    if (d.returnValue === 'save') setToken(form.elements.token.value.trim());
    if (d.returnValue === 'clear') setToken(null);
    if (d.returnValue !== 'cancel') toast(token() ? 'Token set for this tab' : 'Token forgotten');
  }, {once: true});
  d.showModal();
}

document.getElementById('token-button').addEventListener('click', tokenDialog);
document.addEventListener('alpenstack:unauthorized', () => {
  toast('The server needs a bearer token for changes: set it with the Token button.', 'error');
});
document.querySelector('[data-skip]').addEventListener('click', e => {
  e.preventDefault();
  main.focus();
});

track();
events.start(document.getElementById('live'));
window.addEventListener('hashchange', route);
route();
