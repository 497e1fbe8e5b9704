// What the log must never hold: passwords, tokens, session ids. Every message and detail goes through here before
// it is written (src-main/log.ts), so no caller has to remember. Three nets:
// - secrets the app made itself (session ids, the HTTP shell's token) are remembered when they are made and cut out
//   wherever they appear;
// - a value under a secret-sounding key (password, token, sessionId, authorization, cookie, secret…) is replaced;
// - in text, what follows `Bearer `, a secret-sounding query parameter or header, or a JSON field of that name.

export const REDACTED = '[redacted]';

/** Keys whose value is a secret, wherever they appear in a logged object (matched without regard to case). */
const SECRET_KEY = /pass(word|wd|phrase)?$|token|secret|authorization|cookie|^session(_?id)?$|credential|api_?key|salt$|hash$/i;

/** `Bearer abc…` (or `Basic …`), as an Authorization header carries it. */
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
/** `token=…`, `password=…`, `session=…` in a URL's query or a form body, and `X-Session-Token: …`-style headers. */
const KEY_VALUE = /\b([\w-]*(?:pass(?:word|wd)?|token|secret|session(?:[_-]?id)?|authorization|cookie|api[_-]?key)[\w-]*)(=|:\s*)(?!\[redacted\]|(?:Bearer|Basic)\b)("[^"]*"|[^\s&"',;)]+)/gi;
/** `"password":"…"` in JSON text. */
const JSON_FIELD = /("[\w-]*(?:pass(?:word|wd)?|token|secret|session(?:[_-]?id)?|authorization|cookie|api[_-]?key)[\w-]*"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/gi;

/** At most this many remembered secrets; the oldest are forgotten first (a session id long ended). */
const MAX_REMEMBERED = 10_000;
const remembered = new Set<string>();
/** The lengths of the remembered secrets, so text is searched once per length, not once per secret. */
const rememberedLengths = new Map<number, number>();

/** A secret this process made (a session id, the shell's token): cut out of every line logged from now on. */
export function rememberSecret(secret: string): void {
  if (secret.length < 8 || remembered.has(secret)) return;
  remembered.add(secret);
  rememberedLengths.set(secret.length, (rememberedLengths.get(secret.length) ?? 0) + 1);
  if (remembered.size > MAX_REMEMBERED) {
    const oldest = remembered.values().next().value as string;
    remembered.delete(oldest);
    const left = (rememberedLengths.get(oldest.length) ?? 1) - 1;
    if (left === 0) rememberedLengths.delete(oldest.length);
    else rememberedLengths.set(oldest.length, left);
  }
}

/** Text with every secret it shows replaced by [redacted]. */
export function redactText(text: string): string {
  return cutRemembered(text)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JSON_FIELD, `$1"${REDACTED}"`)
    .replace(KEY_VALUE, `$1$2${REDACTED}`);
}

/** Tokens are base64url (or hex): a remembered one is found inside a run of those characters, at any offset. */
function cutRemembered(text: string): string {
  if (remembered.size === 0) return text;
  return text.replace(/[A-Za-z0-9_-]{8,}/g, (run) => {
    let out = run;
    for (const length of rememberedLengths.keys()) {
      for (let at = 0; at + length <= out.length; at++) {
        if (remembered.has(out.slice(at, at + length))) {
          out = `${out.slice(0, at)}${REDACTED}${out.slice(at + length)}`;
          at += REDACTED.length - 1;
        }
      }
    }
    return out;
  });
}

const MAX_DEPTH = 6;

/**
 * A copy of a logged detail with its secrets replaced: text redacted, a secret key's value replaced, an error's
 * message, stack, cause and own fields redacted (still an Error, so the log shows its stack). Never throws.
 */
export function redactValue(value: unknown): unknown {
  return redactAt(value, 0, new WeakSet<object>());
}

function redactAt(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[array]' : '[object]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactError(value, depth, seen);
    if (Array.isArray(value)) return value.map((item) => redactAt(item, depth + 1, seen));
    if (value instanceof Date) return value;
    return redactFields(value as Record<string, unknown>, {}, depth, seen);
  } catch {
    return '[a value that could not be read]';
  }
}

function redactFields<T extends object>(source: Record<string, unknown>, target: T, depth: number, seen: WeakSet<object>): T {
  for (const key of Object.keys(source)) {
    (target as Record<string, unknown>)[key] = SECRET_KEY.test(key) ? REDACTED : redactAt(source[key], depth + 1, seen);
  }
  return target;
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Error {
  const copy = new Error(redactText(String(error.message)));
  Object.defineProperty(copy, 'name', { value: error.name, enumerable: false, configurable: true, writable: true });
  copy.stack = error.stack === undefined ? undefined : redactText(error.stack);
  if (error.cause !== undefined) copy.cause = redactAt(error.cause, depth + 1, seen);
  return redactFields(error as unknown as Record<string, unknown>, copy, depth, seen);
}
