// Add / edit a webhook: Name, URL, Event(s) with a live payload preview, Active, advanced
// settings; the secret shown once after creation, secret rotation, Send Test Event, delete.
// Field errors from the API's problem+json are shown beside their fields.
import { get, post, patch, del, eventTypes, enc } from './api.js';
import { h, add, fill, field, notify, notifyError, pageTitle, copyButton, confirmDialog, pretty, formatTime, nextId, statusBadge } from './ui.js';
import { sendTestEvent } from './test-event.js';
import { filterEditor } from './filter-editor.js';

// The secret of a webhook just created, handed from the create answer to the edit page once.
let justCreated = null;

export async function render(root, { params, query, navigate }) {
  const id = params[0];
  const editing = Boolean(id);
  const [catalog, webhook] = await Promise.all([
    eventTypes(),
    editing ? get(`/webhooks/${enc(id)}`) : Promise.resolve(null),
  ]);
  let current = webhook;
  const secret = editing && justCreated?.id === id ? justCreated.secret : null;
  if (secret) justCreated = null;

  const initial = current || {
    name: '', url: query.get('url') || '', description: '', events: [], active: true,
    timeoutSeconds: null, retrySchedule: null, headers: {}, filter: null, rateLimit: null,
  };

  // ---- fields ----
  const name = h('input', { type: 'text', name: 'name', placeholder: 'E.g. Zapier Integration', value: initial.name, autocomplete: 'off' });
  const url = h('input', { type: 'url', name: 'url', placeholder: 'https://example.com/webhooks/hookline', value: initial.url, autocomplete: 'off', inputmode: 'url' });
  const description = h('textarea', { name: 'description', rows: '2', placeholder: 'Optional: what this endpoint is for' });
  description.value = initial.description || '';
  const active = h('input', { type: 'checkbox', role: 'switch', class: 'switch', name: 'active', checked: initial.active });
  const timeout = h('input', { type: 'number', name: 'timeoutSeconds', min: '1', max: '30', step: '1', placeholder: '15', inputmode: 'numeric',
    value: initial.timeoutSeconds ?? '' });
  const rateLimit = h('input', { type: 'number', name: 'rateLimit', min: '1', max: '10000', step: '1', placeholder: 'Unlimited', inputmode: 'numeric',
    value: initial.rateLimit ?? '' });
  const retry = h('input', { type: 'text', name: 'retrySchedule', placeholder: '5s, 5m, 30m, 2h, 5h, 10h, 10h', autocomplete: 'off',
    value: (initial.retrySchedule || []).map(formatDelay).join(', ') });

  const events = eventPicker(catalog, initial.events || []);
  const headers = headerEditor(initial.headers || {});
  const preview = payloadPreview(catalog, events);
  const filter = filterEditor(initial.filter, preview.type, preview.onChange);

  const advanced = h('details', { class: 'advanced', open: Boolean(current && (current.retrySchedule || current.rateLimit || Object.keys(current.headers || {}).length)) },
    h('summary', { text: 'Advanced settings' }),
    field({ label: 'Timeout (seconds)', control: timeout, hint: '1 to 30; 15 when empty.', errorFor: 'timeout' }),
    field({ label: 'Rate limit (per second)', control: rateLimit, errorFor: 'rateLimit',
      hint: 'At most this many deliveries a second, for all workers together (1 to 10,000); the rest wait their turn. Empty: unlimited.' }),
    field({ label: 'Retry schedule', control: retry, errorFor: 'retry',
      hint: 'Delays before each retry, e.g. 5s, 5m, 30m, 2h. Empty: the default schedule (5s, 5m, 30m, 2h, 5h, 10h, 10h).' }),
    headers.element);

  const formError = h('div', { class: 'notice notice-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'button button-primary', text: editing ? 'Save changes' : 'Add Webhook' });
  const form = h('form', { class: 'card webhook-form', novalidate: true, method: 'post', action: '/' },
    formError,
    field({ label: 'Name', control: name, hint: 'How you recognise this webhook in lists.', errorFor: 'name' }),
    field({ label: 'URL', control: url, hint: 'The endpoint Hookline POSTs to. https:// in production.', errorFor: 'url' }),
    events.element,
    filter.element,
    h('div', { class: 'field field-inline' }, h('label', { for: nextIdFor(active), text: 'Active' }), active,
      h('span', { class: 'hint', text: 'Inactive webhooks receive nothing until activated.' }),
      h('p', { class: 'field-error', dataset: { errorFor: 'active' }, hidden: true })),
    field({ label: 'Description', control: description, errorFor: 'description' }),
    advanced,
    h('div', { class: 'actions' }, save, h('a', { class: 'button', href: '#/webhooks', text: 'Cancel' })));

  // ---- page ----
  const headActions = editing ? h('div', { class: 'head-actions' },
    h('button', { type: 'button', class: 'button', text: 'Send Test Event', onclick: () => sendTestEvent(current) }),
    h('a', { class: 'button', href: `#/webhooks/${enc(id)}/deliveries`, text: 'Deliveries' })) : null;
  const secretCard = editing ? secretPanel(current, secret) : null;
  add(root, 
    h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks', text: 'Webhooks' }), ' / ', editing ? current.name : 'Add New Webhook'),
    h('div', { class: 'page-head' }, pageTitle(editing ? `Edit ${current.name}` : 'Add New Webhook'), headActions),
    editing && current.status === 'disabled' ? h('div', { class: 'notice notice-error', role: 'status' },
      h('p', {}, statusBadge('disabled'), ` Hookline disabled this webhook ${formatTime(current.disabledAt)}: ${current.disabledReason || 'no reason recorded'}. Turn Active off and on again to re-enable it.`)) : null,
    secretCard,
    h('div', { class: 'form-grid' }, form, preview.element),
    editing ? dangerZone(current, navigate) : null);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const body = {
      name: name.value,
      url: url.value.trim(),
      description: description.value,
      events: events.value(),
      active: active.checked,
    };
    const t = timeout.value.trim();
    if (t) body.timeoutSeconds = /^\d+$/.test(t) ? Number(t) : t;
    const limit = rateLimit.value.trim();
    // empty: unlimited (null also removes a limit on edit); anything unreadable goes as is, for the API to name
    body.rateLimit = limit ? (/^\d+$/.test(limit) ? Number(limit) : limit) : null;
    const schedule = parseSchedule(retry.value);
    if (schedule) body.retrySchedule = schedule;
    body.headers = headers.value();
    body.filter = filter.value();
    save.disabled = true;
    try {
      if (editing) {
        current = await patch(`/webhooks/${enc(id)}`, body);
        notify('success', `Saved ${current.name}.`);
        document.title = `Edit ${current.name} · Hookline`;
        root.querySelector('h1').textContent = `Edit ${current.name}`;
      } else {
        const created = await post('/webhooks', body);
        justCreated = { id: created.id, secret: created.secret };
        notify('success', `Webhook ${created.name} created. Copy its signing secret now: it is shown only once.`, { keep: 1 });
        navigate(`#/webhooks/${enc(created.id)}`);
      }
    } catch (e) {
      showErrors(e);
    } finally {
      save.disabled = false;
    }
  });

  function clearErrors() {
    formError.hidden = true;
    for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function showErrors(error) {
    const targets = { name, url, description, active, timeout, rateLimit, retry, events: events.focusTarget(), headers: headers.focusTarget(), filter: filter.focusTarget() };
    const unplaced = [];
    let first = null;
    for (const e of error.errors) {
      const key = errorKey(e.field);
      const line = key && form.querySelector(`.field-error[data-error-for="${key}"]`);
      if (!line) { unplaced.push(`${e.field}: ${e.message}`); continue; }
      const label = key === 'headers' || key === 'retry' || key === 'events' ? fieldLabel(e.field) : key === 'filter' && e.field !== 'filter' ? `${e.field}: ` : '';
      line.textContent = (line.textContent ? line.textContent + ' ' : '') + label + e.message[0].toUpperCase() + e.message.slice(1) + '.';
      line.hidden = false;
      targets[key]?.setAttribute('aria-invalid', 'true');
      if (key === 'timeout' || key === 'rateLimit' || key === 'retry' || key === 'headers') advanced.open = true;
      first ??= targets[key];
    }
    fill(formError,
      h('p', { text: error.errors.length ? 'The webhook was not saved: correct the fields marked below.' : `The webhook was not saved: ${error.message}` }),
      unplaced.length ? h('ul', {}, unplaced.map((u) => h('li', { text: u }))) : null);
    formError.hidden = false;
    (first || formError).focus?.();
    if (!first) formError.scrollIntoView({ block: 'center' });
  }
}

function nextIdFor(control) {
  control.id ||= nextId('active');
  return control.id;
}

function errorKey(field) {
  if (field === 'name' || field === 'url' || field === 'description' || field === 'active') return field;
  if (field.startsWith('events')) return 'events';
  if (field === 'timeoutSeconds') return 'timeout';
  if (field === 'rateLimit') return 'rateLimit';
  if (field.startsWith('retrySchedule')) return 'retry';
  if (field.startsWith('headers')) return 'headers';
  if (field.startsWith('filter')) return 'filter';
  return null;
}

function fieldLabel(field) {
  const m = field.match(/^headers\.(.+)$/) || field.match(/\[(\d+)\]$/);
  if (!m) return '';
  return field.startsWith('headers') ? `${m[1]}: ` : field.startsWith('events') ? `Event ${Number(m[1]) + 1}: ` : `Delay ${Number(m[1]) + 1}: `;
}

// ---- event picker ----

function eventPicker(catalog, chosen) {
  const listeners = [];
  const all = h('input', { type: 'checkbox', value: '*', checked: chosen.includes('*') });
  const boxes = [];
  const byDomain = new Map();
  for (const t of catalog) {
    if (!byDomain.has(t.domain || 'other')) byDomain.set(t.domain || 'other', []);
    byDomain.get(t.domain || 'other').push(t);
  }
  const filter = h('input', { type: 'search', placeholder: 'Filter events', 'aria-label': 'Filter the event list', autocomplete: 'off' });
  const groups = [...byDomain.entries()].map(([domain, types]) => h('div', { class: 'event-group' },
    h('h3', { class: 'event-domain', text: domain }),
    types.map((t) => {
      const box = h('input', { type: 'checkbox', value: t.name, checked: chosen.includes(t.name) });
      boxes.push(box);
      const descId = nextId('event-desc');
      box.setAttribute('aria-describedby', descId);
      return h('label', { class: 'event-option', dataset: { name: t.name, text: `${t.name} ${t.title || ''} ${t.description || ''}`.toLowerCase() } },
        box,
        h('span', {}, h('code', { text: t.name }), t.title ? h('span', { class: 'event-title', text: ` ${t.title}` }) : null,
          h('span', { class: 'event-desc', id: descId, text: t.description || '' })));
    })));
  const error = h('p', { class: 'field-error', dataset: { errorFor: 'events' }, hidden: true });
  const fieldset = h('fieldset', { class: 'field events-field', 'aria-describedby': '' },
    h('legend', { text: 'Event(s)' }),
    h('p', { class: 'hint', text: 'The events this endpoint receives. Each one’s payload is previewed on the right.' }),
    catalog.length > 6 ? filter : null,
    h('label', { class: 'event-option event-all' }, all, h('span', {}, h('strong', { text: 'All events' }), h('span', { class: 'event-desc', text: 'Every event type, including ones added later (*).' }))),
    h('div', { class: 'event-list' }, groups),
    error);
  const errId = nextId('events-error');
  error.id = errId;
  fieldset.setAttribute('aria-describedby', errId);
  let lastPicked = chosen.find((c) => c !== '*') || null;
  const changed = (box) => {
    if (box && box.checked && box.value !== '*') lastPicked = box.value;
    fieldset.classList.toggle('all-selected', all.checked);
    listeners.forEach((l) => l());
  };
  all.addEventListener('change', () => changed(all));
  boxes.forEach((b) => b.addEventListener('change', () => changed(b)));
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const option of fieldset.querySelectorAll('.event-list .event-option')) option.hidden = q && !option.dataset.text.includes(q);
  });
  fieldset.classList.toggle('all-selected', all.checked);
  return {
    element: fieldset,
    value: () => (all.checked ? ['*'] : boxes.filter((b) => b.checked).map((b) => b.value)),
    chosen: () => boxes.filter((b) => b.checked).map((b) => b.value),
    allSelected: () => all.checked,
    lastPicked: () => lastPicked,
    onChange: (l) => listeners.push(l),
    focusTarget: () => fieldset,
  };
}

