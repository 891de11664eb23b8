import crypto from 'node:crypto';
import { checksumFor } from './checksums';
import { S3Error } from './errors';
import type { ChunkVerifier } from './sigv4';

/**
 * Decodes an aws-chunked body ("<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n … 0…\r\n[trailers]\r\n"),
 * streaming: data is passed on as it arrives, never a whole chunk held. With `verifyChunk`, each
 * chunk's signature is checked when it ends; a bad one throws, so the caller's upload is discarded.
 * With `trailer` (the x-amz-trailer header), the trailing CRC32 / CRC32C / CRC64NVME / SHA-1 / SHA-256
 * checksum is verified the same way (BadDigest); any other trailer name is refused before a byte is read.
 */
export async function* decodeAwsChunked(source: AsyncIterable<Uint8Array>, verifyChunk?: ChunkVerifier, decodedLength?: number, trailer?: string | null): AsyncGenerator<Uint8Array> {
  const bad = (msg: string) => new S3Error('IncompleteBody', 400, `The aws-chunked body is malformed: ${msg}.`);
  let buf = Buffer.alloc(0);
  let remaining = -1; // bytes of chunk data still to come; -1 while reading a chunk header
  let signature = '';
  let hash: crypto.Hash | null = null;
  let total = 0;
  let done = false;
  const checksum = checksumFor(trailer);
  if (trailer && trailer.trim() !== '' && !checksum) throw new S3Error('InvalidRequest', 400, `The trailer "${trailer.trim().slice(0, 64)}" is not a checksum S3 defines.`);
  const finishChunk = () => {
    if (verifyChunk && !verifyChunk(hash!.digest('hex'), signature)) {
      throw new S3Error('SignatureDoesNotMatch', 403, 'A chunk signature does not match.');
    }
  };
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    if (!done && (buf.length === 0 || (remaining < 0 && buf.indexOf('\r\n') < 0))) {
      const next = await iterator.next();
      if (next.done) done = true;
      else buf = buf.length === 0 ? Buffer.from(next.value) : Buffer.concat([buf, next.value]);
    }
    if (remaining < 0) {
      const eol = buf.indexOf('\r\n');
      if (eol < 0) {
        if (buf.length > 4096) throw bad('chunk header too long');
        if (done) throw bad('the body ended inside a chunk header');
        continue;
      }
      const header = buf.subarray(0, eol).toString('latin1');
      buf = buf.subarray(eol + 2);
      const m = /^([0-9a-fA-F]{1,12})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(header);
      if (!m) throw bad('unreadable chunk header');
      if (verifyChunk && !m[2]) throw bad('a chunk has no signature');
      remaining = parseInt(m[1], 16);
      signature = m[2] ?? '';
      hash = verifyChunk ? crypto.createHash('sha256') : null;
      if (remaining === 0) {
        finishChunk();
        break; // what follows is trailers (checksums), which we do not need
      }
      continue;
    }
    if (remaining > 0 && buf.length > 0) {
      const take = buf.subarray(0, Math.min(remaining, buf.length));
      buf = buf.subarray(take.length);
      remaining -= take.length;
      total += take.length;
      hash?.update(take);
      checksum?.update(take);
      yield take;
    }
    if (remaining === 0) {
      if (buf.length < 2) {
        if (done) throw bad('the body ended inside a chunk');
        const next = await iterator.next();
        if (next.done) throw bad('the body ended inside a chunk');
        buf = Buffer.concat([buf, next.value]);
        continue;
      }
      if (buf[0] !== 13 || buf[1] !== 10) throw bad('a chunk is longer than announced');
      buf = buf.subarray(2);
      finishChunk();
      remaining = -1;
      continue;
    }
    if (done) throw bad('the body ended inside a chunk');
  }
  // The trailers: "name:value" lines up to an empty one (read to the end so the connection stays usable).
  let rest = buf;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    if (rest.length < 16_384) rest = Buffer.concat([rest, next.value]);
  }
  if (decodedLength !== undefined && total !== decodedLength) {
    throw new S3Error('IncompleteBody', 400, `The body had ${total} bytes, not the announced ${decodedLength}.`);
  }
  if (checksum) {
    const name = trailer!.trim().toLowerCase();
    const line = rest.toString('latin1').split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
    if (!line) throw bad(`the announced trailer ${name} is missing`);
    if (line.slice(name.length + 1).trim() !== (await checksum.digest())) {
      throw new S3Error('BadDigest', 400, `The ${name.slice('x-amz-checksum-'.length).toUpperCase()} checksum you specified did not match what we received.`);
    }
  }
}
