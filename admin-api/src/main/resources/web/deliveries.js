// A webhook's deliveries, newest first: status filter, each delivery's attempts and payload,
// Redeliver, and "Recover failed since…".
import { get, post, enc } from './api.js';
import { h, add, fill, notify, notifyError, pageTitle, timeEl, formatTime, pretty, statusBadge, copyButton, nextId } from './ui.js';
import { sendTestEvent, plainError } from './test-event.js';

const STATUSES = ['pending', 'succeeded', 'retrying', 'failed', 'cancelled'];
const PAGE_SIZE = 25;

export async function render(root, { params, query, navigate }) {
  const id = params[0];
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  const webhook = await get(`/webhooks/${enc(id)}`);
  const state = { items: [], next: null, open: new Set() };

  const filter = h('select', { id: nextId('status-filter') },
    h('option', { value: '', text: 'All statuses' }),
    STATUSES.map((s) => h('option', { value: s, text: s, selected: s === status })));
  filter.addEventListener('change', () => navigate(`#/webhooks/${enc(id)}/deliveries${filter.value ? `?status=${filter.value}` : ''}`));
  const refresh = h('button', { type: 'button', class: 'button', text: 'Refresh' });
  const list = h('ol', { class: 'deliveries', 'aria-label': 'Deliveries, newest first' });
  const empty = h('p', { class: 'empty', hidden: true });
  const more = h('button', { type: 'button', class: 'button', text: 'Load more', hidden: true });
  const updated = h('span', { class: 'muted', 'aria-live': 'polite' });

  add(root, 
    h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks', text: 'Webhooks' }), ' / ',
      h('a', { href: `#/webhooks/${enc(id)}`, text: webhook.name }), ' / Deliveries'),
    h('div', { class: 'page-head' }, pageTitle(`Deliveries of ${webhook.name}`),
      h('div', { class: 'head-actions' },
        h('button', { type: 'button', class: 'button', text: 'Send Test Event', onclick: () => sendTestEvent(webhook) }),
        h('a', { class: 'button', href: `#/webhooks/${enc(id)}`, text: 'Edit webhook' }))),
    h('p', { class: 'muted' }, 'Target ', h('code', { class: 'break', text: webhook.url })),
    recoverForm(webhook, () => load()),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field field-inline' }, h('label', { for: filter.id, text: 'Status' }), filter),
      h('div', { class: 'bulk' }, updated, refresh)),
    list, empty, h('div', { class: 'more' }, more));

  async function load(append = false) {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status) q.set('status', status);
    if (append && state.next) q.set('cursor', state.next);
    const page = await get(`/webhooks/${enc(id)}/deliveries?${q}`);
    const data = Array.isArray(page?.data) ? page.data : [];
    state.items = append ? state.items.concat(data) : data;
    state.next = page?.nextCursor || null;
    list.replaceChildren(...state.items.map(item));
    empty.hidden = state.items.length > 0;
    empty.textContent = status ? `No ${status} deliveries.` : 'No deliveries yet. Send a test event or publish an event this webhook subscribes to.';
    more.hidden = !state.next;
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    // re-open what was open, with fresh details
    await Promise.all(state.items.filter((d) => state.open.has(d.id)).map((d) => list.querySelector(`[data-id="${d.id}"]`)?.expand()));
  }

  function item(d) {
    const detailsId = nextId('delivery');
    const toggle = h('button', { type: 'button', class: 'button button-small', 'aria-expanded': 'false', 'aria-controls': detailsId, text: 'Attempts & payload' });
    const redeliver = h('button', { type: 'button', class: 'button button-small', text: 'Redeliver' });
    const details = h('div', { class: 'delivery-details', id: detailsId, hidden: true });
    const li = h('li', { class: `delivery delivery-${d.status}`, dataset: { id: d.id, status: d.status } },
      h('div', { class: 'delivery-summary' },
        statusBadge(d.status),
        h('code', { class: 'delivery-type', text: d.eventType }),
        d.eventSource ? h('span', { class: 'muted delivery-source', title: 'Event source', text: d.eventSource }) : null,
        h('span', { class: 'muted', text: `${d.trigger || 'event'} · ${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'}` }),
        d.lastStatusCode ? h('span', { class: 'muted', text: `HTTP ${d.lastStatusCode}` }) : null,
        d.lastError ? h('span', { class: 'error-text', title: d.lastError, text: plainError(d.lastError) }) : null,
        d.nextAttemptAt && d.status === 'retrying' ? h('span', { class: 'muted' }, 'next try ', h('time', { datetime: d.nextAttemptAt, text: formatTime(d.nextAttemptAt) })) : null,
        h('span', { class: 'delivery-time' }, timeEl(d.createdAt)),
        h('span', { class: 'delivery-actions' }, toggle, redeliver)),
      details);

    li.expand = async () => {
      toggle.setAttribute('aria-expanded', 'true');
      details.hidden = false;
      state.open.add(d.id);
      details.replaceChildren(h('p', { class: 'muted', text: 'Loading attempts…' }));
      try {
        fill(details, detail(await get(`/deliveries/${enc(d.id)}`)));
      } catch (e) {
        details.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert', text: `The attempts could not be loaded: ${e.message}` }));
      }
    };
    toggle.addEventListener('click', () => {
      if (toggle.getAttribute('aria-expanded') === 'true') {
        toggle.setAttribute('aria-expanded', 'false');
        details.hidden = true;
        state.open.delete(d.id);
      } else {
        li.expand();
      }
    });
    redeliver.addEventListener('click', async () => {
      redeliver.disabled = true;
      try {
        await post(`/deliveries/${enc(d.id)}/retry`, {});
        notify('success', `Redelivery of ${d.eventType} queued. Its new attempt appears here in a moment.`);
        state.open.add(d.id);
        pollAfterAction();
      } catch (e) {
        notifyError('Redeliver failed', e);
      } finally {
        redeliver.disabled = false;
      }
    });
    return li;
  }

  function detail(d) {
    const attempts = d.attempts || [];
    return [
      h('h3', { text: `Attempts (${attempts.length})` }),
      attempts.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table attempts' },
        h('thead', {}, h('tr', {}, ['#', 'Time', 'Status', 'Duration', 'Response excerpt', 'Error'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, attempts.slice().reverse().map((a) => h('tr', {},
          h('td', { 'data-label': '#', text: `${a.attempt}${a.trigger && a.trigger !== 'event' ? ` (${a.trigger})` : ''}` }),
          h('td', { 'data-label': 'Time' }, h('time', { datetime: a.startedAt, text: formatTime(a.startedAt) })),
          h('td', { 'data-label': 'Status' }, a.statusCode ? h('span', { class: a.statusCode < 300 ? 'ok-text' : 'error-text', text: `HTTP ${a.statusCode}` }) : h('span', { class: 'muted', text: 'no answer' })),
          h('td', { 'data-label': 'Duration', text: `${a.durationMs} ms` }),
          h('td', { 'data-label': 'Response excerpt' }, a.responseExcerpt ? h('pre', { class: 'code code-small', tabindex: '0', text: a.responseExcerpt }) : h('span', { class: 'muted', text: '—' })),
          h('td', { 'data-label': 'Error' }, a.errorMessage || a.errorClass
            ? h('span', { class: 'error-text', title: [a.errorClass, a.errorMessage].filter(Boolean).join(': ') }, plainError([a.errorClass, a.errorMessage].filter(Boolean).join(': ')))
            : h('span', { class: 'muted', text: '—' }))))))) : h('p', { class: 'muted', text: 'No attempt recorded yet.' }),
      h('div', { class: 'preview-head' }, h('h3', { text: 'Payload sent' }), d.payload !== undefined ? copyButton(() => pretty(d.payload), 'Copy payload') : null),
      h('p', { class: 'hint' }, `Event ${d.eventId} (${d.eventType}) from ${d.eventSource}; the body was {"type", "timestamp", "data"} with this as data.`),
      d.messageId ? h('p', { class: 'hint delivery-message-id' }, 'Sent with webhook-id ', h('code', { text: d.messageId }), ' (the same on every attempt; receivers deduplicate on it).') : null,
      h('pre', { class: 'code', tabindex: '0', text: d.payload === undefined || d.payload === null ? '(not kept)' : pretty(d.payload) }),
    ];
  }

  // after a redelivery or recovery the new attempts arrive within seconds: look a few times
  let polls = [];
  function pollAfterAction() {
    polls.forEach(clearTimeout);
    polls = [1000, 3000, 6000, 12000].map((ms) => setTimeout(() => load().catch((e) => notifyError('Refresh failed', e)), ms));
  }

  refresh.addEventListener('click', async () => {
    refresh.disabled = true;
    try { await load(); } catch (e) { notifyError('Refresh failed', e); } finally { refresh.disabled = false; }
  });
  more.addEventListener('click', async () => {
    more.disabled = true;
    try { await load(true); } catch (e) { notifyError('Could not load more deliveries', e); } finally { more.disabled = false; }
  });

  await load();
  return () => polls.forEach(clearTimeout);

  function recoverForm(w, reload) {
    const since = h('input', { type: 'datetime-local', id: nextId('since'), required: true, value: localInput(new Date(Date.now() - 24 * 3600 * 1000)) });
    const until = h('input', { type: 'datetime-local', id: nextId('until') });
    const button = h('button', { type: 'submit', class: 'button', text: 'Recover failed deliveries' });
    const form = h('form', { class: 'card recover', novalidate: true, method: 'post', action: '/', 'aria-label': 'Recover failed deliveries' },
      h('h2', { text: 'Recover failed since…' }),
      h('p', { class: 'hint', text: 'Redelivers every failed delivery of this webhook in the window, e.g. after your endpoint was down.' }),
      h('div', { class: 'recover-row' },
        h('div', { class: 'field' }, h('label', { for: since.id, text: 'Since' }), since),
        h('div', { class: 'field' }, h('label', { for: until.id, text: 'Until (empty: now)' }), until),
        button));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const from = since.value ? new Date(since.value) : null;
      if (!from || Number.isNaN(from.getTime())) {
        notify('error', 'Choose the date and time to recover from.');
        since.focus();
        return;
      }
      const to = until.value ? new Date(until.value) : new Date();
      button.disabled = true;
      try {
        const result = await post(`/webhooks/${enc(w.id)}/recover`, { since: from.toISOString(), until: to.toISOString() });
        const n = result?.count;
        notify('success', typeof n === 'number'
          ? (n ? `${n} failed deliver${n === 1 ? 'y' : 'ies'} queued for redelivery.` : 'No failed deliveries in that window: nothing to recover.')
          : 'Recovery queued.');
        pollAfterAction();
        await reload();
      } catch (e) {
        notifyError('Recover failed', e);
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }
}

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
