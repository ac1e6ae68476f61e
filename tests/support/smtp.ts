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
  messageId: string;
  headers: Map<string, unknown>;
  attachments: Array<{ filename: string; contentType: string; content: string }>;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Refuses the next `count` messages (to `to`, when given) after their DATA with this reply code (451: try later; 550: never). */
  refuseNext(count: number, code: number, to?: string): void;
  /**
   * What each address's mailbox holds: messages by Message-ID, as a mail store keeps them (one copy
   * per Message-ID however often it arrived).
   */
  mailboxes(): Map<string, Set<string>>;
  /** Waits for a message to `to` whose subject matches, and returns it. */
  waitFor(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const refusals: Array<{ code: number; to: string | undefined }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Many sessions at once (two server processes sending a batch).
    maxClients: 100,
    onData(stream, _session, callback) {
      // Only a message that ended with its dot was accepted; a client gone mid-message left nothing.
      let complete = false;
      stream.once('end', () => (complete = true));
      stream.once('error', () => undefined);
      simpleParser(stream)
        .then((mail) => {
          if (!complete) {
            callback(new Error('the message did not arrive in full'));
            return;
          }
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          const refusal = refusals.findIndex((r) => r.to === undefined || to.includes(r.to));
          if (refusal >= 0) {
            const { code } = refusals.splice(refusal, 1)[0]!;
            callback(Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code }));
            return;
          }
          received.push({
            to,
            from: mail.from?.text ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            messageId: mail.messageId ?? '',
            headers: mail.headers,
            attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content.toString('utf8') })),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  // A client killed mid-message resets its connection; that is the sender's problem, not the server's.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    mailboxes() {
      const boxes = new Map<string, Set<string>>();
      for (const mail of received) {
        if (!boxes.has(mail.to)) boxes.set(mail.to, new Set());
        boxes.get(mail.to)!.add(mail.messageId);
      }
      return boxes;
    },
    refuseNext(count, code, to) {
      for (let i = 0; i < count; i++) refusals.push({ code, to });
    },
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
