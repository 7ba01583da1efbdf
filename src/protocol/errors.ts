// Errors that leave the connector: each carries a failure type, a message for the user and one for engineers.
export type FailureType = 'config_error' | 'transient_error' | 'system_error';

export interface ConnectorErrorOptions {
  failureType: FailureType;
  /** What the user should read and do. Never contains secrets or record values. */
  message: string;
  /** What an engineer needs to diagnose it. Redacted before it is printed. */
  internalMessage?: string;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly failureType: FailureType;
  readonly internalMessage: string;

  constructor(options: ConnectorErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.failureType = options.failureType;
    this.internalMessage = options.internalMessage ?? options.message;
  }
}

export const configError = (message: string, internalMessage?: string, cause?: unknown): ConnectorError =>
  new ConnectorError({ failureType: 'config_error', message, internalMessage, cause });

export const transientError = (message: string, internalMessage?: string, cause?: unknown): ConnectorError =>
  new ConnectorError({ failureType: 'transient_error', message, internalMessage, cause });

export const systemError = (message: string, internalMessage?: string, cause?: unknown): ConnectorError =>
  new ConnectorError({ failureType: 'system_error', message, internalMessage, cause });

/** Wraps anything thrown into a ConnectorError; unknown errors become system errors. */
export function toConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const internal = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return systemError('The connector failed unexpectedly. See the internal message for details.', internal, error);
}
