import 'server-only';
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { headers } from 'next/headers';
import { config } from '@/lib/config';
import { loginSchema } from '@/lib/validation/auth';
import { verifyCredentials } from '@/lib/users';
import { clientIp } from './client-ip';
import { getAuthSecret } from './secret';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-throttle';
import { createSession, endSession, SESSION_MAX_AGE_S } from './sessions';

/** Thrown from authorize when the email or address must wait; code carries the seconds. */
export class LoginThrottled extends CredentialsSignin {
  constructor(seconds: number) {
    super();
    this.code = `throttled:${seconds}`;
  }
}

function buildConfig(): NextAuthConfig {
  return {
    secret: getAuthSecret(),
    trustHost: true,
    useSecureCookies: config.appUrl.startsWith('https://'),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
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
          // A server-side session per browser: log out deletes it, so a copied cookie dies with it.
          const sid = await createSession(user.id, (await headers()).get('user-agent'));
          return { id: user.id, sid };
        },
      }),
    ],
    callbacks: {
      // The token carries the user id and the session id only: roles always come from the database.
      jwt({ token, user }) {
        if (user) return { sub: user.id, sid: (user as { sid?: string }).sid };
        return { sub: token.sub, sid: token.sid };
      },
      session({ session, token }) {
        return { expires: session.expires, user: { id: String(token.sub ?? '') }, sid: String(token.sid ?? '') } as never;
      },
    },
    events: {
      async signOut(message) {
        const sid = 'token' in message ? message.token?.sid : undefined;
        if (typeof sid === 'string') await endSession(sid);
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildConfig());
