// integration_tests/acceptance-test-config.yml names the dev image and files that exist; its spec copy is current.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagePath } from '../../src/paths.js';
import { connectorSpecification } from '../../src/commands/spec.js';

interface AcceptanceConfig {
  connector_image: string;
  acceptance_tests: {
    spec: { tests: Array<{ spec_path: string }> };
    connection: { tests: Array<{ config_path: string; status: 'succeed' | 'failed' | 'exception' }> };
  };
}


describe('acceptance-test-config.yml', () => {
  const config = parse(readFileSync(packagePath('integration_tests', 'acceptance-test-config.yml'), 'utf8')) as AcceptanceConfig;

  it('targets the dev tag of the image metadata.yaml names', () => {
    const metadata = parse(readFileSync(packagePath('metadata.yaml'), 'utf8')) as { data: { dockerRepository: string } };
    expect(config.connector_image).toBe(`${metadata.data.dockerRepository}:dev`);
  });

  it('expects the sample config to pass check and the invalid one to fail', () => {
    expect(config.acceptance_tests.connection.tests).toEqual([
      { config_path: 'integration_tests/sample_config.json', status: 'succeed' },
      { config_path: 'integration_tests/invalid_config.json', status: 'failed' },
    ]);
  });

  it('references only files that exist', () => {
    const paths = [
      ...config.acceptance_tests.spec.tests.map((t) => t.spec_path),
      ...config.acceptance_tests.connection.tests.map((t) => t.config_path),
    ];
    expect(paths.length).toBeGreaterThanOrEqual(3);
    for (const path of paths) expect(existsSync(packagePath(path)), path).toBe(true);
  });

  it(`holds a spec_path equal to what \`spec\` prints (if not, run npm run generate)`, () => {
    for (const { spec_path } of config.acceptance_tests.spec.tests) {
      expect(JSON.parse(readFileSync(packagePath(spec_path), 'utf8'))).toEqual(connectorSpecification());
    }
  });
});
