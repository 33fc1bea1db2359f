// The operator console. Every value from a message, an order or the saga reaches the page as text (textContent or
// text nodes), never as markup: dead-lettered bodies are hostile input by definition.
'use strict';

const token = document.querySelector('meta[name="console-token"]').content;
const $ = (id) => document.getElementById(id);
const PAGE = 25;
let counts = [];
let listQuery = null;
let lastSeq = null;
let current = null;
let countsTimer = null;
let orderTimer = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function say(text) { $('status').textContent = text; }

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && (body.detail || body.title)) || `HTTP ${response.status}`);
  return body;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'X-Console-Token': token, 'Content-Type': 'application/json' },
    body: body == null ? '' : body,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
  return q.toString();
}

// ---- dead-letter counts -------------------------------------------------------------------------

async function refreshCounts() {
  try {
    const data = await getJson('/console/api/deadletters');
    counts = data.entities;
    const tbody = $('dl-counts').tBodies[0];
    clear(tbody);
    for (const c of counts) {
      const reasons = el('td');
      for (const [reason, n] of Object.entries(c.byReason)) {
        const button = el('button', { type: 'button', class: 'reason' }, `${reason}: ${n}`);
        button.addEventListener('click', () => { setFilter(c.entity, reason, ''); showList(); });
        reasons.append(button);
      }
      tbody.append(el('tr', { 'data-entity': c.entity }, el('td', {}, c.entity), el('td', {}, c.consumer), el('td', {}, c.count), reasons));
    }
    const select = $('f-entity');
    const chosen = select.value;
    if (select.options.length !== counts.length + 1) {
      while (select.options.length > 1) select.remove(1);
      for (const c of counts) select.append(el('option', { value: c.entity }, c.entity));
      select.value = chosen;
    }
    $('dl-refreshed').textContent = `Total ${data.total}; refreshed ${new Date().toLocaleTimeString()}.`;
  } catch (e) {
    say(`Could not read the dead-letter counts: ${e.message}`);
  }
}

function setFilter(entity, reason, eventType) {
  $('f-entity').value = entity;
  $('f-reason').value = reason;
  $('f-eventType').value = eventType;
}

function filterValues() {
  return { entity: $('f-entity').value, reason: $('f-reason').value.trim(), eventType: $('f-eventType').value.trim() };
}

// ---- filtered list, paged -------------------------------------------------------------------------

async function showList(after) {
  listQuery = filterValues();
  const messages = await getJson(`/console/api/deadletters/messages?${query({ ...listQuery, max: PAGE, after })}`)
    .catch((e) => { say(e.message); return []; });
  const tbody = $('dl-list').tBodies[0];
  clear(tbody);
  for (const m of messages) {
    const row = el('tr', { class: 'clickable', tabindex: '0', 'data-seq': m.sequenceNumber },
      el('td', {}, m.sequenceNumber), el('td', {}, m.entity), el('td', {}, m.eventType), el('td', {}, m.reason),
      el('td', {}, m.enqueuedTime), el('td', {}, m.messageId));
    const open = () => showMessage(m);
    row.addEventListener('click', open);
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
    tbody.append(row);
  }
  $('dl-list').hidden = false;
  lastSeq = messages.length ? messages[messages.length - 1].sequenceNumber : null;
  // Sequence numbers are per endpoint, so only one endpoint's list can be continued.
  $('dl-next').hidden = !(listQuery.entity && messages.length === PAGE);
  $('dl-page').textContent = `(${messages.length}${after ? ` after #${after}` : ''})`;
}

// ---- one message ----------------------------------------------------------------------------------

function bodyText(m) {
  if ('body' in m) return JSON.stringify(m.body, null, 2);
  if ('bodyText' in m) return m.bodyText;
  return `(binary) ${m.bodyBase64}`;
}

function fillTable(table, entries) {
  const tbody = table.tBodies[0];
  clear(tbody);
  for (const [k, v] of entries) tbody.append(el('tr', {}, el('td', {}, k), el('td', {}, typeof v === 'object' ? JSON.stringify(v) : v)));
  if (!entries.length) tbody.append(el('tr', {}, el('td', { colspan: '2' }, '(none)')));
}

function facts(dl, pairs) {
  clear(dl);
  for (const [k, v] of pairs) dl.append(el('dt', {}, k), el('dd', {}, v == null ? '-' : v));
}

