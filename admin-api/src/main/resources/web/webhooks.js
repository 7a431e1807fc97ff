// Webhooks list: search, active toggle, counters, bulk activate/deactivate/delete, Send Test Event.
import { get, patch, del, enc, me } from './api.js';
import { h, add, notify, notifyError, shortUrl, timeEl, confirmDialog, pageTitle, statusBadge } from './ui.js';
import { sendTestEvent } from './test-event.js';

const PAGE_SIZE = 100;

export async function render(root, { query, navigate }) {
  const state = { q: query.get('q') || '', items: [], next: null, selected: new Set(),
    admin: (await me().catch(() => ({ role: 'admin' }))).role === 'admin' };

  const search = h('input', { type: 'search', id: 'webhook-search', placeholder: 'Search by name, URL or event', value: state.q, autocomplete: 'off' });
  const bulk = {
    activate: h('button', { type: 'button', class: 'button', text: 'Activate' }),
    deactivate: h('button', { type: 'button', class: 'button', text: 'Deactivate' }),
    remove: h('button', { type: 'button', class: 'button button-danger', text: 'Delete' }),
  };
  const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select all webhooks shown' });
  const count = h('span', { class: 'muted selection-count', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'button', text: 'Load more', hidden: true });
  const empty = h('div', { class: 'empty', hidden: true });

  add(root, 
    h('div', { class: 'page-head' },
      pageTitle('Webhooks'),
      h('a', { class: 'button button-primary', href: '#/webhooks/new', text: 'Add New Webhook' })),
    h('div', { class: 'toolbar' },
      h('div', { class: 'search' }, h('label', { for: search.id, class: 'visually-hidden', text: 'Search webhooks' }), search),
      h('div', { class: 'bulk', role: 'group', 'aria-label': 'Bulk actions on the selected webhooks' },
        count, bulk.activate, bulk.deactivate, bulk.remove)),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table webhooks-table' },
        h('caption', { class: 'visually-hidden', text: 'Webhooks' }),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'col-check' }, selectAll),
          ['Name', 'Target URL', 'Events', 'Active', 'Deliveries', 'Success rate', 'Last delivery', 'Actions']
            .map((t) => h('th', { scope: 'col', text: t })))),
        tbody)),
    empty, h('div', { class: 'more' }, more));

  function visible() {
    // the server filters with ?q= when it can; filtering here too keeps the page right either way
    const q = state.q.trim().toLowerCase();
    if (!q) return state.items;
    return state.items.filter((w) => [w.name, w.url, w.description, ...(w.events || [])]
      .some((v) => String(v || '').toLowerCase().includes(q)));
  }

  function updateSelection() {
    const shown = visible();
    for (const id of [...state.selected]) if (!shown.some((w) => w.id === id)) state.selected.delete(id);
    const n = state.selected.size;
    for (const b of Object.values(bulk)) b.disabled = n === 0;
    count.textContent = n ? `${n} selected` : '';
    selectAll.checked = n > 0 && n === shown.length;
    selectAll.indeterminate = n > 0 && n < shown.length;
  }

  function draw() {
    const shown = visible();
    tbody.replaceChildren(...shown.map(row));
    empty.hidden = shown.length > 0;
    empty.replaceChildren(...(state.items.length
      ? [h('p', { text: `No webhook matches “${state.q}”.` })]
      : [h('p', { text: 'No webhooks yet. Add one to start receiving events.' }),
        h('a', { class: 'button button-primary', href: '#/webhooks/new', text: 'Add New Webhook' })]));
    more.hidden = !state.next;
    updateSelection();
  }

  function row(w) {
    const check = h('input', { type: 'checkbox', 'aria-label': `Select ${w.name}`, checked: state.selected.has(w.id) });
    check.addEventListener('change', () => {
      if (check.checked) state.selected.add(w.id); else state.selected.delete(w.id);
      updateSelection();
    });
    const toggle = h('input', { type: 'checkbox', role: 'switch', class: 'switch', 'aria-label': `Active: ${w.name}`, checked: w.active });
    toggle.addEventListener('change', async () => {
      const wanted = toggle.checked;
      toggle.disabled = true;
      try {
        Object.assign(w, await patch(`/webhooks/${enc(w.id)}`, { active: wanted }));
        notify('success', `${w.name} is now ${wanted ? 'active' : 'inactive'}.`);
        draw();
      } catch (e) {
        toggle.checked = !wanted;
        notifyError(`Could not ${wanted ? 'activate' : 'deactivate'} ${w.name}`, e);
      } finally {
        toggle.disabled = false;
      }
    });
    const events = w.events || [];
    const stats = counters(w);
    return h('tr', { dataset: { id: w.id } },
      h('td', { class: 'col-check' }, check),
      h('td', { 'data-label': 'Name' },
        h('a', { href: `#/webhooks/${enc(w.id)}`, class: 'strong', text: w.name }),
        w.status && w.status !== 'active' ? [' ', statusBadge(w.status)] : null,
        w.status === 'disabled' && w.disabledReason ? h('div', { class: 'hint', text: w.disabledReason }) : null,
        // the admin sees every tenant's webhooks: say whose; a tenant's token sees its own only
        w.tenant && state.admin ? h('div', { class: 'hint', text: `Tenant: ${w.tenant}` }) : null),
      h('td', { 'data-label': 'Target URL' }, h('span', { class: 'url', title: w.url, text: shortUrl(w.url) })),
      h('td', { 'data-label': 'Events' }, h('span', { class: 'chips' },
        events.slice(0, 3).map((e) => h('code', { class: 'chip', text: e === '*' ? 'all events' : e })),
        events.length > 3 ? h('span', { class: 'chip chip-more', title: events.slice(3).join(', '), text: `+${events.length - 3}` }) : null)),
      h('td', { 'data-label': 'Active' }, toggle),
      h('td', { 'data-label': 'Deliveries', class: 'num', text: stats.deliveries }),
      h('td', { 'data-label': 'Success rate', class: 'num', text: stats.rate }),
      h('td', { 'data-label': 'Last delivery' }, timeEl(stats.last)),
      h('td', { 'data-label': 'Actions', class: 'row-actions' },
        h('button', { type: 'button', class: 'button button-small', text: 'Send Test Event', onclick: () => sendTestEvent(w) }),
        h('a', { class: 'button button-small', href: `#/webhooks/${enc(w.id)}/deliveries`, text: 'Deliveries' })));
  }

  async function load(append = false) {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (state.q.trim()) params.set('q', state.q.trim());
    if (append && state.next) {
      params.set('after', state.next); // the list's cursor parameter; `cursor` too for servers that name it so
      params.set('cursor', state.next);
    }
    const page = await get(`/webhooks?${params}`);
    const data = Array.isArray(page?.data) ? page.data : [];
    state.items = append ? state.items.concat(data) : data;
    state.next = page?.nextCursor || null;
    draw();
  }

  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      state.q = search.value;
      history.replaceState(null, '', state.q ? `#/webhooks?q=${enc(state.q)}` : '#/webhooks');
      try {
        await load();
      } catch (e) {
        notifyError('Search failed', e);
      }
    }, 250);
  });
  selectAll.addEventListener('change', () => {
    for (const w of visible()) if (selectAll.checked) state.selected.add(w.id); else state.selected.delete(w.id);
    draw();
  });
  more.addEventListener('click', async () => {
    more.disabled = true;
    try { await load(true); } catch (e) { notifyError('Could not load more webhooks', e); } finally { more.disabled = false; }
  });

  async function runBulk(verb, action) {
    const targets = state.items.filter((w) => state.selected.has(w.id));
    if (!targets.length) return;
    for (const b of Object.values(bulk)) b.disabled = true;
    const failures = [];
    for (const w of targets) {
      try {
        await action(w);
      } catch (e) {
        failures.push(`${w.name}: ${e.message}`);
      }
    }
    const done = targets.length - failures.length;
    if (failures.length) notify('error', `${verb} ${done} of ${targets.length} webhooks; ${failures.length} failed.`, { details: failures });
    else notify('success', `${verb} ${done} webhook${done === 1 ? '' : 's'}.`);
    state.selected.clear();
    try { await load(); } catch (e) { notifyError('Could not reload the list', e); }
  }
  bulk.activate.addEventListener('click', () => runBulk('Activated', (w) => patch(`/webhooks/${enc(w.id)}`, { active: true })));
  bulk.deactivate.addEventListener('click', () => runBulk('Deactivated', (w) => patch(`/webhooks/${enc(w.id)}`, { active: false })));
  bulk.remove.addEventListener('click', async () => {
    const names = state.items.filter((w) => state.selected.has(w.id)).map((w) => w.name);
    const ok = await confirmDialog({
      title: `Delete ${names.length} webhook${names.length === 1 ? '' : 's'}?`,
      message: [`They stop receiving events at once: ${names.join(', ')}.`, 'Their delivery history stays in the database.'],
      confirmLabel: 'Delete', danger: true,
    });
    if (ok) runBulk('Deleted', (w) => del(`/webhooks/${enc(w.id)}`));
  });

  await load();
  return () => clearTimeout(timer);
}

/** Counters may be absent (older servers): show a dash rather than a wrong zero. */
function counters(w) {
  const stats = w.stats || w.counters || w;
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const deliveries = num(stats.deliveries) ?? num(stats.deliveryCount) ?? num(stats.total);
  const succeeded = num(stats.succeeded);
  const failed = num(stats.failed);
  let rate = num(stats.successRate);
  if (rate === null && succeeded !== null && failed !== null && succeeded + failed > 0) rate = succeeded / (succeeded + failed);
  if (rate !== null && rate > 1) rate /= 100; // a percentage
  return {
    deliveries: deliveries === null ? '—' : deliveries.toLocaleString(),
    rate: rate === null ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`,
    last: stats.lastDeliveryAt || stats.lastDelivery || null,
  };
}
