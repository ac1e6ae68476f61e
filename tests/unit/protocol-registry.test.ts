// The registry of requests and events: each declared once, with the parts both ends rely on, and a
// server handler for every request.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANYONE, BACKCHANNEL, CAPTION_EDITORS, checkAccess, checkTarget, HOSTS, members, type Access } from '../../src/shared/access';
import { can, EVENT_TYPES, eventSchema, gatherFeatures, REQUEST_TYPES, requestSpec } from '../../src/shared/protocol';
import { feature, request } from '../../src/shared/protocol/define';
import { HANDLERS } from '../../src/server/handlers/index';

describe('the protocol registry', () => {
  it('declares every request with a data schema, a reply schema and an access rule', () => {
    expect(REQUEST_TYPES.length).toBeGreaterThan(30);
    for (const type of REQUEST_TYPES) {
      const spec = requestSpec(type);
      expect(spec.data, type).toBeInstanceOf(z.ZodType);
      expect(spec.reply, type).toBeInstanceOf(z.ZodType);
      expect(['anyone', 'member', 'account', 'captionEditor', 'allOf', 'backchannel'], type).toContain(spec.access.kind);
    }
  });

  it('gives requests with a target rule a memberId to target, and only behind a member rule', () => {
    const targeted = REQUEST_TYPES.filter((type) => requestSpec(type).target);
    expect(targeted.sort()).toEqual([
      'backchannel.producer', 'captions.editor', 'cohost.demote', 'cohost.promote', 'host.transfer', 'member.block', 'member.mute', 'member.remove', 'member.report',
      'queue.approve', 'queue.decline', 'queue.move', 'stage.invite', 'stage.remove',
    ]);
    for (const type of targeted) {
      const spec = requestSpec(type);
      expect(spec.data.safeParse({}).success, `${type} without memberId`).toBe(false);
      expect(Object.keys((spec.data as z.ZodObject).shape), type).toContain('memberId');
      expect(spec.access.kind, type).toBe('member');
    }
  });

  it('declares every event with a schema that refuses junk', () => {
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(['space.state', 'space.ended', 'producer.added', 'space.reactions']));
    for (const type of EVENT_TYPES) expect(eventSchema(type).safeParse('junk').success, type).toBe(false);
  });

  it('has exactly one server handler per declared request', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...REQUEST_TYPES].sort());
    for (const type of REQUEST_TYPES) expect(typeof HANDLERS[type], type).toBe('function');
  });

  it('refuses a request type declared by two features, naming both', () => {
    const one = feature({ requests: { 'x.do': request({ data: z.strictObject({}), reply: z.object({}), access: ANYONE }) }, events: {} });
    const two = feature({ requests: { 'x.do': request({ data: z.strictObject({}), reply: z.object({}), access: HOSTS }) }, events: {} });
    expect(() => gatherFeatures({ one, two }, 'requests')).toThrow('x.do is declared by both one and two');
    expect(Object.keys(gatherFeatures({ one }, 'requests'))).toEqual(['x.do']);
  });
});

