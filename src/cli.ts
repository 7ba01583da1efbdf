// Parses argv into a command; usage errors are reported without running anything.
import { parseArgs } from 'node:util';

export type Command =
  | { name: 'spec' }
  | { name: 'check'; config: string }
  | { name: 'discover'; config: string }
  | { name: 'write'; config: string; catalog: string };

export const USAGE = `usage: destination-stripe <command>
  spec
  check    --config <config.json>
  discover --config <config.json>
  write    --config <config.json> --catalog <configured_catalog.json>   (messages on stdin)`;

export class UsageError extends Error {}

export function parseCommand(argv: string[]): Command {
  const [name, ...rest] = argv;
  let values: { config?: string; catalog?: string };
  try {
    ({ values } = parseArgs({ args: rest, options: { config: { type: 'string' }, catalog: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const need = (flag: 'config' | 'catalog'): string => {
    const v = values[flag];
    if (!v) throw new UsageError(`${name} needs --${flag} <file>`);
    return v;
  };
  switch (name) {
    case 'spec':
      return { name };
    case 'check':
    case 'discover':
      return { name, config: need('config') };
    case 'write':
      return { name, config: need('config'), catalog: need('catalog') };
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
