'use strict';
// Item time-to-live, applied when data is touched: Cosmos DB deletes expired items in the background, and
// an expired item is invisible to reads and queries even before that. Rules: the container's defaultTtl
// switches TTL on (absent/null = off, -1 = on but items live forever unless they set ttl, n = seconds);
// an item's own ttl overrides it (-1 = never expires).

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

/** Deletes every expired item of the collection; cheap when TTL is off. */
function sweep(collection, nowMs = Date.now()) {
  const props = collection.read();
  if (!props || props.defaultTtl === undefined || props.defaultTtl === null) return;
  const documents = collection.documents;
  for (const item of [...documents._data.values()]) {
    const doc = item.read();
    if (doc && isExpired(props, doc, nowMs)) documents.delete(doc.id, documents._getPartition(doc));
  }
}

module.exports = { isExpired, sweep };
