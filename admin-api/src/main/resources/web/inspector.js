// The request inspector (only under `./hookline up`): capture URLs whose received requests are
// shown here with headers, body and whether the signature verifies with the webhook's secret.
import { get, post, patch, del, enc } from './api.js';
import { h, add, notify, notifyError, pageTitle, copyButton, formatTime, timeEl, prettyText, nextId } from './ui.js';

const STATUS_CHOICES = [
  [200, '200 OK'], [201, '201 Created'], [204, '204 No Content'], [400, '400 Bad Request'], [404, '404 Not Found'],
  [410, '410 Gone (disables the webhook)'], [429, '429 Too Many Requests'], [500, '500 Internal Server Error'],
  [503, '503 Service Unavailable'],
];
const POLL_MS = 2000;

export async function render(root, { params, navigate }) {
  const selected = params[0] ? decodeURIComponent(params[0]) : null;
  let bins;
  try {
    bins = (await get('/inspector/bins'))?.data || [];
  } catch (e) {
    if (e.status !== 404) throw e;
    add(root, pageTitle('Request inspector'),
      h('div', { class: 'card' },
        h('p', { text: 'The request inspector runs only under ./hookline up, where Hookline is allowed to deliver to loopback addresses.' }),
        h('p', { class: 'muted', text: 'Against a deployed Hookline, point a webhook at a receiver of your own or at a request bin service.' })));
    return undefined;
  }

  const create = h('button', { type: 'button', class: 'button button-primary', text: 'Create capture URL' });
  const binList = h('ul', { class: 'bins', 'aria-label': 'Capture URLs' });
  const detail = h('section', { class: 'bin-detail', 'aria-live': 'off' });
  add(root, 
    h('div', { class: 'page-head' }, pageTitle('Request inspector'), create),
    h('p', { class: 'muted', text: 'Create a capture URL, point a webhook at it, and every request Hookline sends there shows up below: headers, body, and whether its signature verifies with that webhook’s secret. Kept in memory: a restart forgets them.' }),
    binList, detail);

  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const bin = await post('/inspector/bins', {});
      notify('success', 'Capture URL created. Point a webhook at it.');
      navigate(`#/inspector/${enc(bin.id)}`);
    } catch (e) {
      notifyError('The capture URL was not created', e);
    } finally {
      create.disabled = false;
    }
  });

  function drawBins() {
    binList.replaceChildren(...bins.map((b) => h('li', { class: `bin${b.id === selected ? ' bin-selected' : ''}` },
      h('a', { href: `#/inspector/${enc(b.id)}`, 'aria-current': b.id === selected ? 'true' : null },
        h('code', { class: 'break', text: b.url })),
      h('span', { class: 'muted', text: ` ${b.received} request${b.received === 1 ? '' : 's'} · answers ${b.responseStatus}` }))));
    if (!bins.length) binList.append(h('li', { class: 'empty', text: 'No capture URL yet.' }));
  }
  drawBins();

  if (!selected) {
    if (bins.length) detail.append(h('p', { class: 'muted', text: 'Choose a capture URL to see its requests.' }));
    return undefined;
  }

  // ---- one bin ----
  const statusSelect = h('select', { id: nextId('answer') },
    STATUS_CHOICES.map(([code, label]) => h('option', { value: String(code), text: label })));
  const requests = h('ol', { class: 'captured', 'aria-label': 'Captured requests, newest first' });
  const pollState = h('span', { class: 'muted', role: 'status' });
  const clear = h('button', { type: 'button', class: 'button', text: 'Clear requests' });
  const remove = h('button', { type: 'button', class: 'button button-danger', text: 'Delete capture URL' });
  let bin;
  try {
    bin = await get(`/inspector/bins/${enc(selected)}`);
  } catch (e) {
    if (e.status === 404) {
      detail.append(h('p', { class: 'notice notice-error', role: 'alert', text: 'This capture URL no longer exists (they are kept in memory: a restart forgets them).' }));
      return undefined;
    }
    throw e;
  }
  if (!STATUS_CHOICES.some(([c]) => c === bin.responseStatus)) statusSelect.append(h('option', { value: String(bin.responseStatus), text: String(bin.responseStatus) }));
  statusSelect.value = String(bin.responseStatus);
  detail.append(
    h('div', { class: 'card' },
      h('h2', { text: 'Capture URL' }),
      h('div', { class: 'secret-row' }, h('code', { class: 'capture-url break', text: bin.url }), copyButton(() => bin.url, 'Copy URL')),
      h('div', { class: 'actions' },
        h('a', { class: 'button button-primary', href: `#/webhooks/new?url=${enc(bin.url)}`, text: 'Create a webhook pointing here' }),
        h('div', { class: 'field field-inline' }, h('label', { for: statusSelect.id, text: 'Answer with' }), statusSelect),
        clear, remove)),
    h('div', { class: 'preview-head' }, h('h2', { text: 'Captured requests' }), pollState),
    requests);

  statusSelect.addEventListener('change', async () => {
    const wanted = Number(statusSelect.value);
    statusSelect.disabled = true;
    try {
      bin = { ...bin, ...(await patch(`/inspector/bins/${enc(bin.id)}`, { responseStatus: wanted })) };
      notify('success', `This capture URL now answers ${wanted}.`);
    } catch (e) {
      statusSelect.value = String(bin.responseStatus);
      notifyError('The answer was not changed', e);
    } finally {
      statusSelect.disabled = false;
    }
  });
  clear.addEventListener('click', async () => {
    try {
      await del(`/inspector/bins/${enc(bin.id)}/requests`);
      notify('success', 'Captured requests cleared.');
      await refresh(true);
    } catch (e) {
      notifyError('The requests were not cleared', e);
    }
  });
  remove.addEventListener('click', async () => {
    try {
      await del(`/inspector/bins/${enc(bin.id)}`);
      notify('success', 'Capture URL deleted.', { keep: 1 });
      navigate('#/inspector');
    } catch (e) {
      notifyError('The capture URL was not deleted', e);
    }
  });

  let shownKey = '';
  function draw() {
    // redraw only when something arrived, so polling never steals focus or scroll position
    const key = `${bin.received}:${bin.kept}`;
    if (key === shownKey) return;
    shownKey = key;
    requests.replaceChildren(...bin.requests.map(captured));
    if (!bin.requests.length) requests.append(h('li', { class: 'empty', text: 'Nothing received yet. Point a webhook here and send a test event.' }));
  }

  let inFlight = false;
  let failedBefore = false;
  async function refresh(force = false) {
    if (inFlight) return;
    inFlight = true;
    try {
      bin = await get(`/inspector/bins/${enc(bin.id)}`);
      if (force) shownKey = '';
      draw();
      pollState.textContent = `Live: checked ${new Date().toLocaleTimeString()}`;
      failedBefore = false;
    } catch (e) {
      pollState.textContent = `Live update failed: ${e.message}`;
      if (!failedBefore) notifyError('The captured requests could not be refreshed', e);
      failedBefore = true;
    } finally {
      inFlight = false;
    }
  }
  draw();
  pollState.textContent = 'Live: refreshes every 2 s';
  const timer = setInterval(refresh, POLL_MS);
  return () => clearInterval(timer);
}

