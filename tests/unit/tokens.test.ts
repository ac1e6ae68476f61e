import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../src/server/tokens';

describe('TokenSigner', () => {
  const signer = new TokenSigner('x'.repeat(32));

  it('verifies what it signed and returns the claims', () => {
    const token = signer.sign({ kind: 'join', spaceId: 's1', role: 'host', userId: 'u1', displayName: 'Ada' }, 60_000);
    expect(signer.verify(token, 'join')).toMatchObject({ ok: true, claims: { spaceId: 's1', role: 'host', userId: 'u1' } });
  });

  it('refuses a token whose claims were edited (a listener promoting itself)', () => {
    const token = signer.sign({ kind: 'join', spaceId: 's1', role: 'listener' }, 60_000);
    const [body, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, role: 'host' })).toString('base64url')}.${mac}`;
    expect(signer.verify(forged, 'join')).toEqual({ ok: false, reason: 'the token signature is invalid' });
  });

  it('refuses a token signed with another secret', () => {
    const other = new TokenSigner('y'.repeat(32)).sign({ kind: 'join', spaceId: 's1', role: 'host' }, 60_000);
    expect(signer.verify(other, 'join').ok).toBe(false);
  });

  it('refuses an expired token', () => {
    const token = signer.sign({ kind: 'join', spaceId: 's1', role: 'listener' }, 1000, 0);
    expect(signer.verify(token, 'join', 5000)).toEqual({ ok: false, reason: 'the token has expired' });
  });

  it('keeps user tokens and join tokens apart', () => {
    const user = signer.sign({ kind: 'user', userId: 'u1' }, 60_000);
    expect(signer.verify(user, 'user')).toMatchObject({ ok: true, claims: { userId: 'u1' } });
    expect(signer.verify(user, 'join')).toEqual({ ok: false, reason: 'this is not a join token' });
  });

  it.each(['', 'abc', 'a.b.c', '.', 'e30.'])('refuses the malformed token %j', (token) => {
    expect(signer.verify(token, 'join').ok).toBe(false);
  });
});
