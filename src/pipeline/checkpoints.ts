// Releases each STATE only after every record read before it has settled, in input order, with destinationStats.
import type { AirbyteStateMessage } from '../generated/protocol.js';
import { streamScope } from '../protocol/catalog.js';

interface Window {
  records: number;
  rejected: number;
}

/** Handed out per record; pass it back to settle(). */
export interface Ticket {
  readonly seq: number;
  readonly windows: readonly Window[];
  settled: boolean;
}

interface PendingState {
  barrier: number;
  state: AirbyteStateMessage;
  window: Window;
}

/** Stream scopes always hold a NUL (`namespace\0name`); this one holds none, so no stream (not even one named
 * "global") can share its window. */
const GLOBAL_SCOPE = 'global';

/** The scope a state checkpoints: its stream for STREAM states, everything for GLOBAL and LEGACY. */
export function stateScope(state: AirbyteStateMessage): string {
  if (state.type === 'STREAM' && state.stream) return streamScope(state.stream.stream_descriptor.name, state.stream.stream_descriptor.namespace);
  return GLOBAL_SCOPE;
}

export class Checkpointer {
  private nextSeq = 0;
  /** Unsettled or recently settled tickets in seq order; the head advances past settled ones (amortised O(1)). */
  private inFlight: Ticket[] = [];
  private head = 0;
  private states: PendingState[] = [];
  private stateHead = 0;
  private windows = new Map<string, Window>();
  /** Per stream scope: the windows its records count in (its own and the global one), dropped when a state replaces one. */
  private recordWindows = new Map<string, readonly Window[]>();
  private released = 0;

  /**
   * `heldFrom`, when given, names the lowest record sequence number whose outcome is not durable yet (a
   * refusal the rejected-records store has not written whole): no state after it is released.
   */
  constructor(
    private readonly release: (state: AirbyteStateMessage) => void,
    private readonly heldFrom: () => number = () => Infinity,
  ) {}

  /** Releases what a durable outcome was holding back (call when `heldFrom` rose). */
  recheck(): void {
    this.advance();
  }

  /** Registers a record of the given stream; it must be settled before any later state is released. */
  addRecord(stream: string, namespace?: string | null): Ticket {
    const scope = streamScope(stream, namespace);
    // Tickets of one stream share their windows (until a state opens new ones): one array per stream, not per record.
    let windows = this.recordWindows.get(scope);
    if (!windows) this.recordWindows.set(scope, (windows = [this.window(scope), this.window(GLOBAL_SCOPE)]));
    for (const w of windows) w.records += 1;
    const ticket: Ticket = { seq: this.nextSeq++, windows, settled: false };
    this.inFlight.push(ticket);
    return ticket;
  }

  /** Marks a record settled (written, or rejected and counted) and releases the states it was holding back. */
  settle(ticket: Ticket, rejected: boolean): void {
    if (ticket.settled) return;
    ticket.settled = true;
    if (rejected) for (const w of ticket.windows) w.rejected += 1;
    this.advance();
  }

  /** Registers a state: it is released once every record before it has settled. */
  addState(state: AirbyteStateMessage): void {
    const scope = stateScope(state);
    const window = this.window(scope);
    this.windows.set(scope, { records: 0, rejected: 0 });
    if (scope === GLOBAL_SCOPE) this.recordWindows.clear();
    else this.recordWindows.delete(scope);
    this.states.push({ barrier: this.nextSeq, state, window });
    this.advance();
  }

  /** Records read but not yet settled. */
  get unsettled(): number {
    return this.inFlight.length - this.head;
  }

  /** States received but not yet released. */
  get heldStates(): number {
    return this.states.length - this.stateHead;
  }

  get releasedStates(): number {
    return this.released;
  }

  private window(scope: string): Window {
    let w = this.windows.get(scope);
    if (!w) this.windows.set(scope, (w = { records: 0, rejected: 0 }));
    return w;
  }

  private advance(): void {
    while (this.head < this.inFlight.length && this.inFlight[this.head]!.settled) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.inFlight.length) {
      this.inFlight = this.inFlight.slice(this.head);
      this.head = 0;
    }
    const lowWater = Math.min(this.head < this.inFlight.length ? this.inFlight[this.head]!.seq : this.nextSeq, this.heldFrom());
    while (this.stateHead < this.states.length && this.states[this.stateHead]!.barrier <= lowWater) {
      const { state, window } = this.states[this.stateHead]!;
      this.states[this.stateHead] = undefined as unknown as PendingState;
      this.stateHead += 1;
      this.released += 1;
      this.release({ ...state, destinationStats: { ...(state.destinationStats ?? {}), recordCount: window.records, rejectedRecordCount: window.rejected } });
    }
    if (this.stateHead > 1024 && this.stateHead * 2 > this.states.length) {
      this.states = this.states.slice(this.stateHead);
      this.stateHead = 0;
    }
  }
}
