// The layering of src/ and the emulator, checked by dependency-cruiser from `npm test` (test/architecture/layers.test.ts)
// and by hand with `npm run layers`. docs/architecture.md ("Floors") explains each floor.
//
// Floors, bottom first. A module may import from its own floor and the floors below it, never from a floor above.
const FLOORS = [
  { name: 'foundation', paths: ['src/core/', 'src/generated/', 'src/paths\\.ts$'] },
  { name: 'protocol', paths: ['src/protocol/'] },
  { name: 'config', paths: ['src/config/'] },
  { name: 'stripe', paths: ['src/stripe/'] },
  { name: 'resync', paths: ['src/resync/'] },
  { name: 'mapping', paths: ['src/mapping/'] },
  { name: 'pipeline', paths: ['src/pipeline/'] },
  { name: 'rejected', paths: ['src/rejected/'] },
  { name: 'commands', paths: ['src/commands/'] },
  { name: 'entry', paths: ['src/[^/]+\\.ts$'] },
];

const pattern = (paths) => `^(?:${paths.join('|')})`;

/** One rule per floor: nothing on it imports from any floor above. */
const upward = FLOORS.slice(0, -1).map((floor, i) => {
  const above = FLOORS.slice(i + 1).flatMap((f) => f.paths);
  const exempt = FLOORS.slice(0, i + 1).flatMap((f) => f.paths);
  return {
    name: `no-upward-import-from-${floor.name}`,
    comment: `${floor.name} sits below ${FLOORS.slice(i + 1).map((f) => f.name).join(', ')}: it may not import from them.`,
    severity: 'error',
    from: { path: pattern(floor.paths) },
    // `entry` matches any src/*.ts, paths.ts included, so the floor's own paths are taken out again.
    to: { path: pattern(above), pathNot: pattern(exempt) },
  };
});

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'No import circles, in src/ or in the emulator: each module can be read (and loaded) after the ones it needs.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-stands-alone',
      comment: 'The shipped code imports nothing from tests, benches, scripts or the emulator.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(?:test|bench|scripts|integration_tests)/' },
    },
    {
      name: 'emulator-owns-its-code',
      comment: 'The emulator is a stand-in for Stripe: it may read the generated schemas\' shapes, never the connector\'s logic.',
      severity: 'error',
      from: { path: '^integration_tests/emulator/' },
      to: { path: '^src/', pathNot: '^src/(?:generated/|mapping/schema-index\\.ts$)' },
    },
  ],
  options: {
    // `import type` counts: a type imported upwards ties the floors together just as much.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
