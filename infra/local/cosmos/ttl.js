'use strict';
// Item time-to-live, applied when data is touched: Cosmos DB deletes expired items in the background, and
// an expired item is invisible to reads and queries even before that. Rules: the container's defaultTtl
// switches TTL on (absent/null = off, -1 = on but items live forever unless they set ttl, n = seconds);
// an item's own ttl overrides it (-1 = never expires).

const { storageKey } = require('./partition');

function effectiveTtl(collectionProps, doc) {
  const containerTtl = collectionProps ? collectionProps.defaultTtl : undefined;
  if (containerTtl === undefined || containerTtl === null) return null;
  const itemTtl = typeof doc.ttl === 'number' ? doc.ttl : containerTtl;
  return itemTtl > 0 ? itemTtl : null;
}

function isExpired(collectionProps, doc, nowMs = Date.now()) {
  const ttl = effectiveTtl(collectionProps, doc);
  return ttl !== null && nowMs >= (doc._ts + ttl) * 1000;
}

/**
 * Deletes every expired item of the collection; cheap when TTL is off. Reads and queries already skip
 * expired items, so a sweep a second is enough for them (the scan is O(items)). Writes that name their
 * target (document paths, batch operations) expire just that item first (expireOne); only a plain create
 * or upsert, whose id is in a body not read yet, forces a full sweep.
 */
function sweep(collection, { force = true } = {}, nowMs = Date.now()) {
  const props = collection.read();
  if (!props || props.defaultTtl === undefined || props.defaultTtl === null) return;
  const documents = collection.documents;
  if (!force && nowMs - (documents._lastSweep || 0) < 1000) return;
  documents._lastSweep = nowMs;
  for (const item of [...documents._data.values()]) {
    const doc = item.read();
    if (doc && isExpired(props, doc, nowMs)) documents.delete(doc.id, documents._getPartition(doc));
  }
}

/**
 * Deletes one item if it has expired: what a write needs before it touches that id (an expired id can be
 * created again; an expired item cannot be replaced or patched). Cheap, unlike a sweep.
 */
function expireOne(collection, id, components) {
  const props = collection.read();
  if (id === undefined || id === null || !props || props.defaultTtl === undefined || props.defaultTtl === null) return;
  const doc = collection.document(id, storageKey(components, id)).read();
  if (doc && isExpired(props, doc)) collection.documents.delete(doc.id, collection.documents._getPartition(doc));
}

module.exports = { isExpired, sweep, expireOne };
