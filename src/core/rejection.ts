// A record-level refusal: the one shape every floor uses to say why a record was not written.

/** A record-level refusal: counted and logged by policy, never fails the sync by itself. */
export interface Rejection {
  /** Short machine code, e.g. a Stripe error code or `validation_failed`. */
  code: string;
  /** Human reason naming fields, never values. */
  reason: string;
  /** JSON path or Stripe `param` of the offending field. */
  param?: string;
  status?: number;
  requestId?: string;
  type?: string;
  declineCode?: string;
}
