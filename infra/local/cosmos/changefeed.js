'use strict';
// Change feed (latest-version mode) for the .NET SDK: GET .../docs with "A-IM: Incremental feed".
// Every write stamps the document with a per-container sequence number (_lsn); the feed returns the
// current version of each document changed after the continuation, oldest change first, and uses the
// sequence number as the ETag the SDK keeps as its continuation. No new changes: 304.

const { Documents } = require('./package-internals');
const query = require('./query');

/** Makes every create/replace/upsert/patch stamp the document with the next sequence number. */
function install() {
  const set = Documents.prototype._set;
  Documents.prototype._set = function stampSequence(data) {
    this._lsn = (this._lsn || 0) + 1;
    data._lsn = this._lsn;
    return set.call(this, data);
  };
}

const etagOf = lsn => `"${lsn}"`;

function parseEtag(value) {
  const n = parseInt(String(value).replace(/"/g, ''), 10);
  return Number.isFinite(n) ? n : 0;
}

function read(collection, headers) {
  const current = collection.documents._lsn || 0;
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch === '*') return { statusCode: 304, etag: etagOf(current), documents: [] };

  const after = ifNoneMatch ? parseEtag(ifNoneMatch) : 0;
  const since = headers['if-modified-since'] ? Date.parse(headers['if-modified-since']) / 1000 : null;
  const changed = query.visibleDocuments(collection, headers)
    .filter(doc => (doc._lsn || 0) > after && (since === null || doc._ts >= since))
    .sort((a, b) => a._lsn - b._lsn);
  if (changed.length === 0) return { statusCode: 304, etag: etagOf(Math.max(after, current)), documents: [] };

  const requested = parseInt(headers['x-ms-max-item-count'] || '-1', 10);
  const page = changed.slice(0, requested > 0 ? requested : 100);
  const last = page.length < changed.length ? page[page.length - 1]._lsn : Math.max(current, after);
  return { statusCode: 200, etag: etagOf(last), documents: page };
}

module.exports = { install, read };
