// Real receivers on loopback for the notification tests and the bench (which is why they live here,
// not in tests/): an SMTP server (smtp-server) that keeps every message it accepts, and an HTTP
// server that keeps every webhook POST.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The envelope's recipients, as the server saw them (RCPT TO). */
  to: string[];
  messageId: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpCatcher {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Closes the port: connections are refused until start() opens it again. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `delayMs`: a slow server, which holds each message that long before accepting it. */
export async function startSmtpCatcher({ delayMs = 0 }: { delayMs?: number } = {}): Promise<SmtpCatcher> {
  const mails: ReceivedMail[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  const start = async () => {
    server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false, size: 10 * 1024 * 1024,
      // Going down drops the open (pooled) connections at once, as a crashed server would.
      closeTimeout: 200,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const slow = new Promise((r) => setTimeout(r, delayMs));
          slow.then(() => simpleParser(raw)).then((parsed) => {
            mails.push({
              to: session.envelope.rcptTo.map((r) => r.address), messageId: parsed.messageId ?? '', subject: parsed.subject ?? '',
              text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '', raw,
            });
            callback();
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  };
  const stop = async () => {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await start();
  return { port, url: `smtp://127.0.0.1:${port}`, mails, stop, start, close: stop };
}

export interface WebhookCall {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered (null: it never answered). */
  status: number | null;
}

export interface WebhookReceiver {
  url: string;
  calls: WebhookCall[];
  /** What the receiver answers from now on: 204 by default, 500 for a receiver in trouble. */
  status: number;
  close(): Promise<void>;
}

/** `answer: false` keeps every request open without a reply: a receiver that never answers. */
export async function startWebhookReceiver({ answer, status = 204 }: { answer: boolean; status?: number }): Promise<WebhookReceiver> {
  const calls: WebhookCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = answer ? receiver.status : null;
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: answered });
      if (answered !== null) res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/avisos`,
    calls,
    status,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return receiver;
}
