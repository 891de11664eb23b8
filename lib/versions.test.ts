import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Dependencies with known advisories below these versions; the registry's audit endpoint is not reachable here.
function installed(pkg: string, from = process.cwd()): string {
  return JSON.parse(fs.readFileSync(path.join(from, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

function parse(v: string) {
  const [core, pre = ''] = v.split('-');
  const [maj, min, pat] = core.split('.').map(Number);
  const preNum = pre ? Number(pre.split('.').pop()) : Infinity; // a release sorts after its prereleases
  return [maj, min, pat, preNum] as const;
}

export function atLeast(v: string, floor: string): boolean {
  const a = parse(v);
  const b = parse(floor);
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

function findAll(name: string, dir = path.join(process.cwd(), 'node_modules'), out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) findAll(name, full, out);
    else if (path.relative(path.join(process.cwd(), 'node_modules'), full).replace(/\\/g, '/').endsWith(name)) out.push(full);
    if (fs.existsSync(path.join(full, 'node_modules'))) findAll(name, path.join(full, 'node_modules'), out);
  }
  return out;
}

describe('dependency floors', () => {
  it('compares versions, prereleases included', () => {
    expect(atLeast('16.3.3', '16.3.3')).toBe(true);
    expect(atLeast('16.3.2', '16.3.3')).toBe(false);
    expect(atLeast('5.0.0-beta.31', '5.0.0-beta.32')).toBe(false);
    expect(atLeast('5.0.0', '5.0.0-beta.32')).toBe(true);
  });

  it('next is at least 16.3.3', () => {
    expect(atLeast(installed('next'), '16.3.3')).toBe(true);
  });

  it('next-auth is at least 5.0.0-beta.32, with one copy of @auth/core', () => {
    expect(atLeast(installed('next-auth'), '5.0.0-beta.32')).toBe(true);
    expect(findAll('@auth/core')).toHaveLength(1);
  });
});
