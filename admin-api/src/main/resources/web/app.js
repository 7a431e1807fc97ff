// Entry point: sign-in gate, hash router, navigation. Routes live after '#', so nothing of the
// admin's session ever reaches the server in a URL.
import { session, whenUnauthorized, me } from './api.js';
import { h, clearNotices, notify } from './ui.js';
import * as signin from './signin.js';
import * as webhooks from './webhooks.js';
import * as webhookForm from './webhook-form.js';
import * as deliveries from './deliveries.js';
import * as events from './events.js';
import * as inspector from './inspector.js';
import { signInWithLink, tenantLabel } from './portal.js';

const ROUTES = [
  { pattern: /^\/webhooks\/?$/, view: webhooks, nav: 'webhooks' },
  { pattern: /^\/webhooks\/new$/, view: webhookForm, nav: 'webhooks' },
  { pattern: /^\/webhooks\/([^/]+)\/deliveries$/, view: deliveries, nav: 'webhooks' },
  { pattern: /^\/webhooks\/([^/]+)$/, view: webhookForm, nav: 'webhooks' },
  { pattern: /^\/events$/, view: events, nav: 'events' },
  { pattern: /^\/inspector(?:\/([^/]+))?$/, view: inspector, nav: 'inspector' },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let cleanup = null;
let generation = 0;
let firstRender = true;

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/webhooks';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

async function route() {
  const current = ++generation;
  if (cleanup) {
    try { cleanup(); } catch { /* a view's cleanup must not block navigation */ }
    cleanup = null;
  }
  clearNotices();
  const focusHeading = !firstRender;
  firstRender = false;

  // a portal link: its code opens a tenant's session, before any other page
  const link = parseHash().path.match(/^\/portal\/([^/]+)$/);
  if (link) {
    nav.hidden = true;
    who.replaceChildren();
    const root = h('div');
    main.replaceChildren(root);
    if (await signInWithLink(root, decodeURIComponent(link[1])) && current === generation) {
      location.replace('#/webhooks');
    }
    return;
  }

  if (!session.token()) {
    nav.hidden = true;
    who.replaceChildren();
    const root = h('div');
    signin.render(root, { onSignedIn: () => navigate(location.hash || '#/webhooks') });
    main.replaceChildren(root);
    return;
  }
  let identity;
  try {
    identity = await me();
  } catch (error) {
    if (current !== generation) return;
    if (error?.status === 401) return; // whenUnauthorized signs out and routes again
    identity = { role: 'admin' }; // an older server without /me: the admin page as before
  }
  if (current !== generation) return;
  const tenant = identity.role === 'tenant';
  // a tenant's token may not use the request inspector (it is the admin's, under `up` only)
  nav.querySelector('[data-nav="inspector"]').hidden = tenant;
  who.replaceChildren(...[tenantLabel(identity)].filter(Boolean));
  nav.hidden = false;

  const { path, query } = parseHash();
  const match = ROUTES.map((r) => ({ r, m: path.match(r.pattern) }))
    .find((x) => x.m && !(tenant && x.r.view === inspector));
  if (!match) {
    location.replace('#/webhooks');
    return;
  }
  for (const link of nav.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === match.r.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.setAttribute('aria-busy', 'true');
  const root = h('div', { class: 'view' });
  try {
    const dispose = await match.r.view.render(root, { params: match.m.slice(1), query, navigate, path });
    if (current !== generation) {
      if (typeof dispose === 'function') dispose();
      return;
    }
    cleanup = typeof dispose === 'function' ? dispose : null;
    main.replaceChildren(root);
    // "page loaded" as the admin sees it: the view and its data on screen (read by the tests)
    performance.mark('hookline:view-rendered', { detail: path });
  } catch (error) {
    if (current !== generation) return;
    if (error?.status === 404) {
      // a missing id and one that is not this token's read the same: not found
      main.replaceChildren(h('div', { class: 'view not-found' },
        h('h1', { tabindex: '-1', text: 'Not found' }),
        h('p', { class: 'notice notice-error', role: 'alert', text: error.message }),
        h('p', {}, h('a', { class: 'button', href: '#/webhooks', text: 'Back to the webhooks' }))));
      performance.mark('hookline:view-rendered', { detail: path });
      return;
    }
    main.replaceChildren(h('div', { class: 'view' },
      h('h1', { tabindex: '-1', text: 'This page could not be loaded' }),
      h('p', { class: 'notice notice-error', role: 'alert', text: error?.message || String(error) }),
      h('p', {}, h('button', { type: 'button', class: 'button', text: 'Try again', onclick: () => route() }))));
  } finally {
    if (current === generation) main.removeAttribute('aria-busy');
  }
  if (focusHeading && current === generation) main.querySelector('h1')?.focus();
}

whenUnauthorized(() => {
  if (!session.token()) return;
  session.signOut();
  notify('error', 'Your token is no longer accepted (revoked, expired, or its tenant deleted). Sign in again.', { keep: 1 });
  route();
});

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  notify('info', 'Signed out.', { keep: 1 });
  route();
});

window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (event) => {
  // a promise nobody awaited failed: still tell the admin rather than fail silently
  notify('error', `Something went wrong: ${event.reason?.message || event.reason}`);
  event.preventDefault();
});
route();
