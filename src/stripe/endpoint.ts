// Rate-limit endpoints: Stripe limits each method + path template on its own (`POST /v1/customers/{id}`),
// so a concrete path is folded back into its template before it is paced.
import { endpointTemplates } from '../generated/endpoint-templates.js';

/** Method and path template, e.g. `POST /v1/customers/{id}`: the key of one rate-limit bucket. */
export type EndpointKey = string;

interface Node {
  literals: Map<string, Node>;
  param?: Node;
}

let root: Node | undefined;

function trie(): Node {
  if (root) return root;
  root = { literals: new Map() };
  for (const template of endpointTemplates) {
    let node = root;
    for (const segment of template.split('/').slice(1)) {
      if (segment === '{id}') node = node.param ??= { literals: new Map() };
      else {
        let next = node.literals.get(segment);
        if (!next) node.literals.set(segment, (next = { literals: new Map() }));
        node = next;
      }
    }
  }
  return root;
}

/**
 * Looks like an object id rather than a word of Stripe's path vocabulary: holds a digit, an upper-case
 * letter or a character other than a-z and `_`. Used only for paths outside the known templates.
 */
function looksLikeId(segment: string): boolean {
  return !/^[a-z_]+$/.test(segment);
}

/**
 * The path template of `path` (query and fragment dropped): each segment that is not a literal of
 * Stripe's known templates at that position becomes `{id}`. A literal wins over an id, as it does at
 * Stripe (`/v1/customers/search` is the search endpoint, not a customer named "search"). Past the known
 * templates, segments that look like ids (see `looksLikeId`) become `{id}` and the others are kept.
 */
export function pathTemplate(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  const segments = bare.split('/').slice(1);
  let node: Node | undefined = trie();
  let out = '';
  for (const segment of segments) {
    const literal: Node | undefined = node?.literals.get(segment);
    if (literal) {
      out += `/${segment}`;
      node = literal;
    } else if (node?.param && segment !== '') {
      out += '/{id}';
      node = node.param;
    } else {
      node = undefined;
      out += looksLikeId(segment) && segment !== '' ? '/{id}' : `/${segment}`;
    }
  }
  return out;
}

/** `GET /v1/customers` for `GET /v1/customers?limit=100&starting_after=cus_1`; meter stream calls keep their own host's path. */
export function endpointKey(method: string, path: string): EndpointKey {
  return `${method.toUpperCase()} ${pathTemplate(path)}`;
}
