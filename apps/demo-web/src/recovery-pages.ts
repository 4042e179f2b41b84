import { type AuthClient, AuthError } from '@nestjs-microservices/client';
import { byId, say } from './dom';

/** The pages the links in the auth service's mails open (APP_URL + these paths, `?token=…`). */
const PAGES = {
  '/verify-email': 'verify-email',
  '/reset-password': 'reset-password',
  '/forgot-password': 'forgot-password',
} as const;

type PagePath = keyof typeof PAGES;

function errorText(error: unknown): string {
  if (error instanceof AuthError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Takes the token out of the address bar at once (history, bookmarks, screen shares), keeping it in memory only.
 * Nothing is sent before the user acts: mail scanners that open links must not use up a single-use token.
 */
function takeToken(): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  history.replaceState(null, '', location.pathname);
  return token;
}

async function attempt(action: () => Promise<string>): Promise<void> {
  say('');
  try {
    say(await action());
  } catch (error) {
    say(errorText(error));
  }
}

/**
 * Shows the recovery page for this path, if it is one (answers false otherwise): verify an address, choose a new
 * password with a reset link, or ask for a reset link.
 */
export function showRecoveryPage(auth: AuthClient<'cookie'>): boolean {
  const page = PAGES[location.pathname as PagePath] as (typeof PAGES)[PagePath] | undefined;
  if (page === undefined) return false;
  document.body.dataset['state'] = page;
  byId(page).hidden = false;
  const token = page === 'forgot-password' ? '' : takeToken();

  if (page === 'verify-email') {
    byId('verify-button').addEventListener('click', () => {
      void attempt(async () => {
        const user = await auth.verifyEmail({ token });
        document.body.dataset['state'] = 'email-verified';
        return `Your address ${user.email ?? ''} is verified.`;
      });
    });
  } else if (page === 'reset-password') {
    byId<HTMLFormElement>('reset-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId<HTMLInputElement>('reset-new-password');
      void attempt(async () => {
        await auth.resetPassword({ token, newPassword: input.value });
        input.value = '';
        document.body.dataset['state'] = 'password-reset';
        return 'Your password is changed, and every session was ended. Log in with the new one.';
      });
    });
  } else {
    byId<HTMLFormElement>('forgot-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = byId<HTMLInputElement>('forgot-who').value.trim();
      void attempt(async () => {
        const answer = await auth.forgotPassword(value.includes('@') ? { email: value } : { username: value });
        document.body.dataset['state'] = 'reset-requested';
        return answer.message;
      });
    });
  }
  return true;
}
