#!/usr/bin/env node
'use strict';
// Cosmos DB server for tests and local runs: the pinned @vercel/cosmosdb-server 1.0.1 (its in-memory
// account and REST handlers) wrapped in our compatibility layer for the .NET SDK (Gateway mode):
// proper 404/304 on point reads, query plans, partition-scoped queries, OFFSET/LIMIT, TTL, the binary
// TransactionalBatch format and the change feed. Prints {"listening":{"port":N}} when ready.
//
// Usage: node server.js --cert cert.pem --key key.pem [--host 127.0.0.1] [--port 0] [--data DIR]

const fs = require('fs');
const https = require('https');
const { randomUUID } = require('crypto');
const { Account, routes } = require('./package-internals');
const batch = require('./batch');
const changefeed = require('./changefeed');
const partition = require('./partition');
const persistence = require('./persistence');
const query = require('./query');
const ttl = require('./ttl');

function parseArgs(argv) {
  const args = { host: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--host': args.host = value; break;
      case '--port': args.port = parseInt(value, 10); break;
      case '--cert': args.cert = value; break;
      case '--key': args.key = value; break;
      case '--data': args.data = value; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!args.cert || !args.key) throw new Error('--cert and --key are required');
  return args;
}

const DOCS = /^\/dbs\/([^/]+)\/colls\/([^/]+)\/docs$/;
const DOC = /^\/dbs\/([^/]+)\/colls\/([^/]+)\/docs\/([^/]+)$/;

const isTrue = value => String(value || '').toLowerCase() === 'true';

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function normalizedPath(url) {
  let path = url.split('?')[0];
  // The SDKs sometimes send a double leading slash or a trailing one.
  while (path.startsWith('//')) path = path.slice(1);
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

const notFound = () => ({ statusCode: 404, body: { code: 'NotFound', message: 'Entity with the specified id does not exist in the system.' } });

function readDocument(collection, req, id) {
  const props = collection.read();
  const components = partition.fromHeaders(req.headers);
  const doc = collection.document(id, partition.storageKey(components, id)).read();
  if (!doc || ttl.isExpired(props, doc) || (components && !partition.matches(props, doc, components))) return notFound();
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch === doc._etag) return { statusCode: 304, headers: { etag: doc._etag } };
  return { statusCode: 200, body: doc };
}

/** Our handlers; null means "let the pinned package handle it". */
async function compat(account, req) {
  const path = normalizedPath(req.url);
  const docMatch = DOC.exec(path);
  const docsMatch = docMatch ? null : DOCS.exec(path);
  const match = docMatch || docsMatch;
  if (!match) return null;

  const collection = account.database(decodeURIComponent(match[1])).collection(decodeURIComponent(match[2]));
  if (!collection.read()) return notFound();
  const { method, headers } = req;
  const isRead = method === 'GET' || isTrue(headers['x-ms-documentdb-isquery']) || headers['content-type'] === 'application/query+json';
  const isPlainWrite = method === 'POST' && !docMatch && !isRead && !isTrue(headers['x-ms-cosmos-is-batch-request'])
    && !isTrue(headers['x-ms-cosmos-is-query-plan-request']);
  ttl.sweep(collection, { force: isPlainWrite });
  if (docMatch && method !== 'GET') ttl.expireOne(collection, decodeURIComponent(docMatch[3]), partition.fromHeaders(headers));

  if (docMatch && method === 'GET') return readDocument(collection, req, decodeURIComponent(docMatch[3]));
  if (!docsMatch) return null;

  if (method === 'GET' && headers['a-im']) {
    const feed = changefeed.read(collection, headers);
    const body = feed.statusCode === 200 ? { _rid: collection.read()._rid, Documents: feed.documents, _count: feed.documents.length } : undefined;
    return { statusCode: feed.statusCode, headers: { etag: feed.etag, 'x-ms-item-count': String(feed.documents.length) }, body };
  }
  if (method !== 'POST') return null;

  if (isTrue(headers['x-ms-cosmos-is-query-plan-request'])) {
    await readBody(req);
    return { statusCode: 200, body: query.queryPlan() };
  }
  if (isTrue(headers['x-ms-documentdb-isquery']) || headers['content-type'] === 'application/query+json') {
    const spec = JSON.parse((await readBody(req)).toString('utf8'));
    try {
      const page = query.run(collection, headers, spec);
      const responseHeaders = { 'x-ms-item-count': String(page.documents.length) };
      if (page.continuation) responseHeaders['x-ms-continuation'] = page.continuation;
      return { statusCode: 200, headers: responseHeaders, body: { _rid: collection.read()._rid, Documents: page.documents, _count: page.documents.length } };
    } catch (err) {
      if (err.badRequest) return { statusCode: 400, body: { code: 'BadRequest', message: err.message } };
      throw err;
    }
  }
  if (isTrue(headers['x-ms-cosmos-is-batch-request'])) {
    const result = batch.execute(collection, headers, await readBody(req));
    return { statusCode: result.statusCode, raw: result.body, headers: { 'content-type': 'application/octet-stream' } };
  }
  return null;
}

