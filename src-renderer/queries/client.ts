// The typed client inside React, and a call that throws the server's {code, message} so React Query sees failures.
import { createContext, useContext } from 'react';
import { type Channel } from '../../src-shared/channels';
import { type ChannelInput, type ChannelOutput } from '../../src-shared/contract';
import { type ErrorBody, type ErrorCode, type FieldIssue } from '../../src-shared/errors';
import { type AppClient } from '../api';

export const ClientContext = createContext<AppClient | null>(null);

export function useClient(): AppClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient needs a ClientContext provider');
  return client;
}

/** A refused or failed call, as main answered it: a code the UI acts on, a sentence to show, and the fields it refuses. */
export class ApiError extends Error implements ErrorBody {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly channel: Channel,
    readonly fields?: FieldIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(error: unknown, code?: ErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

export async function callOrThrow<C extends Channel>(client: AppClient, channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await client.call(channel, input);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message, channel, result.error.fields);
  return result.value;
}

/** The sentence to show for any failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
