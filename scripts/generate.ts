// `npm run generate`: regenerates src/generated/{protocol,config,endpoint-templates,stripe-api-version}.ts, schemas/, docs/resources.md and integration_tests/spec.json from their sources.
import { writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { generateConfigTypes, generateProtocolTypes } from './generate-types.js';
import { writeSchemas } from './generate-schemas.js';
import { generateEndpointTemplates } from './generate-endpoints.js';
import { stripeApiVersionModule } from './stripe-types.js';
import { connectorSpecification } from '../src/commands/spec.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await mkdir(join(root, 'src', 'generated'), { recursive: true });
await writeFile(join(root, 'src', 'generated', 'protocol.ts'), await generateProtocolTypes());
await writeFile(join(root, 'src', 'generated', 'config.ts'), await generateConfigTypes());
await writeFile(join(root, 'src', 'generated', 'stripe-api-version.ts'), stripeApiVersionModule());
const written = await writeSchemas();
// The endpoint templates and the resource docs read the registry, which reads the schemas just written.
await writeFile(join(root, 'src', 'generated', 'endpoint-templates.ts'), await generateEndpointTemplates());
const { renderResourceDocs } = await import('./generate-resource-docs.js');
await writeFile(join(root, 'docs', 'resources.md'), renderResourceDocs());
await writeFile(join(root, 'integration_tests', 'spec.json'), JSON.stringify(connectorSpecification(), null, 2) + '\n');
console.log(`wrote src/generated/protocol.ts, src/generated/config.ts, src/generated/endpoint-templates.ts, src/generated/stripe-api-version.ts, ${written.length} files in schemas/, docs/resources.md and integration_tests/spec.json`);
