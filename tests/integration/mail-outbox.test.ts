// Without --smtp, mail is written as .eml files in <data folder>/outbox with a log line saying where,
// so a host running Hostline locally finds their link without a mail server.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { testBrowser } from '../support/apiClient';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { linkIn } from '../support/smtp';
import { makeTempDir } from '../support/tempDir';

describe('the mail outbox', () => {
  const dir = makeTempDir('hostline-outbox');
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    dir.remove();
  });

  it('writes each message as an .eml file and logs where; its link works', async () => {
    server = await startTestServer({ dataDir: dir.path });
    const browser = testBrowser(server.httpUrl);
    await browser.api.call('account.signUp', { body: { email: 'ada@example.com', password: 'correct horse battery', handle: 'ada', displayName: 'Ada' } });
    const outbox = join(dir.path, 'outbox');
    let files: string[] = [];
    await eventually(() => {
      files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(1);
    });
    const file = join(outbox, files[0]!);
    expect(server.logs.find((l) => l.msg === 'mail written to the outbox (no --smtp set)')).toMatchObject({ to: 'ada@example.com', file });
    const mail = await simpleParser(readFileSync(file));
    expect(mail.subject).toBe('Confirm your Hostline account');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Hostline', address: 'no-reply@localhost' });
    const link = linkIn({ text: mail.text ?? '' }, '/account/confirm');
    expect(link.origin).toBe(server.httpUrl);
    const { me } = await browser.api.call('account.confirm', { body: { token: link.searchParams.get('token')! } });
    expect(me.handle).toBe('ada');
  });
});
