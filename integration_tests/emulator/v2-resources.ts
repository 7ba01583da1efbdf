// v2 resources described in schemas/index.json (JSON bodies): meter event adjustments.
import { newId } from './ids.js';
import type { Execute } from './resources.js';
import type { ObjectStore } from './store.js';
import { resourceIndex, validateBody } from './validate.js';

const v2Routes = Object.entries(resourceIndex).filter(([, entry]) => entry.format === 'json');

/** Plans `POST <v2 collection>`: validates the JSON body now and creates the object on execution; undefined for other paths. */
export function planV2Resource(method: string, path: string, params: Record<string, unknown>, account: string, livemode: boolean, store: ObjectStore): Execute | undefined {
  const route = v2Routes.find(([, entry]) => entry.path === path);
  if (!route || method !== 'POST') return undefined;
  const [name, entry] = route;
  const body = validateBody(entry.create, params, 'json');
  return () => {
    const object = {
      id: newId(entry.idPrefix),
      object: entry.object,
      created: new Date().toISOString(),
      livemode,
      // An adjustment is processed asynchronously by Stripe; it starts pending.
      ...(name === 'billing_meter_event_adjustments' ? { status: 'pending' } : {}),
      ...body,
    };
    store.put(account, name, object);
    return { status: 200, body: object };
  };
}
