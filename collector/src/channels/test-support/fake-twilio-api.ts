import { basicAuth, LocalHttpServer, type RecordedRequest } from './local-http-server';

/** A message the fake Twilio API accepted. */
export interface TwilioMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly attempt: string | undefined;
}

/**
 * Twilio's Messages API as the twilio library calls it: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
 * form-encoded `To`, `From`, `Body`, HTTP basic auth with the account SID and auth token; answers
 * 201 with the message resource, or Twilio's JSON errors (401 code 20003, 400 code 21211).
 */
export function fakeTwilioApi(credentials: { accountSid: string; authToken: string }): { server: LocalHttpServer; messages: TwilioMessage[] } {
  const messages: TwilioMessage[] = [];
  const server = new LocalHttpServer((request: RecordedRequest) => {
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(request.url);
    if (request.method !== 'POST' || !match) return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    const auth = basicAuth(request);
    if (auth?.user !== credentials.accountSid || auth.password !== credentials.authToken || match[1] !== credentials.accountSid) {
      return { status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } };
    }
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return { status: 415, body: { message: 'form-encoded body expected' } };
    }
    const form = new URLSearchParams(request.body.toString('utf8'));
    const to = form.get('To') ?? '';
    if (!/^\+[1-9][0-9]{6,14}$/.test(to)) {
      return { status: 400, body: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } };
    }
    const sid = `SM${(messages.length + 1).toString(16).padStart(32, '0')}`;
    const message = { sid, accountSid: credentials.accountSid, to, from: form.get('From') ?? '', body: form.get('Body') ?? '', attempt: form.get('Attempt') ?? undefined };
    messages.push(message);
    return {
      status: 201,
      body: { sid, account_sid: message.accountSid, to, from: message.from, body: message.body, status: 'queued', num_segments: '1', direction: 'outbound-api', api_version: '2010-04-01', uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${sid}.json` },
    };
  });
  return { server, messages };
}
