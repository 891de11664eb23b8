// `npm run trove -- <command>`: operator commands that work without email.
//   verify-email <address>     mark an account's address verified
//   reset-password <address>   print a one-time password-reset link (1 hour)
// With the embedded database (no DATABASE_URL) stop the server first: one process holds DATA_DIR.
import { closeDb } from '../db/client';
import { createPasswordResetLink, verifyEmailByOperator } from '../lib/accounts';
import { emailField } from '../lib/validation/common';

const USAGE = 'usage: npm run trove -- verify-email <address> | reset-password <address>';

async function main(args: string[]): Promise<number> {
  const [command, raw] = args;
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

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await closeDb();
}