// ---- payload preview ----

function payloadPreview(catalog, events) {
  const select = h('select', { id: nextId('preview-event') });
  const code = h('pre', { class: 'code preview-code', tabindex: '0', 'aria-label': 'Payload preview' });
  const note = h('p', { class: 'hint' });
  const copy = copyButton(() => code.textContent, 'Copy payload');
  const listeners = [];
  const pickerField = h('div', { class: 'field' }, h('label', { for: select.id, text: 'Preview of' }), select);
  const element = h('aside', { class: 'card preview', 'aria-label': 'Payload preview' },
    h('div', { class: 'preview-head' }, h('h2', { text: 'Payload preview' }), copy),
    pickerField, note, code);

  // an event just ticked is previewed at once; picking in the select previews that one
  function refresh(eventsChanged) {
    const names = events.allSelected() ? catalog.map((t) => t.name) : events.chosen();
    const keep = select.value;
    select.replaceChildren(...names.map((n) => h('option', { value: n, text: n })));
    const wanted = eventsChanged && names.includes(events.lastPicked()) ? events.lastPicked() : keep;
    if (names.includes(wanted)) select.value = wanted;
    pickerField.hidden = names.length < 2;
    const type = catalog.find((t) => t.name === select.value);
    copy.disabled = !type;
    if (!type) {
      code.textContent = '';
      code.hidden = true;
      note.textContent = 'Choose an event to see the body your endpoint receives.';
      return;
    }
    code.hidden = false;
    note.textContent = `${type.description || type.title || ''} Sent as the POST body, signed with the webhook-signature header.`.trim();
    code.textContent = pretty({ type: type.name, timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), data: type.example ?? {} });
  }
  select.addEventListener('change', () => { refresh(false); listeners.forEach((l) => l()); });
  events.onChange(() => { refresh(true); listeners.forEach((l) => l()); });
  refresh(true);
  // the previewed type: the one the filter editor tests against
  return { element, type: () => select.value || null, onChange: (l) => listeners.push(l) };
}