describe('access rules', () => {
  const host = { member: { role: 'host' as const, spaceLive: true } };
  const listener = { member: { role: 'listener' as const, spaceLive: true } };

  it('the backchannel admits the host, the co-hosts and named producers; never a listener or speaker', () => {
    const as = (role: 'host' | 'cohost' | 'speaker' | 'listener', producer = false, spaceLive = true) => ({ member: { role, spaceLive, producer } });
    expect(checkAccess(BACKCHANNEL, as('host'), 'backchannel.send')).toEqual({ ok: true });
    expect(checkAccess(BACKCHANNEL, as('cohost'), 'backchannel.send')).toEqual({ ok: true });
    expect(checkAccess(BACKCHANNEL, as('listener', true), 'backchannel.send')).toEqual({ ok: true });
    expect(checkAccess(BACKCHANNEL, as('listener'), 'backchannel.read')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(checkAccess(BACKCHANNEL, as('speaker'), 'backchannel.read')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(checkAccess(BACKCHANNEL, {}, 'backchannel.read')).toMatchObject({ ok: false, code: 'not_joined' });
    expect(checkAccess(BACKCHANNEL, as('host', false, false), 'backchannel.send')).toMatchObject({ ok: false, code: 'space_ended' });
  });

  it('anyone passes everyone, joined or not', () => {
    expect(checkAccess(ANYONE, {}, 'ping')).toEqual({ ok: true });
    expect(checkAccess(ANYONE, listener, 'ping')).toEqual({ ok: true });
  });

  it('a member rule refuses the unjoined, then the wrong role, then an ended space, each with its code', () => {
    expect(checkAccess(HOSTS, {}, 'space.invite')).toEqual({ ok: false, code: 'not_joined', message: 'space.invite needs a joined space' });
    expect(checkAccess(HOSTS, listener, 'space.invite')).toEqual({ ok: false, code: 'forbidden', message: 'a listener may not space.invite' });
    expect(checkAccess(HOSTS, { member: { role: 'listener', spaceLive: false } }, 'space.invite')).toMatchObject({ code: 'forbidden' });
    expect(checkAccess(HOSTS, { member: { role: 'host', spaceLive: false } }, 'space.invite')).toMatchObject({ code: 'space_ended' });
    expect(checkAccess(HOSTS, host, 'space.invite')).toEqual({ ok: true });
  });

  it('allOf passes only when every rule passes, answering with the first refusal', () => {
    const both: Access = { kind: 'allOf', rules: [members('host', 'speaker'), members('host', 'cohost')] };
    expect(checkAccess(both, host, 't')).toEqual({ ok: true });
    expect(checkAccess(both, { member: { role: 'speaker', spaceLive: true } }, 't')).toMatchObject({ code: 'forbidden' });
    expect(checkAccess(both, {}, 't')).toMatchObject({ code: 'not_joined' });
  });

  it('the caption editor rule admits hosts, co-hosts and named editors whatever their role, in a live space', () => {
    const rule = requestSpec('captions.correct').access;
    expect(rule).toEqual(CAPTION_EDITORS);
    expect(checkAccess(rule, host, 'captions.correct')).toEqual({ ok: true });
    expect(checkAccess(rule, { member: { role: 'cohost', spaceLive: true } }, 'captions.correct')).toEqual({ ok: true });
    for (const role of ['speaker', 'listener'] as const) {
      expect(checkAccess(rule, { member: { role, spaceLive: true, captionEditor: true } }, 'captions.correct')).toEqual({ ok: true });
      expect(checkAccess(rule, { member: { role, spaceLive: true } }, 'captions.correct')).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/caption editor/) });
    }
    expect(checkAccess(rule, {}, 'captions.correct')).toMatchObject({ code: 'not_joined' });
    expect(checkAccess(rule, { member: { role: 'listener', spaceLive: false, captionEditor: true } }, 'captions.correct')).toMatchObject({ code: 'space_ended' });
  });

  it('a target rule lets hosts act only on whom they may moderate, and anyone on anyone else', () => {
    expect(checkTarget('moderated', 'cohost', { role: 'speaker', self: false })).toEqual({ ok: true });
    expect(checkTarget('moderated', 'cohost', { role: 'host', self: false })).toEqual({ ok: false, code: 'forbidden', message: 'a cohost may not act on the host' });
    expect(checkTarget('moderated', 'host', { role: 'host', self: true })).toMatchObject({ code: 'forbidden' });
    expect(checkTarget('other', 'listener', { role: 'host', self: false })).toEqual({ ok: true });
    expect(checkTarget('other', 'listener', { role: 'listener', self: true })).toMatchObject({ code: 'not_found' });
  });
});

describe('can', () => {
  it('answers from the same rules the server checks', () => {
    expect(can('host', 'space.end')).toBe(true);
    expect(can('cohost', 'space.end')).toBe(false);
    expect(can('listener', 'queue.raise')).toBe(true);
    expect(can('speaker', 'queue.raise')).toBe(false);
    expect(can('listener', 'ping')).toBe(true);
    expect(can('host', 'stage.leave')).toBe(false);
  });

  it('offers caption corrections to the viewer the host named editor, and only to them among listeners', () => {
    expect(can('listener', 'captions.correct')).toBe(false);
    expect(can({ role: 'listener', captionEditor: true }, 'captions.correct')).toBe(true);
    expect(can({ role: 'speaker', captionEditor: true }, 'captions.hide')).toBe(true);
    expect(can({ role: 'listener', captionEditor: true }, 'captions.editor', 'listener')).toBe(false);
    expect(can('cohost', 'captions.hide')).toBe(true);
  });

  it('takes the target into account for requests that act on someone', () => {
    expect(can('cohost', 'member.mute', 'speaker')).toBe(true);
    expect(can('cohost', 'member.mute', 'cohost')).toBe(false);
    expect(can('cohost', 'member.mute', 'host')).toBe(false);
    expect(can('host', 'host.transfer', 'cohost')).toBe(true);
    expect(can('listener', 'member.report', 'host')).toBe(true);
    expect(can('listener', 'member.mute', 'speaker')).toBe(false);
  });
});
