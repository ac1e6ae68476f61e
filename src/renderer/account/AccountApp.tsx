// The account pages, routed by path: /signin, /signup, /forgot, /account/confirm, /account/reset,
// /account (your profile and sessions) and /@handle (a public profile). State lives in AccountSession.
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { Me, PublicProfile } from '../../shared/accounts';
import { ApiError } from '../../shared/http/errors';
import { AccountSession } from './AccountSession';

function useSession(): [AccountSession, Me | null | undefined] {
  const session = useMemo(() => new AccountSession(), []);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    const off = session.on('changed', setMe);
    session.load().catch(() => setMe(null));
    return off;
  }, [session]);
  return [session, me];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs a form's action, showing its error under the form. */
function useAction(): [string | null, boolean, (action: () => Promise<void>) => (event: FormEvent) => void] {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (action: () => Promise<void>) => (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    action()
      .catch((e: unknown) => setError(message(e)))
      .finally(() => setBusy(false));
  };
  return [error, busy, submit];
}

function go(path: string): void {
  window.location.assign(path);
}

function Frame({ me, children }: { me: Me | null | undefined; children: ReactNode }) {
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/signin">Hostline</a>
        <span className="who">
          {me ? (
            <>
              <a href={`/@${me.handle}`} data-testid="signed-in-as">@{me.handle}</a>
              <a href="/account">Account</a>
            </>
          ) : me === null ? (
            <>
              <a href="/signin">Sign in</a>
              <a href="/signup">Sign up</a>
            </>
          ) : null}
        </span>
      </header>
      <main className="account-main">{children}</main>
    </div>
  );
}

function SignIn({ session }: { session: AccountSession }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, busy, submit] = useAction();
  return (
    <section className="card">
      <h1>Sign in</h1>
      <form onSubmit={submit(async () => { await session.signIn(email, password); go('/account'); })}>
        <label>Email<input data-testid="signin-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required /></label>
        <label>Password<input data-testid="signin-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        {error && <p className="form-error" role="alert" data-testid="form-error">{error}</p>}
        <button className="primary" data-testid="signin-submit" disabled={busy}>Sign in</button>
      </form>
      <p className="links"><a href="/forgot">Forgot your password?</a><a href="/signup">Create an account</a></p>
    </section>
  );
}

function SignUp({ session }: { session: AccountSession }) {
  const [fields, setFields] = useState({ email: '', password: '', handle: '', displayName: '' });
  const [sent, setSent] = useState<string | null>(null);
  const [error, busy, submit] = useAction();
  const field = (name: keyof typeof fields, label: string, type = 'text', autoComplete?: string) => (
    <label>
      {label}
      <input data-testid={`signup-${name}`} type={type} autoComplete={autoComplete} value={fields[name]} onChange={(e) => setFields({ ...fields, [name]: e.target.value })} required />
    </label>
  );
  if (sent) {
    return (
      <section className="card">
        <h1>Check your email</h1>
        <p className="form-ok" data-testid="check-email">{sent}</p>
      </section>
    );
  }
  return (
    <section className="card">
      <h1>Create an account</h1>
      <form onSubmit={submit(async () => setSent((await session.api.call('account.signUp', { body: fields })).message))}>
        {field('displayName', 'Your name', 'text', 'name')}
        {field('handle', 'Handle (your page is /@handle)', 'text', 'username')}
        {field('email', 'Email', 'email', 'email')}
        {field('password', 'Password (at least 10 characters)', 'password', 'new-password')}
        {error && <p className="form-error" role="alert" data-testid="form-error">{error}</p>}
        <button className="primary" data-testid="signup-submit" disabled={busy}>Sign up</button>
      </form>
      <p className="links"><a href="/signin">I have an account</a></p>
    </section>
  );
}

function Forgot({ session }: { session: AccountSession }) {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, busy, submit] = useAction();
  return (
    <section className="card">
      <h1>Forgot your password?</h1>
      {sent ? (
        <p className="form-ok" data-testid="check-email">{sent}</p>
      ) : (
        <form onSubmit={submit(async () => setSent((await session.api.call('account.requestReset', { body: { email } })).message))}>
          <label>Email<input data-testid="forgot-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required /></label>
          {error && <p className="form-error" role="alert" data-testid="form-error">{error}</p>}
          <button className="primary" data-testid="forgot-submit" disabled={busy}>Mail me a reset link</button>
        </form>
      )}
    </section>
  );
}

function tokenFromUrl(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

function Confirm({ session }: { session: AccountSession }) {
  const token = useMemo(tokenFromUrl, []);
  const [handle, setHandle] = useState('');
  const [needsHandle, setNeedsHandle] = useState(false);
  const [error, busy, submit] = useAction();
  const confirm = async (chosen?: string) => {
    try {
      await session.confirm(token, chosen);
      go('/account');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'conflict') setNeedsHandle(true);
      throw e;
    }
  };
  return (
    <section className="card">
      <h1>Confirm your account</h1>
      <p>Press the button to create your account and sign in.</p>
      <form onSubmit={submit(() => confirm(needsHandle ? handle : undefined))}>
        {needsHandle && <label>Another handle<input data-testid="confirm-handle" value={handle} onChange={(e) => setHandle(e.target.value)} required /></label>}
        {error && <p className="form-error" role="alert" data-testid="form-error">{error}</p>}
        <button className="primary" data-testid="confirm-submit" disabled={busy || !token}>Create my account</button>
      </form>
    </section>
  );
}

