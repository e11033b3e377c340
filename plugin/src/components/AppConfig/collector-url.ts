/** Undefined when `text` is an http(s) URL without query or fragment; otherwise what is wrong with it. */
export function validateCollectorUrl(text: string): string | undefined {
  if (text === '') {
    return 'give the collector URL, e.g. http://collector:8080';
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL; expected something like http://collector:8080`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `the collector URL must start with http:// or https://, not ${url.protocol}//`;
  }
  if (url.search || url.hash) {
    return 'the collector URL takes no query (?…) or fragment (#…): tokens go in the token field';
  }
  if (url.username || url.password) {
    return 'the collector URL takes no user name or password: use the token field';
  }
  return undefined;
}