function orderIdOf(m) {
  return m.body && m.body.payload && typeof m.body.payload.orderId === 'string' ? m.body.payload.orderId : null;
}

function showMessage(m) {
  current = m;
  const props = Object.entries(m.applicationProperties || {});
  facts($('m-facts'), [
    ['Endpoint', m.entity], ['Sequence number', m.sequenceNumber], ['Reason', m.reason], ['Description', m.description],
    ['Event type', m.eventType], ['Event id', m.eventId], ['Message id', m.messageId], ['Subject', m.subject],
    ['Correlation id', m.correlationId], ['Trace parent', (m.applicationProperties || {}).traceparent],
    ['Diagnostic-Id', (m.applicationProperties || {})['Diagnostic-Id']], ['Delivery count', m.deliveryCount],
    ['Enqueued', m.enqueuedTime], ['Dead-letter source', m.deadLetterSource],
  ]);
  fillTable($('m-props'), props.filter(([k]) => !k.startsWith('dlq-')));
  fillTable($('m-dlq'), props.filter(([k]) => k.startsWith('dlq-')));
  const text = bodyText(m);
  $('m-body').textContent = text;
  $('m-edit').value = text;
  clear($('m-errors'));
  const orderId = orderIdOf(m);
  $('m-order-link').hidden = !orderId;
  if (orderId) $('m-order').href = `#/order/${encodeURIComponent(orderId)}`;
  $('dl-message').hidden = false;
  $('m-title').textContent = `Message #${m.sequenceNumber} in ${m.entity}`;
}

function showErrors(lines) {
  const list = $('m-errors');
  clear(list);
  for (const line of lines) list.append(el('li', {}, line));
}

async function resubmitEdited() {
  if (!current) return;
  let text = $('m-edit').value;
  try { JSON.parse(text); } catch (e) { showErrors([`Not valid JSON: ${e.message}`]); return; }
  const result = await post(`/console/api/deadletters/resubmit-edited?${query({ entity: current.entity, sequence: current.sequenceNumber })}`, text);
  if (result.status === 200) {
    const line = result.body.audit[0];
    showErrors([]);
    say(`Resubmitted #${line.sequenceNumber} to ${line.target}: ${line.outcome}${line.error ? ` (${line.error})` : ''}.`);
    if (line.outcome === 'resubmitted') $('dl-message').hidden = true;
  } else {
    const errors = result.body && result.body.errors ? result.body.errors.body : null;
    showErrors(errors || [(result.body && (result.body.detail || result.body.title)) || `HTTP ${result.status}`]);
    say('Nothing was sent.');
  }
  refreshCounts();
}

async function resubmitUnchanged() {
  if (!current) return;
  // Without a MessageId the filter would match the whole endpoint: the unchanged resubmit of one message needs one.
  if (!current.messageId) { showErrors(['This message has no MessageId; use "Validate and resubmit" instead.']); return; }
  const result = await post(`/console/api/deadletters/resubmit?${query({ entity: current.entity, messageId: current.messageId, max: 1 })}`);
  reportBulk(result);
  $('dl-message').hidden = true;
}

// ---- bulk resubmit behind a confirmation -------------------------------------------------------------

async function bulkResubmit() {
  const filter = filterValues();
  // A dry run first: the count in the confirmation is what the broker holds now, not what the page last showed.
  const dry = await post(`/console/api/deadletters/resubmit?${query({ ...filter, dryRun: 'true' })}`);
  if (dry.status !== 200) { reportBulk(dry); return; }
  const dialog = $('confirm');
  $('c-text').textContent = dry.body.count === 0
    ? 'No message matches the filter.'
    : `Resubmit ${dry.body.count} message(s) from ${filter.entity || 'every endpoint'} to their original consumers?`;
  $('c-yes').hidden = dry.body.count === 0;
  const answer = await new Promise((resolve) => {
    $('c-yes').onclick = () => resolve(true);
    $('c-no').onclick = () => resolve(false);
    dialog.showModal();
  });
  dialog.close();
  if (!answer) { say('Bulk resubmit cancelled; nothing was sent.'); return; }
  reportBulk(await post(`/console/api/deadletters/resubmit?${query({ ...filter, max: dry.body.count })}`));
}

