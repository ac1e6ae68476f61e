import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, parseClientMessage } from '../../src/shared/protocol';

function parse(value: unknown) {
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  return parseClientMessage(raw, Buffer.byteLength(raw));
}

describe('parseClientMessage', () => {
  it('accepts a well-formed request and returns its typed, trimmed data', () => {
    const result = parse({ id: 7, type: 'space.create', data: { title: '  Morning show ', hostName: 'Ada' } });
    expect(result).toEqual({ ok: true, request: { id: 7, type: 'space.create', data: { title: 'Morning show', hostName: 'Ada' } } });
  });

  it('refuses a frame over the size limit before parsing it', () => {
    const result = parseClientMessage('{', MAX_MESSAGE_BYTES + 1);
    expect(result).toMatchObject({ ok: false, id: null, error: { code: 'too_large' } });
  });

  it('refuses text that is not JSON', () => {
    expect(parse('{"id": 1, "type":')).toMatchObject({ ok: false, id: null, error: { code: 'bad_json' } });
  });

  it.each([
    ['an array', [1, 2]],
    ['null', null],
    ['a missing id', { type: 'ping' }],
    ['a negative id', { id: -1, type: 'ping' }],
    ['a fractional id', { id: 1.5, type: 'ping' }],
    ['a non-string type', { id: 1, type: 42 }],
    ['extra envelope keys', { id: 1, type: 'ping', data: {}, role: 'host' }],
  ])('refuses %s as a bad envelope', (_name, value) => {
    expect(parse(value)).toMatchObject({ ok: false, error: { code: 'bad_message' } });
  });

  it('keeps the id of a bad envelope when it can, so the client can match the error', () => {
    expect(parse({ id: 12, type: 'ping', extra: true })).toMatchObject({ ok: false, id: 12 });
  });

  it('refuses unknown request types, including prototype keys', () => {
    expect(parse({ id: 1, type: 'space.destroy' })).toMatchObject({ ok: false, id: 1, error: { code: 'unknown_type' } });
    expect(parse({ id: 2, type: 'constructor' })).toMatchObject({ ok: false, id: 2, error: { code: 'unknown_type' } });
    expect(parse({ id: 3, type: '__proto__' })).toMatchObject({ ok: false, id: 3, error: { code: 'unknown_type' } });
  });

  it.each([
    ['an empty title', { id: 1, type: 'space.create', data: { title: '   ', hostName: 'Ada' } }, 'title'],
    ['a title with control characters', { id: 1, type: 'space.create', data: { title: 'a\u0007b', hostName: 'Ada' } }, 'title'],
    ['a name over 48 characters', { id: 1, type: 'space.create', data: { title: 'Show', hostName: 'x'.repeat(49) } }, 'hostName'],
    ['a self-declared role', { id: 1, type: 'space.join', data: { token: 't', role: 'host' } }, 'role'],
    ['a video producer', { id: 1, type: 'producer.create', data: { transportId: 't', kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }] } } }, 'kind'],
    ['a transport direction that does not exist', { id: 1, type: 'transport.create', data: { direction: 'both' } }, 'direction'],
  ])('refuses %s with a message naming the field', (_name, value, field) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_payload');
    expect(result.error.message).toContain(field);
  });
});
