// Mail sent from the job queue, where "sent once" must survive a process dying at any moment. SMTP
// has one point of no return: the dot that ends DATA. Until the server has it, a dropped connection
// discards the message (RFC 5321 §4.1.1.4), so resending is safe; between the dot and the server's
// answer nobody can tell (RFC 1047). So the message goes out, then the caller durably records that
// the dot is next (`beforeCommit`: the job's checkpoint), then the dot goes. After a crash, a job
// without that checkpoint certainly was not delivered and is sent again; one with it may have been,
// and is sent again under the same Message-ID (the job's), so the mailbox that has it already sees
// the same message, never a second reminder. Only messages in flight at the crash can repeat so.
// Without --smtp, messages are .eml files named by their Message-ID: writing one again replaces it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Logger } from '../logger.js';

export interface DeliverableMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per message (the job's id), so a resend is recognisably the same message. */
  messageId: string;
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

/** An SMTP refusal, with the server's code: 5xx will never succeed, 4xx may later. */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.name = 'DeliveryError';
    this.permanent = permanent;
  }
}

interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
}

function smtpTarget(url: string): SmtpTarget {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
  };
}

type Connection = InstanceType<typeof SMTPConnection>;

export class MailDelivery {
  readonly #from: string;
  readonly #smtp: SmtpTarget | undefined;
  readonly #outboxDir: string | undefined;
  readonly #logger: Logger;
  readonly #maxConnections: number;
  /** Open SMTP sessions waiting for their next message. */
  readonly #idle: Connection[] = [];
  #open = 0;
  /** Sends waiting for a free session. */
  readonly #waiting: Array<(connection: Connection | undefined) => void> = [];
  /** Messages kept when there is neither SMTP nor a data folder (tests, a throwaway server). */
  readonly memory: DeliverableMail[] = [];
  #closed = false;

  constructor(options: { smtpUrl?: string; from: string; dataDir?: string; logger: Logger; connections?: number }) {
    this.#from = options.from;
    this.#smtp = options.smtpUrl ? smtpTarget(options.smtpUrl) : undefined;
    this.#outboxDir = !options.smtpUrl && options.dataDir ? join(options.dataDir, 'outbox') : undefined;
    this.#logger = options.logger;
    this.#maxConnections = options.connections ?? 4;
  }

  /** Delivers one message; `beforeCommit` runs (and must succeed) just before the point of no return. */
  async deliver(mail: DeliverableMail, beforeCommit: () => Promise<void>): Promise<string> {
    if (this.#closed) throw new DeliveryError('mail delivery is closed', false);
    const composer = new MailComposer({
      from: this.#from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      headers: mail.headers ?? {},
      attachments: mail.attachments ?? [],
    });
    const node = composer.compile();
    const message = await node.build();
    if (!this.#smtp) return this.#toOutbox(mail, message, beforeCommit);
    const connection = await this.#acquire();
    let healthy = false;
    try {
      const response = await this.#send(connection, node.getEnvelope(), message, beforeCommit);
      healthy = true;
      return `smtp: ${response}`;
    } finally {
      this.#release(connection, healthy);
    }
  }

  async #toOutbox(mail: DeliverableMail, message: Buffer, beforeCommit: () => Promise<void>): Promise<string> {
    await beforeCommit();
    if (!this.#outboxDir) {
      this.memory.push(mail);
      return 'memory';
    }
    mkdirSync(this.#outboxDir, { recursive: true });
    const file = join(this.#outboxDir, `${mail.messageId.replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`);
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, message);
    renameSync(temp, file);
    return file;
  }

  #send(connection: Connection, envelope: { from: string | false; to: string[] }, message: Buffer, beforeCommit: () => Promise<void>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let dataAccepted: () => void = () => undefined;
      const accepted = new Promise<void>((wake) => (dataAccepted = wake));
      let settled = false;
      // The server reads the message only after it said yes to DATA: that is when this stream is read.
      const body = new Readable({
        read() {
          dataAccepted();
        },
      });
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        body.destroy();
        reject(error instanceof DeliveryError ? error : refusal(error));
      };
      connection.send({ from: envelope.from || this.#from, to: envelope.to }, body, (error, info) => {
        if (error) return fail(error);
        settled = true;
        resolve(String((info as { response?: string } | undefined)?.response ?? 'accepted'));
      });
      void accepted
        .then(async () => {
          if (settled) return;
          body.push(message);
          await beforeCommit();
          if (settled) return;
          // The dot: past this, the message is the server's.
          body.push(null);
        })
        .catch(fail);
    });
  }

  async #acquire(): Promise<Connection> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#open < this.#maxConnections) {
      this.#open++;
      try {
        return await this.#connect();
      } catch (error) {
        this.#open--;
        this.#wakeNext();
        throw refusal(error);
      }
    }
    const handed = await new Promise<Connection | undefined>((resolve) => this.#waiting.push(resolve));
    return handed ?? this.#acquire();
  }

  #connect(): Promise<Connection> {
    const target = this.#smtp!;
    return new Promise((resolve, reject) => {
      const connection = new SMTPConnection({
        host: target.host,
        port: target.port,
        secure: target.secure,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
      });
      connection.once('error', reject);
      connection.connect(() => {
        connection.removeListener('error', reject);
        // The dot must leave the moment it is written: with Nagle's algorithm it can wait for the
        // server's delayed ACK (tens of ms) in our kernel, and a process dying then loses it.
        (connection as unknown as { _socket?: { setNoDelay?: (noDelay: boolean) => void } })._socket?.setNoDelay?.(true);
        // A session that fails while idle is dropped; a send on it reports its own error.
        connection.on('error', (error: unknown) => this.#logger.debug('smtp session error', { error }));
        if (!target.auth) return resolve(connection);
        connection.login(target.auth, (error) => (error ? reject(error) : resolve(connection)));
      });
    });
  }

  #release(connection: Connection, healthy: boolean): void {
    if (!healthy || this.#closed) {
      this.#open--;
      connection.close();
      this.#wakeNext();
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(connection);
    else this.#idle.push(connection);
  }

  /** A session closed: the next waiter may open one. */
  #wakeNext(): void {
    this.#waiting.shift()?.(undefined);
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#idle.splice(0)) connection.quit();
    for (const waiter of this.#waiting.splice(0)) waiter(undefined);
  }
}

function refusal(error: unknown): DeliveryError {
  const e = error as { message?: string; responseCode?: number; code?: string };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  return new DeliveryError(e?.message ?? String(error), code !== undefined && code >= 500 && code < 600);
}
