'use strict';
// Optional persistence for local runs (--data DIR): the whole account is written as one JSON snapshot
// shortly after each write and on exit, and loaded at start. Tests run in memory and never use this.

const fs = require('fs');
const path = require('path');

function dump(account) {
  return [...account.databases._data.values()].map(db => {
    const database = account.database(db.read().id);
    return {
      database: db.read(),
      collections: [...database.collections._data.values()].map(c => ({
        collection: c.read(),
        documents: [...database.collection(c.read().id).documents._data.values()].map(d => d.read()),
      })),
    };
  });
}

function load(account, snapshot) {
  for (const { database, collections } of snapshot) {
    account.databases.create({ id: database.id });
    const db = account.database(database.id);
    for (const { collection, documents } of collections) {
      const { _rid, _self, _etag, _ts, _docs, _sprocs, _triggers, _udfs, _conflicts, ...definition } = collection;
      db.collections.create(definition);
      const items = db.collection(collection.id).documents;
      for (const doc of documents) {
        // Keep ids, etags and timestamps as they were; only the rid counter has to move past them.
        items._ridCount += 1;
        items._set({ ...doc, _rid: items._rid(items._ridCount), _self: items._self(items._rid(items._ridCount)) });
      }
    }
  }
}

function open(account, directory) {
  const file = path.join(directory, 'cosmos.json');
  if (fs.existsSync(file)) load(account, JSON.parse(fs.readFileSync(file, 'utf8')));
  let timer = null;
  const saveNow = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const temp = `${file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(dump(account)));
    fs.renameSync(temp, file);
  };
  return {
    saveNow,
    scheduleSave() {
      if (!timer) timer = setTimeout(saveNow, 500);
    },
  };
}

module.exports = { open };
