import 'server-only';
import { asc } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { datasets } from '@/db/schema';
import { accessibleDatasets } from '@/lib/access';
import { invalidArgument, notImplemented } from './errors';
import { listObjects } from './listing';
import type { Principal } from './auth';
import { doc, el, iso } from './xml';

/** Bucket-level reads: ListBuckets, ListObjects (v1 and v2). */

export async function listBucketsXml(p: Principal): Promise<string> {
  const db = await getDb();
  const rows = await accessibleDatasets(db, p.userId, undefined, p.datasetId ?? undefined).orderBy(asc(datasets.createdAt));
  const buckets = rows.map((r) => `<Bucket>${el('Name', r.id)}${el('CreationDate', iso(r.createdAt))}</Bucket>`).join('');
  return doc('ListAllMyBucketsResult', `<Owner>${el('ID', p.userId)}</Owner><Buckets>${buckets}</Buckets>`);
}

const encodeKey = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function maxKeysOf(q: URLSearchParams): number {
  const raw = q.get('max-keys');
  if (raw === null || raw === '') return 1000;
  if (!/^\d{1,9}$/.test(raw)) throw invalidArgument('max-keys must be a non-negative integer.');
  return Math.min(Number(raw), 1000);
}

/** ListObjectsV2 (`list-type=2`) or ListObjects (v1) for a bucket the caller can read. */
export async function listObjectsXml(p: Principal, bucket: string, q: URLSearchParams): Promise<string> {
  const v2 = q.get('list-type') === '2';
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  if (delimiter !== '' && delimiter !== '/') throw notImplemented('A delimiter other than "/"');
  const url = q.get('encoding-type') === 'url';
  if (q.has('encoding-type') && !url) throw invalidArgument('encoding-type must be "url".');
  const enc = (s: string) => (url ? encodeKey(s) : s);
  const maxKeys = maxKeysOf(q);
  let after: string;
  const token = q.get('continuation-token');
  if (v2 && token) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (b64(after) !== token) throw invalidArgument('The continuation token is not valid.');
  } else {
    after = (v2 ? q.get('start-after') : q.get('marker')) ?? '';
  }
  const { items, truncated, next } = await listObjects(p.userId, bucket, { prefix, delimiter, after, maxKeys });
  const contents = items
    .filter((i) => i.kind === 'object')
    .map((i) => `<Contents>${el('Key', enc(i.key))}${el('LastModified', iso(i.updatedAt))}${el('ETag', `"${i.sha256 ?? ''}"`)}${el('Size', i.size)}<StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  const prefixes = items
    .filter((i) => i.kind === 'prefix')
    .map((i) => `<CommonPrefixes>${el('Prefix', enc(i.key))}</CommonPrefixes>`)
    .join('');
  const last = next;
  const head = el('Name', bucket) + el('Prefix', enc(prefix)) + (delimiter ? el('Delimiter', enc(delimiter)) : '') + el('MaxKeys', maxKeys) + (url ? el('EncodingType', 'url') : '');
  const paging = v2
    ? el('KeyCount', items.length) + (token ? el('ContinuationToken', token) : '') + (q.has('start-after') ? el('StartAfter', enc(q.get('start-after')!)) : '') + (truncated && last ? el('NextContinuationToken', b64(last)) : '')
    : el('Marker', enc(q.get('marker') ?? '')) + (truncated && last ? el('NextMarker', enc(last)) : '');
  return doc('ListBucketResult', head + paging + el('IsTruncated', truncated) + contents + prefixes);
}
