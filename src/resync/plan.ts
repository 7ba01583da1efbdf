// A dry run's plan: per stream, how many records would create, update, delete or leave their object alone, and which fields change.
import type { PlannedAction } from '../core/mapped-request.js';

interface StreamPlan {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  reject: number;
  send: number;
  /** Refused because a reference (`references`) resolves to nothing or to several objects. */
  unresolved: number;
  /** Field name → records whose update changes it. */
  fields: Map<string, number>;
}

export class SyncPlan {
  private readonly streams = new Map<string, StreamPlan>();

  note(stream: string, planned: PlannedAction): void {
    let plan = this.streams.get(stream);
    if (!plan) this.streams.set(stream, (plan = { create: 0, update: 0, delete: 0, unchanged: 0, reject: 0, send: 0, unresolved: 0, fields: new Map() }));
    plan[planned.action] += 1;
    if (planned.action === 'reject' && planned.code.startsWith('reference_')) plan.unresolved += 1;
    if (planned.action === 'update') for (const f of planned.changed) plan.fields.set(f, (plan.fields.get(f) ?? 0) + 1);
  }

  counts(stream: string): Omit<StreamPlan, 'fields'> & { fields: Record<string, number> } | undefined {
    const plan = this.streams.get(stream);
    if (!plan) return undefined;
    const { fields, ...counts } = plan;
    return { ...counts, fields: Object.fromEntries(fields) };
  }

  /** One line per stream, e.g. `dry run plan for stream "customers": 0 to create, 3 to update (fields: name ×3), 0 to delete, 297 unchanged`. */
  lines(): string[] {
    return [...this.streams].map(([stream, p]) => {
      const fields = [...p.fields].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([f, n]) => `${f} ×${n}`);
      const parts = [`${p.create} to create`, `${p.update} to update${fields.length ? ` (fields: ${fields.join(', ')})` : ''}`, `${p.delete} to delete`, `${p.unchanged} unchanged`];
      if (p.reject) parts.push(`${p.reject} refused${p.unresolved ? ` (${p.unresolved} with unresolved references)` : ''}`);
      if (p.send) parts.push(`${p.send} not compared (sent as mapped)`);
      return `dry run plan for stream "${stream}": ${parts.join(', ')}`;
    });
  }
}
