// A stream whose records name their connected account: one mapper per account, built on the account's first record.
import { onAccount, takeAccount } from '../mapping/connect-account.js';
import type { StreamMapResult, StreamMapper } from './stream-mapper.js';

/** The mapper of each account: `base` for the config's own account (or the platform), `make(account)` built once per connected account. */
export type AccountRouter = (account: string | undefined) => StreamMapper;

/**
 * `make(account)` builds a mapper with its own bulk read, lookups and id memory, so two accounts may
 * each hold SKU X. A record naming the config's own `stripe_account` is that account's: `base`.
 */
export function accountRouter(base: StreamMapper, make: (account: string) => StreamMapper, configAccount: string | undefined): AccountRouter {
  const mappers = new Map<string, StreamMapper>();
  return (account) => {
    if (account === undefined || account === configAccount) return base;
    let mapper = mappers.get(account);
    if (!mapper) mappers.set(account, (mapper = make(account)));
    return mapper;
  };
}

/** Maps with the account's mapper and scopes what it maps to the account (`onAccount`). */
export function mapOnAccount(route: AccountRouter, account: string | undefined, data: Record<string, unknown>, configAccount: string | undefined): StreamMapResult {
  const own = account === undefined || account === configAccount ? undefined : account;
  const mapped = route(own).map(data) as StreamMapResult;
  return own !== undefined && mapped.kind === 'request' ? onAccount(mapped, own) : mapped;
}

/** Routes each record to the mapper of the account its `field` names (no references: mapping stays synchronous). */
export function accountMappers(base: StreamMapper, make: (account: string) => StreamMapper, field: string, configAccount: string | undefined): StreamMapper {
  const route = accountRouter(base, make, configAccount);
  return {
    label: `${base.label}, connected account per record in field "${field}"`,
    map(data) {
      const taken = takeAccount(data, field);
      if ('rejection' in taken) return { kind: 'rejected', rejection: taken.rejection };
      return mapOnAccount(route, taken.account, taken.data, configAccount);
    },
  };
}
