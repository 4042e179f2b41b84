import { type AuthClient, AuthError, createAuthClient, type SessionResponse } from '@nestjs-microservices/client';
import { byId, el, formatTime, say } from './dom';
import { showRecoveryPage } from './recovery-pages';

interface Note {
  id: string;
  text: string;
  createdAt: string;
}

interface DemoConfig {
  gatewayUrl: string;
}

type State = 'loading' | 'signed-out' | 'signed-in';

const NOTES_URL = '/api/notes';

const SIGNED_OUT_REASONS: Record<string, string> = {
  logout: 'You are signed out.',
  'refresh-failed': 'Your session has ended: log in again.',
  'session-revoked': 'Your session was ended (logged out elsewhere): log in again.',
};

function errorText(error: unknown): string {
  if (error instanceof AuthError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

function show(state: State, username = ''): void {
  document.body.dataset['state'] = state;
  byId('signed-out').hidden = state !== 'signed-out';
  byId('signed-in').hidden = state !== 'signed-in';
  byId('account').hidden = state !== 'signed-in';
  byId('username').textContent = username;
  if (state !== 'signed-in') {
    byId('notes').replaceChildren();
    byId('sessions').replaceChildren();
  }
}

class DemoApp {
  constructor(private readonly auth: AuthClient<'cookie'>) {
    auth.onSignedOut(({ reason }) => {
      show('signed-out');
      say(SIGNED_OUT_REASONS[reason] ?? 'You are signed out.');
    });
  }

  /** After a reload the access token is gone: `me()` gets a new one with the refresh cookie, if there is one. */
  async start(): Promise<void> {
    try {
      await this.enter();
    } catch {
      show('signed-out');
      say('');
    }
  }

  async enter(): Promise<void> {
    const me = await this.auth.me();
    show('signed-in', me.username);
    await Promise.all([this.loadNotes(), this.loadSessions()]);
  }

  async loadNotes(): Promise<void> {
    const response = await this.auth.fetch(NOTES_URL, { headers: { accept: 'application/json' } });
    if (!this.accepted(response)) return;
    this.renderNotes((await response.json()) as Note[]);
  }

  async addNote(text: string): Promise<void> {
    const response = await this.auth.fetch(NOTES_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ text }),
    });
    if (!this.accepted(response)) return;
    await this.loadNotes();
  }

  async loadSessions(): Promise<void> {
    this.renderSessions(await this.auth.sessions());
  }

  /** The example service's answer: a 401 there means this session is over, whatever the client still holds. */
  private accepted(response: Response): boolean {
    if (response.status === 401) {
      show('signed-out');
      say(SIGNED_OUT_REASONS['session-revoked'] ?? '');
      return false;
    }
    if (!response.ok) {
      say(`The notes service answered ${response.status}.`);
      return false;
    }
    return true;
  }

  private renderNotes(notes: Note[]): void {
    const items = notes.map((note) => {
      const item = el('li', note.text);
      item.append(el('span', formatTime(note.createdAt), 'meta'));
      return item;
    });
    byId('notes').replaceChildren(...(items.length > 0 ? items : [el('li', 'No notes yet.', 'meta')]));
  }

  private renderSessions(sessions: SessionResponse[]): void {
    const items = sessions.map((session) => {
      const item = el('li', session.current ? 'This browser' : (session.userAgent ?? 'Unknown client'));
      item.dataset['sessionId'] = session.id;
      item.append(el('span', `since ${formatTime(session.createdAt)}, ${session.ip ?? 'unknown address'}`, 'meta'));
      if (!session.current) {
        const end = el('button', 'End');
        end.type = 'button';
        end.className = 'end-session';
        end.addEventListener('click', () => void this.run(() => this.endSession(session.id)));
        item.append(' ', end);
      }
      return item;
    });
    byId('sessions').replaceChildren(...items);
  }

  private async endSession(sessionId: string): Promise<void> {
    await this.auth.endSession(sessionId);
    await this.loadSessions();
  }

  /** Runs a user action, showing its failure instead of losing it. */
  async run(action: () => Promise<void>): Promise<void> {
    say('');
    try {
      await action();
    } catch (error) {
      say(errorText(error));
    }
  }
}

function credentials(): { username: string; password: string } {
  return {
    username: byId<HTMLInputElement>('auth-username').value.trim(),
    password: byId<HTMLInputElement>('auth-password').value,
  };
}

function wire(app: DemoApp, auth: AuthClient<'cookie'>): void {
  const login = async (): Promise<void> => {
    await auth.login(credentials());
    byId<HTMLInputElement>('auth-password').value = '';
    await app.enter();
  };
  byId<HTMLFormElement>('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void app.run(login);
  });
  byId('signup').addEventListener('click', () => {
    const email = byId<HTMLInputElement>('auth-email').value.trim();
    void app.run(async () => {
      await auth.signup({ ...credentials(), ...(email !== '' && { email }) });
      await login();
    });
  });
  byId<HTMLFormElement>('note-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('note-text');
    const text = input.value;
    void app.run(async () => {
      await app.addNote(text);
      input.value = '';
    });
  });
  byId('reload-notes').addEventListener('click', () => void app.run(() => app.loadNotes()));
  byId('logout').addEventListener('click', () => void app.run(() => auth.logout()));
  byId('logout-all').addEventListener('click', () => void app.run(() => auth.logoutAll()));
}

async function main(): Promise<void> {
  // The example service tells where the gateway is (its PUBLIC_GATEWAY_URL).
  const config = (await (await fetch('/config.json')).json()) as DemoConfig;
  const auth = createAuthClient({ baseUrl: config.gatewayUrl, mode: 'cookie' });
  if (showRecoveryPage(auth)) return;
  const app = new DemoApp(auth);
  wire(app, auth);
  await app.start();
}

main().catch((error: unknown) => {
  show('signed-out');
  say(`The demo could not start: ${errorText(error)}`);
});
