// The tenant portal. A platform sends its customer a one-time link (#/portal/<code>); opening it
// turns the code into a portal session (a token of that tenant only) and drops the code from the
// address bar and the history at once. The same page then shows that tenant's webhooks only.
import { api, session } from './api.js';
import { h, notify, pageTitle } from './ui.js';

/** Signs in with a link's code; on failure explains it in `root`. Resolves to true when signed in. */
export async function signInWithLink(root, code) {
  history.replaceState(null, '', '#/portal'); // the code must not stay in the address bar
  root.replaceChildren(h('p', { class: 'loading', text: 'Signing in…' }));
  try {
    // no token: the code is the credential (an admin signed in on this tab stays out of it)
    const opened = await api('POST', '/portal/sessions', { code }, { token: '' });
    session.signIn(opened.token);
    notify('success', `Signed in to the webhooks of ${opened.tenant?.name || opened.tenant?.id}.`, { keep: 1 });
    return true;
  } catch (e) {
    root.replaceChildren(h('div', { class: 'signin-wrap' },
      h('div', { class: 'card signin' },
        pageTitle('This sign-in link cannot be used'),
        h('p', { class: 'notice notice-error', role: 'alert', text: e.message }),
        h('p', { class: 'muted', text: 'A link works once, for a few minutes. Ask for a new one where you found it.' }),
        h('p', {}, h('a', { class: 'button', href: '#/webhooks', text: session.token() ? 'Back to the webhooks' : 'Sign in with a token' })))));
    return false;
  }
}

/** A line in the top bar saying whose webhooks these are (tenant tokens only). */
export function tenantLabel(me) {
  if (me?.role !== 'tenant') return null;
  return h('span', { class: 'tenant-label', title: `Tenant ${me.tenant.id}`, text: me.tenant.name });
}
