// The one binding of the IPC contract, shared by the Electron shell and the HTTP shell: channel lookup, input
// validation, the channel's declared access (enforced through the gate before the handler runs), the handler,
// error mapping, and (in dev and tests) an output check.
import { type z } from 'zod';
import { type Action, type ChannelAccess, isChannelAccess } from '../../src-shared/access';
import { type ChannelSpec, type ContractShape } from '../../src-shared/contract';
import { AppError, errorEnvelope, okEnvelope, type Envelope } from '../../src-shared/errors';
import { issuesSentence, toFieldIssues } from '../../src-shared/field-issues';
import { log } from '../log';

/**
 * Admits a caller to a channel, or throws the AppError that refuses them (UNAUTHENTICATED, FORBIDDEN, …).
 * `anyone` channels never ask it: their handler gets the shell's context as it came.
 */
export interface AccessGate<Ctx, SignedIn, InTenant> {
  /** `who: 'signed_in'`, or an action with `tenant: 'none'`: the signed-in caller, their role's reach checked. */
  signedIn(who: 'signed_in' | Action, context: Ctx): SignedIn | Promise<SignedIn>;
  /** `tenant: 'scope'`: the signed-in caller and the tenant scope they work in. */
  inTenant(who: Action, context: Ctx): InTenant | Promise<InTenant>;
}

/** What a channel's handler receives, by its declared access. */
export type ContextFor<A extends ChannelAccess, Ctx, SignedIn, InTenant> = A extends { tenant: 'scope' }
  ? InTenant
  : A extends { who: 'anyone' }
    ? Ctx
    : SignedIn;

export type HandlersFor<K extends ContractShape, Ctx, SignedIn, InTenant> = {
  [C in keyof K]: (
    input: z.output<K[C]['input']>,
    context: ContextFor<K[C]['access'], Ctx, SignedIn, InTenant>,
  ) => z.output<K[C]['output']> | Promise<z.output<K[C]['output']>>;
};

export interface Dispatcher<Ctx> {
  readonly channels: readonly string[];
  /** Never throws: every outcome, including a bug in a handler, comes back as an envelope. */
  dispatch(channel: string, rawInput: unknown, context: Ctx): Promise<Envelope<unknown>>;
}

export interface DispatcherOptions {
  /** Parse every handler result with the channel's output schema, to catch contract drift. */
  checkOutput?: boolean;
  /** Where unexpected errors go; they never reach the caller. */
  logError?: (message: string, error: unknown) => void;
}

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong inside the app. The details are in its log.';
/** An input whose reading threw (a getter, a proxy, a check that could not finish): refused as a whole. */
export const UNREADABLE_INPUT_MESSAGE = 'The input could not be read. Send plain data: fields of text, numbers, yes or no, and lists.';

