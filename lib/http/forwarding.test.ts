import { describe, expect, it } from 'vitest';
import { applyForwarding, clientAddress, CLIENT_IP_HEADER, trustedHops } from './forwarding.mjs';

describe('client address and TRUST_PROXY', () => {
  it('without a trusted proxy, uses the socket and ignores X-Forwarded-For (a rotating header cannot dodge throttling)', () => {
    for (let i = 0; i < 25; i++) expect(clientAddress('203.0.113.9', `10.0.0.${i}`, 0)).toBe('203.0.113.9');
  });

  it('behind one trusted proxy, takes the rightmost X-Forwarded-For hop, not the client-controlled leftmost', () => {
    expect(clientAddress('10.0.0.2', 'spoofed-1, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', ['1.1.1.1', '198.51.100.7'], 1)).toBe('198.51.100.7');
    // Two proxies: the second entry from the right.
    expect(clientAddress('10.0.0.2', 'spoofed, 198.51.100.7, 10.0.0.1', 2)).toBe('198.51.100.7');
    // A proxy that sent no header: the socket is all we know.
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
  });

  it('reads TRUST_PROXY', () => {
    expect(trustedHops(undefined)).toBe(0);
    expect(trustedHops('')).toBe(0);
    expect(trustedHops('0')).toBe(0);
    expect(trustedHops('false')).toBe(0);
    expect(trustedHops('1')).toBe(1);
    expect(trustedHops('true')).toBe(1);
    expect(trustedHops('2')).toBe(2);
  });

  it('strips forwarding headers and a forged client-ip header unless a proxy is trusted', () => {
    const req = { socket: { remoteAddress: '203.0.113.9' }, headers: { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', [CLIENT_IP_HEADER]: '9.9.9.9' } as Record<string, string | undefined> };
    applyForwarding(req, 0);
    expect(req.headers).toEqual({ [CLIENT_IP_HEADER]: '203.0.113.9' });

    const proxied = { socket: { remoteAddress: '10.0.0.2' }, headers: { 'x-forwarded-for': '1.2.3.4, 198.51.100.7', 'x-forwarded-host': 'trove.example', [CLIENT_IP_HEADER]: '9.9.9.9' } as Record<string, string | undefined> };
    applyForwarding(proxied, 1);
    expect(proxied.headers[CLIENT_IP_HEADER]).toBe('198.51.100.7');
    expect(proxied.headers['x-forwarded-host']).toBe('trove.example');
  });
});
