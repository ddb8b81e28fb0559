// The channels a delivery goes out through: email (SMTP, or a folder catcher in the embedded
// default) and signed webhooks. Each send either succeeds with the receiver's answer or throws;
// `permanent` errors are the ones no retry can fix (a rejected address, a 4xx from a webhook).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The RFC 5322 Message-ID, the same on every attempt, so a receiver can tell a repeat. */
  messageId: string;
}

export interface Mailer {
  /** Sends one message; resolves with the server's answer. */
  send(mail: OutgoingMail): Promise<string>;
  /** For channels that can tell: whether a message with this Message-ID already arrived. */
  alreadyDelivered?(messageId: string): Promise<boolean>;
  /** Where a person can look at what was sent, for the start-up banner. */
  describe(): string;
  close(): void;
}

export class ChannelError extends Error {
  override name = 'ChannelError';
  constructor(message: string, readonly permanent: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Mail through an SMTP server (SMTP_URL, e.g. smtp://user:pass@host:587). */
export function smtpMailer(url: string, from: string): Mailer {
  // A pool of open connections: a round's messages share them instead of a handshake each.
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 8, maxMessages: 1000 }, { from });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ ...mail, from });
        return info.response;
      } catch (e) {
        const err = e as { message: string; responseCode?: number };
        // 5xx is the server's final word on this message (unknown mailbox, refused address); the
        // rest (refused connections, timeouts, 4xx) may pass on a later attempt.
        throw new ChannelError(`SMTP: ${err.message}`, (err.responseCode ?? 0) >= 500, { cause: e });
      }
    },
    describe: () => `SMTP ${new URL(url).host}`,
    close: () => transport.close(),
  };
}

const fileOf = (messageId: string) => `${messageId.replace(/[^A-Za-z0-9]/g, '')}.eml`;

/**
 * The embedded default when no SMTP_URL is set: each message is written as an .eml file (open it
 * with any mail program) into a folder of the data directory. A file per Message-ID, so this
 * channel knows what arrived and never holds a message twice.
 */
export function folderMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail({ ...mail, from });
      await mkdir(dir, { recursive: true });
      const path = join(dir, fileOf(mail.messageId));
      // Written whole under a temporary name, then renamed: a reader never sees half a message.
      await writeFile(`${path}.tmp`, info.message as Buffer);
      await rename(`${path}.tmp`, path);
      return `guardado en ${path}`;
    },
    async alreadyDelivered(messageId) {
      return access(join(dir, fileOf(messageId))).then(() => true, () => false);
    },
    describe: () => `carpeta ${dir}`,
    close: () => transport.close(),
  };
}

// ---- webhooks ------------------------------------------------------------------------------

export const signatureHeader = 'x-mesa-signature';
export const deliveryHeader = 'x-mesa-delivery';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the same scheme receivers verify. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** For receivers (and our tests): true only for the exact body, the right secret and a recent time. */
export function verifyWebhook(secret: string, body: string, header: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface WebhookPost {
  url: string;
  secret: string;
  body: string;
  deliveryId: string;
  event: string;
  /** Aborts the request: the activity's cancellation. */
  signal: AbortSignal;
}

/** One signed POST; a receiver that does not answer in 10 s counts as a failed attempt. */
export async function postWebhook(p: WebhookPost): Promise<string> {
  let res: Response;
  try {
    res = await fetch(p.url, {
      method: 'POST',
      body: p.body,
      redirect: 'error',
      signal: AbortSignal.any([p.signal, AbortSignal.timeout(10_000)]),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        [signatureHeader]: signWebhook(p.secret, p.body, Math.floor(Date.now() / 1000)),
        [deliveryHeader]: p.deliveryId,
        'x-mesa-event': p.event,
        'user-agent': 'Mesa-MTIGM-Webhooks/1',
      },
    });
  } catch (e) {
    throw new ChannelError(`Webhook ${p.url}: ${(e as Error).message}`, false, { cause: e });
  }
  await res.body?.cancel();
  if (res.ok) return `HTTP ${res.status}`;
  // 408 and 429 ask us to come back later; any other 4xx will not change by repeating it.
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
  throw new ChannelError(`Webhook ${p.url}: respondió HTTP ${res.status}`, permanent);
}
