// The emitter is the only writer of stdout: every LOG and TRACE text passes its redactor, whichever method wrote it.
import { describe, expect, it } from 'vitest';
import { createRedactor, MASK } from '../../src/config/redact.js';
import { createEmitter } from '../../src/protocol/emitter.js';
import { ConnectorError } from '../../src/protocol/errors.js';
import { collector } from '../helpers/streams.js';

const TOKEN = 'CANARYwebhookToken42';
const config = { api_key: 'sk_test_CANARYkey99', response_webhook: { url: 'https://hooks.example.com', headers: { 'X-Secret': TOKEN } } };

function emitterWithOutput() {
  const out = collector();
  return { emitter: createEmitter(out.stream, createRedactor(config)), lines: () => out.text().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('createEmitter', () => {
  it('log() masks the configured secrets and Stripe keys', () => {
    const { emitter, lines } = emitterWithOutput();
    emitter.log('WARN', `field ${TOKEN}, key sk_test_CANARYkey99, other sk_live_CANARYother`);
    expect(lines()).toEqual([{ type: 'LOG', log: { level: 'WARN', message: `field ${MASK}, key ${MASK}, other ${MASK}` } }]);
  });

  it('emit() masks LOG and TRACE messages built elsewhere', () => {
    const { emitter, lines } = emitterWithOutput();
    emitter.emit({ type: 'LOG', log: { level: 'INFO', message: `a ${TOKEN}` } });
    emitter.emit({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1, error: { message: `b ${TOKEN}`, failure_type: 'system_error' } } });
    expect(lines().map((l) => l.log?.message ?? l.trace.error.message)).toEqual([`a ${MASK}`, `b ${MASK}`]);
  });

  it('emit() leaves STATE messages exactly as the source sent them', () => {
    const { emitter, lines } = emitterWithOutput();
    const state = { type: 'STREAM' as const, stream: { stream_descriptor: { name: 's' }, stream_state: { cursor: TOKEN } } };
    emitter.emit({ type: 'STATE', state });
    expect(lines()).toEqual([{ type: 'STATE', state }]);
  });

  it('traceError() masks both the message and the internal message', () => {
    const { emitter, lines } = emitterWithOutput();
    emitter.traceError(new ConnectorError({ failureType: 'config_error', message: `user ${TOKEN}`, internalMessage: `internal sk_test_CANARYkey99 ${TOKEN}` }));
    const [trace] = lines();
    expect(trace!.trace.error).toEqual({ message: `user ${MASK}`, internal_message: `internal ${MASK} ${MASK}`, failure_type: 'config_error' });
  });
});