/** Throws when a channel of `contract` has no access declaration the gate understands: none is bound without one. */
export function createDispatcher<K extends ContractShape, Ctx, SignedIn, InTenant>(
  contract: K,
  handlers: NoInfer<HandlersFor<K, Ctx, SignedIn, InTenant>>,
  gate: AccessGate<Ctx, SignedIn, InTenant>,
  options: DispatcherOptions = {},
): Dispatcher<Ctx> {
  const checkOutput = options.checkOutput ?? process.env.NODE_ENV !== 'production';
  const logError = neverThrowing(options.logError ?? ((message, error) => log.error(message, error)));
  const undeclared = Object.keys(contract).filter((channel) => !isChannelAccess(contract[channel]!.access));
  if (undeclared.length > 0) throw new Error(`These channels declare no access: ${undeclared.join(', ')}`);

  function admit(access: ChannelAccess, context: Ctx): Ctx | SignedIn | InTenant | Promise<SignedIn | InTenant> {
    if (access.tenant === 'scope') return gate.inTenant(access.who, context);
    if (access.who === 'anyone') return context;
    return gate.signedIn(access.who, context);
  }

  /** The input parsed, or the VALIDATION envelope refusing it; an input that throws while read (a getter, a proxy) is refused too. */
  function parseInput(channel: string, spec: ChannelSpec, rawInput: unknown): { data: unknown } | { refused: Envelope<unknown> } {
    try {
      const parsed = spec.input.safeParse(rawInput);
      if (parsed.success) return { data: parsed.data };
      const fields = toFieldIssues(spec.input, rawInput, parsed.error.issues);
      return { refused: errorEnvelope('VALIDATION', issuesSentence(fields), fields) };
    } catch (error) {
      logError(`[ipc] ${channel}: reading the input threw:`, error);
      return { refused: errorEnvelope('VALIDATION', UNREADABLE_INPUT_MESSAGE) };
    }
  }

  async function answer(channel: string, rawInput: unknown, context: Ctx): Promise<Envelope<unknown>> {
    if (typeof channel !== 'string') return errorEnvelope('NOT_FOUND', 'There is no such channel.');
    // Object.hasOwn: "__proto__" or "toString" must not reach an inherited property.
    if (!Object.hasOwn(contract, channel)) return errorEnvelope('NOT_FOUND', `There is no channel named ${JSON.stringify(truncate(channel, 80))}.`);
    const spec: ChannelSpec = contract[channel]!;
    const handler = handlers[channel] as (input: unknown, context: unknown) => unknown;
    const input = parseInput(channel, spec, rawInput);
    if ('refused' in input) return input.refused;
    try {
      const admitted = await admit(spec.access, context);
      const value = await handler(input.data, admitted);
      if (checkOutput) {
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          logError(`[ipc] ${channel} returned a value that breaks the contract: ${describeIssues(checked.error.issues)}`, value);
          return errorEnvelope('INTERNAL', INTERNAL_ERROR_MESSAGE);
        }
      }
      return okEnvelope(value);
    } catch (error) {
      if (error instanceof AppError) return errorEnvelope(error.code, error.message, error.fields);
      logError(`[ipc] ${channel} failed:`, error);
      return errorEnvelope('INTERNAL', INTERNAL_ERROR_MESSAGE);
    }
  }

  /** The last guard: whatever escaped the steps above (an error whose own reading throws) is INTERNAL. */
  function dispatch(channel: string, rawInput: unknown, context: Ctx): Promise<Envelope<unknown>> {
    return answer(channel, rawInput, context).catch((error: unknown) => {
      logError(`[ipc] ${typeof channel === 'string' ? truncate(channel, 80) : 'a call'} failed outside its handler:`, error);
      return errorEnvelope('INTERNAL', INTERNAL_ERROR_MESSAGE);
    });
  }

  return { channels: Object.keys(contract), dispatch };
}

/** A logger that cannot throw: a value whose inspection throws is logged without it, and a failing logger is ignored. */
function neverThrowing(log: NonNullable<DispatcherOptions['logError']>): NonNullable<DispatcherOptions['logError']> {
  return (message, error) => {
    try {
      log(message, error);
    } catch {
      try {
        log(message, '(the error could not be shown)');
      } catch {
        // Nowhere left to tell it; the caller still gets its envelope.
      }
    }
  };
}

type Issue = z.ZodError['issues'][number];

const MAX_ISSUES_SHOWN = 5;

/** For the log, when a handler's output breaks the contract: "Invalid input: name: expected string, received number; color: unknown field". */
function describeIssues(issues: readonly Issue[]): string {
  const parts = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const fields = issue.keys.slice(0, MAX_ISSUES_SHOWN).map((key) => fieldName([...issue.path, key]));
      return `${fields.join(', ')}: unknown field${fields.length > 1 ? 's' : ''}`;
    }
    return `${fieldName(issue.path)}: ${truncate(issue.message.replace(/^Invalid input: /, ''), 200)}`;
  });
  const more = issues.length > MAX_ISSUES_SHOWN ? ` (and ${issues.length - MAX_ISSUES_SHOWN} more)` : '';
  return `Invalid input: ${parts.join('; ')}${more}.`;
}

/** Zod issue path → "filters.status[2]"; the whole input is "input". */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'input';
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = truncate(String(segment), 60);
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
