// Reads a JSON file given on the command line, reporting problems without echoing its content.
import { readFile } from 'node:fs/promises';
import type { Config } from '../generated/config.js';
import { configError } from '../protocol/errors.js';
import { configErrorFor, validateConfig } from './validate.js';

/** Reads and parses a JSON file; a missing or malformed file is a config_error naming the file and position. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw configError(`Cannot read the ${what} file ${path} (${code}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw configError(`The ${what} file ${path} is not valid JSON${position(text, error)}.`);
  }
}

/** Reads, validates and fills defaults; throws a config_error naming each bad field. */
export async function loadConfig(path: string): Promise<Config> {
  const raw = await readJsonFile(path, 'config');
  const result = validateConfig(raw);
  if (!result.ok) throw configErrorFor(result.problems);
  return result.config;
}

function position(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!match) return '';
  const offset = Number(match[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}
