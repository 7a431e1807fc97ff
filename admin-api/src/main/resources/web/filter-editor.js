// The payload filter of a webhook: a JSON textarea, tested live (POST /filters/test) against the
// example of the event type the preview shows, saying whether it matches or which clause fails.
import { post } from './api.js';
import { h, field } from './ui.js';

const EXAMPLE = '{"data.payment_total_raw": {"$gte": 100}, "data.payment_gateway": {"$in": ["stripe"]}}';

/**
 * `initial`: the webhook's filter or null; `typeOf()`: the event type to test against (or null);
 * `onTypeChange(listener)`: called when that type changes.
 */
export function filterEditor(initial, typeOf, onTypeChange) {
  const text = h('textarea', { name: 'filter', rows: '4', spellcheck: 'false', class: 'filter-text', placeholder: EXAMPLE });
  text.value = initial ? JSON.stringify(initial, null, 2) : '';
  const result = h('p', { class: 'filter-result', role: 'status', 'aria-live': 'polite' });
  const element = field({
    label: 'Payload filter',
    control: text,
    errorFor: 'filter',
    hint: 'Optional JSON: only events whose body passes it are delivered, e.g. ' + EXAMPLE
      + '. Paths are into the body on the right (data.… for the event data). Empty: every event.',
  });
  element.classList.add('filter-field');
  element.append(result);

  let timer = null;
  let asked = 0;
  function show(kind, message) {
    result.className = `filter-result filter-${kind}`;
    result.textContent = message;
  }
  async function check() {
    const raw = text.value.trim();
    const mine = ++asked;
    if (!raw) return show('none', 'No filter: every event of the chosen types is delivered.');
    let filter;
    try {
      filter = JSON.parse(raw);
    } catch (e) {
      return show('invalid', `Not JSON yet: ${e.message}`);
    }
    const type = typeOf();
    if (!type) return show('none', 'Choose an event to test the filter against its example.');
    try {
      const answer = await post('/filters/test', { filter, type });
      if (mine !== asked) return; // a newer check is under way
      if (answer.matches) show('match', `Matches: the ${type} example would be delivered.`);
      else show('nomatch', `Does not match the ${type} example: ${describe(answer.failed)}.`);
    } catch (e) {
      if (mine !== asked) return;
      const first = e.errors?.[0];
      show('invalid', first ? `Invalid filter: ${first.field}: ${first.message}` : `Could not test the filter: ${e.message}`);
    }
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }
  text.addEventListener('input', later);
  onTypeChange(later);
  check();

  return {
    element,
    /** null when empty (no filter, or removing it); the parsed JSON; or the text as is, for the API to refuse. */
    value: () => {
      const raw = text.value.trim();
      if (!raw) return null;
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    },
    focusTarget: () => text,
  };
}

/** "data.total ($gte 100) is 31.9" for the first failing clause. */
function describe(failed) {
  if (!failed) return 'no clause named';
  if (!failed.path) return `${failed.at} (${failed.operator}) failed`;
  const actual = 'actual' in failed ? `is ${JSON.stringify(failed.actual)}` : 'is missing';
  return `${failed.path} ${actual}, wanted ${failed.operator} ${JSON.stringify(failed.operand)} (at ${failed.at})`;
}
