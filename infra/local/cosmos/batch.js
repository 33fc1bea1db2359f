'use strict';
// TransactionalBatch (and bulk) requests from the .NET SDK: a binary HybridRow body of operations for
// one partition key. Atomic batches apply all operations or none: on the first failure the container is
// restored to its state before the batch, the response is 207 Multi-Status, the failed operation carries
// its own status and every other operation 424 Failed Dependency.

const { documentOperations, patchOperation } = require('./package-internals');
const hybridrow = require('./hybridrow');
const partition = require('./partition');
const ttl = require('./ttl');

// Microsoft.Azure.Documents.OperationType values the SDK writes into "operationType".
const OPERATION = { create: 0, patch: 1, read: 2, delete: 4, replace: 5, upsert: 20 };

function parseBody(op) {
  return op.resourceBody ? JSON.parse(op.resourceBody.toString('utf8')) : undefined;
}

function apply(collection, op, partitionKeyHeader) {
  const partitionKey = op.partitionKey || partitionKeyHeader;
  const ifMatch = op.ifMatch;
  switch (op.operationType) {
    case OPERATION.create:
      return documentOperations.createOperation(collection, { resourceBody: parseBody(op) });
    case OPERATION.read:
      return documentOperations.readOperation(collection, { partitionKey, id: op.id });
    case OPERATION.replace:
      return documentOperations.replaceOperation(collection, { partitionKey, ifMatch, resourceBody: parseBody(op) });
    case OPERATION.upsert:
      return documentOperations.upsertOperation(collection, { partitionKey, ifMatch, resourceBody: parseBody(op) });
    case OPERATION.delete:
      return documentOperations.deleteOperation(collection, { partitionKey, ifMatch, id: op.id });
    case OPERATION.patch: {
      const spec = parseBody(op) || {};
      return patchOperation(collection, {
        id: op.id,
        partitionKey,
        ifMatch,
        operations: Array.isArray(spec) ? spec : spec.operations,
        condition: Array.isArray(spec) ? undefined : spec.condition,
      });
    }
    default:
      return { statusCode: 400, body: { code: 'BadRequest', message: `Operation type ${op.operationType} is not supported in a batch.` } };
  }
}

/**
 * Undo journal for an atomic batch: the value each key of the container's maps had before the batch first
 * touched it, so a failed batch restores exactly those keys. (Copying both maps per batch made every batch
 * cost O(items in the container): a long local run slowed down as its data grew.)
 */
function journal(documents) {
  const maps = [documents._data, documents._index];
  const prior = maps.map(() => new Map());
  maps.forEach((map, i) => {
    const remember = key => { if (!prior[i].has(key)) prior[i].set(key, map.has(key) ? { value: map.get(key) } : null); };
    map.set = function set(key, value) { remember(key); return Map.prototype.set.call(this, key, value); };
    map.delete = function del(key) { remember(key); return Map.prototype.delete.call(this, key); };
  });
  const scalars = { ridCount: documents._ridCount, lsn: documents._lsn };
  const stop = () => maps.forEach(map => { delete map.set; delete map.delete; });
  return {
    commit: stop,
    rollback() {
      stop();
      maps.forEach((map, i) => prior[i].forEach((entry, key) => (entry ? map.set(key, entry.value) : map.delete(key))));
      documents._ridCount = scalars.ridCount;
      documents._lsn = scalars.lsn;
    },
  };
}

/** The id an operation targets (create and upsert carry it in their body). */
function targetId(op) {
  if (op.id !== undefined && op.id !== null && op.id !== '') return op.id;
  const body = op.operationType === OPERATION.create || op.operationType === OPERATION.upsert ? parseBody(op) : undefined;
  return body ? body.id : undefined;
}

function toResult(result, op) {
  const ok = result.statusCode < 400;
  const body = ok && result.body && Object.keys(result.body).length ? result.body : undefined;
  return {
    statusCode: result.statusCode,
    eTag: body ? body._etag : undefined,
    resourceBody: body && !op.minimalReturnPreference ? body : undefined,
  };
}

/** Executes the batch and returns { statusCode, body } with the binary response body. */
function execute(collection, headers, rawBody) {
  const operations = hybridrow.readBatchRequest(rawBody);
  const atomic = String(headers['x-ms-cosmos-batch-atomic'] || '').toLowerCase() === 'true';
  const continueOnError = String(headers['x-ms-cosmos-batch-continue-on-error'] || '').toLowerCase() === 'true';
  const partitionKeyHeader = headers['x-ms-documentdb-partitionkey'];
  const undo = atomic ? journal(collection.documents) : null;

  const results = [];
  let failedAt = -1;
  for (let i = 0; i < operations.length; i += 1) {
    if (failedAt >= 0 && !continueOnError) {
      results.push({ statusCode: 424 });
      continue;
    }
    let result;
    try {
      // An expired item is gone for this operation (created again, not replaced or patched).
      ttl.expireOne(collection, targetId(operations[i]), partition.fromHeaders({ [partition.HEADER]: operations[i].partitionKey || partitionKeyHeader }));
      result = apply(collection, operations[i], partitionKeyHeader);
    } catch (err) {
      result = { statusCode: 400, body: { code: 'BadRequest', message: err.message } };
    }
    results.push(toResult(result, operations[i]));
    if (result.statusCode >= 400 && failedAt < 0) failedAt = i;
  }

  if (undo && failedAt >= 0) {
    undo.rollback();
    // Nothing was committed: every operation but the one that failed reports 424.
    results.forEach((r, i) => { if (i !== failedAt) results[i] = { statusCode: 424 }; });
  }
  else if (undo) undo.commit();
  const anyFailed = results.some(r => r.statusCode >= 400);
  return { statusCode: anyFailed ? 207 : 200, body: hybridrow.writeBatchResponse(results), operations };
}

module.exports = { execute, OPERATION };
