'use strict';
// Queries for the .NET SDK in Gateway mode. The SDK first asks the gateway for a query plan; we answer
// with a plan that needs no client-side work and one partition key range, so the SDK sends the query
// as is and this server evaluates all of it (ORDER BY, aggregates, OFFSET/LIMIT) over the whole
// container: with a single range that is exactly what Cosmos DB would return. The partition key from the
// request header scopes the query, which the pinned package does not do.

const { cosmosQuery } = require('./package-internals');
const partition = require('./partition');
const ttl = require('./ttl');

const FULL_RANGE = { min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false };

function queryPlan() {
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: 'None',
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: [],
      groupByAliases: [],
      aggregates: [],
      groupByAliasToAggregateType: {},
      rewrittenQuery: '',
      hasSelectValue: false,
      dCountInfo: null,
      hasNonStreamingOrderBy: false,
    },
    queryRanges: [FULL_RANGE],
  };
}

// The pinned SQL engine has no OFFSET/LIMIT (nor GROUP BY, which stays unsupported: 400). OFFSET/LIMIT is
// always the query's last clause, so we cut it off and apply it to the results here.
const OFFSET_LIMIT = /\s+OFFSET\s+(@\w+|\d+)\s+LIMIT\s+(@\w+|\d+)\s*$/i;

function splitOffsetLimit(sql, parameters) {
  const match = OFFSET_LIMIT.exec(sql);
  if (!match) return { sql, offset: 0, limit: Infinity };
  const value = token => {
    if (!token.startsWith('@')) return Number(token);
    const parameter = (parameters || []).find(p => p.name === token);
    if (!parameter) throw Object.assign(new Error(`missing parameter ${token}`), { badRequest: true });
    return Number(parameter.value);
  };
  return { sql: sql.slice(0, match.index), offset: value(match[1]), limit: value(match[2]) };
}

// Nor does it know DISTINCT: we drop the keyword and remove repeated results ourselves.
const DISTINCT = /^(\s*SELECT\s+)DISTINCT\s+/i;

function splitDistinct(sql) {
  const match = DISTINCT.exec(sql);
  return match ? { sql: match[1] + sql.slice(match[0].length), distinct: true } : { sql, distinct: false };
}

function unique(results) {
  const seen = new Set();
  return results.filter(r => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const compiled = new Map();
function compile(sql) {
  let q = compiled.get(sql);
  if (!q) {
    q = cosmosQuery.default(sql);
    if (compiled.size > 500) compiled.clear();
    compiled.set(sql, q);
  }
  return q;
}

/** Every live document of the collection in the request's partition (all when no key is given). */
function visibleDocuments(collection, headers) {
  const props = collection.read();
  const components = partition.fromHeaders(headers);
  const now = Date.now();
  const docs = [];
  for (const item of collection.documents._data.values()) {
    const doc = item.read();
    if (!doc || ttl.isExpired(props, doc, now)) continue;
    if (components && !partition.matches(props, doc, components)) continue;
    docs.push(doc);
  }
  return docs;
}

/**
 * Runs the query and returns one page: { documents, continuation }. The continuation is our own (an
 * offset into the full result), opaque to the SDK, which passes it back unchanged.
 */
function run(collection, headers, body) {
  const paged = splitOffsetLimit(body.query, body.parameters);
  const { sql, distinct } = splitDistinct(paged.sql);
  const { offset, limit } = paged;
  const props = collection.read();
  const compositeIndexes = (props.indexingPolicy && props.indexingPolicy.compositeIndexes) || [];
  const udf = collection.userDefinedFunctions ? collection.userDefinedFunctions.functions : undefined;
  let all;
  try {
    all = compile(sql).exec(visibleDocuments(collection, headers), { parameters: body.parameters, udf, compositeIndexes }).result;
  } catch (err) {
    // Syntax errors and failures evaluating the query text are the caller's to fix: 400.
    throw Object.assign(err, { badRequest: true });
  }
  if (distinct) all = unique(all);
  const selected = all.slice(offset, limit === Infinity ? undefined : offset + limit);

  const start = parseContinuation(headers['x-ms-continuation']);
  const requested = parseInt(headers['x-ms-max-item-count'] || '-1', 10);
  const pageSize = requested > 0 ? requested : 1000;
  const documents = selected.slice(start, start + pageSize);
  const next = start + documents.length;
  return { documents, continuation: next < selected.length ? JSON.stringify({ skip: next }) : null };
}

function parseContinuation(header) {
  if (!header) return 0;
  try {
    const token = JSON.parse(header);
    return Number.isInteger(token.skip) ? token.skip : 0;
  } catch {
    return 0;
  }
}

module.exports = { queryPlan, run, visibleDocuments, FULL_RANGE };
