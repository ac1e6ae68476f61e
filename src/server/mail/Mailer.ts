// Outgoing mail through nodemailer: to the SMTP server named by --smtp, or, by default, as .eml files in
// <data folder>/outbox with a log line saying where (so a local host sees their reset link without a
// mail server). Without a data folder the messages are kept in memory only, and the log says so.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail extends OutgoingMail {
  /** The SMTP server's answer, or the outbox file. */
  where: string;
  at: number;
}

/** How many sent messages `recent()` remembers (for tests and the owner's diagnostics). */
const RECENT = 50;

export class Mailer {
  readonly #transport: Transporter;
  readonly #from: string;
  readonly #outboxDir: string | undefined;
  readonly #smtp: boolean;
  readonly #logger: Logger;
  readonly #recent: SentMail[] = [];

  constructor(options: { smtpUrl?: string; from: string; dataDir?: string; logger: Logger }) {
    this.#from = options.from;
    this.#logger = options.logger;
    this.#smtp = options.smtpUrl !== undefined;
    this.#transport = options.smtpUrl
      ? nodemailer.createTransport(options.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    this.#outboxDir = !options.smtpUrl && options.dataDir ? join(options.dataDir, 'outbox') : undefined;
  }

  /** Where mail goes, for the start-up log. */
  get destination(): string {
    if (this.#smtp) return 'smtp';
    return this.#outboxDir ?? 'memory';
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const info = (await this.#transport.sendMail({ from: this.#from, ...mail })) as { message?: Buffer; response?: string; messageId?: string };
    let where: string;
    if (this.#smtp) {
      where = `smtp: ${info.response ?? 'accepted'}`;
      this.#logger.info('mail sent', { to: mail.to, subject: mail.subject, smtp: info.response });
    } else if (this.#outboxDir && info.message) {
      mkdirSync(this.#outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      where = join(this.#outboxDir, name);
      // Written whole, then renamed: a reader never sees half a message.
      writeFileSync(`${where}.tmp`, info.message);
      renameSync(`${where}.tmp`, where);
      this.#logger.info('mail written to the outbox (no --smtp set)', { to: mail.to, subject: mail.subject, file: where });
    } else {
      where = 'memory';
      this.#logger.warn('mail kept in memory only (no --smtp and no data folder)', { to: mail.to, subject: mail.subject });
    }
    const sent = { ...mail, where, at: Date.now() };
    this.#recent.push(sent);
    if (this.#recent.length > RECENT) this.#recent.shift();
    return sent;
  }

  /** The last messages sent, oldest first. */
  recent(): readonly SentMail[] {
    return this.#recent;
  }

  close(): void {
    this.#transport.close();
  }
}
