// The admin API client: every call goes through here, so every failure becomes an ApiError
// with a message a person can read, and a 401 always ends the session visibly.

const TOKEN_KEY = 'hookline.adminToken';
const BASE = '/api/v1';

// Session storage: gone when the tab closes, never in the URL, never sent anywhere but /api/v1.
export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => { sessionStorage.setItem(TOKEN_KEY, token); identity = null; },
  signOut: () => { sessionStorage.removeItem(TOKEN_KEY); identity = null; },
};

let identity = null;
/**
 * Who the token belongs to ({role: 'admin'} or {role: 'tenant', tenant: {...}}), asked once per
 * sign-in: the page hides what a tenant's token may not use.
 */
export async function me() {
  if (!identity) identity = await api('GET', '/me');
  return identity;
}

/** A failed API call; `errors` are the problem's field errors ({field, message}). */
export class ApiError extends Error {
  constructor(status, message, problem = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * Calls the API; resolves to the parsed JSON body (null when empty), rejects with ApiError.
 * `token` overrides the session's (used to check a token before keeping it).
 */
export async function api(method, path, body, { token } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const bearer = token ?? session.token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (e) {
    throw new ApiError(0, `Cannot reach Hookline (${e.message}). Is it still running?`);
  }
  let text = '';
  try {
    text = await response.text();
  } catch (e) {
    throw new ApiError(response.status, `The answer of Hookline could not be read (${e.message}).`);
  }
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      if (response.ok) throw new ApiError(response.status, 'Hookline answered something that is not JSON.');
    }
  }
  if (response.ok) return json;
  if (response.status === 401 && token === undefined) onUnauthorized();
  const problem = json && typeof json === 'object' ? json : null;
  const message = problem?.detail || problem?.title
    || `HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}${text && !problem ? ': ' + text.slice(0, 200) : ''}`;
  throw new ApiError(response.status, message, problem);
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body = {}) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

let catalog = null;
/** The event catalog, loaded once per page load (it only changes with a Hookline release). */
export async function eventTypes() {
  if (!catalog) {
    const page = await get('/event-types');
    catalog = Array.isArray(page?.data) ? page.data : [];
  }
  return catalog;
}

export const enc = encodeURIComponent;
