// Small DOM helpers shared by the views. No framework: h() builds elements, the rest formats.

/**
 * Builds an element. attrs: `class`, `text`, `on<event>` listeners, `dataset`, booleans (set when
 * true), anything else as an attribute. Children: strings, nodes, arrays, null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'hidden' || key === 'open') el[key] = true;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children to a parent, skipping null/false (Element.append would write "null"). */
export function add(parent, ...children) {
  append(parent, children);
  return parent;
}

/** Replaces a parent's children, skipping null/false. */
export function fill(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

// ---- notices: every outcome the admin should know about lands here ----

const MAX_NOTICES = 4;

/** Shows a message; kind: success | error | info. `keep` survives that many navigations. */
export function notify(kind, message, { details = [], keep = 0 } = {}) {
  const box = document.getElementById('notices');
  const close = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss message', text: '×' });
  const notice = h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', dataset: { keep: String(keep) } },
    h('div', { class: 'notice-text' },
      h('p', { text: message }),
      details.length ? h('ul', {}, details.map((d) => h('li', { text: d }))) : null),
    close);
  close.addEventListener('click', () => notice.remove());
  box.prepend(notice);
  while (box.children.length > MAX_NOTICES) box.lastElementChild.remove();
  return notice;
}

/** Called on navigation: drops notices, except those asked to survive it. */
export function clearNotices() {
  for (const notice of [...document.getElementById('notices').children]) {
    const keep = Number(notice.dataset.keep || 0);
    if (keep > 0) notice.dataset.keep = String(keep - 1);
    else notice.remove();
  }
}

/** An API failure as a notice, with its field errors listed. */
export function notifyError(what, error) {
  const details = (error?.errors || []).map((e) => `${e.field}: ${e.message}`);
  return notify('error', `${what}: ${error?.message || String(error)}`, { details });
}

// ---- formatting ----

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function timeAgo(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  if (Number.isNaN(seconds)) return String(iso);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 60) return rtf.format(-seconds, 'second');
  if (abs < 3600) return rtf.format(-Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(-Math.round(seconds / 3600), 'hour');
  return rtf.format(-Math.round(seconds / 86400), 'day');
}

/** A <time> saying "3 minutes ago", the exact time on hover. */
export function timeEl(iso) {
  if (!iso) return h('span', { class: 'muted', text: '—' });
  return h('time', { datetime: iso, title: formatTime(iso), text: timeAgo(iso) });
}

export function shortUrl(url, max = 42) {
  if (!url || url.length <= max) return url || '';
  const cut = url.replace(/^https?:\/\//, '');
  if (cut.length <= max) return cut;
  const head = Math.ceil((max - 1) * 0.6);
  return `${cut.slice(0, head)}…${cut.slice(cut.length - (max - 1 - head))}`;
}

export function pretty(value) {
  return JSON.stringify(value, null, 2);
}

/** Pretty JSON when the text is JSON, the text itself otherwise. */
export function prettyText(text) {
  if (!text) return '';
  try {
    return pretty(JSON.parse(text));
  } catch {
    return text;
  }
}

export function statusBadge(status) {
  return h('span', { class: `badge badge-${String(status).replace(/[^a-z-]/g, '')}`, text: status });
}

// ---- clipboard ----

export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way (permission refused, or not focused)
  }
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** A button that copies getText() and says so, or says why it could not. */
export function copyButton(getText, label = 'Copy', extra = {}) {
  const button = h('button', { type: 'button', class: 'button button-small', ...extra, text: label });
  button.addEventListener('click', async () => {
    const ok = await copyText(getText());
    button.textContent = ok ? 'Copied' : 'Copy failed';
    if (!ok) notify('error', 'The browser refused to copy. Select the text and copy it by hand.');
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

// ---- dialogs ----

/**
 * A modal <dialog> (Escape closes it, focus stays inside). Returns {dialog, body, footer, close}.
 * `onClose` runs once when it closes, however it closes.
 */
export function openDialog({ title, className = '', onClose }) {
  const titleId = nextId('dialog-title');
  const body = h('div', { class: 'dialog-body' });
  const footer = h('div', { class: 'dialog-actions' });
  const dialog = h('dialog', { class: `dialog ${className}`, 'aria-labelledby': titleId },
    h('h2', { id: titleId, text: title }), body, footer);
  const opener = document.activeElement;
  document.body.append(dialog);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
    if (onClose) onClose(dialog.returnValue);
  });
  dialog.showModal();
  return { dialog, body, footer, close: (value = '') => dialog.open && dialog.close(value) };
}

/** Asks a yes/no question; resolves to true when confirmed. */
export function confirmDialog({ title, message, confirmLabel = 'OK', danger = false }) {
  return new Promise((resolve) => {
    let answer = false;
    const { body, footer, close } = openDialog({ title, onClose: () => resolve(answer) });
    body.append(...[].concat(message).map((m) => (m instanceof Node ? m : h('p', { text: m }))));
    const cancel = h('button', { type: 'button', class: 'button', text: 'Cancel', onclick: () => close() });
    const ok = h('button', {
      type: 'button', class: `button ${danger ? 'button-danger' : 'button-primary'}`, text: confirmLabel,
      onclick: () => { answer = true; close('ok'); },
    });
    footer.append(cancel, ok);
    ok.focus();
  });
}

/** A labelled field: label, control, hint and an error line the API's field errors go into. */
export function field({ label, control, hint, errorFor }) {
  const id = control.id || nextId('field');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  const errorEl = h('p', { class: 'field-error', id: `${id}-error`, dataset: { errorFor: errorFor || '' }, hidden: true });
  control.setAttribute('aria-describedby', [hintEl && hintEl.id, errorEl.id].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), control, hintEl, errorEl);
}

/** Sets `document.title` and returns the page heading (focusable, for moving focus on navigation). */
export function pageTitle(text) {
  document.title = `${text} · Hookline`;
  return h('h1', { tabindex: '-1', text });
}
