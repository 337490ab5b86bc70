// The one door to the server: the public REST API under /api/v1, nothing else.

const BASE = '/api/v1';
const TOKEN_KEY = 'alpenstack.token';

/** A problem+json answer (RFC 9457): status, title, detail, invalidParams [{name, reason}]. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || ('HTTP ' + status));
    this.status = status;
    this.problem = problem;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(method, body) {
  const hs = {Accept: 'application/json, application/problem+json'};
  if (body !== undefined) hs['Content-Type'] = 'application/json';
  const t = token();
  if (t && method !== 'GET') hs.Authorization = 'Bearer ' + t;
  return hs;
}

async function problemOf(r) {
  const type = r.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      return await r.json();
    } catch (e) {
      // fall through: a broken body still has a status
    }
  }
  return {status: r.status, title: r.statusText || ('HTTP ' + r.status)};
}

export async function api(method, path, body) {
  let r;
  try {
    r = await fetch(BASE + path, {method, headers: headers(method, body),
      body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, {title: 'The server cannot be reached', detail: 'the server cannot be reached'});
  }
  if (!r.ok) {
    const p = await problemOf(r);
    if (r.status === 401) document.dispatchEvent(new CustomEvent('alpenstack:unauthorized'));
    throw new ApiError(r.status, p);
  }
  if (r.status === 204) return null;
  return r.json();
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = path => api('DELETE', path);

/** GETs a binary resource (a pcap) as a Blob; errors are problems like the rest. */
export async function blob(path, signal) {
  const r = await fetch(BASE + path, {headers: {Accept: 'application/vnd.tcpdump.pcap, application/problem+json'}, signal});
  if (!r.ok) throw new ApiError(r.status, await problemOf(r));
  return r.blob();
}

export const enc = encodeURIComponent;
