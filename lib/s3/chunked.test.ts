import { describe, expect, it } from 'vitest';
import { decodeAwsChunked } from './chunked';

async function* pieces(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
async function collect(it: AsyncIterable<Uint8Array>) {
  const out: Buffer[] = [];
  for await (const c of it) out.push(Buffer.from(c));
  return Buffer.concat(out);
}
const encode = (chunks: Buffer[], trailer = 'x-amz-checksum-crc32:AAAAAA==\r\n\r\n') =>
  Buffer.concat([...chunks.flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]), Buffer.from(`0\r\n${trailer}`)]);

describe('aws-chunked decoding', () => {
  const payload = [Buffer.alloc(70_000, 'a'), Buffer.from('hello\r\n0\r\n'), Buffer.alloc(3, 'z')];
  const body = encode(payload);

  for (const size of [1, 7, 8192, body.length]) {
    it(`decodes a body arriving in ${size}-byte pieces, trailers and all`, async () => {
      expect((await collect(decodeAwsChunked(pieces(body, size), undefined, 70_013))).equals(Buffer.concat(payload))).toBe(true);
    });
  }

  it('refuses truncated, overlong, unreadable and mis-sized bodies', async () => {
    const bad = [
      body.subarray(0, 100),
      Buffer.from('5\r\nhello world\r\n0\r\n\r\n'),
      Buffer.from('zz\r\nhello\r\n0\r\n\r\n'),
      Buffer.from('5\r\nhel'),
      Buffer.from('x'.repeat(5000)),
    ];
    for (const b of bad) await expect(collect(decodeAwsChunked(pieces(b, 3)))).rejects.toMatchObject({ code: 'IncompleteBody' });
    await expect(collect(decodeAwsChunked(pieces(encode([Buffer.from('abc')]), 2), undefined, 4))).rejects.toMatchObject({ code: 'IncompleteBody' });
  });

  it('checks every chunk signature, the final empty chunk included', async () => {
    const signed = Buffer.from(`3;chunk-signature=${'a'.repeat(64)}\r\nabc\r\n0;chunk-signature=${'b'.repeat(64)}\r\n\r\n`);
    const seen: string[] = [];
    const ok = await collect(decodeAwsChunked(pieces(signed, 5), (hash, sig) => (seen.push(`${hash.slice(0, 8)}:${sig[0]}`), true)));
    expect(ok.toString()).toBe('abc');
    expect(seen).toEqual(['ba7816bf:a', 'e3b0c442:b']);
    await expect(collect(decodeAwsChunked(pieces(signed, 5), () => false))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(collect(decodeAwsChunked(pieces(Buffer.from('3\r\nabc\r\n0\r\n\r\n'), 5), () => true))).rejects.toMatchObject({ code: 'IncompleteBody' });
  });

  it('verifies a trailing CRC32 / SHA-256 checksum and refuses a wrong or missing one', async () => {
    const data = [Buffer.from('1234'), Buffer.from('56789')];
    const run = (trailerLine: string, name = 'x-amz-checksum-crc32') => collect(decodeAwsChunked(pieces(encode(data, trailerLine), 3), undefined, 9, name));
    expect((await run('x-amz-checksum-crc32:y/Q5Jg==\r\n\r\n')).toString()).toBe('123456789');
    const sha = Buffer.from('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225', 'hex').toString('base64');
    expect((await run(`x-amz-checksum-sha256:${sha}\r\n\r\n`, 'x-amz-checksum-sha256')).toString()).toBe('123456789');
    await expect(run('x-amz-checksum-crc32:AAAAAA==\r\n\r\n')).rejects.toMatchObject({ code: 'BadDigest' });
    await expect(run('\r\n')).rejects.toMatchObject({ code: 'IncompleteBody' });
    // The standard check values of "123456789": CRC32C 0xE3069283, CRC64NVME 0xAE8B14860A799888.
    expect((await run('x-amz-checksum-crc32c:4waSgw==\r\n\r\n', 'x-amz-checksum-crc32c')).toString()).toBe('123456789');
    expect((await run('x-amz-checksum-crc64nvme:rosUhgp5mIg=\r\n\r\n', 'x-amz-checksum-crc64nvme')).toString()).toBe('123456789');
    await expect(run('x-amz-checksum-crc32c:AAAAAA==\r\n\r\n', 'x-amz-checksum-crc32c')).rejects.toMatchObject({ code: 'BadDigest' });
    await expect(run('x-amz-checksum-crc64nvme:AAAAAAAAAAA=\r\n\r\n', 'x-amz-checksum-crc64nvme')).rejects.toMatchObject({ code: 'BadDigest' });
    await expect(run('x-amz-checksum-md5:AAAA\r\n\r\n', 'x-amz-checksum-md5')).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
});
