// Sign in with the admin token. The token is checked against the API before it is kept, and
// kept in session storage only (gone with the tab).
import { api, session } from './api.js';
import { h, field, pageTitle } from './ui.js';

export function render(root, { onSignedIn }) {
  const input = h('input', {
    type: 'password', name: 'token', autocomplete: 'current-password', spellcheck: 'false',
    required: true, placeholder: 'hl_…',
  });
  const tokenField = field({
    label: 'Admin token', control: input,
    hint: 'Printed by `./hookline up` (and kept in .hookline/admin-token), or your HOOKLINE_ADMIN_TOKEN. A tenant token works too: it shows that tenant\'s webhooks only.',
  });
  const error = tokenField.querySelector('.field-error');
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Sign in' });
  // method=post: even if the script failed, the token would never end up in a URL
  const form = h('form', { class: 'card signin', method: 'post', action: '/', novalidate: true },
    pageTitle('Sign in to Hookline'),
    h('p', { class: 'muted', text: 'Manage webhooks, see every delivery, and try it all locally.' }),
    tokenField, h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    showError('');
    if (!token) {
      showError('Enter the admin token.');
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await api('GET', '/webhooks?limit=1', undefined, { token });
      session.signIn(token);
      onSignedIn();
    } catch (e) {
      showError(e.status === 401 ? 'This token is not accepted. Check it and try again.' : e.message);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (message) input.focus();
  }

  root.append(h('div', { class: 'signin-wrap' }, form));
  queueMicrotask(() => input.focus());
}
