// Pure checks on what the container printed and what the emulator stored (unit-tested without an engine).

export interface ProtocolMessage {
  type: string;
  [key: string]: unknown;
}

/** The Airbyte messages among a command's stdout lines (lines that are not JSON objects with a type are skipped). */
export function protocolMessages(stdout: string): ProtocolMessage[] {
  const out: ProtocolMessage[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object' && typeof (parsed as ProtocolMessage).type === 'string') out.push(parsed as ProtocolMessage);
    } catch {
      // not a protocol line
    }
  }
  return out;
}

/** The `stream_state.cursor` of each STATE message, in order. */
export function stateCursors(messages: ProtocolMessage[]): string[] {
  return messages
    .filter((m) => m.type === 'STATE')
    .map((m) => (m as { state?: { stream?: { stream_state?: { cursor?: unknown } } } }).state?.stream?.stream_state?.cursor)
    .filter((c): c is string => typeof c === 'string');
}

/** A write of `batches` batches, each closed by a STATE whose cursor is `batch-<n>`: the records and the input lines. */
export function batchedInput(stream: string, batches: number, perBatch: number): { lines: string[]; ids: string[][] } {
  const lines: string[] = [];
  const ids: string[][] = [];
  for (let b = 1; b <= batches; b++) {
    const batch: string[] = [];
    for (let r = 1; r <= perBatch; r++) {
      const id = `stop-${String((b - 1) * perBatch + r).padStart(5, '0')}`;
      batch.push(id);
      const data = { email: `${id}@example.com`, name: `Stop ${id}`, metadata: { crm_id: id } };
      lines.push(JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1764300000000 + (b - 1) * perBatch + r } }));
    }
    ids.push(batch);
    lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { cursor: `batch-${b}` } }, sourceStats: { recordCount: perBatch } } }));
  }
  return { lines, ids };
}

export interface StopOutcome {
  exitCode: number;
  /** Cursors of the STATE messages the container emitted, in order. */
  cursors: string[];
  /** crm_ids of the customers the emulator holds. */
  stored: Set<string>;
  /** Record ids per batch, as sent. */
  batches: string[][];
}

/**
 * What is wrong with a write stopped by `docker stop`: an exit other than 0 or 143, a state emitted before all its
 * records were stored, a batch fully stored whose state was not emitted, or a stop that came too late to interrupt.
 */
export function stopProblems(outcome: StopOutcome): string[] {
  const problems: string[] = [];
  if (outcome.exitCode !== 0 && outcome.exitCode !== 143) {
    problems.push(`exit code ${outcome.exitCode}${outcome.exitCode === 137 ? ' (SIGKILL: the container did not end within the stop timeout)' : ''}, expected 0 or 143`);
  }
  const emitted = outcome.cursors.map((c) => Number(/^batch-(\d+)$/.exec(c)?.[1] ?? NaN));
  if (emitted.some((n) => !Number.isInteger(n))) problems.push(`unexpected state cursors: ${outcome.cursors.join(', ')}`);
  if (emitted.some((n, i) => i > 0 && n <= (emitted[i - 1] ?? 0))) problems.push(`states out of order: ${outcome.cursors.join(', ')}`);
  const last = emitted.at(-1) ?? 0;
  // The longest prefix of batches whose records are all stored.
  let settled = 0;
  while (settled < outcome.batches.length && (outcome.batches[settled] ?? []).every((id) => outcome.stored.has(id))) settled++;
  if (last > settled) problems.push(`state batch-${last} was emitted, but batch ${settled + 1}'s records are not all stored`);
  if (last < settled) problems.push(`batches 1-${settled} are stored, but the last state emitted is ${last ? `batch-${last}` : 'none'}`);
  if (settled === outcome.batches.length) problems.push('every batch was stored before the stop took effect: the write was not interrupted (make it longer)');
  if (last === 0) problems.push('no state was emitted');
  return problems;
}

/** The image ids a classic `docker build` log names as step results, in order, leaving out the bases of FROM steps. */
export function builtImageIds(buildLog: string): string[] {
  const ids: string[] = [];
  for (const step of buildLog.split(/^Step \d+\/\d+ : /m).slice(1)) {
    if (/^FROM\s/i.test(step)) continue;
    for (const match of step.matchAll(/^ ---> ([0-9a-f]{12})\s*$/gm)) if (match[1] && !ids.includes(match[1])) ids.push(match[1]);
  }
  return ids;
}
