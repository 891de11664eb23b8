/**
 * SECURITY.md "Bad input of every kind → a clear 4xx / form error, never a 500": every server action
 * (discovered from app/ and components/) is called by a signed-in user with malformed payloads and
 * must answer { ok: false } with a message — never throw, never succeed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '@/lib/users';

const session = vi.hoisted(() => ({ current: null as SessionUser | null }));
vi.mock('@/lib/auth/session', () => ({ getCurrentUser: async () => session.current, requireUser: async () => session.current }));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ host: 'localhost:3000' }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

import { makeUser } from '@/lib/testing/factories';

// Modules that sign in or out go through Auth.js, which needs a real request; e2e covers them.
const AUTH_MODULES = /login\/actions|signup\/actions|\(app\)\/actions|switch-account-action|reset-password\/\[token\]\/actions/;

function actionModules(): string[] {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  return [...walk('app'), ...walk('components')].filter((f) => /\.tsx?$/.test(f) && /^['"]use server['"]/m.test(fs.readFileSync(f, 'utf8')) && !AUTH_MODULES.test(f));
}

const NUL = 'a\u0000b';
const HUGE = 'x'.repeat(10_000);
const payloads: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a string', 'hello'],
  ['an empty object', {}],
  ['an array', [1, 2]],
  ['malformed ids', { datasetId: 'not-a-uuid', teamId: '../../etc', invitationId: 1, grantId: {}, userId: [], token: 5 }],
  ['NUL everywhere', { datasetId: NUL, teamId: NUL, invitationId: NUL, grantId: NUL, userId: NUL, token: NUL, name: NUL, description: NUL, recipients: NUL, role: NUL, path: NUL, newName: NUL, parent: NUL, confirmName: NUL, action: NUL, expiresAt: NUL, readOnly: NUL }],
  ['10,000 characters everywhere', { datasetId: HUGE, teamId: HUGE, invitationId: HUGE, grantId: HUGE, userId: HUGE, token: HUGE, name: HUGE, description: HUGE, recipients: HUGE, role: HUGE, path: HUGE, newName: HUGE, parent: HUGE, confirmName: HUGE, action: HUGE, expiresAt: HUGE }],
  ['unknown ids, bad values', { datasetId: '00000000-0000-4000-8000-000000000000', teamId: '00000000-0000-4000-8000-000000000000', invitationId: '00000000-0000-4000-8000-000000000000', grantId: '00000000-0000-4000-8000-000000000000', userId: '00000000-0000-4000-8000-000000000000', token: 'x'.repeat(43), name: '\u202Eevil', description: 5, recipients: ['a'], role: 'owner', path: '../x', newName: '/', parent: '..', confirmName: null, action: 'explode', expiresAt: 'tomorrow', readOnly: 'yes' }],
];

// Actions that take no input: an empty object is their one valid payload (everything else must fail).
const NO_INPUT = new Set(['resendVerificationAction', 'logoutOtherSessionsAction']);

let user: SessionUser;
beforeAll(async () => {
  user = await makeUser('Fuzzy');
});

describe('bad input to every server action', () => {
  for (const file of actionModules()) {
    it(`${file} refuses bad input with a message`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, (input: unknown) => Promise<unknown>>;
      session.current = user;
      try {
        for (const [name, fn] of Object.entries(mod)) {
          if (typeof fn !== 'function') continue;
          for (const [label, payload] of payloads) {
            if (NO_INPUT.has(name) && label === 'an empty object') continue;
            const result = (await fn(payload)) as { ok: boolean; formError?: string; fieldErrors?: Record<string, string> };
            expect(result.ok, `${name} with ${label}`).toBe(false);
            expect(result.formError ?? Object.values(result.fieldErrors ?? {})[0], `${name} with ${label}`).toMatch(/\w/);
            expect(result.formError ?? '', `${name} with ${label}`).not.toMatch(/something went wrong/i);
          }
        }
      } finally {
        session.current = null;
      }
    });
  }
});
