// The event catalog: every event type with its description, JSON Schema and example payload.
import { eventTypes } from './api.js';
import { h, add, pageTitle, pretty, copyButton } from './ui.js';

export async function render(root) {
  const types = await eventTypes();
  const filter = h('input', { type: 'search', id: 'event-filter', placeholder: 'Filter by name or description', autocomplete: 'off' });
  const list = h('div', { class: 'catalog' });
  const none = h('p', { class: 'empty', hidden: true, text: 'No event type matches.' });
  add(root, 
    h('div', { class: 'page-head' }, pageTitle('Event catalog')),
    h('p', { class: 'muted', text: `${types.length} event types. Webhooks subscribe to them by name; each delivery carries {"type", "timestamp", "data"} with data shaped by the schema.` }),
    h('div', { class: 'toolbar' }, h('div', { class: 'search' }, h('label', { for: filter.id, class: 'visually-hidden', text: 'Filter event types' }), filter)),
    list, none);

  list.append(...types.map((t) => {
    const body = { type: t.name, timestamp: '2026-01-01T12:00:00Z', data: t.example ?? {} };
    return h('article', { class: 'card event-type', id: `event-${t.name}`, dataset: { text: `${t.name} ${t.title || ''} ${t.description || ''} ${t.domain || ''}`.toLowerCase() } },
      h('div', { class: 'preview-head' },
        h('h2', {}, h('code', { text: t.name })),
        t.domain ? h('span', { class: 'chip', text: t.domain }) : null),
      t.title ? h('p', { class: 'strong', text: t.title }) : null,
      h('p', { text: t.description || '' }),
      h('div', { class: 'preview-head' }, h('h3', { text: 'Example payload' }), copyButton(() => pretty(body), 'Copy example', { 'aria-label': `Copy the example of ${t.name}` })),
      h('pre', { class: 'code', tabindex: '0', 'aria-label': `Example payload of ${t.name}`, text: pretty(body) }),
      h('details', {},
        h('summary', { text: 'JSON Schema of data' }),
        h('pre', { class: 'code', tabindex: '0', 'aria-label': `JSON Schema of ${t.name}`, text: pretty(t.schema ?? {}) })));
  }));

  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const card of list.children) {
      card.hidden = Boolean(q) && !card.dataset.text.includes(q);
      if (!card.hidden) shown += 1;
    }
    none.hidden = shown > 0;
  });
}
