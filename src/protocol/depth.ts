// Nesting depth of parsed JSON, measured without recursion so any input can be checked safely.

/** Deepest nesting a record's data may have: Stripe bodies are a few levels deep; deeper input would only exhaust the stack downstream. */
export const MAX_DATA_DEPTH = 64;

/** True when `value` has objects or arrays nested more than `limit` levels (the value itself is level 1). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
