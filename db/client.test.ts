import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, openPglite } from './client';

describe('embedded database', () => {
  it('applies migrations, refuses a second opener of the same DATA_DIR by name, and loses nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-lock-'));
    const first = await openPglite(dir);
    await first.db.execute(sql`insert into teams (name) values ('kept-team')`);

    const second = openPglite(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toThrow(dir);

    // The first holder is unaffected and its data survives a clean close and reopen.
    await first.db.execute(sql`insert into teams (name) values ('kept-team-2')`);
    await first.close();
    const reopened = await openPglite(dir);
    const rows = await reopened.db.execute(sql`select name from teams order by name`);
    const names = ((rows as unknown as { rows?: { name: string }[] }).rows ?? (rows as unknown as { name: string }[])).map((r) => r.name);
    expect(names).toEqual(['kept-team', 'kept-team-2']);
    await reopened.close();
  });
});