// ---- custom headers ----

function headerEditor(initial) {
  const rows = h('div', { class: 'header-rows' });
  const error = h('p', { class: 'field-error', dataset: { errorFor: 'headers' }, hidden: true });
  const addButton = h('button', { type: 'button', class: 'button button-small', text: 'Add header' });
  const element = h('fieldset', { class: 'field headers-field' },
    h('legend', { text: 'Custom headers' }),
    h('p', { class: 'hint', text: 'Sent with every request, e.g. an API key your endpoint expects. Hookline’s own headers cannot be overridden.' }),
    rows, error, addButton);
  let n = 0;
  function addRow(name = '', value = '') {
    n += 1;
    const nameInput = h('input', { type: 'text', 'aria-label': `Header ${n} name`, placeholder: 'X-Api-Key', value: name, autocomplete: 'off' });
    const valueInput = h('input', { type: 'text', 'aria-label': `Header ${n} value`, placeholder: 'value', value, autocomplete: 'off' });
    const row = h('div', { class: 'header-row' }, nameInput, valueInput);
    row.append(h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove header ${n}`, text: '×', onclick: () => { row.remove(); addButton.focus(); } }));
    rows.append(row);
    return nameInput;
  }
  for (const [k, v] of Object.entries(initial)) addRow(k, v);
  addButton.addEventListener('click', () => addRow().focus());
  return {
    element,
    value: () => {
      const out = {};
      for (const row of rows.children) {
        const [k, v] = row.querySelectorAll('input');
        if (k.value.trim() || v.value) out[k.value.trim()] = v.value;
      }
      return out;
    },
    focusTarget: () => rows.querySelector('input') || addButton,
  };
}

// ---- secret ----

function secretPanel(webhook, secret) {
  const slot = h('div', { class: 'secret-slot' });
  const rotate = h('button', { type: 'button', class: 'button', text: 'Rotate secret' });
  const card = h('section', { class: 'card secret-card', 'aria-labelledby': 'secret-title' },
    h('div', { class: 'preview-head' }, h('h2', { id: 'secret-title', text: 'Signing secret' }), rotate),
    slot);
  function show(value, message) {
    const code = h('code', { class: 'secret', text: value });
    slot.replaceChildren(
      h('p', { class: 'secret-warning', text: message }),
      h('div', { class: 'secret-row' }, code, copyButton(() => value, 'Copy secret')));
  }
  if (secret) show(secret, 'Copy it now: it is shown only this once. Your endpoint verifies webhook-signature with it.');
  else slot.replaceChildren(h('p', { class: 'muted', text: 'The secret was shown once, when this webhook was created. Rotate it to get a new one.' }));
  rotate.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: 'Rotate the signing secret?',
      message: ['Hookline signs with a new secret from now on.', 'The old one keeps signing too, for 24 hours, so your endpoint can switch without dropping requests.'],
      confirmLabel: 'Rotate secret',
    });
    if (!ok) return;
    rotate.disabled = true;
    try {
      const result = await post(`/webhooks/${enc(webhook.id)}/rotate-secret`, {});
      const until = result?.previousSecretExpiresAt ? ` The previous secret stays valid until ${formatTime(result.previousSecretExpiresAt)}.` : '';
      show(result.secret, `New secret: copy it now, it is shown only this once.${until}`);
      notify('success', 'The signing secret was rotated.');
    } catch (e) {
      notifyError('The secret was not rotated', e);
    } finally {
      rotate.disabled = false;
    }
  });
  return card;
}

function dangerZone(webhook, navigate) {
  const remove = h('button', { type: 'button', class: 'button button-danger', text: 'Delete webhook' });
  remove.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: `Delete ${webhook.name}?`, danger: true, confirmLabel: 'Delete',
      message: ['It stops receiving events at once. Its delivery history stays in the database.'],
    });
    if (!ok) return;
    try {
      await del(`/webhooks/${enc(webhook.id)}`);
      notify('success', `Deleted ${webhook.name}.`, { keep: 1 });
      navigate('#/webhooks');
    } catch (e) {
      notifyError(`${webhook.name} was not deleted`, e);
    }
  });
  return h('section', { class: 'card danger-zone', 'aria-label': 'Delete this webhook' },
    h('p', { text: 'Deleting stops all deliveries to this endpoint.' }), remove);
}

// ---- retry schedule text ----

const UNITS = { s: 1, m: 60, h: 3600, d: 86400 };

/** "5s, 5m, 2h" → [5, 300, 7200]; anything unreadable is sent as is, so the API names it. */
function parseSchedule(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length) return null;
  return parts.map((p) => {
    const m = p.match(/^(\d+)\s*([smhd])?$/i);
    return m ? Number(m[1]) * UNITS[(m[2] || 's').toLowerCase()] : p;
  });
}

function formatDelay(seconds) {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]]) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
