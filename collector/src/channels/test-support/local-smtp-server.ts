import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the local SMTP server accepted: the raw RFC 5322 text, parsed by mailparser. */
export interface ReceivedMail {
  readonly raw: string;
  readonly parsed: ParsedMail;
  readonly envelopeTo: readonly string[];
  readonly user: string | undefined;
}

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 for tests: plain SMTP with AUTH
 * PLAIN/LOGIN, one user, every accepted mail parsed with mailparser. `rejectRecipient` answers a
 * RCPT TO with a chosen SMTP reply; `stop`/`start` simulate an outage on the same port.
 */
export class LocalSmtpServer {
  readonly mails: ReceivedMail[] = [];
  /** Replies for RCPT TO by address, e.g. `{ code: 550, message: 'No such user' }`. */
  readonly rejectRecipient = new Map<string, { code: number; message: string }>();
  private server: SMTPServer | undefined;
  private portNumber = 0;

  constructor(private readonly credentials: { user: string; password: string }) {}

  get port(): number {
    return this.portNumber;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.credentials.user && auth.password === this.credentials.password) {
          callback(null, { user: auth.username });
        } else {
          callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
        }
      },
      onRcptTo: (address, _session, callback) => {
        const reject = this.rejectRecipient.get(address.address);
        callback(reject ? Object.assign(new Error(reject.message), { responseCode: reject.code }) : null);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw, { keepCidLinks: true })
            .then((parsed) => {
              this.mails.push({
                raw,
                parsed,
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                user: typeof session.user === 'string' ? session.user : undefined,
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => resolve());
    });
    this.portNumber = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections (an outage). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const connection of (server as unknown as { connections: Set<{ close(): void }> }).connections ?? []) connection.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
