// Child of scripts/faults/data-dir-lock.mjs: opens the embedded database in DATA_DIR the way the app
// does (db/client.ts), then inserts a numbered row every 100 ms and prints each one it committed.
// Run with: node --conditions=react-server --import tsx scripts/faults/db-holder.ts <DATA_DIR> [count]
import { sql } from 'drizzle-orm';
import { openPglite } from '../../db/client';

const [dir, mode] = process.argv.slice(2);
try {
  const h = await openPglite(dir);
  console.log(`open ${process.pid}`);
  if (mode === 'count') {
    const r = (await h.db.execute(sql`select count(*)::int as n from teams where name like 'fault-%'`)) as unknown as { rows: { n: number }[] };
    console.log(`count ${r.rows[0].n}`);
    await h.close();
    process.exit(0);
  }
  let n = 0;
  for (;;) {
    n++;
    await h.db.execute(sql`insert into teams (name) values (${`fault-${process.pid}-${n}`})`);
    console.log(`row ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
} catch (err) {
  console.log(`refused ${(err as Error).message}`);
  process.exit(3);
}