async function packageHandler(account, req, res) {
  const route = routes(req);
  if (!route) return { statusCode: 400, body: { code: 'BadRequest', message: 'no route' } };
  const [params, handler] = route;
  const body = await handler(account, req, res, params);
  const result = { statusCode: res.statusCode, body };
  // Partition key ranges are read as an incremental feed; a repeated read has nothing new.
  if (req.headers['a-im'] && result.statusCode === 200) {
    if (req.headers['if-none-match']) result.statusCode = 304;
    result.headers = { etag: '"1"' };
  }
  return result;
}

function send(res, result) {
  res.statusCode = result.statusCode;
  res.setHeader('x-ms-activity-id', randomUUID());
  res.setHeader('x-ms-request-charge', '1');
  res.setHeader('x-ms-session-token', '0:-1#1');
  for (const [name, value] of Object.entries(result.headers || {})) res.setHeader(name, value);
  if (result.body && result.body._etag && !res.hasHeader('etag')) res.setHeader('etag', result.body._etag);
  if (result.raw) {
    res.end(result.raw);
    return;
  }
  const noBody = result.statusCode === 304 || result.statusCode === 204 || result.body === undefined;
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
  res.end(noBody ? undefined : JSON.stringify(result.body));
}

function createHandler(account, onWrite) {
  return (req, res) => {
    (async () => {
      let result = await compat(account, req);
      if (!result) result = await packageHandler(account, req, res);
      if (result.statusCode >= 400 && result.body && result.body.message === undefined) result.body.message = '';
      send(res, result);
      if (req.method !== 'GET' && result.statusCode < 400) onWrite();
    })().catch(err => {
      console.error(err);
      if (!res.headersSent) send(res, { statusCode: 500, body: { code: 'InternalServerError', message: err.message } });
      else res.end();
    });
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  changefeed.install();
  const account = new Account(args.host, args.port);
  const store = args.data ? persistence.open(account, args.data) : null;

  const server = https.createServer({
    cert: fs.readFileSync(args.cert),
    key: fs.readFileSync(args.key),
    keepAlive: true,
  });
  server.keepAliveTimeout = 120000;
  server.on('connection', socket => socket.setNoDelay(true));
  server.on('request', createHandler(account, () => store && store.scheduleSave()));
  server.listen(args.port, args.host, () => {
    const { port } = server.address();
    // The account advertises its own endpoint; it must carry the real port, known only now.
    const endpoint = `https://${args.host}:${port}/`;
    account._data.writableLocations[0].databaseAccountEndpoint = endpoint;
    account._data.readableLocations[0].databaseAccountEndpoint = endpoint;
    process.stdout.write(`${JSON.stringify({ listening: { host: args.host, port } })}\n`);
  });
  if (store) process.on('exit', () => store.saveNow());
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

main();
