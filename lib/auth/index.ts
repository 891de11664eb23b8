import 'server-only';
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { headers } from 'next/headers';
import { config } from '@/lib/config';
import { loginSchema } from '@/lib/validation/auth';
import { verifyCredentials } from '@/lib/users';
import { getAuthSecret } from './secret';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-throttle';

/** Thrown from authorize when the email or address must wait; code carries the seconds. */
export class LoginThrottled extends CredentialsSignin {
  constructor(seconds: number) {
    super();
    this.code = `throttled:${seconds}`;
  }
}

/** The client's address as the server saw it (first x-forwarded-for hop when behind a proxy). */
export async function clientIp(): Promise<string | null> {
  const h = await headers();
  return h.get('x-forwarded-for')?.split(',')[0]?.trim() || h.get('x-real-ip') || null;
}

function buildConfig(): NextAuthConfig {
  return {
    secret: getAuthSecret(),
    trustHost: true,
    useSecureCookies: config.appUrl.startsWith('https://'),
    session: { strategy: 'jwt', maxAge: 30 * 24 * 3600 },
    pages: { signIn: '/login', error: '/login' },
    // A wrong password is an expected outcome, answered on the form; don't log a stack trace for each.
    logger: {
      error(error) {
        const type = (error as { type?: string }).type;
        if (error instanceof CredentialsSignin || type === 'CredentialsSignin') return;
        // A stale or forged session cookie is treated as anonymous: one line is enough.
        if (type === 'JWTSessionError') return console.warn('[auth] ignored an unreadable session cookie');
        console.error('[auth]', error);
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw) {
          const parsed = loginSchema.safeParse(raw);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const ip = await clientIp();
          const wait = await loginRetryAfter(email, ip);
          if (wait > 0) throw new LoginThrottled(wait);
          const user = await verifyCredentials(email, password);
          if (!user) {
            await recordLoginFailure(email, ip);
            return null;
          }
          await clearLoginFailures(email);
          return { id: user.id, sv: user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      // The token carries the user id and session version only: roles always come from the database.
      jwt({ token, user }) {
        if (user) return { sub: user.id, sv: (user as { sv?: number }).sv ?? 0 };
        return { sub: token.sub, sv: token.sv };
      },
      session({ session, token }) {
        return { expires: session.expires, user: { id: String(token.sub ?? '') }, sv: Number(token.sv ?? -1) } as never;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildConfig());
