// StudioSession without React, against a real SFU service: going live, the host's identity, device
// choice from one source, every host action and the keyboard shortcuts, as a host would check them:
// by what the server and the other people in the Space see.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_PRESETS, DEFAULT_SHORTCUTS } from '../../src/shared/console-settings';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { canGoLive } from '../../src/renderer/studio/StudioSession';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { ManualClock, nodeStudio, type NodeStudio } from '../support/studioSession';

const STUDIO_KEY = 'studio-key-for-the-session-test';

interface Ctx {
  server: TestServer;
  studio: NodeStudio;
  /** Listeners and guests joined through the share link. */
  guests: RoomClient[];
}

/** Opens the studio, types a name and title, goes live; answers the listener invitation. */
async function goLive(studio: NodeStudio, name = 'Ada', title = 'Morning show'): Promise<string> {
  await studio.session.open();
  studio.session.setHostName(name);
  studio.session.setTitle(title);
  await studio.session.goLive();
  const { live, error } = studio.session.state;
  if (!live) throw new Error(`did not go live: ${error}`);
  return inviteOnSpacePage(studio, live.shareLink);
}

/** What the Space page behind a share link (`/s/<id>`) hands a listener while the Space is live. */
async function inviteOnSpacePage(studio: NodeStudio, shareLink: string): Promise<string> {
  const prefix = `${studio.endpoint.httpUrl}/s/`;
  if (!shareLink.startsWith(prefix)) throw new Error(`the share link ${shareLink} is not a Space page`);
  const page = fakeRoom(studio.endpoint.wsUrl);
  try {
    await page.connect();
    const { page: seen } = await page.request('space.watch', { spaceId: shareLink.slice(prefix.length) });
    if (!seen.live) throw new Error('the Space page does not show the Space live');
    return seen.live.invite;
  } finally {
    page.close();
  }
}

async function guest(ctx: Ctx, invite: string, name: string, raiseHand = false): Promise<RoomClient> {
  const client = fakeRoom(ctx.server.wsUrl);
  ctx.guests.push(client);
  await client.connect();
  await client.join(invite, name);
  await client.setMicrophone(fakeMicTrack());
  if (raiseHand) await client.raiseHand();
  return client;
}

