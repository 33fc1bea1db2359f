'use strict';
// Partition key handling shared by reads, queries, batches and the change feed. The SDK sends the key as
// a JSON array header (x-ms-documentdb-partitionkey: ["value"]); [{}] means "no value" (PartitionKey.None).

const HEADER = 'x-ms-documentdb-partitionkey';

function pathsOf(collectionProps) {
  const paths = collectionProps && collectionProps.partitionKey && collectionProps.partitionKey.paths;
  return paths && paths.length ? paths : ['/id'];
}

function valueAt(doc, path) {
  let current = doc;
  for (const segment of path.slice(1).split('/')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[segment];
  }
  return current;
}

/** The partition key components of the request as a JSON array, or null when the header is absent. */
function fromHeaders(headers) {
  const raw = headers[HEADER];
  if (!raw) return null;
  try {
    const parsed = JSON.parse(Array.isArray(raw) ? raw[0] : raw);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return null;
  }
}

const isNone = component => component !== null && typeof component === 'object' && Object.keys(component).length === 0;

/** Whether the document belongs to the logical partition given as header components. */
function matches(collectionProps, doc, components) {
  return pathsOf(collectionProps).every((path, i) => {
    const expected = components[i];
    const actual = valueAt(doc, path);
    if (expected === undefined || isNone(expected)) return actual === undefined;
    return JSON.stringify(actual) === JSON.stringify(expected);
  });
}

/** The key the pinned package indexes documents by (it uses the first component, or the id). */
function storageKey(components, id) {
  const first = components ? components[0] : undefined;
  if (first === undefined || first === null || typeof first === 'object') return id;
  return first;
}

module.exports = { HEADER, pathsOf, valueAt, fromHeaders, matches, storageKey };
