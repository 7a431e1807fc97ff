// "Send Test Event": asks which event, sends it through the real pipeline, and shows the outcome
// in the same dialog: status code, duration and response excerpt, or the error in plain words.
import { post, eventTypes, enc } from './api.js';
import { h, add, fill, openDialog, nextId } from './ui.js';

export async function sendTestEvent(webhook) {
  let choices = (webhook.events || []).filter((e) => e !== '*');
  if (!choices.length || (webhook.events || []).includes('*')) {
    try {
      choices = (await eventTypes()).map((t) => t.name);
    } catch {
      // the catalog could not be read: the server picks the event (first subscribed type)
    }
  }
  const { body, footer, close } = openDialog({ title: 'Send Test Event', className: 'dialog-test' });
  const selectId = nextId('test-event');
  const select = h('select', { id: selectId }, choices.map((name) => h('option', { value: name, text: name })));
  add(body,
    h('p', {}, 'Send a test event to ', h('strong', { text: webhook.name }), ' at ',
      h('code', { class: 'break', text: webhook.url }), '?'),
    choices.length > 1 ? h('div', { class: 'field' }, h('label', { for: selectId, text: 'Event' }), select) : null,
    h('p', { class: 'hint', text: "It carries the event type's example payload and goes through the real pipeline, signed like any delivery." }));
  const cancel = h('button', { type: 'button', class: 'button', text: 'Cancel', onclick: () => close() });
  const send = h('button', { type: 'button', class: 'button button-primary', text: 'Send test event' });
  footer.append(cancel, send);
  send.focus();

  send.addEventListener('click', async () => {
    const event = choices.length ? select.value : undefined;
    send.disabled = true;
    cancel.disabled = true;
    const status = h('p', { class: 'test-progress', role: 'status', text: `Sending ${event || 'a test'} event…` });
    body.replaceChildren(status);
    let outcome;
    try {
      outcome = { result: await post(`/webhooks/${enc(webhook.id)}/test`, event ? { event } : {}) };
    } catch (error) {
      outcome = { error };
    }
    fill(body, describe(outcome, webhook));
    const log = h('a', { class: 'button', href: `#/webhooks/${enc(webhook.id)}/deliveries`, text: 'Delivery log', onclick: () => close() });
    const done = h('button', { type: 'button', class: 'button button-primary', text: 'Close', onclick: () => close() });
    footer.replaceChildren(log, done);
    done.focus();
  });
}

function describe({ result, error }, webhook) {
  if (error) {
    if (error.status === 504) {
      return [verdict(false, 'No outcome yet'),
        h('p', { text: error.message }),
        h('p', { class: 'hint', text: 'The test is still on its way; its attempt will appear in the delivery log.' })];
    }
    return [verdict(false, 'The test event could not be sent'), h('p', { text: error.message }),
      error.errors.length ? h('ul', {}, error.errors.map((e) => h('li', { text: `${e.field}: ${e.message}` }))) : null];
  }
  const r = result || {};
  const parts = [];
  const took = Number.isFinite(r.durationMs) ? ` in ${r.durationMs} ms` : '';
  if (r.success) {
    parts.push(verdict(true, `Delivered: HTTP ${r.statusCode ?? '2xx'}${took}`));
  } else if (r.statusCode) {
    parts.push(verdict(false, `Failed: the endpoint answered HTTP ${r.statusCode}${took}`));
  } else {
    parts.push(verdict(false, 'Failed: no answer from the endpoint'));
  }
  if (r.error) parts.push(h('p', { class: 'plain-error', text: plainError(r.error) }), h('p', { class: 'hint' }, 'Details: ', h('code', { text: r.error })));
  const rows = [
    ['Status code', r.statusCode ?? '—'],
    ['Duration', Number.isFinite(r.durationMs) ? `${r.durationMs} ms` : '—'],
    ['Target', webhook.url],
  ];
  parts.push(h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: String(v) })])));
  parts.push(h('h3', { text: 'Response excerpt' }),
    r.responseExcerpt ? h('pre', { class: 'code', tabindex: '0', text: r.responseExcerpt }) : h('p', { class: 'muted', text: '(empty)' }));
  return parts;
}

function verdict(ok, text) {
  return h('p', { class: `verdict ${ok ? 'verdict-ok' : 'verdict-bad'}`, role: 'status' },
    h('span', { 'aria-hidden': 'true', text: ok ? '✓ ' : '✗ ' }), text);
}

/**
 * The worker's error text (e.g. "connect: Connection refused", "http_status: HTTP 500",
 * "timeout: no complete response within 15 s") said the way an admin would.
 */
export function plainError(error) {
  const text = String(error ?? '');
  const e = text.toLowerCase();
  const status = text.match(/\bHTTP (\d{3})\b/);
  if (e.includes('ssrf') || e.includes('not allowed') || e.includes('allow-list'))
    return 'Hookline refused to connect: the target is a private, loopback or metadata address that is not allow-listed (HOOKLINE_ALLOWED_NETWORKS).';
  if (e.startsWith('gone') || e.includes('410 gone'))
    return 'The endpoint answered 410 Gone, so Hookline disabled this webhook.';
  if (e.startsWith('http_status') && status)
    return `The endpoint answered HTTP ${status[1]}, which is not a success (2xx).`;
  if (e.startsWith('timeout') || e.startsWith('connect_timeout') || e.includes('timed out'))
    return 'The endpoint did not answer in time.';
  if (e.includes('refused'))
    return 'The connection was refused: nothing is listening at that address and port.';
  if (e.startsWith('dns') || e.includes('unknownhost') || e.includes('name or service not known') || e.includes('nodename'))
    return 'The host name could not be found (DNS).';
  if (e.startsWith('tls') || e.includes('ssl') || e.includes('certificate') || e.includes('handshake'))
    return 'The secure connection (TLS) failed, for example because of an invalid certificate.';
  if (e.startsWith('connect'))
    return 'Hookline could not connect to the endpoint.';
  if (e.includes('reset') || e.includes('broken pipe') || e.includes('closed'))
    return 'The endpoint closed the connection before answering.';
  if (e.includes('redirect'))
    return 'The endpoint answered with a redirect; Hookline does not follow redirects. Use the final URL.';
  return `The request failed: ${text}`;
}
