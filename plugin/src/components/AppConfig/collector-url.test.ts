import { validateCollectorUrl } from './collector-url';

describe('validateCollectorUrl', () => {
  it.each(['http://collector:8080', 'https://finmon.example.com/api-base', 'http://127.0.0.1:8080/'])(
    'accepts %s',
    (url) => {
      expect(validateCollectorUrl(url)).toBeUndefined();
    }
  );

  it.each([
    ['', 'give the collector URL'],
    ['collector:8080', 'must start with http:// or https://'],
    ['not a url', 'is not a URL'],
    ['ftp://collector', 'must start with http:// or https://'],
    ['http://collector:8080/?token=abc', 'takes no query'],
    ['http://collector:8080/#token=abc', 'takes no query'],
    ['http://user:pw@collector:8080', 'takes no user name or password'],
  ])('rejects %j: %s', (url, message) => {
    expect(validateCollectorUrl(url)).toContain(message);
  });
});