function reportBulk(result) {
  if (result.status === 200) say(`Resubmitted ${result.body.count - result.body.failed} of ${result.body.count}; failed ${result.body.failed}.`);
  else say((result.body && (result.body.detail || result.body.title)) || `HTTP ${result.status}`);
  refreshCounts();
  if (listQuery) showList();
}

// ---- order page -----------------------------------------------------------------------------------

function money(cents, currency) {
  return cents == null ? '-' : `${(cents / 100).toFixed(2)} ${currency || ''}`.trim();
}

async function showOrder(orderId) {
  $('o-id').value = orderId;
  let data;
  try { data = await getJson(`/console/api/orders/${encodeURIComponent(orderId)}`); }
  catch (e) { say(`Could not read order ${orderId}: ${e.message}`); return; }
  const order = data.order || {};
  $('o-result').hidden = false;
  if (data.orderStatusCode === 404) { facts($('o-facts'), [['Order', orderId], ['Status', 'not found']]); return; }
  facts($('o-facts'), [
    ['Order', order.orderId], ['Status', order.status], ['Customer', order.customerId],
    ['Total', money(order.totalInCents, order.currency)], ['Inventory', order.inventory], ['Payment', order.payment],
    ['Cancellation reason', order.cancellationReason],
  ]);
  const status = $('o-facts').querySelectorAll('dd')[1];
  status.id = 'o-status';
  status.className = `status-${order.status}`;

  const lines = $('o-lines').tBodies[0];
  clear(lines);
  for (const line of order.items || [])
    lines.append(el('tr', {}, el('td', {}, line.sku), el('td', {}, line.quantity), el('td', {}, money(line.unitPriceInCents, order.currency)),
      el('td', {}, money(line.unitPriceInCents * line.quantity, order.currency))));

  const timeline = $('o-timeline');
  clear(timeline);
  for (const t of order.timeline || []) timeline.append(el('li', {}, `${t.at} ${t.eventType} (${t.source || '-'}): ${t.summary}`));

  const saga = data.saga;
  facts($('o-saga'), saga ? [
    ['Runtime status', saga.runtimeStatus], ['Step', saga.status && saga.status.step], ['Last event', saga.status && saga.status.lastEvent],
    ['Waiting until', saga.status && saga.status.deadline], ['Result', saga.result ? `${saga.result.outcome}${saga.result.reason ? ` (${saga.result.reason})` : ''}` : null],
    ['Last updated', saga.lastUpdatedAt],
  ] : [['Saga', data.sagaError ? `unreadable: ${data.sagaError}` : 'no instance (not started yet, or purged)']]);

  const dls = $('o-deadletters');
  clear(dls);
  for (const m of data.deadLetters) {
    const link = el('a', { href: '#/deadletters' }, `#${m.sequenceNumber} ${m.entity} ${m.eventType || ''} ${m.reason || ''}`);
    link.addEventListener('click', () => { setFilter(m.entity, '', ''); showMessage(m); });
    dls.append(el('li', {}, link));
  }
  if (!data.deadLetters.length) dls.append(el('li', {}, `none (first ${data.deadLetterScan} dead-letters searched)`));
}

// ---- routing ---------------------------------------------------------------------------------------

function route() {
  const hash = location.hash || '#/deadletters';
  const order = hash.startsWith('#/order');
  $('view-deadletters').hidden = order;
  $('view-order').hidden = !order;
  clearInterval(countsTimer);
  clearInterval(orderTimer);
  if (order) {
    const id = decodeURIComponent(hash.slice('#/order/'.length));
    if (hash.startsWith('#/order/') && id) {
      showOrder(id);
      // The timeline arrives event by event: keep polling while the page shows the order.
      orderTimer = setInterval(() => showOrder(id), 2000);
    }
  } else {
    refreshCounts();
    countsTimer = setInterval(refreshCounts, 3000);
  }
}

$('dl-filter').addEventListener('submit', (e) => { e.preventDefault(); $('dl-message').hidden = true; showList(); });
$('dl-next').addEventListener('click', () => showList(lastSeq));
$('f-bulk').addEventListener('click', bulkResubmit);
$('m-resubmit-edited').addEventListener('click', resubmitEdited);
$('m-resubmit').addEventListener('click', resubmitUnchanged);
$('o-find').addEventListener('submit', (e) => { e.preventDefault(); location.hash = `#/order/${encodeURIComponent($('o-id').value.trim())}`; });
window.addEventListener('hashchange', route);
route();
