// Validates printed lines against the Airbyte protocol schema in ../shared (ajv over the YAML).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { TestRunner } from 'vitest';
import { hasShared, sharedDir, sharedSkipReason } from './shared.js';

let validator: ValidateFunction | undefined;

function airbyteMessageValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = parse(readFileSync(join(sharedDir, 'airbyte', 'airbyte_protocol.yaml'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(schema, 'airbyte');
  validator = ajv.compile({ $ref: 'airbyte#/definitions/AirbyteMessage' });
  return validator;
}

/**
 * Throws naming the line and the schema error when any line is not a valid AirbyteMessage. Without ../shared
 * there is no schema: the check is skipped, loudly (a line on stderr and a warning annotation on the test).
 */
export function assertProtocolLines(stdout: string, available = hasShared): void {
  if (!available) return skipCheckLoudly('Airbyte protocol check');
  const validate = airbyteMessageValidator();
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .forEach((line, i) => {
      const message = JSON.parse(line) as unknown;
      if (!validate(message)) throw new Error(`stdout line ${i + 1} is not a valid AirbyteMessage: ${JSON.stringify(validate.errors)}`);
    });
}

export const parseLines = (stdout: string): Array<Record<string, any>> =>
  stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, any>);

/** Says on stderr, and on the running test as a warning annotation, that a check did not run and why. */
export function skipCheckLoudly(check: string): void {
  const test = TestRunner.getCurrentTest();
  const note = `${check} ${sharedSkipReason}`;
  process.stderr.write(`SKIPPED CHECK in "${test?.name ?? 'a test'}": ${note}\n`);
  test?.context.annotate(note, 'warning').catch(() => undefined);
}
