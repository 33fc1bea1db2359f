'use strict';
// The Cosmos DB .NET SDK sends TransactionalBatch requests as HybridRow rows in a RecordIO stream and
// expects the results back in the same format. This module reads BatchOperation rows and writes
// BatchResult rows for the two schemas the SDK embeds (Microsoft.Azure.Cosmos.BatchApi v1); it is not a
// general HybridRow codec.
//
// Row    = version byte 0x81, schema id (int32 LE), presence bits, fixed fields, variable fields
//          (varuint length + bytes, only those whose presence bit is set), sparse fields.
// Stream = a Segment row, then per record a Record row (length, crc32) followed by the record's row.

const zlib = require('zlib');

const VERSION = 0x81;
const SEGMENT_SCHEMA = 2147473648;
const RECORD_SCHEMA = 2147473649;
const BATCH_OPERATION_SCHEMA = 2145473648;
const BATCH_RESULT_SCHEMA = 2145473649;

// Sparse fields of BatchOperation in schema order: their path tokens follow the 7 schematized columns.
const OPERATION_PATHS = ['operationType', 'resourceType', 'partitionKey', 'effectivePartitionKey', 'id', 'binaryId',
  'resourceBody', 'indexingDirective', 'ifMatch', 'ifNoneMatch', 'timeToLiveInSeconds', 'minimalReturnPreference'];

// Layout codes used by the sparse BatchOperation fields.
const CODE = { int32: 7, boolFalse: 2, boolTrue: 3, utf8: 0x14, binary: 0x15 };

function readVarUInt(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, pos];
    shift += 7;
  }
}

function writeVarUInt(value) {
  const bytes = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    bytes.push(b);
  } while (value > 0);
  return Buffer.from(bytes);
}

function header(schemaId) {
  const b = Buffer.alloc(5);
  b[0] = VERSION;
  b.writeInt32LE(schemaId, 1);
  return b;
}

/** Splits a RecordIO stream into its record bodies (Buffers). */
function readRecords(buf) {
  let pos = 0;
  const records = [];
  while (pos < buf.length) {
    if (buf[pos] !== VERSION) throw new Error(`unexpected HybridRow version ${buf[pos]} at ${pos}`);
    const schemaId = buf.readInt32LE(pos + 1);
    if (schemaId === SEGMENT_SCHEMA) {
      // Segment: 1 presence byte + int32 length of the whole segment row (sparse comment/sdl follow).
      const length = buf.readInt32LE(pos + 6);
      pos += length;
    } else if (schemaId === RECORD_SCHEMA) {
      // Record: no presence bits (both columns are non-nullable), int32 length, uint32 crc32.
      const length = buf.readInt32LE(pos + 5);
      const start = pos + 13;
      records.push(buf.subarray(start, start + length));
      pos = start + length;
    } else {
      throw new Error(`unexpected RecordIO schema ${schemaId} at ${pos}`);
    }
  }
  return records;
}

/** Decodes one BatchOperation row into a plain object. */
function readOperation(row) {
  if (row.readInt32LE(1) !== BATCH_OPERATION_SCHEMA) throw new Error('not a BatchOperation row');
  const bits = row[5];
  const present = i => (bits & (1 << i)) !== 0;
  const op = {};
  if (present(0)) op.operationType = row.readInt32LE(6);
  if (present(1)) op.resourceType = row.readInt32LE(10);
  let pos = 14;
  const variable = [['partitionKey', 'utf8'], ['effectivePartitionKey', 'binary'], ['id', 'utf8'], ['binaryId', 'binary'], ['resourceBody', 'binary']];
  variable.forEach(([name, type], i) => {
    if (!present(2 + i)) return;
    let length;
    [length, pos] = readVarUInt(row, pos);
    const bytes = row.subarray(pos, pos + length);
    pos += length;
    op[name] = type === 'utf8' ? bytes.toString('utf8') : Buffer.from(bytes);
  });
  while (pos < row.length) {
    const code = row[pos++];
    let token;
    [token, pos] = readVarUInt(row, pos);
    let path;
    if (token <= OPERATION_PATHS.length) {
      path = OPERATION_PATHS[token - 1];
    } else {
      // Paths unknown to the schema are written inline, their length offset by the token count.
      const length = token - (OPERATION_PATHS.length + 1);
      path = row.subarray(pos, pos + length).toString('utf8');
      pos += length;
    }
    let value;
    switch (code) {
      case CODE.int32: value = row.readInt32LE(pos); pos += 4; break;
      case CODE.boolTrue: value = true; break;
      case CODE.boolFalse: value = false; break;
      case CODE.utf8:
      case CODE.binary: {
        let length;
        [length, pos] = readVarUInt(row, pos);
        const bytes = row.subarray(pos, pos + length);
        pos += length;
        value = code === CODE.utf8 ? bytes.toString('utf8') : Buffer.from(bytes);
        break;
      }
      default: throw new Error(`unsupported sparse layout code ${code} for ${path}`);
    }
    op[path] = value;
  }
  return op;
}

/** Decodes a whole batch request body into operations. */
function readBatchRequest(body) {
  return readRecords(body).map(readOperation);
}

/** Encodes one BatchResult row: statusCode, subStatusCode, optional eTag and resourceBody. */
function writeResult({ statusCode, subStatusCode = 0, eTag, resourceBody }) {
  const fixed = Buffer.alloc(9);
  let bits = 0b11;
  fixed.writeInt32LE(statusCode, 1);
  fixed.writeInt32LE(subStatusCode, 5);
  const parts = [header(BATCH_RESULT_SCHEMA), fixed];
  if (eTag != null) {
    bits |= 1 << 2;
    const bytes = Buffer.from(String(eTag), 'utf8');
    parts.push(writeVarUInt(bytes.length), bytes);
  }
  if (resourceBody != null) {
    bits |= 1 << 3;
    const bytes = Buffer.isBuffer(resourceBody) ? resourceBody : Buffer.from(JSON.stringify(resourceBody), 'utf8');
    parts.push(writeVarUInt(bytes.length), bytes);
  }
  fixed[0] = bits;
  return Buffer.concat(parts);
}

function writeSegment() {
  const row = Buffer.alloc(10);
  row[0] = VERSION;
  row.writeInt32LE(SEGMENT_SCHEMA, 1);
  row[5] = 1; // "length" is present
  row.writeInt32LE(row.length, 6);
  return row;
}

function writeRecord(body) {
  const row = Buffer.alloc(13);
  row[0] = VERSION;
  row.writeInt32LE(RECORD_SCHEMA, 1);
  row.writeInt32LE(body.length, 5);
  row.writeUInt32LE(zlib.crc32(body) >>> 0, 9);
  return Buffer.concat([row, body]);
}

/** Encodes the results of a batch as the RecordIO stream the SDK reads. */
function writeBatchResponse(results) {
  return Buffer.concat([writeSegment(), ...results.map(r => writeRecord(writeResult(r)))]);
}

module.exports = { readBatchRequest, writeBatchResponse, readVarUInt, writeVarUInt };
