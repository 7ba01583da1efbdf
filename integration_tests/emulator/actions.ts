// Action endpoints that end an object without deleting it: cancel intents, quotes and refunds, void credit
// notes and credit grants, deactivate meters.
import { ApiError, invalid, noSuch } from './errors.js';
import type { ObjectStore } from './store.js';
import type { StripeObject } from './types.js';
import { resourceIndex } from './validate.js';

interface Action {
  /** Object type, as in the error messages (`payment_intent`). */
  object: string;
  /** Statuses from which Stripe allows the action. */
  from: readonly string[];
  /** The object's status as `from` names it (default: its `status` field). */
  status?: (object: StripeObject) => string;
  /** Accepted body parameters and their allowed values (null = any string). */
  params: Record<string, readonly string[] | null>;
  /** Error code Stripe gives when the object is in another status. */
  stateCode?: string;
  /** The object's new state. */
  apply(object: StripeObject, body: Record<string, unknown>, at: number): void;
}

const actions: Record<string, Action> = {
  'payment_intents/cancel': {
    object: 'payment_intent',
    from: ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'],
    params: { cancellation_reason: ['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'], expand: null },
    stateCode: 'payment_intent_unexpected_state',
    apply: (o, body, at) => Object.assign(o, { status: 'canceled', canceled_at: at, cancellation_reason: body['cancellation_reason'] ?? null }),
  },
  'setup_intents/cancel': {
    object: 'setup_intent',
    from: ['requires_payment_method', 'requires_confirmation', 'requires_action'],
    params: { cancellation_reason: ['abandoned', 'duplicate', 'requested_by_customer'], expand: null },
    stateCode: 'setup_intent_unexpected_state',
    apply: (o, body) => Object.assign(o, { status: 'canceled', cancellation_reason: body['cancellation_reason'] ?? null }),
  },
  'quotes/cancel': {
    object: 'quote',
    from: ['draft', 'open'],
    params: { expand: null },
    apply: (o, _body, at) => Object.assign(o, { status: 'canceled', status_transitions: { accepted_at: null, finalized_at: null, ...(o['status_transitions'] as object | undefined), canceled_at: at } }),
  },
  'refunds/cancel': {
    object: 'refund',
    from: ['requires_action'],
    params: { expand: null },
    apply: (o) => Object.assign(o, { status: 'canceled' }),
  },
  'credit_notes/void': {
    object: 'credit_note',
    from: ['issued'],
    params: { expand: null },
    apply: (o, _body, at) => Object.assign(o, { status: 'void', voided_at: at }),
  },
  'billing_meters/deactivate': {
    object: 'billing.meter',
    from: ['active'],
    params: { expand: null },
    apply: (o, _body, at) => Object.assign(o, { status: 'inactive', status_transitions: { deactivated_at: at } }),
  },
  'billing_credit_grants/void': {
    object: 'billing.credit_grant',
    from: ['active'],
    status: (o) => (o['voided_at'] ? 'voided' : 'active'),
    params: { expand: null },
    apply: (o, _body, at) => Object.assign(o, { voided_at: at }),
  },
};

/** `POST <collection>/{id}/<action>` for every resource whose delete is an action (from schemas/index.json). */
const actionRoutes = Object.entries(resourceIndex).flatMap(([resource, entry]) =>
  entry.delete?.kind === 'action' && entry.parent === null
    ? [{ resource, pattern: new RegExp(`^${entry.path}/([^/]+)/(${entry.delete.action})$`) }]
    : [],
);

function matchAction(path: string): [resource: string, rawId: string, verb: string] | undefined {
  for (const route of actionRoutes) {
    const m = route.pattern.exec(path);
    if (m) return [route.resource, m[1]!, m[2]!];
  }
  return undefined;
}

export interface ActionRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  account: string;
}

/**
 * Plans `POST /v1/<resource>/{id}/<action>` when the path names one: validates the body now (nothing is
 * stored when that fails) and returns the execution, whose errors (missing object, wrong status) are kept
 * for the idempotency key. Undefined when the path is not an action.
 */
export function planAction(req: ActionRequest, store: ObjectStore, now: () => number): (() => StripeObject) | undefined {
  const m = req.method === 'POST' ? matchAction(req.path) : undefined;
  if (!m) return undefined;
  const [resource, rawId, verb] = m;
  const action = actions[`${resource}/${verb}`];
  if (!action) return undefined;
  checkParams(action, req.params);
  const id = decodeURIComponent(rawId);
  return () => {
    const object = store.get(req.account, resource, id);
    if (!object) throw noSuch(action.object, id, 'id', 404);
    const status = action.status ? action.status(object) : String(object['status']);
    if (!action.from.includes(status)) throw wrongState(action, verb, status);
    action.apply(object, req.params, now());
    return object;
  };
}

function checkParams(action: Action, body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    if (!(key in action.params)) throw invalid(`Received unknown parameter: ${key}`, 'parameter_unknown', key);
    const allowed = action.params[key];
    if (allowed && !allowed.includes(String(value))) throw invalid(`Invalid ${key}: must be one of ${allowed.join(', ')}`, 'parameter_invalid_enum', key);
  }
}

function wrongState(action: Action, verb: string, status: string): ApiError {
  const name = action.object.replace(/_/g, ' ');
  const message = `You cannot ${verb} this ${name} because it has a status of ${status}. Only a ${name} with one of the following statuses may be ${verb === 'void' ? 'voided' : verb === 'deactivate' ? 'deactivated' : 'canceled'}: ${action.from.join(', ')}.`;
  return new ApiError(400, { type: 'invalid_request_error', message, ...(action.stateCode ? { code: action.stateCode } : {}) }, true);
}