function Reset({ session }: { session: AccountSession }) {
  const token = useMemo(tokenFromUrl, []);
  const [password, setPassword] = useState('');
  const [error, busy, submit] = useAction();
  return (
    <section className="card">
      <h1>Choose a new password</h1>
      <p>Every device signed in to your account will be signed out.</p>
      <form onSubmit={submit(async () => { await session.reset(token, password); go('/account'); })}>
        <label>New password<input data-testid="reset-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        {error && <p className="form-error" role="alert" data-testid="form-error">{error}</p>}
        <button className="primary" data-testid="reset-submit" disabled={busy || !token}>Set password</button>
      </form>
    </section>
  );
}

function AccountSettings({ session, me }: { session: AccountSession; me: Me | null | undefined }) {
  const [profile, setProfile] = useState({ displayName: '', handle: '', bio: '' });
  const [saved, setSaved] = useState(false);
  const [error, busy, submit] = useAction();
  useEffect(() => {
    if (me) setProfile({ displayName: me.displayName, handle: me.handle, bio: me.bio });
  }, [me]);
  if (me === undefined) return <p>Loading…</p>;
  if (me === null) {
    return (
      <section className="card">
        <h1>Your account</h1>
        <p data-testid="signed-out">You are signed out.</p>
        <p className="links"><a href="/signin">Sign in</a></p>
      </section>
    );
  }
  return (
    <>
      <section className="card">
        <h1>Your profile</h1>
        <p>Signed in as <strong data-testid="account-email">{me.email}</strong>.</p>
        <form onSubmit={submit(async () => { setSaved(false); await session.updateProfile(profile); setSaved(true); })}>
          <label>Name<input data-testid="profile-name" value={profile.displayName} onChange={(e) => setProfile({ ...profile, displayName: e.target.value })} /></label>
          <label>Handle<input data-testid="profile-handle" value={profile.handle} onChange={(e) => setProfile({ ...profile, handle: e.target.value })} /></label>
          <label>Bio<input data-testid="profile-bio" value={profile.bio} onChange={(e) => setProfile({ ...profile, bio: e.target.value })} /></label>
          {error && <p className="form-error" role="alert" data-testid="form-error">{error}</p>}
          {saved && <p className="form-ok" data-testid="profile-saved">Saved.</p>}
          <button className="primary" data-testid="profile-save" disabled={busy}>Save</button>
        </form>
      </section>
      <section className="card">
        <h2>Sessions</h2>
        <div className="actions">
          <button data-testid="sign-out" onClick={() => void session.signOut().then(() => go('/signin'))}>Sign out</button>
          <button className="danger" data-testid="sign-out-everywhere" onClick={() => void session.signOutEverywhere().then(() => go('/signin'))}>Sign out everywhere</button>
        </div>
      </section>
    </>
  );
}

function Profile({ session, me, handle }: { session: AccountSession; me: Me | null | undefined; handle: string }) {
  const [profile, setProfile] = useState<PublicProfile | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    session.api.call('profile.get', { params: { handle } }).then(setProfile, (e: unknown) => {
      setProfile(null);
      setError(message(e));
    });
  }, [session, handle, me]);
  if (profile === undefined) return <p>Loading…</p>;
  if (profile === null) return <section className="card"><h1>Not found</h1><p data-testid="profile-missing">{error}</p></section>;
  const toggle = async () => {
    try {
      setProfile(
        profile.youFollow
          ? await session.api.call('follow.remove', { params: { handle } })
          : await session.api.call('follow.add', { params: { handle }, body: {} }),
      );
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <section className="card">
      <div className="profile-head">
        <span className="avatar">{profile.displayName.slice(0, 1).toUpperCase()}</span>
        <div>
          <h1 data-testid="profile-display-name">{profile.displayName}</h1>
          <span className="profile-handle" data-testid="profile-page-handle">@{profile.handle}</span>
        </div>
      </div>
      {profile.bio && <p className="profile-bio" data-testid="profile-page-bio">{profile.bio}</p>}
      <p className="profile-counts"><span data-testid="profile-followers">{profile.followers} {profile.followers === 1 ? 'follower' : 'followers'}</span><span>{profile.following} following</span></p>
      {me && me.handle !== profile.handle && (
        <button className={profile.youFollow ? '' : 'primary'} data-testid="follow" onClick={() => void toggle()}>
          {profile.youFollow ? 'Following' : 'Follow'}
        </button>
      )}
      {me === null && <p><a href="/signin">Sign in</a> to follow.</p>}
      {error && <p className="form-error" role="alert">{error}</p>}
    </section>
  );
}

export function AccountApp() {
  const [session, me] = useSession();
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  const profile = /^\/@([^/]+)$/.exec(path);
  let page: ReactNode;
  if (profile) page = <Profile session={session} me={me} handle={decodeURIComponent(profile[1]!)} />;
  else if (path === '/signup') page = <SignUp session={session} />;
  else if (path === '/forgot') page = <Forgot session={session} />;
  else if (path === '/account/confirm') page = <Confirm session={session} />;
  else if (path === '/account/reset') page = <Reset session={session} />;
  else if (path === '/account') page = <AccountSettings session={session} me={me} />;
  else page = <SignIn session={session} />;
  return <Frame me={me}>{page}</Frame>;
}
