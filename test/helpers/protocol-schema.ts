// Validates printed lines against the Airbyte protocol schema in ../shared (ajv over the YAML).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { hasShared, sharedDir } from './shared.js';

let validator: ValidateFunction | undefined;

function airbyteMessageValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = parse(readFileSync(join(sharedDir, 'airbyte', 'airbyte_protocol.yaml'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(schema, 'airbyte');
  validator = ajv.compile({ $ref: 'airbyte#/definitions/AirbyteMessage' });
  return validator;
}

/** Throws naming the line and the schema error when any line is not a valid AirbyteMessage. Skips when ../shared is absent. */
export function assertProtocolLines(stdout: string): void {
  if (!hasShared) return;
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