describe('StudioSession', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    const server = await startTestServer({ studioKey: STUDIO_KEY });
    ctx = { server, guests: [], studio: nodeStudio({ endpoint: { httpUrl: server.httpUrl, wsUrl: server.wsUrl, studioKey: STUDIO_KEY } }) };
  });
  afterEach(async () => {
    for (const g of ctx.guests) g.close();
    await ctx.studio.session.close();
    await ctx.server.close();
  });

  it('session.open() starts the console on the saved microphone, found by name when its id changed', async () => {
    const studio = nodeStudio({
      endpoint: { httpUrl: '', wsUrl: '' },
      settings: { hostName: 'Ada', lastSpaceTitle: 'Tuesdays', inputDevice: { deviceId: 'stale-id', label: 'Built-in Microphone' } },
    });
    await studio.session.open();
    const engine = studio.engine();
    expect(engine.started).toBe(true);
    // The default opens first (labels need a grant), then the saved device.
    expect(engine.media.opened).toEqual([undefined, 'built-in']);
    expect(studio.session.state).toMatchObject({ phase: 'setup', hostName: 'Ada', title: 'Tuesdays', microphoneId: 'built-in' });
    expect(studio.session.state.microphones.map((d) => d.label)).toEqual(['USB Podcast Mic', 'Built-in Microphone']);
    await studio.session.close();
    expect(engine.closed).toBe(true);
  });

  it('says so when the saved microphone is not connected, and uses the system default', async () => {
    const studio = nodeStudio({ endpoint: { httpUrl: '', wsUrl: '' }, settings: { inputDevice: { deviceId: 'x', label: 'Studio XLR' } } });
    await studio.session.open();
    expect(studio.session.state).toMatchObject({ microphoneId: '', notice: '“Studio XLR” is not connected; using the system default microphone.' });
    await studio.session.close();
  });

  it('the microphone in state is always the one the engine uses: chosen, defaulted, and after an unplug', async () => {
    const { session, settings } = ctx.studio;
    await session.open();
    const engine = ctx.studio.engine();
    expect(await session.chooseMicrophone('usb')).toBe(true);
    expect(session.state.microphoneId).toBe('usb');
    expect(engine.microphone.device?.deviceId).toBe('usb');
    expect(settings.get().inputDevice).toEqual({ deviceId: 'usb', label: 'USB Podcast Mic' });
    // Unplugged: the engine falls back to the default, and state follows it without anyone choosing.
    engine.media.unplug('usb');
    await eventually(() => expect(session.state.microphoneId).toBe(''));
    expect(engine.microphone.device).toBeUndefined();
    expect(session.state.microphones.map((d) => d.deviceId)).toEqual(['built-in']);
    expect(session.state.notice).toMatch(/USB Podcast Mic.*disconnected/);
    expect(await session.chooseMicrophone('usb')).toBe(false);
    expect(session.state.error).toBe('that microphone is not connected any more');
    expect(await session.chooseMicrophone('')).toBe(true);
    expect(settings.get().inputDevice).toBeNull();
    expect(session.state.error).toBeUndefined();
  });

  it('console settings, headphones or speakers, and presets apply to the engine and are remembered', async () => {
    const { session, settings, dialogs } = ctx.studio;
    await session.open();
    const engine = ctx.studio.engine();
    expect(await session.configureConsole({ ...engine.settings, voiceGate: true })).toBe(true);
    expect(engine.settings.voiceGate).toBe(true);
    expect(settings.get().console.voiceGate).toBe(true);
    // Headphones: no echo cancellation, so the microphone reopens without it.
    const opened = engine.media.opened.length;
    expect(await session.setListeningOn('headphones')).toBe(true);
    expect(engine.settings).toMatchObject({ listeningOn: 'headphones', browser: { echoCancellation: false } });
    expect(engine.media.opened.length).toBe(opened + 1);
    expect(settings.get().console.listeningOn).toBe('headphones');
    // A built-in preset's chain, then the host's own under a name they type.
    expect(await session.choosePreset('Podcast studio')).toBe(true);
    expect(engine.settings).toMatchObject({ presetName: 'Podcast studio', chain: BUILT_IN_PRESETS[1]!.chain });
    dialogs.prompts = ['  Late show  '];
    expect(await session.savePreset()).toBe(true);
    expect(dialogs.asked.at(-1)).toBe('Name this preset [My voice]');
    expect(session.state.presets.map((p) => p.name)).toEqual(['Late show']);
    expect(settings.get()).toMatchObject({ consolePresets: [{ name: 'Late show', chain: BUILT_IN_PRESETS[1]!.chain }], console: { presetName: 'Late show' } });
    // A built-in name cannot be taken, and nothing changes.
    dialogs.prompts = ['Voice'];
    expect(await session.savePreset()).toBe(false);
    expect(session.state.error).toMatch(/built-in preset/);
    expect(settings.get().consolePresets).toHaveLength(1);
    // An invalid setting is refused by the settings service, and the host sees why.
    expect(await session.configureConsole({ ...engine.settings, monitor: { enabled: true, volume: 7 } })).toBe(false);
    expect(session.state.error).toMatch(/monitor/);
    expect(settings.get().console.monitor.volume).toBeLessThanOrEqual(1);
  });

  it('session.goLive() creates the Space with the studio key, puts the host on stage sending, and remembers name and title', async () => {
    const { session, settings } = ctx.studio;
    await session.open();
    expect(canGoLive(session.state)).toBe(false);
    session.setHostName('  Ada ');
    session.setTitle('Morning show');
    expect(canGoLive(session.state)).toBe(true);
    await session.goLive();
    const { phase, live, snapshot } = session.state;
    expect(phase).toBe('live');
    expect(live!.shareLink).toBe(`${ctx.server.httpUrl}/s/${live!.spaceId}`);
    expect(snapshot!.stage).toMatchObject([{ displayName: 'Ada', role: 'host' }]);
    await eventually(() => expect(session.state.snapshot!.stage[0]!.live).toBe(true));
    expect(settings.get()).toMatchObject({ hostName: 'Ada', lastSpaceTitle: 'Morning show' });
    // A listener opening the share link sees the host on stage.
    const listener = await guest(ctx, await inviteOnSpacePage(ctx.studio, live!.shareLink), 'Linus');
    expect(listener.snapshot!.stage.map((m) => m.displayName)).toEqual(['Ada']);
    await eventually(() => expect(session.state.snapshot!.listenerCount).toBe(1));
  });

  it('the host chooses live captions before going live; the session hears the Space’s captions state', async () => {
    const { session } = ctx.studio;
    await session.open();
    expect(session.state.captions).toBe(true);
    session.setCaptions(false);
    session.setHostName('Ada');
    session.setTitle('Uncaptioned');
    await session.goLive();
    await eventually(() => expect(session.captions?.state?.enabled).toBe(false));
    const captioned = nodeStudio({ endpoint: { httpUrl: ctx.server.httpUrl, wsUrl: ctx.server.wsUrl, studioKey: STUDIO_KEY } });
    try {
      await goLive(captioned, 'Grace', 'Captioned');
      await eventually(() => expect(captioned.session.captions?.state?.enabled).toBe(true));
    } finally {
      await captioned.session.close();
    }
  });

  it('the host keeps one identity between runs: the user token is stored and presented next time', async () => {
    await goLive(ctx.studio);
    const token = ctx.studio.tokens.get('hostline.userToken');
    expect(token).toEqual(expect.any(String));
    const again = nodeStudio({ endpoint: { httpUrl: ctx.server.httpUrl, wsUrl: ctx.server.wsUrl, studioKey: STUDIO_KEY }, tokens: ctx.studio.tokens });
    try {
      await goLive(again, 'Ada', 'Second show');
      // The service signs a fresh token for the same person.
      const userOf = (t: string | undefined) => (JSON.parse(Buffer.from(t!.split('.')[0]!, 'base64url').toString()) as { userId: string }).userId;
      expect(userOf(again.session.room!.userToken)).toBe(userOf(token));
    } finally {
      await again.session.close();
    }
  });

  it('a refused go-live says why, closes its connection and returns to set-up', async () => {
    const wrong = nodeStudio({ endpoint: { httpUrl: ctx.server.httpUrl, wsUrl: ctx.server.wsUrl, studioKey: 'not-the-studio-key-at-all' } });
    try {
      await wrong.session.open();
      wrong.session.setHostName('Mallory');
      wrong.session.setTitle('Not mine');
      await wrong.session.goLive();
      expect(wrong.session.state.phase).toBe('setup');
      expect(wrong.session.state.error).toMatch(/studio key/i);
      expect(wrong.session.room).toBeUndefined();
      expect(wrong.rooms).toHaveLength(1);
      expect(wrong.rooms[0]!.signaling.connected).toBe(false);
    } finally {
      await wrong.session.close();
    }
  });

  it('approves the next request to speak as the server sees the queue, says who came on, and tells the host when nobody waits', async () => {
    const invite = await goLive(ctx.studio);
    const { session } = ctx.studio;
    const grace = await guest(ctx, invite, 'Grace', true);
    const linus = await guest(ctx, invite, 'Linus', true);
    await eventually(() => expect(session.state.snapshot!.host!.queue.map((q) => q.displayName)).toEqual(['Grace', 'Linus']));
    // A reorder and an approval back to back: the approval follows the reorder, not an old snapshot.
    const moved = session.queueAction('up', linus.memberId!);
    expect(await session.approveNext()).toBe(true);
    expect(await moved).toBe(true);
    expect(session.state.notice).toBe('Linus is on stage.');
    await eventually(() => expect(linus.role).toBe('speaker'));
    expect(grace.role).toBe('listener');
    await eventually(() => expect(session.state.snapshot!.stage.map((m) => m.displayName)).toEqual(['Ada', 'Linus']));
    // What others do on the Stage is told as the server announces it.
    await linus.stepDown();
    await eventually(() => expect(session.state.notice).toBe('Linus stepped down to the audience.'));
    await session.queueAction('decline', grace.memberId!);
    await eventually(() => expect(session.state.snapshot!.host!.queue).toEqual([]));
    expect(await session.approveNext()).toBe(true);
    expect(session.state.notice).toMatch(/^Nobody to approve: /);
    expect(session.state.error).toBeUndefined();
  });

  it('the shortcut keys act on the Space only when live, never while typing, and once per press', async () => {
    const { session, keyboard } = ctx.studio;
    await session.open();
    // Before going live: the approve and mute keys do nothing; a marker is still noted.
    keyboard.press(DEFAULT_SHORTCUTS.muteSelf!);
    keyboard.press(DEFAULT_SHORTCUTS.addMarker!);
    expect(session.state.markers).toEqual([0]);
    expect(session.state.error).toBeUndefined();
    const invite = await goLive(ctx.studio);
    const grace = await guest(ctx, invite, 'Grace', true);
    const linus = await guest(ctx, invite, 'Linus', true);
    await eventually(() => expect(session.state.snapshot!.host!.queue).toHaveLength(2));

    // Typing in a field (the audience search) never approves anyone.
    keyboard.press(DEFAULT_SHORTCUTS.approveNextRequest!, { target: { tagName: 'INPUT' } as unknown as EventTarget });
    keyboard.press(DEFAULT_SHORTCUTS.approveNextRequest!);
    // Auto-repeat of a held key does not approve the next one too.
    keyboard.press(DEFAULT_SHORTCUTS.approveNextRequest!, { repeat: true });
    await eventually(() => expect(grace.role).toBe('speaker'));
    await new Promise((r) => setTimeout(r, 200));
    expect(linus.role).toBe('listener');

    // Mute yourself: the server pauses the host for everyone; again unmutes.
    keyboard.press(DEFAULT_SHORTCUTS.muteSelf!);
    await eventually(() => expect(grace.snapshot!.stage.find((m) => m.role === 'host')!.muted).toBe(true));
    keyboard.press(DEFAULT_SHORTCUTS.muteSelf!);
    await eventually(() => expect(grace.snapshot!.stage.find((m) => m.role === 'host')!.muted).toBe(false));

    // Mute all: Grace, who is live on stage, is muted by the server.
    await eventually(() => expect(session.state.snapshot!.stage.find((m) => m.displayName === 'Grace')!.live).toBe(true));
    keyboard.press(DEFAULT_SHORTCUTS.muteAll!);
    await eventually(() => expect(grace.snapshot!.you.muted).toBe(true));

    // A marker while recording reaches the recorder; its time is into the show.
    ctx.studio.recorder().recording = true;
    keyboard.press(DEFAULT_SHORTCUTS.addMarker!);
    expect(ctx.studio.recorder().markers).toBe(1);
    expect(session.state.markers).toHaveLength(1);
    expect(session.state.markers[0]).toBeGreaterThanOrEqual(0);
    expect(session.state.markers[0]).toBeLessThan(30);
  });

  it('push to talk holds the console open while its key is down, even if a modifier joins', async () => {
    const { session, keyboard } = ctx.studio;
    await session.open();
    keyboard.press('Backquote', { hold: true });
    keyboard.press('Backquote', { hold: true, repeat: true });
    expect(session.state.pushToTalkHeld).toBe(true);
    keyboard.release('Shift+Backquote');
    expect(ctx.studio.engine().pushToTalk).toEqual([true, false]);
    expect(session.state.pushToTalkHeld).toBe(false);
  });

  it('a rebound shortcut is saved, and the old keys stop working', async () => {
    const { session, keyboard, settings } = ctx.studio;
    await session.open();
    session.shortcuts.capture('addMarker');
    keyboard.press('Alt+KeyM');
    expect(settings.get().shortcuts).toEqual({ ...DEFAULT_SHORTCUTS, addMarker: 'Alt+KeyM' });
    keyboard.press(DEFAULT_SHORTCUTS.addMarker!);
    expect(session.state.markers).toEqual([]);
    keyboard.press('Alt+KeyM');
    expect(session.state.markers).toHaveLength(1);
  });

  it('removing someone asks first, and they are out (the Stage change says so); a refusal is shown', async () => {
    const invite = await goLive(ctx.studio);
    const { session, dialogs } = ctx.studio;
    const grace = await guest(ctx, invite, 'Grace', true);
    await eventually(() => expect(session.state.snapshot!.host!.queue).toHaveLength(1));
    await session.approveNext();
    await eventually(() => expect(session.state.snapshot!.stage).toHaveLength(2));
    const member = session.state.snapshot!.stage.find((m) => m.displayName === 'Grace')!;
    dialogs.confirms = [false];
    await session.stageAction('remove', member);
    expect(dialogs.asked.at(-1)).toBe('Remove Grace from this space? They cannot come back.');
    expect(grace.role).toBe('speaker');
    const removed = new Promise<string>((resolve) => grace.on('removed', resolve));
    const change = new Promise((resolve) => session.room!.on('stage', (c) => c.cause === 'removed' && resolve(c)));
    dialogs.confirms = [true];
    expect(await session.stageAction('remove', member)).toBe(true);
    expect(await removed).toMatch(/removed/);
    expect(await change).toMatchObject({ memberId: member.memberId, from: 'speaker', to: null, by: session.room!.memberId });
    // The server refuses an action on someone who is gone; the host sees why, and the next success clears it.
    expect(await session.stageAction('mute', member)).toBe(false);
    expect(session.state.error).toEqual(expect.any(String));
    expect(await session.setRequestPolicy('invited')).toBe(true);
    expect(session.state.error).toBeUndefined();
    await eventually(() => expect(session.state.snapshot!.policy.requestPolicy).toBe('invited'));
  });

  it('a speaker invite link lets its holder ask to speak when only invited people may', async () => {
    const invite = await goLive(ctx.studio);
    const { session } = ctx.studio;
    await session.setRequestPolicy('invited');
    const plain = await guest(ctx, invite, 'Plain');
    await expect(plain.raiseHand()).rejects.toMatchObject({ code: 'forbidden' });
    const link = await session.speakerInviteLink();
    expect(link).toMatch(new RegExp(`^${ctx.server.httpUrl}/listen/[\\w-]+#invite=`));
    const invited = await guest(ctx, decodeURIComponent(link!.split('#invite=')[1]!), 'Invited');
    expect(await invited.raiseHand()).toEqual({ position: 1 });
  });

  it('ending the Space asks first; then everyone is told, the recording is saved and the studio shows the end', async () => {
    const invite = await goLive(ctx.studio);
    const { session, dialogs } = ctx.studio;
    const listener = await guest(ctx, invite, 'Linus');
    dialogs.confirms = [false];
    await session.endSpace();
    expect(session.state.phase).toBe('live');
    const ended = new Promise<string>((resolve) => listener.on('ended', resolve));
    dialogs.confirms = [true];
    await session.endSpace();
    expect(await ended).toBe('the host ended the space');
    await eventually(() => expect(session.state.phase).toBe('ended'));
    expect(session.state.notice).toBe('The space ended: the host ended the space.');
    expect(ctx.studio.recorder().stopped).toBeGreaterThan(0);
  });

  it('runs the show: Next segment by its key only while live, a titled marker per segment, the countdown in state, edits saved', async () => {
    await ctx.studio.session.close();
    const clock = new ManualClock();
    const runOfShow = [
      { id: 'intro', title: 'Intro', plannedSeconds: 120 },
      { id: 'guest', title: 'Guest', plannedSeconds: 900 },
    ];
    ctx.studio = nodeStudio({ endpoint: { httpUrl: ctx.server.httpUrl, wsUrl: ctx.server.wsUrl, studioKey: STUDIO_KEY }, settings: { runOfShow }, clock });
    const { session, keyboard } = ctx.studio;
    await session.open();
    expect(session.state.show.segments.map((s) => s.title)).toEqual(['Intro', 'Guest']);
    keyboard.press(DEFAULT_SHORTCUTS.nextSegment!);
    expect(session.state.show.current).toBe(-1);

    await goLive(ctx.studio);
    ctx.studio.recorder().recording = true;
    keyboard.press(DEFAULT_SHORTCUTS.nextSegment!);
    await eventually(() => expect(session.state.show).toMatchObject({ current: 0, leftSeconds: 120, clock: 'on-time' }));
    expect(ctx.studio.recorder().labels).toEqual(['1. Intro']);
    expect(session.state.markers).toHaveLength(1);
    clock.advance(90_000);
    expect(session.state.show).toMatchObject({ leftSeconds: 30, clock: 'last-minute' });

    // Edited during the show: saved, and the running segment runs on.
    expect(await session.editRunOfShow([...runOfShow, { id: 'qa', title: 'Q&A', plannedSeconds: 600 }])).toBe(true);
    expect((await ctx.studio.settings.get()).runOfShow.map((s) => s.title)).toEqual(['Intro', 'Guest', 'Q&A']);
    expect(session.state.show.current).toBe(0);
    expect(await session.editRunOfShow([{ id: 'bad', title: '', plannedSeconds: 10 }])).toBe(false);
    expect(session.state.error).toContain('a segment needs a title');

    // The button does what the key does; after the last segment it says so.
    expect(await session.nextSegment()).toBe(true);
    expect(await session.nextSegment()).toBe(true);
    expect(ctx.studio.recorder().labels).toEqual(['1. Intro', '2. Guest', '3. Q&A']);
    expect(await session.nextSegment()).toBe(false);
    expect(session.state.error).toBe('that was the last segment');
  });

  it('dips the soundboard’s beds while another speaker talks, as the server hears them, not for the host alone', async () => {
    const invite = await goLive(ctx.studio);
    const grace = await guest(ctx, invite, 'Grace');
    const space = ctx.server.sfu.space(ctx.studio.session.state.live!.spaceId)!;
    const host = ctx.studio.session.room!.memberId!;
    // The server's speaking announcements (from mediasoup's audio levels in a real show).
    space.broadcast('space.speaking', { memberIds: [host] });
    space.broadcast('space.speaking', { memberIds: [host, grace.memberId!] });
    space.broadcast('space.speaking', { memberIds: [] });
    // The host alone does not count (their own voice detector does that); Grace does; then nobody.
    await eventually(() => expect(ctx.studio.engine().speakersTalking.slice(-3)).toEqual([false, true, false]));
  });

  it('session.close() closes the console and the room and lets go of the keyboard', async () => {
    const invite = await goLive(ctx.studio);
    const { session, keyboard } = ctx.studio;
    const listener = await guest(ctx, invite, 'Linus');
    expect(keyboard.listening).toBe(2);
    await session.close();
    expect(ctx.studio.engine().closed).toBe(true);
    expect(keyboard.listening).toBe(0);
    // The audience sees the host's connection go (the grace period before succession starts).
    await eventually(() => expect(listener.snapshot!.stage[0]).toMatchObject({ role: 'host', connected: false }));
  });
});
