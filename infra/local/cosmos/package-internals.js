'use strict';
// The pieces of the pinned @vercel/cosmosdb-server 1.0.1 that the compatibility layer builds on. They are
// internal modules of that exact version, which package-lock.json pins; an upgrade must re-check them.

const path = require('path');

const root = path.dirname(require.resolve('@vercel/cosmosdb-server/package.json'));
const lib = name => require(path.join(root, 'lib', name));

module.exports = {
  Account: lib('account').default,
  Documents: lib('account/documents').default,
  routes: lib('routes').default,
  documentOperations: lib('handler/_document-operations'),
  patchOperation: lib('handler/_patch-operations').patchOperation,
  // The SQL engine the package itself uses; resolved from the package so the pinned copy is used.
  cosmosQuery: require(require.resolve('@zeit/cosmosdb-query', { paths: [root] })),
};
