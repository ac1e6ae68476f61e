// A real SMTP server on loopback (the smtp-server package) that keeps what arrives, parsed by mailparser.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './fakeRoom';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Waits for a message to `to` whose subject matches, and returns it. */
  waitFor(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          received.push({ to, from: mail.from?.text ?? '', subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(to, subject, timeoutMs = 5000) {
      let found: ReceivedMail | undefined;
      await eventually(() => {
        found = received.find((m) => m.to.includes(to) && subject.test(m.subject));
        if (!found) throw new Error(`no mail to ${to} matching ${subject} (got ${received.map((m) => `${m.to}: ${m.subject}`).join('; ') || 'none'})`);
      }, timeoutMs);
      return found!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a message whose path starts with `path`. */
export function linkIn(mail: { text: string }, path: string): URL {
  const match = mail.text.match(/https?:\/\/\S+/g)?.map((s) => new URL(s)).find((u) => u.pathname === path);
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return match;
}
