// metadata.yaml is a valid registry entry (Airbyte's bundled schema) that agrees with package.json, the spec, the hosts and the image.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagePath, readPackageJson } from '../../src/paths.js';
import { DOCUMENTATION_URL, PROTOCOL_VERSION } from '../../src/commands/spec.js';
import { STRIPE_ORIGINS } from '../../src/stripe/hosts.js';
import { hasShared, sharedDir, sharedSkipReason } from '../helpers/shared.js';
import { loadMetadataValidator } from './metadata-schema.js';
import { pairsOf, parseDockerfile } from './parse-dockerfile.js';

const pkg = readPackageJson('package.json') as { version: string; license: string };
const metadata = parse(readFileSync(packagePath('metadata.yaml'), 'utf8')) as { metadataSpecVersion: unknown; data: Record<string, any> };
const data = metadata.data;

describe.skipIf(!hasShared)(`metadata.yaml against the bundled schema (${hasShared ? 'from ../shared' : sharedSkipReason})`, () => {
  const { validate, schemaDraft, repaired } = hasShared ? loadMetadataValidator(sharedDir) : ({} as ReturnType<typeof loadMetadataValidator>);

  it('compiles the draft-07 schema, repairing only the known ConnectorMetric type slip', () => {
    expect(schemaDraft).toBe('http://json-schema.org/draft-07/schema#');
    for (const pointer of repaired) expect(pointer).toMatch(/^\/properties\/data\/properties\/generated\/properties\/metrics\//);
  });

  it('is valid', () => {
    const valid = validate(metadata);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    ['an unknown key under data', { bogus: true }, 'additionalProperties'],
    ['a definitionId that is not a UUID', { definitionId: 'stripe' }, 'format'],
    ['an unknown connector type', { connectorType: 'sink' }, 'enum'],
  ])('the validator rejects %s (the check has teeth)', (_name, change, keyword) => {
    expect(validate({ ...metadata, data: { ...data, ...change } })).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toContain(keyword);
  });
});

describe('metadata.yaml agrees with the project', () => {
  it('names the connector and its fixed UUID v4 definitionId', () => {
    expect(metadata.metadataSpecVersion).toBe('1.0');
    expect(data).toMatchObject({ name: 'Stripe', connectorType: 'destination', connectorSubtype: 'api', releaseStage: 'alpha', supportLevel: 'community' });
    expect(data.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('tags the image with package.json version, under the name the Dockerfile labels', () => {
    const labels = pairsOf(parseDockerfile(readFileSync(packagePath('Dockerfile'), 'utf8')).stages.at(-1)!, 'LABEL');
    expect(data.dockerImageTag).toBe(pkg.version);
    expect(data.dockerRepository).toBe(labels['io.airbyte.name']);
    expect(data.dockerImageTag).toBe(labels['io.airbyte.version']);
    expect(data.githubIssueLabel).toBe('destination-stripe');
    expect(data.license).toBe(pkg.license);
  });

  it('matches the spec the connector prints (documentation URL, protocol version, data activation)', () => {
    expect(data.documentationUrl).toBe(DOCUMENTATION_URL);
    expect(data.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(data.supportsDataActivation).toBe(true);
    expect(data.tags).toContain('language:typescript');
  });

  it('allows exactly the Stripe hosts the client calls', () => {
    const hosts = Object.values(STRIPE_ORIGINS).map((origin) => new URL(origin).hostname);
    expect([...data.allowedHosts.hosts].sort()).toEqual([...hosts].sort());
  });

  it('points at an icon.svg that is a self-contained SVG', () => {
    expect(data.icon).toBe('icon.svg');
    const path = packagePath(data.icon as string);
    expect(existsSync(path)).toBe(true);
    const svg = readFileSync(path, 'utf8').trim();
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg\b[^>]*\bxmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/\bviewBox="0 0 \d+ \d+"/);
    expect(svg).toMatch(/<\/svg>$/);
    expect(svg).not.toMatch(/<script|<image|href="http|on\w+=/i);
    expect(svg.length).toBeLessThan(10_000);
  });
});
