// `npm run trove -- <command>`: operator commands that work without email.
//   verify-email <address>     mark an account's address verified
//   reset-password <address>   print a one-time password-reset link (1 hour)
//   storage check [--repair]   compare stored blobs with the database (either driver); --repair deletes
//                              orphans older than a day and marks missing blobs
// With the embedded database (no DATABASE_URL) stop the server first: one process holds DATA_DIR.
import { closeDb } from '../db/client';
import { createPasswordResetLink, verifyEmailByOperator } from '../lib/accounts';
import { emailField } from '../lib/validation/common';

const USAGE = 'usage: npm run trove -- verify-email <address> | reset-password <address> | storage check [--repair] [--orphans-older-than=<hours, default 24>]';

async function main(args: string[]): Promise<number> {
  const [command, raw] = args;
  if (command === 'storage') return storage(args.slice(1));
  if (!command || !['verify-email', 'reset-password'].includes(command) || !raw) {
    console.error(USAGE);
    return 2;
  }
  const parsed = emailField.safeParse(raw);
  if (!parsed.success) {
    console.error(`"${raw}" is not a valid email address.`);
    return 2;
  }
  const email = parsed.data;
  if (command === 'verify-email') {
    const outcome = await verifyEmailByOperator(email);
    const said = { verified: `Verified ${email}: invitations sent to it now show in its inbox.`, 'already-verified': `${email} was already verified; nothing changed.`, 'no-account': `No account has the address ${email}; nothing changed.` };
    console.log(said[outcome]);
    return outcome === 'no-account' ? 1 : 0;
  }
  const link = await createPasswordResetLink(email);
  if (!link) {
    console.error(`No account has the address ${email}; no link was made.`);
    return 1;
  }
  console.log(`One-time reset link for ${email} (valid 1 hour; opening it changes nothing until a new password is set):\n${link}`);
  return 0;
}

async function storage(args: string[]): Promise<number> {
  const repair = args.includes('--repair');
  const age = args.find((a) => a.startsWith('--orphans-older-than='))?.split('=')[1];
  const hours = age === undefined ? 24 : Number(age);
  if (args[0] !== 'check' || args.slice(1).some((a) => a !== '--repair' && !a.startsWith('--orphans-older-than=')) || !(hours >= 0)) {
    console.error(USAGE);
    return 2;
  }
  const { checkStorage } = await import('../lib/storage/check');
  const r = await checkStorage({ repair, orphanAgeMs: hours * 3600 * 1000 });
  const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`;
  console.log(`Storage (${r.driver}): ${r.blobs} blobs stored.`);
  console.log(`Orphans (a blob no row references): ${r.orphans.count} (${mib(r.orphans.bytes)}), ${r.orphans.older} of them older than ${hours} h (${mib(r.orphans.olderBytes)}).`);
  for (const k of r.orphans.sample) console.log(`  orphan ${k}`);
  const tables = Object.entries(r.missing.byTable).map(([t, n]) => `${t}: ${n}`).join(', ');
  console.log(`Missing (a row whose blob is gone): ${r.missing.count}${tables ? ` (${tables})` : ''}.`);
  for (const m of r.missing.sample) console.log(`  missing ${m.key} (${m.table})`);
  if (r.repaired) {
    const x = r.repaired;
    console.log(`Repaired: deleted ${x.orphansDeleted} orphans (${mib(x.bytesFreed)}), marked ${x.marked} missing blobs (their files answer 404 at once), cleared ${x.cleared} marks whose blob is back or unused.`);
  } else if (r.orphans.count || r.missing.count) {
    console.log(`Run with --repair to delete orphans older than ${hours} h and mark missing files.`);
  }
  // Non-zero while something is wrong and unrepaired, so monitoring can run it.
  return r.missing.count > 0 && !repair ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await closeDb();
}