const VERDICTS = {
  verified: ['sig-ok', 'Signature verified'],
  mismatch: ['sig-bad', 'Signature does not match'],
  unsigned: ['sig-none', 'Not signed'],
  'no-webhook': ['sig-none', 'No webhook points here'],
};

function captured(r) {
  const sig = r.signature || { result: 'unsigned' };
  const [cls, label] = VERDICTS[sig.result] || ['sig-none', sig.result];
  const contentType = (r.headers.find((x) => x.name.toLowerCase() === 'content-type') || {}).value || '';
  return h('li', { class: 'card captured-request', dataset: { seq: String(r.seq), signature: sig.result } },
    h('div', { class: 'preview-head' },
      h('h3', {}, h('span', { class: 'method', text: r.method }), ' ', h('code', { text: r.path + (r.query ? `?${r.query}` : '') })),
      h('span', { class: 'muted' }, timeEl(r.receivedAt), ` · ${r.bodyBytes} bytes · answered ${r.answeredStatus}`)),
    h('p', { class: `signature ${cls}` },
      h('strong', { text: label + (sig.webhookName ? ` (${sig.webhookName})` : '') }),
      sig.detail ? h('span', { text: ` — ${sig.detail}` }) : null),
    h('details', {},
      h('summary', { text: `Headers (${r.headers.length})` }),
      h('table', { class: 'table headers-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Name' }), h('th', { scope: 'col', text: 'Value' }))),
        h('tbody', {}, r.headers.map((x) => h('tr', {}, h('td', {}, h('code', { text: x.name })), h('td', { class: 'break', text: x.value })))))),
    h('div', { class: 'preview-head' }, h('h4', { text: 'Body' }), r.body ? copyButton(() => r.body, 'Copy body') : null),
    r.body
      ? h('pre', { class: 'code', tabindex: '0', 'aria-label': `Body of request ${r.seq}`, text: contentType.includes('json') ? prettyText(r.body) : r.body })
      : h('p', { class: 'muted', text: '(empty body)' }),
    r.truncated ? h('p', { class: 'hint', text: `Only the first part of the ${r.bodyBytes}-byte body is kept.` }) : null,
    h('p', { class: 'hint', text: `Received ${formatTime(r.receivedAt)} from ${r.remoteAddress}` }));
}
